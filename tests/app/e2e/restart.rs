//! Crash recovery: `ato serve` killed (SIGKILL) in the middle of a job and started again on the same
//! data directory finishes the job exactly once, and closes the check run the killed attempt left open.

use super::e2e_support::ato_containers;
use super::project::{self, capped_source, sha};
use super::server::AtoServer;
use super::view::{check_runs, comments, report_comments};
use super::{deliver, setup};

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
    let (root, fake) = setup().await;
    let head = sha(0x4001);
    project::push(&fake, 4, &head, &capped_source(100));
    let mut server = AtoServer::start(&fake, root.path(), 120).await;
    deliver(
        &server,
        "pull_request",
        "open-4",
        &deliver::pull_request("opened", 4, &head),
        202,
    )
    .await;
    let interrupted = server
        .wait_for("a container of the run", || {
            let id = check_runs(&fake, &head).first()?.external_id.clone()?;
            (!ato_containers(Some(&id)).is_empty()).then_some(id)
        })
        .await;
    server.kill();
    // The run's image exists now (the engine built it if it was missing).
    let foreign = ForeignContainer::start();

    server.restart().await;
    assert!(
        ato_containers(Some(&interrupted)).is_empty(),
        "the interrupted run's containers are swept before the server answers"
    );
    assert_eq!(
        ato_containers(Some(&foreign.run_id)).len(),
        1,
        "another process's running container on the same engine is left alone"
    );
    let comment = server
        .wait_for("the report comment", || report_comments(&fake, 4).pop())
        .await;
    assert!(comment.body.contains("clamp"), "{}", comment.body);
    server
        .wait_metrics(&[
            "ato_jobs{state=\"succeeded\"} 1",
            "ato_jobs{state=\"running\"} 0",
            "ato_jobs{state=\"queued\"} 0",
            "ato_jobs{state=\"failed\"} 0",
        ])
        .await;
    // The interrupted attempt's check run is closed, saying why; the new run holds the result.
    let runs = check_runs(&fake, &head);
    assert!(runs.iter().all(|r| r.status == "completed"), "{runs:#?}");
    let (old, new): (Vec<_>, Vec<_>) = runs
        .into_iter()
        .partition(|r| r.external_id.as_deref() == Some(interrupted.as_str()));
    assert_eq!((old.len(), new.len()), (1, 1), "{old:#?} {new:#?}");
    assert_eq!(old[0].conclusion.as_deref(), Some("neutral"));
    let why = old[0].summary.clone().unwrap_or_default();
    assert!(why.contains("restarted"), "{why}");
    assert_eq!(new[0].conclusion.as_deref(), Some("failure"));
    assert!(!new[0].annotations.is_empty());
    assert_eq!(comments(&fake, 4).len(), 1, "one comment");
    assert_eq!(fake.count("POST", "/issues/4/comments"), 1);
}
