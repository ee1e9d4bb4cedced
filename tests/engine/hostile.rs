//! Hostile pull requests: each is contained by the sandbox and reported as what it is, the run ends within the
//! runner timeout plus a small margin, and no container is left behind.

use std::time::{Duration, Instant};

use ato::model::{ProblemKind, SandboxOutcome};

use crate::support::ato_run::{AtoRun, ato_run};
use crate::support::docker::{ato_containers, require_docker};
use crate::support::git_repo::Repo;

/// The container's wall clock in these tests; each step inside gets a fifth of it.
const TIMEOUT_SECS: u64 = 60;
const MARGIN: Duration = Duration::from_secs(30);

fn run_hostile(module: &str) -> (AtoRun, Duration) {
    require_docker();
    let repo = Repo::new();
    repo.write("safe.py", "def ok() -> int:\n    return 1\n")
        .commit("base");
    repo.write("hostile.py", module).commit("hostile");
    let started = Instant::now();
    let run = ato_run(
        repo.path(),
        &["--base", "HEAD~1", "--head", "HEAD", "--reruns", "1"],
        &[
            ("RUNNER_TIMEOUT_SECS", &TIMEOUT_SECS.to_string()),
            ("RUNNER_MEM_LIMIT", "512m"),
        ],
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(TIMEOUT_SECS) + MARGIN,
        "the run took {elapsed:?}, more than the timeout plus a margin"
    );
    assert_ne!(run.exit_code, 2, "ato itself must not fail: {}", run.stderr);
    assert!(
        ato_containers(Some(&run.results().run_id)).is_empty(),
        "no container labelled ato is left"
    );
    (run, elapsed)
}

fn results_text(run: &AtoRun) -> String {
    run.read("results.json")
}

#[test]
fn an_infinite_loop_on_import_is_a_timeout() {
    let (run, _) = run_hostile("def spin() -> int:\n    return 1\n\nwhile True:\n    pass\n");
    let python = &run.results().runners[0];
    let timed_out = matches!(python.outcome, SandboxOutcome::TimedOut { .. })
        || python
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::Timeout);
    assert!(timed_out, "reported as a timeout: {python:#?}");
}

#[test]
fn a_fork_bomb_is_contained_by_the_pids_limit() {
    let (run, _) = run_hostile(
        "import os\n\ndef boom() -> int:\n    return 1\n\nwhile True:\n    os.fork()\n",
    );
    let python = &run.results().runners[0];
    let text = results_text(&run);
    let contained = matches!(python.outcome, SandboxOutcome::TimedOut { .. })
        || text.contains("Resource temporarily unavailable")
        || text.contains("BlockingIOError")
        || python
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::Timeout);
    assert!(
        contained,
        "reported as a fork failure or a timeout: {python:#?}"
    );
}

#[test]
fn unbounded_allocation_is_reported_as_out_of_memory() {
    let (run, _) = run_hostile(
        "def hog() -> int:\n    return 1\n\nchunks = []\nwhile True:\n    chunks.append(bytearray(50_000_000))\n",
    );
    let python = &run.results().runners[0];
    let text = results_text(&run);
    let oom = matches!(python.outcome, SandboxOutcome::OutOfMemory { .. })
        || text.contains("MemoryError");
    assert!(oom, "reported as running out of memory: {python:#?}");
}

#[test]
fn a_connect_to_an_outside_address_fails_for_lack_of_network() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed; with no network in the sandbox nothing leaves anyway.
    let (run, _) = run_hostile(
        "import socket\n\n\ndef phone_home() -> int:\n    \"\"\"\n    >>> phone_home()\n    200\n    \"\"\"\n    socket.create_connection((\"192.0.2.1\", 80), timeout=3)\n    return 200\n",
    );
    let text = results_text(&run);
    assert!(
        text.contains("Network is unreachable"),
        "the failure says why: {text}"
    );
}

#[test]
fn a_write_to_usr_fails_on_the_read_only_root() {
    let (run, _) = run_hostile(
        "def scribble() -> int:\n    \"\"\"\n    >>> scribble()\n    1\n    \"\"\"\n    with open('/usr/ato-was-here', 'w') as f:\n        f.write('x')\n    return 1\n",
    );
    let text = results_text(&run);
    assert!(
        text.contains("Read-only file system"),
        "the failure says why: {text}"
    );
}
