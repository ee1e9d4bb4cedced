//! One job in the sandbox: its workspace in and results out, how each way of ending (exit, timeout, memory,
//! cancel, a caller that went away) is reported, and that nothing is ever left behind.

use std::time::{Duration, Instant};

use ato::sandbox::{Job, Outcome, Sandbox, SandboxError};
use tokio_util::sync::CancellationToken;

use crate::support::sandbox::{
    TEST_IMAGE_GREETING, assert_nothing_left, ensure_test_image, leftovers, require_sandbox,
    run_clean, sh_job, tar_files, test_limits, unique_run_id, workspace,
};

#[tokio::test]
async fn a_job_runs_with_its_workspace_and_hands_back_its_results() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("normal");
    let mut job = sh_job(
        &run_id,
        "cat head/input.txt; mkdir -p out/sub; cp head/input.txt out/sub/copy.txt; echo to-stderr >&2",
    );
    job.workspace_tar = workspace(&[("head/input.txt", "hello from the workspace\n")]);
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(finished.outcome, Outcome::Exited { code: 0 });
    assert_eq!(finished.stdout, "hello from the workspace\n");
    assert_eq!(finished.stderr, "to-stderr\n");
    assert!(!finished.output_truncated);
    let results = tar_files(finished.results_tar.as_deref().expect("results downloaded"));
    assert_eq!(
        results.get("out/sub/copy.txt").map(String::as_str),
        Some("hello from the workspace\n")
    );
    assert!(!finished.results_too_large);
}

#[tokio::test]
async fn the_exit_code_is_propagated() {
    let sandbox = require_sandbox().await;
    let finished = run_clean(&sandbox, sh_job(&unique_run_id("exit"), "exit 7"))
        .await
        .unwrap();
    assert_eq!(finished.outcome, Outcome::Exited { code: 7 });
}

#[tokio::test]
async fn the_image_default_command_runs_when_the_job_gives_none() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("default");
    let job = Job::new(&run_id, ensure_test_image(), Vec::new(), test_limits());
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(finished.outcome, Outcome::Exited { code: 0 });
    assert_eq!(finished.stdout.trim(), TEST_IMAGE_GREETING);
}

#[tokio::test]
async fn a_job_past_its_timeout_is_killed_and_reported_with_partial_results() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("timeout");
    let mut job = sh_job(
        &run_id,
        "mkdir out; echo partial > out/run-1.txt; echo started; sleep 120",
    );
    job.limits.timeout = Duration::from_secs(3);
    let begun = Instant::now();
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(finished.outcome, Outcome::TimedOut);
    assert!(
        finished.duration < Duration::from_secs(5),
        "{:?}",
        finished.duration
    );
    assert!(
        begun.elapsed() < Duration::from_secs(15),
        "{:?}",
        begun.elapsed()
    );
    assert_eq!(finished.stdout, "started\n");
    let results = tar_files(finished.results_tar.as_deref().expect("partial results"));
    assert_eq!(
        results.get("out/run-1.txt").map(String::as_str),
        Some("partial\n")
    );
}

#[tokio::test]
async fn running_out_of_memory_is_reported_as_such() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("oom");
    // The string doubles until the shell's heap passes the limit.
    let mut job = sh_job(&run_id, "x=0123456789abcdef; while :; do x=\"$x$x\"; done");
    job.limits.memory_bytes = 48 << 20;
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(
        finished.outcome,
        Outcome::OutOfMemory,
        "stderr: {}",
        finished.stderr
    );
}

#[tokio::test]
async fn output_is_capped_and_flagged() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("output");
    let mut job = sh_job(
        &run_id,
        "i=0; while [ $i -lt 5000 ]; do echo 0123456789; i=$((i+1)); done; echo short >&2",
    );
    job.limits.output_bytes = 1000;
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(finished.outcome, Outcome::Exited { code: 0 });
    assert_eq!(finished.stdout.len(), 1000);
    assert!(finished.stdout.starts_with("0123456789\n0123456789\n"));
    assert_eq!(finished.stderr, "short\n");
    assert!(finished.output_truncated);
}

#[tokio::test]
async fn results_over_the_limit_are_dropped_and_flagged() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("bigresults");
    let mut job = sh_job(
        &run_id,
        "mkdir out; dd if=/dev/zero of=out/big bs=1024 count=256 2>/dev/null",
    );
    job.limits.results_bytes = 100 * 1024;
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(finished.outcome, Outcome::Exited { code: 0 });
    assert_eq!(finished.results_tar, None);
    assert!(finished.results_too_large);
}

#[tokio::test]
async fn cancelling_kills_the_job_and_removes_everything() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("cancel");
    let job = sh_job(&run_id, "sleep 120");
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let watcher = sandbox.clone();
    let watched = run_id.clone();
    tokio::spawn(async move {
        // Cancel only once the container is up, so the kill path is the one tested.
        for _ in 0..200 {
            if leftovers(&watcher, &watched).await.0 > 0 {
                tokio::time::sleep(Duration::from_millis(300)).await;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        trigger.cancel();
    });
    let begun = Instant::now();
    let result = sandbox.run(job, &cancel).await;
    assert!(matches!(result, Err(SandboxError::Cancelled)), "{result:?}");
    assert!(
        begun.elapsed() < Duration::from_secs(20),
        "{:?}",
        begun.elapsed()
    );
    assert_nothing_left(&sandbox, &run_id).await;
}

#[tokio::test]
async fn an_aborted_caller_task_still_leaves_nothing_behind() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("abort");
    let job = sh_job(&run_id, "sleep 120");
    let runner = sandbox.clone();
    let task = tokio::spawn(async move { runner.run(job, &CancellationToken::new()).await });
    let mut started = false;
    for _ in 0..200 {
        if leftovers(&sandbox, &run_id).await.0 > 0 {
            started = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(started, "the job's container never appeared");
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    // The guard removes in the background; give it a bounded time.
    let mut left = leftovers(&sandbox, &run_id).await;
    for _ in 0..100 {
        if left == (0, 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = leftovers(&sandbox, &run_id).await;
    }
    assert_eq!(
        left,
        (0, 0),
        "the dropped job's container or volume was not removed"
    );
}

#[tokio::test]
async fn sweep_removes_what_a_crashed_process_left() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("sweep");
    let image = ensure_test_image();
    // What a crash leaves: a labelled volume and a labelled, running container using it.
    let label = format!("ato={run_id}");
    let volume = format!("ato-sweep-{}", std::process::id());
    let docker = |args: &[&str]| {
        let out = std::process::Command::new("docker")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "docker {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    docker(&["volume", "create", "--label", &label, &volume]);
    let mount = format!("{volume}:/work");
    docker(&[
        "run",
        "-d",
        "--label",
        &label,
        "--network",
        "none",
        "-v",
        &mount,
        image,
        "sleep",
        "300",
    ]);
    assert_eq!(leftovers(&sandbox, &run_id).await, (1, 1));
    assert_eq!(sandbox.sweep_run(&run_id).await.unwrap(), 2);
    assert_nothing_left(&sandbox, &run_id).await;
    assert_eq!(
        sandbox.sweep_run(&run_id).await.unwrap(),
        0,
        "a second sweep finds nothing"
    );
}

#[tokio::test]
async fn a_missing_image_is_a_clear_error_and_leaves_nothing() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("noimage");
    let mut job = Job::new(
        &run_id,
        "ato-no-such-image:never",
        Vec::new(),
        test_limits(),
    );
    job.command = Some(vec!["true".into()]);
    let error = run_clean(&sandbox, job).await.unwrap_err();
    assert!(
        matches!(error, SandboxError::ImageMissing { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("ato-no-such-image:never"));
}

#[tokio::test]
async fn a_malformed_workspace_is_refused_before_any_container() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("badtar");
    let mut job = sh_job(&run_id, "true");
    job.workspace_tar = vec![b'x'; 2048];
    let error = run_clean(&sandbox, job).await.unwrap_err();
    assert!(matches!(error, SandboxError::BadWorkspace(_)), "{error}");
}

#[tokio::test]
async fn connecting_without_a_daemon_says_what_to_do() {
    let missing = format!("unix:///nonexistent/ato-{}/docker.sock", std::process::id());
    let engine =
        ato::sandbox::Engine::from_vars(|name| (name == "DOCKER_HOST").then(|| missing.clone()))
            .unwrap();
    let error = Sandbox::connect_to(engine).await.unwrap_err();
    assert!(matches!(error, SandboxError::Unreachable { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.starts_with("Docker is not reachable: "),
        "{message}"
    );
    assert!(message.contains(&missing), "{message}");
    assert!(
        message.contains("is the daemon running? set DOCKER_HOST"),
        "{message}"
    );
}

#[tokio::test]
async fn a_job_that_closes_its_output_is_still_waited_for() {
    let sandbox = require_sandbox().await;
    let job = sh_job(
        &unique_run_id("closed"),
        "echo bye; exec >&- 2>&-; sleep 6; exit 5",
    );
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(finished.outcome, Outcome::Exited { code: 5 });
    assert_eq!(finished.stdout, "bye\n");
    assert!(
        finished.duration >= Duration::from_secs(6),
        "{:?}",
        finished.duration
    );
}
