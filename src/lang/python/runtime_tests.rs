use super::*;

fn v(text: &str) -> Version {
    Version::parse_prefix(text).unwrap()
}

fn problem(kind: ProblemKind, message: &str) -> Problem {
    Problem {
        path: Some("pkg/shell.py".to_string()),
        line: Some(1),
        kind,
        message: message.to_string(),
        missing_module: None,
        same_on_base: None,
    }
}

#[test]
fn a_module_removed_in_this_version_asks_for_an_older_one() {
    let mut failed = problem(ProblemKind::ImportError, "import failed");
    failed.missing_module = Some("pipes".to_string());
    let retry = retry_direction(&[failed], &v("3.13")).unwrap();
    assert_eq!(retry.wants, Wants::Below(v("3.13")));
    assert_eq!(retry.reason, "`pipes` was removed in Python 3.13");
    assert!(retry.wants.accepts(&v("3.11")));
    assert!(!retry.wants.accepts(&v("3.13")));
}

#[test]
fn the_message_is_read_when_the_runner_did_not_name_the_module() {
    let failed = problem(
        ProblemKind::ImportError,
        "ModuleNotFoundError: No module named 'imp'",
    );
    let retry = retry_direction(&[failed], &v("3.13")).unwrap();
    assert_eq!(retry.wants, Wants::Below(v("3.12")));
    let sub = problem(ProblemKind::ImportError, "No module named 'distutils.core'");
    assert_eq!(
        retry_direction(&[sub], &v("3.12")).unwrap().wants,
        Wants::Below(v("3.12"))
    );
}

#[test]
fn a_removed_module_on_a_version_that_still_has_it_is_not_a_version_matter() {
    let failed = problem(ProblemKind::ImportError, "No module named 'pipes'");
    assert_eq!(retry_direction(&[failed], &v("3.11")), None);
}

#[test]
fn a_third_party_package_is_never_a_reason_to_change_python() {
    let mut failed = problem(ProblemKind::ImportError, "No module named 'six'");
    failed.missing_module = Some("six".to_string());
    assert_eq!(retry_direction(&[failed], &v("3.13")), None);
}

#[test]
fn removed_attributes_are_read_from_both_messages() {
    let attr = problem(
        ProblemKind::ImportError,
        "AttributeError: module 'collections' has no attribute 'Mapping'",
    );
    let retry = retry_direction(&[attr], &v("3.11")).unwrap();
    assert_eq!(retry.wants, Wants::Below(v("3.10")));
    assert_eq!(
        retry.reason,
        "`collections.Mapping` was removed in Python 3.10"
    );
    let from = problem(
        ProblemKind::ImportError,
        "ImportError: cannot import name 'Mapping' from 'collections' (/usr/lib/python3.13/collections/__init__.py)",
    );
    assert!(retry_direction(&[from], &v("3.13")).is_some());
    let other = problem(
        ProblemKind::ImportError,
        "cannot import name 'helper' from 'pkg.util'",
    );
    assert_eq!(retry_direction(&[other], &v("3.13")), None);
}

#[test]
fn a_module_a_newer_version_added_asks_for_a_newer_one() {
    let failed = problem(ProblemKind::ImportError, "No module named 'tomllib'");
    let retry = retry_direction(std::slice::from_ref(&failed), &v("3.9")).unwrap();
    assert_eq!(retry.wants, Wants::Above(v("3.9")));
    assert_eq!(retry_direction(&[failed], &v("3.11")), None);
}

#[test]
fn syntax_errors_ask_for_newer_only_when_base_has_them_too() {
    let mut both = problem(ProblemKind::SyntaxError, "invalid syntax (match statement)");
    both.same_on_base = Some(true);
    let retry = retry_direction(&[both], &v("3.9")).unwrap();
    assert_eq!(retry.wants, Wants::Above(v("3.9")));
    assert!(retry.reason.contains("base revision"), "{}", retry.reason);

    let mut head_only = problem(ProblemKind::SyntaxError, "invalid syntax");
    head_only.same_on_base = Some(false);
    assert_eq!(retry_direction(&[head_only], &v("3.9")), None);
    let new_file = problem(ProblemKind::SyntaxError, "invalid syntax");
    assert_eq!(retry_direction(&[new_file], &v("3.9")), None);
}

#[test]
fn the_first_problem_that_calls_for_a_retry_decides() {
    let timeout = problem(ProblemKind::Timeout, "No module named 'pipes'");
    let six = problem(ProblemKind::ImportError, "No module named 'six'");
    let asyncore = problem(ProblemKind::ImportError, "No module named 'asyncore'");
    let retry = retry_direction(&[timeout, six, asyncore], &v("3.13")).unwrap();
    assert_eq!(retry.reason, "`asyncore` was removed in Python 3.12");
    assert_eq!(retry_direction(&[], &v("3.13")), None);
}
