//! One job: authorise a `/ato rerun`, fetch the pull request, run the engine on it, report on GitHub.
//!
//! Whatever goes wrong after the check run exists is shown on it (neutral, with a message a maintainer can
//! act on), so a broken repository never leaves a check spinning.

use std::path::Path;

use tokio_util::sync::CancellationToken;

use super::{WorkerContext, pr_diff};
use crate::engine::{self, EngineError, RunContext, RunnerSettings, Source};
use crate::generate;
use crate::github::{
    CheckRunId, Conclusion, Installation, NewCheckRun, PullRequest, Reaction, TarballLimits,
};
use crate::ids::{CommentId, CommitSha, PrNumber, RepoName, RunId};
use crate::model::{Revision, RunResults};
use crate::plan::PlanConfig;
use crate::publish;
use crate::repo_config::{self, CommentMode, RepoConfig};
use crate::report::{self, ReportLinks};
use crate::report_link::{report_dir, report_url};
use crate::store::{Job, JobTrigger, RequestedCommand};

/// Why a job did not complete. Shown to the operator in the job table and the log, never to the PR's author
/// beyond the check run's message.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("GitHub: {0}")]
    Github(#[from] crate::github::GithubError),
    #[error("store: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Run(String),
}

/// The pull request a job tests, as the worker found it on GitHub.
struct PullRequestJob<'a> {
    github: &'a Installation,
    repo: &'a RepoName,
    pr: &'a PullRequest,
    /// The head tested: the one the event named, or the pull request's current head for a rerun.
    head_sha: &'a CommitSha,
    config: &'a RepoConfig,
}

pub async fn handle(
    ctx: &WorkerContext,
    job: &Job,
    cancel: &CancellationToken,
) -> Result<(), JobError> {
    let (repo, pr_number) = (&job.repo, job.pr_number);
    let github = ctx.github.installation(job.installation_id);

    if let JobTrigger::CommentCommand {
        comment_id,
        user_login,
        command,
        ..
    } = &job.trigger
        && !authorise_command(&github, repo, pr_number, *comment_id, user_login, command).await?
    {
        return Ok(());
    }

    let pr = github.pull_request(repo, pr_number).await?;
    if pr.state != "open" {
        tracing::info!("the pull request is closed; nothing to do");
        return Ok(());
    }
    let repo_info = github.repo(repo).await?;
    let (config, warnings) = match github.ato_config(repo, &repo_info.default_branch).await? {
        Some(text) => repo_config::parse(&text),
        None => (RepoConfig::default(), Vec::new()),
    };
    if pr.draft && !config.drafts && matches!(job.trigger, JobTrigger::PullRequest { .. }) {
        tracing::info!("draft pull request; `drafts: true` in .github/ato.yml runs them");
        return Ok(());
    }
    // The job's head is the one the event named; a rerun takes the pull request's current head.
    let head_sha = job.head_sha.clone().unwrap_or_else(|| pr.head.sha.clone());
    if job.head_sha.is_none() {
        // A rerun learns its head only now; recording it lets a newer push supersede it like any other job.
        ctx.store.set_head(job.id, &head_sha, &pr.base.sha).await?;
    }

    if job.attempts > 1 {
        close_interrupted_runs(ctx, &github, repo, &head_sha).await;
    }
    let run_id = engine::new_run_id();
    let token = ctx.report_key.token(&run_id);
    ctx.store.set_run(job.id, &run_id, &token).await?;
    let report_url = Some(report_url(&ctx.public_url, &ctx.report_key, &run_id));
    let check = github
        .create_check_run(
            repo,
            &NewCheckRun {
                head_sha: head_sha.clone(),
                external_id: run_id.clone(),
                details_url: report_url.clone(),
            },
        )
        .await?;

    let work_dir = ctx.data_dir.join("work").join(run_id.as_str());
    let target = PullRequestJob {
        github: &github,
        repo,
        pr: &pr,
        head_sha: &head_sha,
        config: &config,
    };
    let outcome = run_pull_request(ctx, &target, &run_id, &work_dir, cancel).await;
    if let Err(error) = tokio::fs::remove_dir_all(&work_dir).await
        && error.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(%error, "cannot remove the job's source trees");
    }
    match outcome {
        Ok(results) => {
            let links = ReportLinks {
                report: report_url,
                patch: None,
            };
            let markdown = report::markdown(&results, &links);
            let previous = previous_results(ctx, job).await;
            github
                .complete_check_run(
                    repo,
                    check,
                    publish::conclusion(results.verdict),
                    &publish::check_output(&results, &markdown, &warnings),
                    &publish::annotations(&results),
                )
                .await?;
            let changed = previous
                .as_ref()
                .is_none_or(|p| !report::same_result(p, &results));
            let post = match config.comment {
                CommentMode::Always => true,
                CommentMode::OnChange => changed,
                CommentMode::Never => false,
            };
            if post {
                let comment = report::comment(&results, previous.as_ref(), &links);
                github
                    .upsert_report_comment(repo, pr_number, &comment)
                    .await?;
            } else if config.comment == CommentMode::OnChange {
                tracing::info!(
                    "the result is the same as the previous run's; the comment is left as it is"
                );
            }
            Ok(())
        }
        Err(RunError::Cancelled) => {
            let output =
                publish::error_output("A newer push to this pull request replaced this run.");
            close(&github, repo, check, Conclusion::Cancelled, output).await
        }
        Err(RunError::Failed(message)) => {
            close(
                &github,
                repo,
                check,
                Conclusion::Neutral,
                publish::error_output(&message),
            )
            .await?;
            Err(JobError::Run(message))
        }
    }
}

/// The results of the last completed run of the same pull request, read back from its report folder (the
/// store knows the runs; an older one stands in when the last one's results are gone).
async fn previous_results(ctx: &WorkerContext, job: &Job) -> Option<RunResults> {
    let runs = match ctx
        .store
        .earlier_runs(&job.repo, job.pr_number, job.id, 5)
        .await
    {
        Ok(runs) => runs,
        Err(error) => {
            tracing::warn!(%error, "cannot look up the previous run; the comment shows no change");
            return None;
        }
    };
    for run in runs {
        let path = report_dir(&ctx.data_dir, &run).join(report::RESULTS_JSON);
        if let Ok(text) = tokio::fs::read_to_string(&path).await
            && let Ok(results) = serde_json::from_str::<RunResults>(&text)
        {
            return Some(results);
        }
    }
    None
}

async fn close(
    github: &Installation,
    repo: &RepoName,
    check: CheckRunId,
    conclusion: Conclusion,
    output: crate::github::CheckRunOutput,
) -> Result<(), JobError> {
    github
        .complete_check_run(repo, check, conclusion, &output, &[])
        .await?;
    Ok(())
}

/// Closes the check runs on this head that a process killed in the middle of a job left in progress (known
/// by their run ids, so a live job's run is never touched), saying why. Best effort: the new run goes on.
async fn close_interrupted_runs(
    ctx: &WorkerContext,
    github: &Installation,
    repo: &RepoName,
    head_sha: &CommitSha,
) {
    let runs = match github.in_progress_check_runs(repo, head_sha).await {
        Ok(runs) => runs,
        Err(error) => {
            tracing::warn!(%error, "cannot list the check runs an interrupted attempt left");
            return;
        }
    };
    let output = publish::error_output(
        "ato was restarted during this run; the pull request was tested again in a new check run.",
    );
    for (id, external_id) in runs {
        if external_id.is_some_and(|run| ctx.interrupted_runs.contains(&run))
            && let Err(error) = close(github, repo, id, Conclusion::Neutral, output.clone()).await
        {
            tracing::warn!(%error, "cannot close the check run of an interrupted attempt");
        }
    }
}

/// `/ato rerun`: 👀 first, then only a user with write access may run it. Unknown subcommands and users
/// without permission get a short reply. Returns whether to go on with the run.
async fn authorise_command(
    github: &Installation,
    repo: &RepoName,
    pr: PrNumber,
    comment_id: CommentId,
    user: &str,
    command: &RequestedCommand,
) -> Result<bool, JobError> {
    github
        .add_reaction(repo, comment_id, Reaction::Eyes)
        .await?;
    if let RequestedCommand::Unknown(error) = command {
        github.post_comment(repo, pr, &error.to_string()).await?;
        return Ok(false);
    }
    if !github
        .collaborator_permission(repo, user)
        .await?
        .can_write()
    {
        let reply = format!(
            "Sorry @{user}, only people with write access to this repository can rerun ato. A maintainer can \
             write `/ato rerun`, or push a new commit to run it again."
        );
        github.post_comment(repo, pr, &reply).await?;
        return Ok(false);
    }
    Ok(true)
}

enum RunError {
    Cancelled,
    /// Something ato could not get past: the message is for the check run.
    Failed(String),
}

async fn run_pull_request(
    ctx: &WorkerContext,
    target: &PullRequestJob<'_>,
    run_id: &RunId,
    work_dir: &Path,
    cancel: &CancellationToken,
) -> Result<RunResults, RunError> {
    let PullRequestJob {
        github,
        repo,
        pr,
        head_sha,
        config,
    } = *target;
    let failed =
        |what: &str, error: &dyn std::fmt::Display| RunError::Failed(format!("{what}: {error}"));
    let files = github
        .pull_request_files(repo, pr.number)
        .await
        .map_err(|e| failed("Could not list the pull request's files", &e))?;
    if files.truncated {
        tracing::warn!("the pull request has more files than GitHub lists; testing the first ones");
    }
    let diff = pr_diff::assemble(&files.files);
    let (head_dir, base_dir) = (work_dir.join("head"), work_dir.join("base"));
    for (sha, dir) in [(head_sha, &head_dir), (&pr.base.sha, &base_dir)] {
        github
            .download_tarball(repo, sha, dir, &TarballLimits::default())
            .await
            .map_err(|e| {
                failed(
                    &format!("Could not download the source at {}", sha.as_str()),
                    &e,
                )
            })?;
    }
    let source = Source::Dirs {
        base_dir: Some(base_dir),
        head_dir,
        diff,
        base: Revision {
            name: pr.base.git_ref.clone(),
            sha: Some(pr.base.sha.as_str().to_string()),
        },
        head: Revision {
            name: pr.head.git_ref.clone(),
            sha: Some(head_sha.as_str().to_string()),
        },
    };
    let plan_config = PlanConfig {
        include: config.include.clone(),
        exclude: config.exclude.clone(),
        languages: config.languages.clone(),
    };
    let mut limits = ctx.limits.clone();
    if let Some(secs) = config.timeout_secs {
        limits.timeout = std::time::Duration::from_secs(secs);
    }
    let settings = RunnerSettings {
        reruns: config.reruns,
        seed: 1,
        limits,
        deps: ctx.deps.clone(),
        builtin: true,
        model: None,
        notes: Vec::new(),
    }
    .with_generators(generate::choose(config.generate, ctx.model.as_ref()));
    let out = report_dir(&ctx.data_dir, run_id);
    let progress = |line: &str| tracing::info!("{line}");
    let repository = repo.to_string();
    let run = RunContext {
        run_id,
        sandbox: &ctx.sandbox,
        settings: &settings,
        out: &out,
        progress: &progress,
        cancel,
        repository: Some(&repository),
    };
    engine::run(&run, &source, &plan_config)
        .await
        .map_err(|error| match error {
            EngineError::Cancelled
            | EngineError::Sandbox(crate::sandbox::SandboxError::Cancelled) => RunError::Cancelled,
            other => RunError::Failed(format!("ato could not run the tests: {other}")),
        })
}
