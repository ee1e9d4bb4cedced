//! `ato run --all`: every public function of the head is tested, not only those the last change touched.

use ato::model::{SandboxOutcome, Verdict};

use crate::support::ato_run::ato_run;
use crate::support::docker::require_docker;
use crate::support::git_repo::Repo;

#[test]
fn all_tests_every_public_function_of_the_head_not_only_the_changed_ones() {
    require_docker();
    let repo = Repo::new();
    repo.write(
        "calc.py",
        "def add(a: int, b: int) -> int:\n    \"\"\"Add.\n\n    >>> add(2, 3)\n    5\n    \"\"\"\n    return a + b\n",
    )
    .write("pkg/text.py", "def shout(s: str) -> str:\n    return s.upper()\n")
    .commit("base");
    repo.write("README.md", "the last change touches no code\n")
        .commit("docs");

    let run = ato_run(repo.path(), &["--all", "--head", "HEAD"], &[]);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    let results = run.results();
    assert_eq!(results.verdict, Verdict::Success, "{}", results.summary);
    assert_eq!(results.base.name, "nothing (--all: every file is new)");
    let python = &results.runners[0];
    assert_eq!(python.outcome, SandboxOutcome::Completed { exit_code: 0 });
    let mut symbols: Vec<(String, String)> = python
        .targets
        .iter()
        .flat_map(|t| t.symbols.iter().map(|s| (t.path.clone(), s.name.clone())))
        .collect();
    symbols.sort();
    assert_eq!(
        symbols,
        vec![
            ("calc.py".to_string(), "add".to_string()),
            ("pkg/text.py".to_string(), "shout".to_string())
        ],
        "functions the last commit did not touch are tested"
    );
    assert!(
        python
            .tests
            .iter()
            .any(|t| t.target.as_deref() == Some("calc.py::add"))
    );
    assert!(
        python.behaviour_changes.is_empty(),
        "nothing to compare with"
    );

    let both = ato_run(repo.path(), &["--all", "--base", "HEAD~1"], &[]);
    assert_eq!(
        both.exit_code, 2,
        "--all measures against nothing: {}",
        both.stderr
    );
}
