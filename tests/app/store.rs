//! The job store on a real SQLite file in a temporary directory: dedupe, claiming, supersede, crash recovery
//! across a reopen, concurrent claims from two connections, installations and metrics numbers.

use std::collections::HashSet;

use ato::store::*;

const HEAD1: &str = "1111111111111111111111111111111111111111";
const HEAD2: &str = "2222222222222222222222222222222222222222";
const BASE: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn pr_job(repo: &str, pr: u64, head: &str) -> NewJob {
    NewJob {
        trigger: JobTrigger::PullRequest {
            action: "synchronize".into(),
        },
        installation_id: 7.into(),
        repo: repo.into(),
        pr_number: pr.into(),
        head_sha: Some(head.into()),
        base_sha: Some(BASE.into()),
    }
}

fn intake(delivery: &str, jobs: Vec<NewJob>) -> Intake {
    Intake {
        delivery: NewDelivery {
            id: delivery.into(),
            event: "pull_request".into(),
            action: Some("synchronize".into()),
            outcome: "accepted".into(),
        },
        jobs,
        installation: None,
    }
}

async fn new_ids(store: &Store, delivery: &str, jobs: Vec<NewJob>) -> (Vec<JobId>, Vec<JobId>) {
    match store
        .record_delivery_with_jobs(intake(delivery, jobs))
        .await
        .unwrap()
    {
        Recorded::New {
            job_ids,
            superseded,
        } => (job_ids, superseded),
        Recorded::Duplicate => panic!("delivery {delivery} was unexpectedly a duplicate"),
    }
}

#[tokio::test]
async fn delivery_is_recorded_once_and_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    assert!(dir.path().join("ato.db").exists());
    let (ids, _) = new_ids(&store, "d-1", vec![pr_job("o/r", 1, HEAD1)]).await;
    assert_eq!(ids.len(), 1);
    let again = store
        .record_delivery_with_jobs(intake("d-1", vec![pr_job("o/r", 1, HEAD1)]))
        .await
        .unwrap();
    assert_eq!(again, Recorded::Duplicate);
    drop(store);

    let store = Store::open(dir.path()).await.unwrap();
    let jobs = store.jobs_for_delivery("d-1").await.unwrap();
    assert_eq!(jobs.len(), 1, "a redelivery must not create a second job");
    let job = &jobs[0];
    assert_eq!(
        (job.id, job.state, job.attempts),
        (ids[0], JobState::Queued, 0)
    );
    assert_eq!(
        (job.repo.to_string(), job.pr_number.0, job.installation_id.0),
        ("o/r".to_string(), 1, 7)
    );
    assert_eq!(job.head_sha.as_deref(), Some(HEAD1));
    assert_eq!(
        job.trigger,
        JobTrigger::PullRequest {
            action: "synchronize".into()
        }
    );
    let delivery = store.delivery("d-1").await.unwrap().unwrap();
    assert_eq!(
        (delivery.event.as_str(), delivery.outcome.as_str()),
        ("pull_request", "accepted")
    );
    let duplicate = store
        .record_delivery_with_jobs(intake("d-1", vec![]))
        .await
        .unwrap();
    assert_eq!(
        duplicate,
        Recorded::Duplicate,
        "dedupe must hold across restarts"
    );
}

#[tokio::test]
async fn claims_go_oldest_first_and_finish_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let (first, _) = new_ids(&store, "d-1", vec![pr_job("o/r", 1, HEAD1)]).await;
    let (second, _) = new_ids(&store, "d-2", vec![pr_job("o/r", 2, HEAD1)]).await;

    let job = store.claim_next().await.unwrap().unwrap();
    assert_eq!(
        (job.id, job.state, job.attempts),
        (first[0], JobState::Running, 1)
    );
    assert!(job.started_at.is_some());
    assert_eq!(store.claim_next().await.unwrap().unwrap().id, second[0]);
    assert_eq!(store.claim_next().await.unwrap(), None);

    assert!(store.finish(first[0], JobOutcome::Succeeded).await.unwrap());
    assert!(
        !store.finish(first[0], JobOutcome::Succeeded).await.unwrap(),
        "finishing twice must be refused"
    );
    let failed = JobOutcome::Failed {
        error: "tarball too large".into(),
    };
    assert!(store.finish(second[0], failed).await.unwrap());
    let job = store.job(second[0]).await.unwrap().unwrap();
    assert_eq!(
        (job.state, job.error.as_deref()),
        (JobState::Failed, Some("tarball too large"))
    );
    assert!(job.finished_at.is_some());
}

#[tokio::test]
async fn a_new_head_supersedes_older_jobs_of_that_pr_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let (running, _) = new_ids(&store, "d-1", vec![pr_job("o/r", 1, HEAD1)]).await;
    let (queued, _) = new_ids(&store, "d-2", vec![pr_job("o/r", 1, HEAD1)]).await;
    let (other_pr, _) = new_ids(&store, "d-3", vec![pr_job("o/r", 9, HEAD1)]).await;
    let comment = NewJob {
        trigger: JobTrigger::CommentCommand {
            comment_id: 5.into(),
            user_login: "alice".into(),
            command: RequestedCommand::Known(ato::webhook::command::Command::Rerun),
            text: "/ato rerun".into(),
        },
        head_sha: None,
        base_sha: None,
        ..pr_job("o/r", 1, HEAD1)
    };
    let (comment_ids, _) = new_ids(&store, "d-4", vec![comment]).await;
    // The oldest job is claimed: PR 1 then has one running and one queued job on HEAD1.
    let claimed = store.claim_next().await.unwrap().unwrap();
    assert_eq!(claimed.id, running[0]);

    let (new, superseded) = new_ids(&store, "d-5", vec![pr_job("o/r", 1, HEAD2)]).await;
    assert_eq!(superseded, vec![running[0], queued[0]]);
    assert!(store.is_cancelled(queued[0]).await.unwrap());
    assert!(store.is_cancelled(running[0]).await.unwrap());
    assert!(
        !store.is_cancelled(other_pr[0]).await.unwrap(),
        "another PR must not be touched"
    );
    assert!(
        !store.is_cancelled(comment_ids[0]).await.unwrap(),
        "a comment still has to be answered"
    );
    assert!(!store.is_cancelled(new[0]).await.unwrap());
    assert!(
        !store
            .finish(running[0], JobOutcome::Succeeded)
            .await
            .unwrap(),
        "a cancelled job stays cancelled"
    );

    // The same head again (e.g. a re-run request) supersedes nothing.
    let (_, none) = new_ids(&store, "d-6", vec![pr_job("o/r", 1, HEAD2)]).await;
    assert!(none.is_empty());
    // The explicit call cancels every job of the PR not on the given head.
    let cancelled = store
        .supersede(&"o/r".into(), 1.into(), &HEAD1.into())
        .await
        .unwrap();
    assert_eq!(cancelled.len(), 2);
}

#[tokio::test]
async fn running_jobs_resume_after_a_crash_but_not_forever() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let (ids, _) = new_ids(&store, "d-1", vec![pr_job("o/r", 1, HEAD1)]).await;
    let id = ids[0];
    store.claim_next().await.unwrap().unwrap();
    store.set_run(id, &"run-1".into(), "token-1").await.unwrap();
    drop(store); // the process "crashes" with the job running

    for attempt in 1..=2 {
        let store = Store::open(dir.path()).await.unwrap();
        let report = store.requeue_running().await.unwrap();
        assert_eq!(
            report,
            Requeued {
                requeued: vec![id],
                failed: vec![]
            },
            "restart {attempt}"
        );
        let job = store.job(id).await.unwrap().unwrap();
        assert_eq!((job.state, job.run_id), (JobState::Queued, None));
        let claimed = store.claim_next().await.unwrap().unwrap();
        assert_eq!(claimed.attempts, attempt + 1);
    }
    let store = Store::open(dir.path()).await.unwrap();
    let report = store.requeue_running().await.unwrap();
    assert_eq!(
        report,
        Requeued {
            requeued: vec![],
            failed: vec![id]
        }
    );
    assert_eq!(
        store.job(id).await.unwrap().unwrap().state,
        JobState::Failed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_never_hand_out_a_job_twice() {
    const JOBS: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path()).await.unwrap();
    let jobs: Vec<NewJob> = (0..JOBS as u64).map(|n| pr_job("o/r", n, HEAD1)).collect();
    new_ids(&first, "d-bulk", jobs).await;
    // A second connection to the same file, as a second process would have.
    let second = Store::open_file(&dir.path().join("ato.db"), Durability::Full)
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for worker in 0..8 {
        let store = if worker % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = store.claim_next().await.unwrap() {
                mine.push(job.id);
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: HashSet<JobId> = all.iter().copied().collect();
    assert_eq!(all.len(), JOBS, "every job claimed exactly once");
    assert_eq!(unique.len(), JOBS, "no job claimed twice");
    let stats = first.job_stats().await.unwrap();
    assert!(
        stats.by_state.contains(&(JobState::Running, JOBS as u64)),
        "{stats:?}"
    );
}

#[tokio::test]
async fn installations_are_recorded_updated_and_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let repo = |id, name: &str| RepoRef {
        id,
        full_name: name.into(),
    };
    let change = |delivery: &str, action, added, removed| Intake {
        delivery: NewDelivery {
            id: delivery.into(),
            event: "installation".into(),
            action: None,
            outcome: "accepted".into(),
        },
        jobs: vec![],
        installation: Some(InstallationChange {
            installation_id: 42.into(),
            account_login: Some("octo".into()),
            action,
            repos_added: added,
            repos_removed: removed,
        }),
    };
    let added = vec![repo(1, "octo/a"), repo(2, "octo/b")];
    store
        .record_delivery_with_jobs(change("i-1", InstallationAction::Upsert, added, vec![]))
        .await
        .unwrap();
    let install = store.installation(42.into()).await.unwrap().unwrap();
    assert_eq!(
        (install.account_login.as_deref(), install.suspended),
        (Some("octo"), false)
    );
    assert_eq!(install.repos, vec![repo(1, "octo/a"), repo(2, "octo/b")]);

    let moved = change(
        "i-2",
        InstallationAction::Upsert,
        vec![repo(3, "octo/c")],
        vec![repo(1, "octo/a")],
    );
    store.record_delivery_with_jobs(moved).await.unwrap();
    store
        .record_delivery_with_jobs(change("i-3", InstallationAction::Suspend, vec![], vec![]))
        .await
        .unwrap();
    let install = store.installation(42.into()).await.unwrap().unwrap();
    assert!(install.suspended);
    assert_eq!(install.repos, vec![repo(2, "octo/b"), repo(3, "octo/c")]);

    store
        .record_delivery_with_jobs(change("i-4", InstallationAction::Delete, vec![], vec![]))
        .await
        .unwrap();
    assert_eq!(store.installation(42.into()).await.unwrap(), None);
}

#[tokio::test]
async fn stats_count_states_and_durations() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let jobs = (1..=3).map(|n| pr_job("o/r", n, HEAD1)).collect();
    new_ids(&store, "d-1", jobs).await;
    let a = store.claim_next().await.unwrap().unwrap();
    store.claim_next().await.unwrap().unwrap();
    store.finish(a.id, JobOutcome::Succeeded).await.unwrap();
    let stats = store.job_stats().await.unwrap();
    let count = |state| stats.by_state.iter().find(|(s, _)| *s == state).unwrap().1;
    assert_eq!(
        (
            count(JobState::Queued),
            count(JobState::Running),
            count(JobState::Succeeded)
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (count(JobState::Failed), count(JobState::Cancelled)),
        (0, 0)
    );
    assert_eq!(stats.duration_count, 1);
    assert_eq!(
        stats.duration_buckets.first(),
        Some(&(1.0, 1)),
        "a job of a few ms is in the first bucket"
    );
    assert_eq!(stats.duration_buckets.last(), Some(&(f64::INFINITY, 1)));
}

#[tokio::test]
async fn a_database_from_a_newer_ato_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).await.unwrap());
    let conn = rusqlite::Connection::open(dir.path().join("ato.db")).unwrap();
    conn.execute("INSERT INTO schema_version VALUES (1000, 0)", [])
        .unwrap();
    drop(conn);
    let err = Store::open(dir.path()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 1000, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn old_deliveries_without_jobs_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    new_ids(&store, "with-job", vec![pr_job("o/r", 1, HEAD1)]).await;
    new_ids(&store, "without-job", vec![]).await;
    assert_eq!(
        store.prune_deliveries(0).await.unwrap(),
        0,
        "nothing is older than the epoch"
    );
    assert_eq!(store.prune_deliveries(i64::MAX).await.unwrap(), 1);
    assert!(store.delivery("without-job").await.unwrap().is_none());
    assert!(
        store.delivery("with-job").await.unwrap().is_some(),
        "a delivery with jobs is kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_write_ahead_log_stays_small_under_steady_writes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let wal = dir.path().join("ato.db-wal");
    let mut largest = 0;
    for n in 0..3000u64 {
        new_ids(&store, &format!("d-{n}"), vec![pr_job("o/r", n, HEAD1)]).await;
        if n % 100 == 0 {
            largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let end = std::fs::metadata(&wal).map_or(0, |m| m.len());
    println!("wal: largest {largest} bytes, at the end {end} bytes");
    // The writer restarts the WAL at about 1000 pages (4 MB); a stalled checkpoint would let it grow.
    assert!(largest < 8 * 1024 * 1024, "the WAL grew to {largest} bytes");
    let jobs = store.job_stats().await.unwrap();
    assert!(jobs.by_state.contains(&(JobState::Queued, 3000)));
}
