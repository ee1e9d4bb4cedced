//! Partial fills: a project one of whose requirements cannot be installed gets all the others, for its run
//! only. From PyPI through the allow-list proxy with a requirement the proxy refuses (a GitHub archive) and
//! one PyPI does not have, and offline with a vendored sdist whose wheel does not build. The requirement left out is named at its line,
//! the module that imports it is "not tested, because it is not installed", the others are tested with what
//! did install, and nothing of the fill is cached or left behind.

use ato::model::{Problem, ProblemKind, Runner, RunnerResult, SandboxOutcome};

use super::{OFFLINE, PY_BASE, PY_HEAD, assert_nothing_left, passed_doctest_of};
use crate::support::ato_run::{AtoRun, run_last_commit, runner_result};
use crate::support::deps::{
    RemoveVolumes, deps_phase, nonce, volume_exists, volumes_named_in, write_sdist, write_wheel,
};
use crate::support::docker::require_docker;
use crate::support::git_repo::Repo;

const REGISTRIES: &[(&str, &str)] = &[("ATO_DEPS_NETWORK", "registries")];

/// A requirement pip would fetch from GitHub, which the proxy refuses.
const FROM_GITHUB: &str =
    "nbval @ https://github.com/computationalmodelling/nbval/archive/refs/tags/0.10.0.tar.gz";
/// A name PyPI does not have.
const NOT_ON_PYPI: &str = "ato-no-such-package-on-pypi";

const SHOUT_BASE: &str = "def shout(text: str) -> str:\n    return text.upper()\n";

const SHOUT_HEAD: &str = r#"import six


def shout(text: str) -> str:
    """Upper case, through six.

    >>> shout("hi")
    'HI'
    """
    return six.ensure_str(text).upper()
"#;

/// A module of the head that imports `package`, which will not be installed.
fn importing(package: &str) -> String {
    format!("import {package}\n\n\ndef one() -> int:\n    return 1\n")
}

/// The `dependencies` problems of the run: `count` packages left out.
fn left_out(python: &RunnerResult, count: usize) -> Vec<&Problem> {
    let problems: Vec<_> = python
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Dependencies)
        .collect();
    assert_eq!(problems.len(), count, "packages left out: {problems:#?}");
    problems
}

/// The partial fill's volume the notes name (`ato-deps-python-<12 hex>-partial-<8 hex>`); it is gone after
/// the run, and so is the cache entry it came from.
fn assert_partial_and_gone(run: &AtoRun, python: &RunnerResult, left_out: &str) {
    assert_eq!(deps_phase(run, "python").0, "partly installed");
    let note = python
        .notes
        .iter()
        .find(|n| n.contains("for this run only"))
        .unwrap_or_else(|| panic!("a note of the partial fill: {:#?}", python.notes));
    assert!(
        note.contains(&format!("installed all but {left_out} in")),
        "{note}"
    );
    let volume = note
        .split_whitespace()
        .find(|w| w.starts_with("ato-deps-python-") && w.contains("-partial-"))
        .unwrap_or_else(|| panic!("the note names the volume: {note}"));
    let (data, _) = volume.split_once("-partial-").unwrap();
    for name in [
        volume.to_string(),
        data.to_string(),
        format!("{data}-complete"),
    ] {
        assert!(!volume_exists(&name), "{name} is left after the run");
    }
    assert!(
        !python.notes.iter().any(|n| n.contains("reused the cache")),
        "{:#?}",
        python.notes
    );
}

/// The module importing `package` was not tested because it is not installed, and the report says so.
fn assert_not_installed(run: &AtoRun, python: &RunnerResult, path: &str, package: &str) {
    assert!(
        python
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::ImportError
                && p.path.as_deref() == Some(path)
                && p.missing_module.as_deref() == Some(package)),
        "{:#?}",
        python.problems
    );
    let report = run.read("report.md");
    let line = format!("- ` {path} `: not tested, because ` {package} ` is not installed");
    assert!(report.contains(&line), "{line}\nin:\n{report}");
}

#[test]
fn python_a_requirement_the_proxy_refuses_is_left_out_and_the_rest_comes_from_pypi_each_run() {
    require_docker();
    let repo = Repo::new();
    let requirements = format!(
        "# fixture {}\nsix>=1.16\n{FROM_GITHUB}\n{NOT_ON_PYPI}\n",
        nonce()
    );
    repo.write("requirements.txt", &requirements)
        .write("app/__init__.py", "")
        .write("app/text.py", SHOUT_BASE)
        .write("app/notebook.py", "def one() -> int:\n    return 1\n")
        .commit("base");
    repo.write("app/text.py", SHOUT_HEAD)
        .write("app/notebook.py", &importing("nbval"))
        .commit("shout through six, notebooks through nbval");

    let first = run_last_commit(&repo, REGISTRIES);
    let mut volumes = RemoveVolumes(volumes_named_in(&first));
    let python = runner_result(first.results(), Runner::Python);
    assert_eq!(
        python.outcome,
        SandboxOutcome::Completed { exit_code: 0 },
        "{}",
        first.stderr
    );
    assert!(
        passed_doctest_of(python, "shout"),
        "six is installed and importable: {:#?}\n{:#?}",
        python.tests,
        python.problems
    );
    let problems = left_out(python, 2);
    let (refused, absent) = (problems[0], problems[1]);
    assert!(
        refused.message.contains(&format!("`{FROM_GITHUB}`"))
            && refused.message.contains("CONNECT github.com:443")
            && refused.message.contains("refused"),
        "named with its cause: {refused:#?}"
    );
    assert_eq!(
        (refused.path.as_deref(), refused.line),
        (Some("requirements.txt"), Some(3))
    );
    assert!(
        absent.message.contains(&format!("`{NOT_ON_PYPI}`"))
            && absent.message.contains("has a version that fits")
            && !absent.message.contains("github"),
        "each with its own cause: {absent:#?}"
    );
    assert_eq!(absent.line, Some(4));
    assert_not_installed(&first, python, "app/notebook.py", "nbval");
    assert_partial_and_gone(&first, python, "2 packages");
    assert!(
        first
            .read("runners/python/deps-install.log")
            .contains("ATO-DEPS-PARTIAL"),
        "the installer's output is kept"
    );
    assert_nothing_left(&first);

    // Nothing was cached: the next run tries the whole again (the proxy still refuses GitHub).
    let second = run_last_commit(&repo, REGISTRIES);
    volumes.0.extend(volumes_named_in(&second));
    let python = runner_result(second.results(), Runner::Python);
    assert!(passed_doctest_of(python, "shout"), "{:#?}", python.tests);
    assert!(left_out(python, 2)[0].message.contains("nbval"));
    assert_partial_and_gone(&second, python, "2 packages");
    assert_nothing_left(&second);
    let (_, first_ms) = deps_phase(&first, "python");
    let (_, second_ms) = deps_phase(&second, "python");
    eprintln!("partial fills from PyPI: {first_ms} ms, then {second_ms} ms");
}

/// A `setup.py` whose metadata is fine but whose wheel never builds.
const UNBUILDABLE_SETUP: &str = r#"import sys

from setuptools import setup

if "bdist_wheel" in sys.argv:
    raise SystemExit("badbuild: this wheel never builds")
setup(name="badbuild", version="1.0", py_modules=[])
"#;

#[test]
fn python_a_vendored_sdist_whose_wheel_does_not_build_is_left_out_and_the_rest_installed() {
    require_docker();
    let repo = Repo::new();
    write_wheel(&repo.path().join("vendor"));
    write_sdist(
        &repo.path().join("vendor"),
        "badbuild",
        "1.0",
        UNBUILDABLE_SETUP,
    );
    let requirements = format!("# fixture {}\ntinydep==1.0\nbadbuild==1.0\n", nonce());
    repo.write("requirements.txt", &requirements)
        .write("app/__init__.py", "")
        .write("app/calc.py", PY_BASE)
        .write("app/legacy.py", "def one() -> int:\n    return 1\n")
        .commit("base");
    repo.write("app/calc.py", PY_HEAD)
        .write("app/legacy.py", &importing("badbuild"))
        .commit("quadruple through tinydep, legacy through badbuild");

    let run = run_last_commit(&repo, OFFLINE);
    let _volumes = RemoveVolumes(volumes_named_in(&run));
    let python = runner_result(run.results(), Runner::Python);
    assert!(
        passed_doctest_of(python, "quadruple"),
        "tinydep is installed: {:#?}\n{:#?}\n{}",
        python.tests,
        python.problems,
        run.stderr
    );
    assert!(
        passed_doctest_of(python, "cache_is_read_only"),
        "the partial fill is mounted read-only: {:#?}",
        python.tests
    );
    let problem = left_out(python, 1)[0];
    assert!(
        problem.message.contains("`badbuild==1.0`")
            && problem.message.contains("pip failed to build its wheel"),
        "{problem:#?}"
    );
    assert_eq!(
        (problem.path.as_deref(), problem.line),
        (Some("requirements.txt"), Some(3))
    );
    assert_not_installed(&run, python, "app/legacy.py", "badbuild");
    assert_partial_and_gone(&run, python, "1 package");
    let log = run.read("runners/python/deps-install.log");
    assert!(
        log.contains("Failed building wheel for badbuild")
            && log.contains("badbuild: this wheel never builds"),
        "pip's own words are kept: {log}"
    );
    assert_nothing_left(&run);
}
