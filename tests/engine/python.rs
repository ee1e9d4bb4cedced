//! `ato run` end to end on Python pull requests: real git repositories, the real binary, real containers.

use ato::model::{Observation, SandboxOutcome, TestKind, TestStatus, Verdict};

use crate::support::ato_run::ato_run;
use crate::support::docker::{ato_containers, require_docker};
use crate::support::git_repo::Repo;

const CALC_BASE: &str = r#"
def add(a: int, b: int) -> int:
    return a + b
"#;

#[test]
fn a_typed_function_with_a_doctest_gets_tests_that_run_pass_and_cover_it() {
    require_docker();
    let repo = Repo::new();
    repo.write("calc.py", CALC_BASE).commit("base");
    repo.write(
        "calc.py",
        &format!(
            "{CALC_BASE}\n\ndef mul(a: int, b: int) -> int:\n    \"\"\"Multiply.\n\n    >>> mul(6, 7)\n    42\n    \"\"\"\n    return a * b\n"
        ),
    )
    .commit("add mul");

    let run = ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], &[]);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    let results = run.results();
    assert_eq!(results.verdict, Verdict::Success, "{}", results.summary);
    let python = &results.runners[0];
    assert_eq!(python.outcome, SandboxOutcome::Completed { exit_code: 0 });
    assert_eq!(python.targets[0].symbols[0].name, "mul");
    assert!(python.targets[0].symbols[0].is_new);

    let doctest = python
        .tests
        .iter()
        .find(|t| {
            t.kind == TestKind::Doctest && t.target.as_deref().is_some_and(|s| s.ends_with("mul"))
        })
        .unwrap_or_else(|| panic!("no doctest for mul among {:#?}", python.tests));
    assert_eq!(doctest.status, TestStatus::Passed);
    assert_eq!(doctest.runs.len(), 3, "three runs by default");
    assert!(
        python.tests.iter().all(|t| t.status == TestStatus::Passed),
        "{:#?}",
        python.tests
    );

    let coverage = python
        .coverage
        .iter()
        .find(|c| c.path == "calc.py")
        .expect("coverage of calc.py");
    assert!(
        coverage.covered.contains(&12),
        "the body of mul ran: {coverage:?}"
    );
    assert!(
        coverage.missed.is_empty(),
        "every changed line ran: {coverage:?}"
    );

    for file in [
        "report.md",
        "report.html",
        "results.json",
        "ato-tests.patch",
    ] {
        assert!(run.out_path(file).is_file(), "{file} written");
    }
    assert!(
        run.read("ato-tests.patch").contains("+++ b/"),
        "the patch adds the passing tests"
    );
    assert!(run.read("report.md").contains("mul"));
    // Not a terminal: every phase on its own line, each with the time since the start.
    let phases: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("ato: [")?.split_once(" s] "))
        .map(|(_, phase)| phase)
        .collect();
    for phase in [
        "planning: reading the change…",
        "running the python runner on 1 file(s)",
        "python runner: ",
        "writing the report…",
    ] {
        assert!(
            phases.iter().any(|p| p.starts_with(phase)),
            "no {phase:?} in\n{}",
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains('\r'),
        "no updating line outside a terminal"
    );
    let html = run.read("report.html");
    assert!(
        html.contains("<h2 id=\"files\">Changed files</h2>") && html.contains("calc.py"),
        "the page shows the diff"
    );
    assert!(
        ato_containers(Some(&run.results().run_id)).is_empty(),
        "no container labelled ato is left"
    );
}

#[test]
fn a_changed_result_is_reported_as_a_behaviour_change_with_input_and_both_values() {
    require_docker();
    let repo = Repo::new();
    repo.write(
        "limits.py",
        "def clamp(x: int) -> int:\n    return max(0, x)\n",
    )
    .commit("base");
    repo.write(
        "limits.py",
        "def clamp(x: int) -> int:\n    return max(0, min(x, 100))\n",
    )
    .commit("cap at 100");

    let run = ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], &[]);
    assert_eq!(
        run.exit_code, 1,
        "a behaviour change fails the run; ato said:\n{}",
        run.stderr
    );
    let results = run.results();
    assert_eq!(results.verdict, Verdict::Failure);
    let changes = &results.runners[0].behaviour_changes;
    let change = changes
        .iter()
        .find(|c| c.symbol == "clamp")
        .unwrap_or_else(|| panic!("no behaviour change for clamp: {:#?}", results.runners[0]));
    assert!(change.input.starts_with("clamp("), "{change:?}");
    let (Observation::Returned { value: base }, Observation::Returned { value: head }) =
        (&change.base, &change.head)
    else {
        panic!("both sides return: {change:?}");
    };
    let base: i64 = base.parse().expect("an int");
    assert!(base > 100, "only inputs above 100 changed: {change:?}");
    assert_eq!(head, "100");
    assert!(
        run.read("report.md").contains("clamp("),
        "the report shows the input"
    );
}

#[test]
fn a_function_that_depends_on_randomness_is_reported_flaky_not_failed() {
    require_docker();
    let repo = Repo::new();
    repo.write("coin.py", "import random\n").commit("base");
    repo.write(
        "coin.py",
        "import random\n\n\ndef heads() -> bool:\n    \"\"\"\n    >>> heads()\n    True\n    \"\"\"\n    return random.random() < 0.5\n",
    )
    .commit("a coin");

    // With 12 runs, all outcomes equal by chance has probability 2/4096.
    let run = ato_run(
        repo.path(),
        &["--base", "HEAD~1", "--head", "HEAD", "--reruns", "12"],
        &[],
    );
    let results = run.results();
    let doctest = results.runners[0]
        .tests
        .iter()
        .find(|t| t.kind == TestKind::Doctest)
        .unwrap_or_else(|| panic!("a doctest for heads: {:#?}", results.runners[0].tests));
    assert_eq!(doctest.status, TestStatus::Flaky, "{doctest:#?}");
    assert_eq!(doctest.runs.len(), 12);
    assert_ne!(
        results.verdict,
        Verdict::Failure,
        "flaky is listed, not a failure: {}",
        results.summary
    );
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    assert!(run.read("report.md").to_lowercase().contains("flaky"));
}

#[test]
fn bandit_findings_on_changed_lines_are_reported_and_others_are_not_annotated() {
    require_docker();
    let repo = Repo::new();
    repo.write(
        "digest.py",
        "import hashlib\n\n\ndef old(b: bytes) -> str:\n    return hashlib.md5(b).hexdigest()\n",
    )
    .commit("base");
    repo.write(
        "digest.py",
        "import hashlib\n\n\ndef old(b: bytes) -> str:\n    return hashlib.md5(b).hexdigest()\n\n\ndef new(b: bytes) -> str:\n    return hashlib.sha1(b).hexdigest()\n",
    )
    .commit("add new");

    let run = ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], &[]);
    let findings = &run.results().runners[0].findings;
    let on_changed: Vec<_> = findings.iter().filter(|f| f.on_changed_line).collect();
    assert!(
        on_changed.iter().any(|f| f.tool == "bandit" && f.line == 9),
        "sha1 on line 9 is flagged: {findings:#?}"
    );
    assert!(
        findings
            .iter()
            .filter(|f| f.line == 5)
            .all(|f| !f.on_changed_line),
        "md5 on the unchanged line 5 is not on a changed line: {findings:#?}"
    );
}

#[test]
fn bad_revisions_and_non_repositories_exit_2_with_a_message() {
    let repo = Repo::new();
    repo.write("a.py", "x = 1\n").commit("base");
    let run = ato_run(
        repo.path(),
        &["--base", "no-such-rev", "--head", "HEAD"],
        &[],
    );
    assert_eq!(run.exit_code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no-such-rev"),
        "names the revision: {}",
        run.stderr
    );

    let not_a_repo = tempfile::tempdir().unwrap();
    let run = ato_run(not_a_repo.path(), &["--base", "HEAD"], &[]);
    assert_eq!(run.exit_code, 2);
    assert!(run.stderr.to_lowercase().contains("git"), "{}", run.stderr);
}

#[test]
fn a_change_with_nothing_to_test_completes_with_a_neutral_report() {
    require_docker();
    let repo = Repo::new();
    repo.write("README.md", "hello\n").commit("base");
    repo.write("README.md", "hello world\n")
        .write("test_x.py", "def test_x():\n    pass\n")
        .commit("docs");
    let run = ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], &[]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let results = run.results();
    assert_eq!(results.verdict, Verdict::Neutral);
    assert!(results.runners.is_empty());
    assert!(results.skipped_files.iter().any(|s| s.path == "test_x.py"));
    assert!(run.read("report.md").contains("README.md"));
}

#[test]
fn a_syntax_error_in_a_changed_file_is_a_clear_problem_not_a_crash() {
    require_docker();
    let repo = Repo::new();
    repo.write("ok.py", "def f(x: int) -> int:\n    return x\n")
        .commit("base");
    repo.write("ok.py", "def f(x: int) -> int:\n    return x +\n")
        .commit("broken");
    let run = ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], &[]);
    assert_ne!(run.exit_code, 2, "{}", run.stderr);
    let python = &run.results().runners[0];
    assert_eq!(python.outcome, SandboxOutcome::Completed { exit_code: 0 });
    let problem = python
        .problems
        .iter()
        .find(|p| p.kind == ato::model::ProblemKind::SyntaxError)
        .unwrap_or_else(|| panic!("a syntax error problem: {:#?}", python.problems));
    assert_eq!(problem.path.as_deref(), Some("ok.py"));
    assert_eq!(problem.line, Some(2));
}
