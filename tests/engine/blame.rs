//! `ato run` blames only the change: what the PR broke fails the run, what the environment lacks is "not
//! tested, because …" and makes it incomplete (exit 3). Real git repositories, the real binary, real containers.

use ato::model::{ProblemKind, TestStatus, Verdict};

use crate::support::ato_run::{ato_run, runner_result};
use crate::support::docker::require_docker;
use crate::support::git_repo::Repo;

#[test]
fn a_syntax_error_only_on_head_fails_the_run_with_an_annotation_at_its_line() {
    require_docker();
    let repo = Repo::new();
    repo.write("pkg/__init__.py", "")
        .write("pkg/calc.py", "def f(x: int) -> int:\n    return x\n")
        .commit("base");
    repo.write(
        "pkg/calc.py",
        "def f(x: int) -> int:\n    return x\n\n\ndef g(x: int) -> int:\n    return x +\n",
    )
    .commit("broken");
    let run = ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], &[]);
    assert_eq!(run.exit_code, 1, "the change failed: {}", run.stderr);
    let results = run.results();
    assert_eq!(results.verdict, Verdict::Failure);
    assert!(
        results
            .summary
            .starts_with("pkg/calc.py does not import on head: SyntaxError at line 6"),
        "{}",
        results.summary
    );
    let python = runner_result(results, ato::model::Runner::Python);
    let problem = &python.problems[0];
    assert_eq!(
        (problem.kind, problem.line, problem.same_on_base),
        (ProblemKind::SyntaxError, Some(6), Some(false))
    );
    assert!(
        python.tests.is_empty(),
        "no tests for a file that does not import"
    );
    let annotations = ato::publish::annotations(results);
    let at_line: Vec<_> = annotations
        .iter()
        .filter(|a| a.path == "pkg/calc.py" && a.start_line == 6)
        .collect();
    assert_eq!(at_line.len(), 1, "{annotations:#?}");
    assert_eq!(
        at_line[0].title.as_deref(),
        Some("pkg/calc.py does not import on head: SyntaxError at line 6")
    );
    assert!(
        run.read("report.md")
            .contains("Files that do not import on head (1)")
    );
}

/// One run over a change that touches everything the environment is to blame for, plus a file that tests
/// fine: a module importing `six` on both sides (six is not installed), a module that hangs on import only on
/// head, a changed `setup.py`, and a file `.github/ato.yml` excludes.
#[test]
fn what_the_environment_lacks_is_not_tested_and_the_run_is_incomplete_not_failed() {
    require_docker();
    let repo = Repo::new();
    repo.write(".github/ato.yml", "exclude: [\"legacy/\"]\nreruns: 2\n")
        .write("pkg/__init__.py", "")
        .write(
            "pkg/compat.py",
            "import six\n\n\ndef version():\n    return 1\n",
        )
        .write("pkg/slow.py", "X = 1\n")
        .write("pkg/fine.py", "def one() -> int:\n    return 1\n")
        .write("legacy/old.py", "def old():\n    return 1\n")
        .write(
            "setup.py",
            "from setuptools import setup\nsetup(name='x')\n",
        )
        .commit("base");
    repo.write(
        "pkg/compat.py",
        "import six\n\n\ndef version():\n    return 2\n",
    )
    .write(
        "pkg/slow.py",
        "import time\nwhile True:\n    time.sleep(1)\n",
    )
    .write(
        "pkg/fine.py",
        "def one() -> int:\n    return 1\n\n\ndef two() -> int:\n    return 2\n",
    )
    .write("legacy/old.py", "def old():\n    return 2\n")
    .write(
        "setup.py",
        "from setuptools import setup\nsetup(name='y')\n",
    )
    .commit("change");

    let run = ato_run(
        repo.path(),
        &["--base", "HEAD~1", "--head", "HEAD"],
        &[("RUNNER_TIMEOUT_SECS", "150")],
    );
    assert_eq!(
        run.exit_code, 3,
        "incomplete, nothing failed: {}",
        run.stderr
    );
    let results = run.results();
    assert_eq!(results.verdict, Verdict::Neutral, "{}", results.summary);
    assert!(
        results
            .summary
            .contains("pkg/compat.py was not tested because six is not installed"),
        "{}",
        results.summary
    );
    assert!(!results.summary.contains("failed"), "{}", results.summary);

    let python = runner_result(results, ato::model::Runner::Python);
    let compat = python
        .problems
        .iter()
        .find(|p| p.path.as_deref() == Some("pkg/compat.py"))
        .unwrap_or_else(|| panic!("{:#?}", python.problems));
    assert_eq!(compat.missing_module.as_deref(), Some("six"));
    assert_eq!(compat.same_on_base, Some(true));
    let slow = python
        .problems
        .iter()
        .find(|p| p.path.as_deref() == Some("pkg/slow.py"))
        .unwrap_or_else(|| panic!("{:#?}", python.problems));
    assert_eq!(slow.kind, ProblemKind::Timeout);

    // The hang cost only its module: the other changed module was tested, and passed.
    let fine: Vec<_> = python
        .tests
        .iter()
        .filter(|t| t.target.as_deref() == Some("pkg/fine.py::two"))
        .collect();
    assert!(!fine.is_empty(), "{:#?}", python.tests);
    assert!(
        fine.iter().all(|t| t.status == TestStatus::Passed),
        "{fine:#?}"
    );
    assert!(
        fine.iter().all(|t| t.runs.len() == 2),
        "reruns: 2 from ato.yml"
    );
    assert!(
        python.tests.iter().all(|t| !t
            .target
            .as_deref()
            .is_some_and(|s| s.starts_with("pkg/compat.py") || s.starts_with("pkg/slow.py"))),
        "no tests for modules that do not import: {:#?}",
        python.tests
    );

    let skipped = |path: &str| {
        results
            .skipped_files
            .iter()
            .find(|s| s.path == path)
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{path} skipped: {:#?}", results.skipped_files))
    };
    assert!(skipped("setup.py").starts_with("entry point: setup.py"));
    assert_eq!(skipped("legacy/old.py"), "excluded by .github/ato.yml");
    assert!(python.targets.iter().all(|t| t.path != "setup.py"));

    let md = run.read("report.md");
    assert!(
        md.contains("- ` pkg/compat.py `: not tested, because ` six ` is not installed"),
        "{md}"
    );
    assert!(
        md.contains("- ` pkg/slow.py `: not tested, because importing it took longer than"),
        "{md}"
    );
    let html = run.read("report.html");
    assert!(html.contains("is not installed"), "{html}");
}

#[test]
fn asking_for_the_model_without_one_is_an_error_that_says_so() {
    let repo = Repo::new();
    repo.write("a.py", "x = 1\n").commit("base");
    repo.write("a.py", "x = 2\n").commit("change");
    let run = ato_run(
        repo.path(),
        &["--base", "HEAD~1", "--head", "HEAD", "--generate", "llm"],
        &[("LLM_BASE_URL", ""), ("LLM_MODEL", "")],
    );
    assert_eq!(run.exit_code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("LLM_BASE_URL") && run.stderr.contains("LLM_MODEL"),
        "{}",
        run.stderr
    );
    assert!(run.results.is_none(), "no run, no results");
}
