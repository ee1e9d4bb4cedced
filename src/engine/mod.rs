//! One run from start to end: read the change, plan, run each runner in the sandbox, collect, report.
//!
//! The engine does not know where the code came from: [`Source`] is a local git repository for `ato run`
//! and two unpacked tarballs for the GitHub App. It returns [`RunResults`] and writes the report files.

mod container;
mod context;
mod model_phase;
mod runner_phase;
mod runtime_choice;
mod runtime_phase;
mod settings;
mod source;
mod workspace;

use std::path::PathBuf;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use crate::generate::{self, ModelSettings};
use crate::ids::RunId;
use crate::model::{RunResults, Runner, SCHEMA_VERSION};
use crate::plan::PlanConfig;
use crate::repo_config::{self, Generation, RepoConfig};
use crate::report;
use crate::runners;
use crate::sandbox::{Limits, Sandbox};

pub(crate) use context::RunContext;
pub(crate) use settings::RunnerSettings;
pub(crate) use source::Source;

/// What `ato run` was asked to do.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub repo: PathBuf,
    pub base: Option<String>,
    /// Every public function of the head, measured against nothing (`ato run --all`).
    pub all: bool,
    pub head: Option<String>,
    pub out: PathBuf,
    /// `None`: `reruns:` of `.github/ato.yml`, else 3.
    pub reruns: Option<u32>,
    pub seed: u64,
    /// Non-empty: replaces `include:` of `.github/ato.yml`.
    pub include: Vec<String>,
    /// Non-empty: replaces `exclude:` of `.github/ato.yml`.
    pub exclude: Vec<String>,
    /// Which generators run; `None`: `generate:` of `.github/ato.yml`, else the builtin one, and the model
    /// too when LLM_* configure one. Asking for the model here when none is configured is an error.
    pub generate: Option<Generation>,
}

/// What a finished run left behind.
#[derive(Debug)]
pub struct RunOutcome {
    pub results: RunResults,
    pub report_path: PathBuf,
}

/// Why ato could not do its job. Everything else (bad code in the PR, a hanging module, a failing test) is a
/// result, not an error.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
    #[error(transparent)]
    Image(#[from] runners::ImageError),
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error(transparent)]
    Deps(#[from] crate::deps::DepsError),
    #[error("cannot write the report to {path}: {source}")]
    Report {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
    #[error("the run was cancelled")]
    Cancelled,
    #[error("{0}")]
    Internal(String),
}

/// `ato run`: a local repository, from revisions to a report folder.
pub async fn run_local(
    request: RunRequest,
    progress: runners::Progress<'_>,
) -> Result<RunOutcome, EngineError> {
    let source = if request.all {
        Source::local_all(&request.repo, request.head.as_deref())?
    } else {
        Source::local(
            &request.repo,
            request.base.as_deref(),
            request.head.as_deref(),
        )?
    };
    let model = ModelSettings::from_env(Some(&data_dir())).map_err(EngineError::Config)?;
    if model.is_none() && matches!(request.generate, Some(Generation::Llm | Generation::Both)) {
        return Err(EngineError::Config(
            "--generate llm/both asks for a language model, but none is configured: set LLM_BASE_URL and \
             LLM_MODEL (and LLM_API_KEY when the API needs one), or use --generate builtin"
                .into(),
        ));
    }
    let sandbox = Sandbox::connect().await?;
    // Other `ato run`s may share this engine: remove only what dead processes left.
    let swept = sandbox
        .sweep_stale(std::time::Duration::from_secs(120))
        .await?;
    if swept > 0 {
        tracing::info!(swept, "removed leftover containers from an earlier run");
    }
    let deps = crate::deps::DepsSettings::from_env()?;
    let repo_config = local_repo_config(&source, progress);
    let mut limits = Limits::from_env().map_err(EngineError::Sandbox)?;
    if let Some(secs) = repo_config.timeout_secs {
        limits.timeout = std::time::Duration::from_secs(secs);
    }
    let settings = RunnerSettings {
        reruns: request.reruns.unwrap_or(repo_config.reruns),
        seed: request.seed,
        limits,
        notes: deps.notes.clone(),
        deps,
        builtin: true,
        model: None,
    };
    let generation = request.generate.or(repo_config.generate);
    let settings = settings.with_generators(generate::choose(generation, model.as_ref()));
    let or_config = |flags: &[String], config: Vec<String>| {
        if flags.is_empty() {
            config
        } else {
            flags.to_vec()
        }
    };
    let config = PlanConfig {
        include: or_config(&request.include, repo_config.include),
        exclude: or_config(&request.exclude, repo_config.exclude),
        languages: repo_config.languages,
    };
    let run_id = new_run_id();
    let cancel = CancellationToken::new();
    let ctx = RunContext {
        run_id: &run_id,
        sandbox: &sandbox,
        settings: &settings,
        out: &request.out,
        progress,
        cancel: &cancel,
        repository: None,
    };
    let results = run(&ctx, &source, &config).await?;
    Ok(RunOutcome {
        results,
        report_path: request.out.join("report.html"),
    })
}

/// `.github/ato.yml` as the app reads it: from the base revision (the branch the change goes into), else from
/// the head; its warnings are printed. Absent: the defaults.
fn local_repo_config(source: &Source, progress: runners::Progress<'_>) -> RepoConfig {
    let Some(text) = source
        .read_base(repo_config::PATH)
        .or_else(|| source.read_head(repo_config::PATH))
    else {
        return RepoConfig::default();
    };
    let (config, warnings) = repo_config::parse(&text);
    for warning in warnings {
        progress(&format!("{}: {warning}", repo_config::PATH));
    }
    config
}

/// The pipeline on any [`Source`]; writes the report into the context's `out` and returns the results.
pub async fn run(
    ctx: &RunContext<'_>,
    source: &Source,
    config: &PlanConfig,
) -> Result<RunResults, EngineError> {
    let RunContext {
        run_id,
        out,
        progress,
        cancel,
        ..
    } = *ctx;
    let started = Instant::now();
    progress("planning: reading the change…");
    let plan = source.plan(config).await?;
    progress(&format!(
        "{} changed file(s) to test, {} skipped",
        plan.targets.len(),
        plan.skipped.len()
    ));
    let mut runner_results = Vec::new();
    let mut sources = Vec::new();
    for runner in Runner::ALL {
        let targets: Vec<_> = plan
            .targets
            .iter()
            .filter(|t| t.language.runner() == runner)
            .cloned()
            .collect();
        if targets.is_empty() {
            continue;
        }
        if cancel.is_cancelled() {
            return Err(EngineError::Cancelled);
        }
        let run = runtime_phase::run_runner(ctx, runner, &targets, source).await?;
        progress(&runner_done(&run.result));
        runner_results.push(run.result);
        sources.extend(run.sources);
    }
    let (verdict, summary) = report::verdict(&runner_results);
    let results = RunResults {
        schema_version: SCHEMA_VERSION,
        ato_version: env!("CARGO_PKG_VERSION").to_string(),
        run_id: run_id.to_string(),
        base: source.base_revision(),
        head: source.head_revision(),
        duration_ms: started.elapsed().as_millis() as u64,
        verdict,
        summary,
        skipped_files: plan.skipped,
        runners: runner_results,
    };
    progress("writing the report…");
    let diff = source.diff_text().unwrap_or_default();
    let inputs = report::PageInputs {
        sources: &sources,
        diff: &diff,
        repository: ctx.repository,
        settings: ctx.settings.described(),
    };
    report::write(out, &results, &inputs).map_err(|source| EngineError::Report {
        path: out.to_path_buf(),
        source,
    })?;
    Ok(results)
}

/// `python runner: 12 tests (3 failed, 1 flaky), 2 behaviour changes, 4.2 s`: what a runner found.
fn runner_done(result: &crate::model::RunnerResult) -> String {
    let tally = report::verdict::Tally::of_runner(result);
    let mut parts = vec![format!("{} tests", result.tests.len())];
    if tally.failed + tally.flaky > 0 {
        parts[0].push_str(&format!(
            " ({} failed, {} flaky)",
            tally.failed, tally.flaky
        ));
    }
    if tally.behaviour_changes > 0 {
        parts.push(format!("{} behaviour changes", tally.behaviour_changes));
    }
    parts.push(format!("{:.1} s", result.duration_ms as f64 / 1000.0));
    format!("{} runner: {}", result.runner.name(), parts.join(", "))
}

/// Builds the named runtimes' images (each family's newest, for every family with a recipe, when `runtimes`
/// is empty).
pub async fn build_runners(
    runtimes: &[runners::Runtime],
    force: bool,
    progress: runners::Progress<'_>,
) -> Result<(), EngineError> {
    let sandbox = Sandbox::connect().await?;
    let wanted: Vec<runners::Runtime> = if runtimes.is_empty() {
        runners::available()
            .into_iter()
            .map(runners::Runtime::default_for)
            .collect()
    } else {
        runtimes.to_vec()
    };
    for runtime in wanted {
        runners::build(sandbox.docker(), runtime, force, progress).await?;
        if let Some(why) = runtime.not_offered() {
            progress(&format!(
                "note: runs do not use {} yet: {why}",
                runtime.label()
            ));
        }
    }
    Ok(())
}

/// A run id that sorts by time and is safe in a container label, a path and a URL.
pub fn new_run_id() -> RunId {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    RunId(format!("{}-{:08x}", now.as_secs(), rand::random::<u32>()))
}

/// Where `ato run` keeps what outlives a run (the model's answers): `ATO_DATA_DIR`, else the user's cache folder.
fn data_dir() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("ATO_DATA_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("ato")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("ato")))
        .unwrap_or_else(|| std::env::temp_dir().join("ato"))
}
