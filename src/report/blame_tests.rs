use super::*;
use crate::model::Language;

fn target(path: &str, changed: &[u32]) -> TargetFile {
    TargetFile {
        path: path.into(),
        language: Language::Python,
        changed_lines: changed.to_vec(),
        symbols: vec![],
    }
}

fn problem(kind: ProblemKind, line: Option<u32>, same: Option<bool>) -> Problem {
    Problem {
        path: Some("pkg/x.py".into()),
        line,
        kind,
        message: "importing pkg.x: RuntimeError: boom".into(),
        missing_module: None,
        same_on_base: same,
    }
}

#[test]
fn an_error_only_on_head_is_the_changes() {
    let targets = [target("pkg/x.py", &[3])];
    let syntax = problem(ProblemKind::SyntaxError, Some(9), Some(false));
    assert_eq!(judge(&syntax, &targets), Blame::Change);
    let import = problem(ProblemKind::ImportError, None, Some(false));
    assert_eq!(judge(&import, &targets), Blame::Change);
}

#[test]
fn the_same_failure_on_base_is_the_environments() {
    let targets = [target("pkg/x.py", &[3])];
    let p = problem(ProblemKind::SyntaxError, Some(3), Some(true));
    assert_eq!(judge(&p, &targets), Blame::Environment(Why::SameOnBase));
}

#[test]
fn a_missing_package_is_not_installed_even_when_only_head_imports_it() {
    let targets = [target("pkg/x.py", &[1])];
    for same in [Some(true), Some(false), None] {
        let mut p = problem(ProblemKind::ImportError, Some(1), same);
        p.missing_module = Some("six.moves".into());
        assert_eq!(
            judge(&p, &targets),
            Blame::Environment(Why::NotInstalled("six.moves".into())),
            "{same:?}"
        );
    }
}

#[test]
fn a_missing_module_of_the_repository_is_judged_like_any_import_error() {
    let targets = [target("src/pkg/x.py", &[1]), target("tools.py", &[1])];
    let mut p = problem(ProblemKind::ImportError, Some(1), Some(false));
    p.path = Some("src/pkg/x.py".into());
    p.missing_module = Some("pkg.helpers".into());
    assert_eq!(judge(&p, &targets), Blame::Change);
    p.missing_module = Some("tools".into());
    p.same_on_base = Some(true);
    assert_eq!(judge(&p, &targets), Blame::Environment(Why::SameOnBase));
}

#[test]
fn in_a_new_file_only_a_syntax_error_at_an_added_line_is_the_changes() {
    let targets = [target("pkg/x.py", &[1, 2, 3])];
    let at_added = problem(ProblemKind::SyntaxError, Some(2), None);
    assert_eq!(judge(&at_added, &targets), Blame::Change);
    let elsewhere = problem(ProblemKind::SyntaxError, Some(7), None);
    assert_eq!(judge(&elsewhere, &targets), Blame::Environment(Why::Other));
    let no_line = problem(ProblemKind::ImportError, None, None);
    assert_eq!(judge(&no_line, &targets), Blame::Environment(Why::Other));
    let import_at_added = problem(ProblemKind::ImportError, Some(2), None);
    assert_eq!(
        judge(&import_at_added, &targets),
        Blame::Environment(Why::Other),
        "base was not compared: ato cannot tell"
    );
}

#[test]
fn timeouts_dependencies_and_tools_are_never_the_changes() {
    let targets = [target("pkg/x.py", &[1])];
    let mut hang = problem(ProblemKind::Timeout, Some(1), Some(false));
    hang.message = "importing pkg.x did not finish within 20s".into();
    assert_eq!(
        judge(&hang, &targets),
        Blame::Environment(Why::TookTooLong(Some(20)))
    );
    for kind in [ProblemKind::Dependencies, ProblemKind::Tool] {
        let p = problem(kind, Some(1), Some(false));
        assert_eq!(judge(&p, &targets), Blame::Environment(Why::Other));
    }
    let mut runless = problem(ProblemKind::SyntaxError, Some(1), Some(false));
    runless.path = None;
    assert_eq!(judge(&runless, &targets), Blame::Environment(Why::Other));
}

#[test]
fn sentences_read_well() {
    let syntax = problem(ProblemKind::SyntaxError, Some(3), Some(false));
    assert_eq!(
        change_headline(&syntax),
        "pkg/x.py does not import on head: SyntaxError at line 3"
    );
    let import = problem(ProblemKind::ImportError, None, Some(false));
    assert_eq!(
        change_headline(&import),
        "pkg/x.py does not import on head: RuntimeError"
    );
    let code = |s: &str| format!("`{s}`");
    assert_eq!(
        not_tested_because(&Why::NotInstalled("six".into()), &import, &code),
        "`six` is not installed"
    );
    assert_eq!(
        not_tested_because(&Why::TookTooLong(Some(20)), &import, &code),
        "importing it took longer than 20 s"
    );
    assert_eq!(
        not_tested_because(&Why::SameOnBase, &import, &code),
        "it fails the same way on base: `importing pkg.x: RuntimeError: boom`"
    );
}

mod verdicts {
    use super::problem;
    use crate::model::{ProblemKind, Runner, TestStatus, Verdict};
    use crate::report::sample::{runner, test};
    use crate::report::verdict::{is_incomplete, verdict};

    #[test]
    fn a_file_the_change_broke_fails_the_run_and_leads_the_sentence() {
        let mut python = runner(Runner::Python);
        python.tests = vec![test("a", TestStatus::Passed)];
        python.problems = vec![problem(ProblemKind::SyntaxError, Some(3), Some(false))];
        python.problems[0].path = Some("pkg/m.py".into());
        assert_eq!(
            verdict(std::slice::from_ref(&python)),
            (
                Verdict::Failure,
                "pkg/m.py does not import on head: SyntaxError at line 3.".into()
            )
        );
        assert!(!is_incomplete(&[python]));
    }

    #[test]
    fn what_the_environment_lacks_makes_the_run_neutral_and_incomplete_never_failed() {
        let mut python = runner(Runner::Python);
        python.tests = vec![test("a", TestStatus::Passed)];
        let mut six = problem(ProblemKind::ImportError, Some(1), Some(true));
        six.path = Some("pkg/m.py".into());
        six.missing_module = Some("six".into());
        python.problems = vec![six];
        let (v, summary) = verdict(std::slice::from_ref(&python));
        assert_eq!(v, Verdict::Neutral);
        assert_eq!(
            summary,
            "pkg/m.py was not tested because six is not installed; the results are incomplete."
        );
        assert!(is_incomplete(&[python]));
    }

    #[test]
    fn a_run_level_problem_is_counted_and_a_clean_run_is_complete() {
        let mut python = runner(Runner::Python);
        python.tests = vec![test("a", TestStatus::Passed)];
        assert!(!is_incomplete(std::slice::from_ref(&python)));
        let mut run = problem(ProblemKind::Timeout, None, None);
        run.path = None;
        run.message = "test run 2 did not finish within 60s".into();
        python.problems = vec![run];
        let (v, summary) = verdict(std::slice::from_ref(&python));
        assert_eq!(v, Verdict::Neutral);
        assert!(
            summary.contains("1 problem kept ato from testing everything"),
            "{summary}"
        );
    }
}
