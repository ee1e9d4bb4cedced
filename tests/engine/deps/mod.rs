//! The dependency phase end to end: real git repositories whose code imports a vendored package, the real
//! `ato run` binary, real runner containers and real Docker volumes for the cache. `maven` does the same for
//! Java; `registries` installs from package indexes through the allow-list proxy (PyPI itself, and npm and
//! Maven registries the test serves) and shows what the proxy refuses; `partial` installs all but a
//! requirement that cannot be had, for the run only.

mod maven;
mod partial;
mod registries;

use std::io::Write;

use ato::model::{ProblemKind, Runner, RunnerResult, SandboxOutcome, TestKind, TestStatus};

use crate::support::ato_run::{AtoRun, run_last_commit, runner_result};
use crate::support::deps::{
    ato_networks, cache_entry, cleanup, deps_phase, nonce, npm_tarball, volume_exists,
    volumes_named_in, write_wheel,
};
use crate::support::docker::{ato_containers, require_docker, runner_image};
use crate::support::git_repo::Repo;

/// The network of the dependency phase is off unless said otherwise; say it, whatever the caller's
/// environment holds.
const OFFLINE: &[(&str, &str)] = &[("ATO_DEPS_NETWORK", "0")];

const PY_BASE: &str = "def quadruple(x: int) -> int:\n    return x * 4\n";

const PY_HEAD: &str = r#"import os

from tinydep import double


def quadruple(x: int) -> int:
    """Four times x, through the vendored package.

    >>> quadruple(3)
    12
    """
    return double(double(x))


def network_interfaces() -> list:
    """What the test container can reach: its loopback interface, nothing else.

    >>> network_interfaces()
    ['lo']
    """
    return sorted(os.listdir("/sys/class/net"))


def cache_is_read_only() -> bool:
    """The installed dependencies cannot be changed by the code under test.

    >>> cache_is_read_only()
    True
    """
    try:
        with open("/deps/python/planted.py", "w") as planted:
            planted.write("x = 1\n")
    except OSError:
        return True
    return False
"#;

fn python_fixture(requirements: &str) -> Repo {
    let repo = Repo::new();
    write_wheel(&repo.path().join("vendor"));
    repo.write("requirements.txt", requirements)
        .write("app/__init__.py", "")
        .write("app/calc.py", PY_BASE)
        .commit("base");
    repo.write("app/calc.py", PY_HEAD)
        .commit("quadruple through tinydep");
    repo
}

/// A Node project whose `quadruple` goes, on head, through the package `tiny`, declared as `spec` and locked
/// to `resolved` with `integrity`: a base commit, then the head commit. Its description is a fresh nonce, so
/// its dependency cache is its own.
fn commit_tiny_npm_project(repo: &Repo, spec: &str, resolved: &str, integrity: &str) {
    let nonce = nonce();
    let package = format!(
        r#"{{"name":"fixture","version":"1.0.0","description":"{nonce}","type":"module","dependencies":{{"tiny":"{spec}"}}}}"#
    );
    let lock = format!(
        r#"{{"name":"fixture","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{{
"":{{"name":"fixture","version":"1.0.0","dependencies":{{"tiny":"{spec}"}}}},
"node_modules/tiny":{{"version":"1.0.0","resolved":"{resolved}","integrity":"{integrity}"}}}}}}"#
    );
    repo.write("package.json", &package)
        .write("package-lock.json", &lock)
        .write(
            "src/calc.js",
            "export function quadruple(x) {\n  return x * 4;\n}\n",
        )
        .commit("base");
    repo.write(
        "src/calc.js",
        "import tiny from 'tiny';\n\nexport function quadruple(x) {\n  return tiny.double(tiny.double(x));\n}\n",
    )
    .commit("quadruple through tiny");
}

/// The run left no container and no network behind.
fn assert_nothing_left(run: &AtoRun) {
    let run_id = &run.results().run_id;
    assert!(ato_containers(Some(run_id)).is_empty(), "no container left");
    assert!(ato_networks(run_id).is_empty(), "no network left");
}

/// The doctest of `symbol` ran and passed (other kinds, recorded on the head, would pass whatever it did).
fn passed_doctest_of(runner: &RunnerResult, symbol: &str) -> bool {
    let target = format!("::{symbol}");
    runner.tests.iter().any(|t| {
        t.kind == TestKind::Doctest
            && t.status == TestStatus::Passed
            && t.target.as_deref().is_some_and(|t| t.ends_with(&target))
    })
}

#[test]
fn python_vendored_wheel_is_installed_once_then_the_cache_is_mounted_read_only() {
    require_docker();
    let repo = python_fixture(&format!("# fixture {}\ntinydep==1.0\n", nonce()));

    let first = run_last_commit(&repo, OFFLINE);
    let entry = cache_entry(&repo, Runner::Python);
    let mut volumes = cleanup(&entry);
    volumes.0.extend(volumes_named_in(&first));
    let python = runner_result(first.results(), Runner::Python);
    assert_eq!(
        python.outcome,
        SandboxOutcome::Completed { exit_code: 0 },
        "{}",
        first.stderr
    );
    assert!(
        !python
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::ImportError | ProblemKind::Dependencies)),
        "the vendored package is importable: {:#?}",
        python.problems
    );
    assert!(
        passed_doctest_of(python, "quadruple"),
        "{:#?}",
        python.tests
    );
    assert!(
        passed_doctest_of(python, "cache_is_read_only"),
        "the cache is mounted read-only: {:#?}",
        python.tests
    );
    assert!(
        passed_doctest_of(python, "network_interfaces"),
        "the test container has no network: {:#?}",
        python.tests
    );
    assert!(
        python
            .notes
            .iter()
            .any(|n| n.contains(&format!("installed into the cache {}", entry.data))),
        "{:#?}",
        python.notes
    );
    let (what, fill_ms) = deps_phase(&first, "python");
    assert_eq!(what, "installed");
    assert!(volume_exists(&entry.data) && volume_exists(&entry.marker));

    let second = run_last_commit(&repo, OFFLINE);
    volumes.0.extend(volumes_named_in(&second));
    let python = runner_result(second.results(), Runner::Python);
    assert!(
        python.notes.iter().any(|n| n.contains("reused the cache")),
        "{:#?}\n(a rebuild of the runner image between the runs changes the digest)\nfirst run:\n{}\nsecond run:\n{}",
        python.notes,
        first.stderr,
        second.stderr
    );
    assert!(
        passed_doctest_of(python, "quadruple"),
        "{:#?}",
        python.tests
    );
    let (what, hit_ms) = deps_phase(&second, "python");
    assert_eq!(what, "cache hit");
    eprintln!("dependency phase: fill {fill_ms} ms, cache hit {hit_ms} ms");
    assert!(
        hit_ms * 10 <= fill_ms.max(1),
        "a cache hit costs at most a tenth of a fill: {hit_ms} ms vs {fill_ms} ms"
    );
    for run in [&first, &second] {
        assert!(
            ato_containers(Some(&run.results().run_id)).is_empty(),
            "no container left"
        );
    }
}

#[test]
fn python_a_requirement_that_is_not_vendored_is_named_and_nothing_is_cached() {
    require_docker();
    // The only requirement: nothing can be installed (all but one is `partial`'s case).
    let repo = python_fixture(&format!("# fixture {}\nnot-vendored-pkg>=2\n", nonce()));

    let run = run_last_commit(&repo, OFFLINE);
    let entry = cache_entry(&repo, Runner::Python);
    let mut volumes = cleanup(&entry);
    volumes.0.extend(volumes_named_in(&run));
    let python = runner_result(run.results(), Runner::Python);
    let missing: Vec<_> = python
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Dependencies)
        .collect();
    assert_eq!(
        missing.len(),
        1,
        "only the package that is not vendored: {missing:#?}"
    );
    assert!(
        missing[0].message.contains("`not-vendored-pkg>=2`"),
        "{missing:#?}"
    );
    assert!(
        missing[0].message.contains("ATO_DEPS_NETWORK"),
        "{missing:#?}"
    );
    assert_eq!(missing[0].path.as_deref(), Some("requirements.txt"));
    assert_eq!(missing[0].line, Some(2));
    let (what, _) = deps_phase(&run, "python");
    assert_eq!(what, "not installed");
    assert!(!volume_exists(&entry.data), "a failed fill is not cached");
    assert!(!volume_exists(&entry.marker));
    // The tests still ran, without dependencies: the import of tinydep (vendored, not declared) fails and is
    // reported.
    assert!(
        python
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::ImportError),
        "{:#?}",
        python.problems
    );
    assert!(
        ato_containers(Some(&run.results().run_id)).is_empty(),
        "no container left"
    );
}

#[test]
fn javascript_vendored_tarball_in_the_lock_is_installed_once_then_cached() {
    require_docker();
    let (tarball, integrity) = npm_tarball();
    let repo = Repo::new();
    std::fs::create_dir_all(repo.path().join("vendor")).unwrap();
    std::fs::File::create(repo.path().join("vendor/tiny-1.0.0.tgz"))
        .unwrap()
        .write_all(&tarball)
        .unwrap();
    commit_tiny_npm_project(
        &repo,
        "file:vendor/tiny-1.0.0.tgz",
        "file:vendor/tiny-1.0.0.tgz",
        &integrity,
    );

    let first = run_last_commit(&repo, OFFLINE);
    let entry = cache_entry(&repo, Runner::Node);
    let mut volumes = cleanup(&entry);
    volumes.0.extend(volumes_named_in(&first));
    let node = runner_result(first.results(), Runner::Node);
    assert_eq!(
        node.outcome,
        SandboxOutcome::Completed { exit_code: 0 },
        "{}",
        first.stderr
    );
    assert!(
        !node
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::ImportError | ProblemKind::Dependencies)),
        "the vendored package resolves: {:#?}",
        node.problems
    );
    assert!(
        node.tests.iter().any(|t| t.status == TestStatus::Passed),
        "{:#?}",
        node.tests
    );
    assert!(
        !node.tests.iter().any(|t| t.status == TestStatus::Failed),
        "{:#?}",
        node.tests
    );
    assert!(
        node.notes
            .iter()
            .any(|n| n.contains(&format!("installed into the cache {}", entry.data))),
        "{:#?}",
        node.notes
    );
    let (what, fill_ms) = deps_phase(&first, "node");
    assert_eq!(what, "installed");

    let second = run_last_commit(&repo, OFFLINE);
    volumes.0.extend(volumes_named_in(&second));
    let node = runner_result(second.results(), Runner::Node);
    assert!(
        node.notes.iter().any(|n| n.contains("reused the cache")),
        "{:#?}\n(a rebuild of the runner image between the runs changes the digest)\nfirst run:\n{}\nsecond run:\n{}",
        node.notes,
        first.stderr,
        second.stderr
    );
    let (what, hit_ms) = deps_phase(&second, "node");
    assert_eq!(what, "cache hit");
    eprintln!("dependency phase: fill {fill_ms} ms, cache hit {hit_ms} ms");
    assert!(hit_ms * 10 <= fill_ms.max(1), "{hit_ms} ms vs {fill_ms} ms");
    assert!(volume_exists(&entry.data) && volume_exists(&entry.marker));
    for run in [&first, &second] {
        assert!(
            ato_containers(Some(&run.results().run_id)).is_empty(),
            "no container left"
        );
    }
}

#[test]
fn two_processes_at_once_install_once_and_both_get_the_dependencies() {
    require_docker();
    let repo = python_fixture(&format!("# fixture {}\ntinydep==1.0\n", nonce()));
    // Built before, so the two runs do not each build it (two builds are two images, two digests).
    runner_image("python");

    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| run_last_commit(&repo, OFFLINE));
        let b = scope.spawn(|| run_last_commit(&repo, OFFLINE));
        (a.join().unwrap(), b.join().unwrap())
    });
    let entry = cache_entry(&repo, Runner::Python);
    let mut volumes = cleanup(&entry);
    volumes.0.extend(volumes_named_in(&a));
    volumes.0.extend(volumes_named_in(&b));
    let mut phases: Vec<String> = [&a, &b]
        .iter()
        .map(|run| deps_phase(run, "python").0)
        .collect();
    phases.sort();
    assert_eq!(
        phases,
        vec!["cache hit", "installed"],
        "one fills, the other waits for it\nfirst:\n{}\nsecond:\n{}",
        a.stderr,
        b.stderr
    );
    for run in [&a, &b] {
        let python = runner_result(run.results(), Runner::Python);
        assert!(
            passed_doctest_of(python, "quadruple"),
            "{:#?}\n{}",
            python.tests,
            run.stderr
        );
        assert!(
            ato_containers(Some(&run.results().run_id)).is_empty(),
            "no container left"
        );
    }
}
