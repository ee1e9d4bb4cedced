//! One runner on the runtime version the project asks for: read the head tree's declarations, run on the
//! first version of the order, and when the changed code fails to import there for a reason another
//! version fixes (`pipes` removed in 3.13), run again on the next one, at most [`MAX_RETRIES`] times.
//! Every choice and retry is a progress line and ends up in the result's `runtime`.

use std::collections::BTreeMap;

use crate::declared::is_declaration;
use crate::model::{Runner, RuntimeUse, SandboxOutcome, TargetFile, TriedRuntime};
use crate::runners::{self, Runtime};

use super::context::RunContext;
use super::runner_phase::{self, RunnerRun};
use super::runtime_choice::{Candidate, RuntimePlan, next_candidate, retry_for, runtime_order};
use super::{EngineError, Source};

/// A run that fails on the first version is run again at most this many times.
pub const MAX_RETRIES: usize = 2;

/// Runs `runner` over its targets on the version the head tree asks for, falling back as said above.
pub async fn run_runner(
    ctx: &RunContext<'_>,
    runner: Runner,
    targets: &[TargetFile],
    source: &Source,
) -> Result<RunnerRun, EngineError> {
    let offered = runners::runtimes(runner);
    let tree = head_declarations(source);
    let RuntimePlan {
        order,
        notes,
        declared,
    } = runtime_order(runner, &offered, &tree);
    let Some(first) = order.first() else {
        // No recipe at all: the runner phase says so in the result.
        return runner_phase::run_runner(ctx, Runtime::default_for(runner), targets, source).await;
    };
    ctx.progress(&format!("{}: {}", runner.name(), first.reason));
    let mut current: &Candidate = first;
    let mut run = runner_phase::run_runner(ctx, current.runtime, targets, source).await?;
    let mut tried: Vec<TriedRuntime> = Vec::new();
    let mut left: Vec<Runtime> = vec![current.runtime];
    while tried.len() < MAX_RETRIES {
        if !matches!(run.result.outcome, SandboxOutcome::Completed { .. }) {
            break;
        }
        let Some(retry) = retry_for(current.runtime, &run.result.problems) else {
            break;
        };
        let Some(next) = next_candidate(&order, current, &left, &retry) else {
            run.result.notes.push(format!(
                "{} (the code failed to import on {}), and ato has no other {} version the project allows \
                 to run it on",
                retry.reason,
                current.runtime.label(),
                runners::family_label(runner)
            ));
            break;
        };
        ctx.progress(&format!(
            "{} failed on {}: {}; running it again on {}",
            runner.name(),
            current.runtime.label(),
            retry.reason,
            next.runtime.label()
        ));
        tried.push(TriedRuntime {
            version: current.runtime.label(),
            why_not: retry.reason,
        });
        left.push(next.runtime);
        current = next;
        run = runner_phase::run_runner(ctx, current.runtime, targets, source).await?;
    }
    let reason = match tried.last() {
        None => current.reason.clone(),
        Some(last) => {
            let tried = format!(
                "tried {} first: {}; tested on {}",
                last.version,
                last.why_not,
                current.runtime.label()
            );
            // What the project declares about the version it ended on, when it declares anything.
            match current.reason.split_once(": ") {
                Some((_, why)) if declared => format!("{tried} ({why})"),
                _ => tried,
            }
        }
    };
    run.result.runtime = Some(RuntimeUse {
        version: current.runtime.label(),
        reason,
        tried,
    });
    run.result.notes.extend(notes);
    Ok(run)
}

/// The head tree's declaration files (the ones the readers read), as a [`crate::declared::Tree`].
fn head_declarations(source: &Source) -> BTreeMap<String, Vec<u8>> {
    let files = match source.head_files() {
        Ok(files) => files,
        Err(err) => {
            tracing::warn!(%err, "cannot list the head tree; choosing runtimes without it");
            return BTreeMap::new();
        }
    };
    files
        .into_iter()
        .filter(|path| is_declaration(path))
        .filter_map(|path| {
            let text = source.read_head(&path)?;
            Some((path, text.into_bytes()))
        })
        .collect()
}
