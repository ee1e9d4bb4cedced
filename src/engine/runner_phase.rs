//! One runner for one run: make sure its image exists, pack the workspace, run the container, read back
//! what it wrote. Whatever the PR's code does in there ends up as a [`RunnerResult`], never as an error.

use std::path::Path;
use std::time::Instant;

use crate::collect;
use crate::deps;
use crate::lang;
use crate::model::{Logs, RunnerResult, SandboxOutcome, TargetFile};
use crate::runners;
use crate::safe_tar;
use crate::sandbox::{Finished, Limits, Outcome};

use super::container::Container;
use super::context::RunContext;
use super::model_phase;
use super::{EngineError, Source};

/// Runs one runner over its targets on one runtime version (which one: `runtime_phase`): the image, the
/// dependency phase, the builtin run and, when a model is configured, the model phase.
pub async fn run_runner(
    ctx: &RunContext<'_>,
    runtime: runners::Runtime,
    targets: &[TargetFile],
    source: &Source,
) -> Result<RunnerRun, EngineError> {
    let runner = runtime.runner;
    let RunContext {
        run_id,
        sandbox,
        settings,
        out,
        progress,
        cancel,
        ..
    } = *ctx;
    let started = Instant::now();
    let mut result = empty_result(runtime, targets);
    if !runners::available().contains(&runner) {
        result.outcome = SandboxOutcome::Failed {
            message: format!(
                "the {} runner is not available in this version of ato",
                runner.name()
            ),
        };
        return Ok(RunnerRun {
            result,
            sources: Vec::new(),
        });
    }
    result.image = runners::ensure_runtime(sandbox.docker(), runtime, progress).await?;
    let mut container = Container {
        run: *ctx,
        runner,
        image: result.image.clone(),
        source,
        deps: None,
        out_dir: out.join("runners").join(runner.name()),
    };
    let workspace_tar = container.workspace(targets, Vec::new(), Vec::new()).await?;

    let dependencies = deps::prepare(
        sandbox,
        run_id.as_str(),
        lang::family(runner),
        &result.image,
        &workspace_tar,
        &settings.limits,
        &settings.deps,
        cancel,
    )
    .await?;
    if dependencies.cache != deps::CacheUse::NotNeeded {
        progress(&format!(
            "{} dependencies: {} ({} ms)",
            runner.name(),
            dependencies.cache.describe(),
            dependencies.duration.as_millis()
        ));
    }
    // Read-only: the tests use the installed dependencies and can never change the cache.
    container.deps = dependencies.mount.clone();
    let tested = run_tests(
        &container,
        runtime,
        targets,
        source,
        workspace_tar,
        &mut result,
    )
    .await;
    // Whatever became of the tests: what the dependency phase made for this run only goes now.
    deps::release(sandbox, &dependencies).await;
    let sources = tested?;
    let runner_out = container.out_dir.clone();
    // What the dependency phase found comes first: a missing package explains the import errors after it.
    let mut deps_notes = dependencies.notes;
    if let Some(output) = &dependencies.install_output {
        deps_notes.push(keep_install_output(&runner_out, runner, output));
    }
    result.problems.splice(0..0, dependencies.problems);
    result.notes.splice(0..0, deps_notes);
    result.notes.extend(settings.notes.iter().cloned());
    result.duration_ms = started.elapsed().as_millis() as u64;
    Ok(RunnerRun { result, sources })
}

/// The builtin run and, when a model is configured, the model phase, in `container` (its dependencies
/// mounted): fills `result` and gives the generated test files.
async fn run_tests(
    container: &Container<'_>,
    runtime: runners::Runtime,
    targets: &[TargetFile],
    source: &Source,
    workspace_tar: Vec<u8>,
    result: &mut RunnerResult,
) -> Result<Vec<(String, String)>, EngineError> {
    let RunContext {
        sandbox,
        settings,
        progress,
        cancel,
        ..
    } = container.run;
    let runner = runtime.runner;

    progress(&format!(
        "running the {} runner on {} file(s) with {}…",
        runner.name(),
        targets.len(),
        runtime.label()
    ));
    // The model is asked on the host while the builtin generator runs in the sandbox.
    let asking = async {
        match &settings.model {
            Some(model) => Some(model_phase::ask(model, targets, source).await),
            None => None,
        }
    };
    let (finished, asked) = tokio::join!(sandbox.run(container.job(workspace_tar), cancel), asking);
    let finished = finished?;
    result.logs = Logs {
        stdout: finished.stdout.clone(),
        stderr: finished.stderr.clone(),
        truncated: finished.output_truncated,
    };
    let runner_out = container.out_dir.clone();
    result.outcome = outcome(&finished, &settings.limits);
    let mut sources = Vec::new();
    if let SandboxOutcome::Completed { .. } = result.outcome {
        match read_results(&finished, &runner_out, targets) {
            Ok(collected) => {
                sources = fill(result, collected, &runner_out)?;
            }
            Err(message) => {
                result.outcome = SandboxOutcome::Crashed {
                    exit_code: exit_code(&finished),
                    message,
                }
            }
        }
    }
    if let (Some(asked), Some(model)) = (asked, &settings.model) {
        let model_run =
            model_phase::validate(asked?, model, container, targets, &result.coverage).await?;
        result.generated_files.extend(model_run.generated);
        sources.extend(model_run.sources);
        result.model_tests = Some(model_run.tests);
    }
    Ok(sources)
}

/// Writes the output of a dependency install that failed or left packages out next to the runner's other files; the note says where.
fn keep_install_output(
    runner_out: &std::path::Path,
    runner: crate::model::Runner,
    output: &str,
) -> String {
    const FILE: &str = "deps-install.log";
    let written = std::fs::create_dir_all(runner_out)
        .and_then(|()| std::fs::write(runner_out.join(FILE), output));
    match written {
        Ok(()) => format!(
            "the dependency installer's output is in runners/{}/{FILE}",
            runner.name()
        ),
        Err(error) => format!("the dependency installer's output could not be kept: {error}"),
    }
}

/// A runner's result and the generated test files, as `(repo path, contents)`, for the report and patch.
pub struct RunnerRun {
    pub result: RunnerResult,
    pub sources: Vec<(String, String)>,
}

fn empty_result(runtime: runners::Runtime, targets: &[TargetFile]) -> RunnerResult {
    RunnerResult {
        runner: runtime.runner,
        image: runners::runtime_image_ref(runtime).unwrap_or_default(),
        outcome: SandboxOutcome::Failed {
            message: "not run".to_string(),
        },
        duration_ms: 0,
        targets: targets.to_vec(),
        tests: Vec::new(),
        behaviour_changes: Vec::new(),
        coverage: Vec::new(),
        findings: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        generated_files: Vec::new(),
        logs: Logs::default(),
        model_tests: None,
        runtime: None,
    }
}

fn exit_code(finished: &Finished) -> i64 {
    match finished.outcome {
        Outcome::Exited { code } => code,
        _ => -1,
    }
}

/// How the container ended, before looking at what it wrote.
fn outcome(finished: &Finished, limits: &Limits) -> SandboxOutcome {
    match finished.outcome {
        Outcome::Exited { code: 0 } => SandboxOutcome::Completed { exit_code: 0 },
        Outcome::Exited { code } => SandboxOutcome::Crashed {
            exit_code: code,
            message: last_lines(&finished.stderr, 20),
        },
        Outcome::TimedOut => SandboxOutcome::TimedOut {
            limit_secs: limits.timeout.as_secs(),
        },
        Outcome::OutOfMemory => SandboxOutcome::OutOfMemory {
            limit_bytes: limits.memory_bytes,
        },
    }
}

/// Unpacks the runner's `out/` safely (it was written by hostile code) and reads it.
fn read_results(
    finished: &Finished,
    dest: &Path,
    targets: &[TargetFile],
) -> Result<collect::Collected, String> {
    let tar = finished
        .results_tar
        .as_deref()
        .ok_or_else(|| "the runner wrote no results".to_string())?;
    if dest.exists() {
        std::fs::remove_dir_all(dest)
            .map_err(|err| format!("cannot clear {}: {err}", dest.display()))?;
    }
    std::fs::create_dir_all(dest)
        .map_err(|err| format!("cannot create {}: {err}", dest.display()))?;
    let limits = safe_tar::Limits {
        strip_components: 1,
        links: safe_tar::LinkPolicy::RefuseAll,
        ..safe_tar::Limits::default()
    };
    safe_tar::unpack(tar, dest, &limits)
        .map_err(|err| format!("the runner's results were refused: {err}"))?;
    collect::collect(dest, targets)
        .map_err(|err| format!("the runner's results could not be read: {err}"))
}

/// Moves what the runner wrote into the result, with generated file paths made relative to the report folder.
fn fill(
    result: &mut RunnerResult,
    collected: collect::Collected,
    runner_out: &Path,
) -> Result<Vec<(String, String)>, EngineError> {
    let sources = collect::read_sources(runner_out, &collected.generated_files)
        .map_err(|err| EngineError::Internal(format!("cannot read the generated tests: {err}")))?;
    result.notes.extend(sources.unreadable);
    result.tests = collected.tests;
    result.behaviour_changes = collected.behaviour_changes;
    result.coverage = collected.coverage;
    result.findings = collected.findings;
    result.problems = collected.problems;
    result.notes = collected.notes;
    result.generated_files = collected.generated_files;
    let prefix = format!("runners/{}", result.runner.name());
    for file in &mut result.generated_files {
        file.path = format!("{prefix}/{}", file.path);
    }
    Ok(sources.files)
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
