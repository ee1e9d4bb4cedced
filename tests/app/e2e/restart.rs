//! Crash recovery: `ato serve` killed (SIGKILL) in the middle of a job and started again on the same
//! data directory finishes the job exactly once, and closes the check run the killed attempt left open.

use crate::support::app::project::{capped_source, sha};
use crate::support::app::{Conclusion, TestApp, contains, pr_opened};
use crate::support::docker::ato_containers;

/// A running container labelled `ato` that belongs to someone else (another server, `ato run`, a test) on the
/// same engine; removed when dropped.
struct ForeignContainer {
    run_id: String,
}

impl ForeignContainer {
    fn start() -> ForeignContainer {
        let run_id = format!("e2e-foreign-{}", std::process::id());
        let out = std::process::Command::new("docker")
            .args(["run", "-d", "--network", "none", "--label"])
            .arg(format!("ato={run_id}"))
            .args(["--entrypoint", "sleep"])
            .arg(ato::runners::image_ref(ato::model::Runner::Python).expect("an embedded recipe"))
            .arg("600")
            .output()
            .expect("docker run");
        assert!(
            out.status.success(),
            "docker run: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        ForeignContainer { run_id }
    }
}

impl Drop for ForeignContainer {
    fn drop(&mut self) {
        for id in ato_containers(Some(&self.run_id)) {
            let _ = std::process::Command::new("docker")
                .args(["rm", "-f", &id])
                .output();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_job_finishes_it_once_after_a_restart() {
    let mut app = TestApp::start().await;
    let head = sha(0x4001);
    app.push(4, &head, &capped_source(100));
    app.deliver(pr_opened(4, &head)).await;
    let interrupted = app
        .wait_for("a container of the run", || {
            let id = app.check_runs(&head).first()?.external_id.clone()?;
            (!ato_containers(Some(&id)).is_empty()).then_some(id)
        })
        .await;
    app.server.kill();
    // The run's image exists now (the engine built it if it was missing).
    let foreign = ForeignContainer::start();

    app.server.restart().await;
    assert!(
        ato_containers(Some(&interrupted)).is_empty(),
        "the interrupted run's containers are swept before the server answers"
    );
    assert_eq!(
        ato_containers(Some(&foreign.run_id)).len(),
        1,
        "another process's running container on the same engine is left alone"
    );
    // The interrupted attempt's check run is closed, saying why; the new run holds the result.
    let old = app.expect_check_run(&head, Conclusion::Neutral).await;
    assert_eq!(old.external_id.as_deref(), Some(interrupted.as_str()));
    let why = old.summary.clone().unwrap_or_default();
    assert!(why.contains("restarted"), "{why}");
    let new = app.expect_check_run(&head, Conclusion::Failure).await;
    assert_ne!(new.external_id.as_deref(), Some(interrupted.as_str()));
    assert!(!new.annotations.is_empty());
    app.expect_comment(4, contains("clamp")).await;
    app.expect_metrics(&[
        "ato_jobs{state=\"succeeded\"} 1",
        "ato_jobs{state=\"running\"} 0",
        "ato_jobs{state=\"queued\"} 0",
        "ato_jobs{state=\"failed\"} 0",
    ])
    .await;
    // One check run closed, one run, one comment: nothing else.
    app.expect_nothing_else().await;
    assert_eq!(app.github.count("POST", "/issues/4/comments"), 1);
}
