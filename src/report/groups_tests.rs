use super::*;
use crate::model::{Problem, ProblemKind, Runner, Severity, TestStatus};
use crate::report::sample::{runner, test};

fn change(symbol: &str, input: &str, base: Observation, head: Observation) -> BehaviourChange {
    BehaviourChange {
        file: "pkg/shop.py".into(),
        symbol: symbol.into(),
        input: input.into(),
        base,
        head,
    }
}

fn returned(value: &str) -> Observation {
    Observation::Returned {
        value: value.into(),
    }
}

#[test]
fn one_entry_per_changed_function_simplest_input_first_the_rest_folded() {
    let mut python = runner(Runner::Python);
    for (input, base) in [
        (
            "discount(price=1e-308, percent=33.333333333333333333333333333333333336)",
            "1e-308",
        ),
        ("discount(price=10, percent=50)", "5.0"),
        (
            "discount(price=3.3333333333333335, percent=0)",
            "3.3333333333333335",
        ),
    ] {
        python.behaviour_changes.push(change(
            "discount",
            input,
            returned(base),
            Observation::Raised {
                error: "ValueError".into(),
                message: "percent out of range".into(),
            },
        ));
    }
    python.behaviour_changes.push(change(
        "label",
        "label('a')",
        returned("'Price: 5'"),
        returned("'Price: 5.00'"),
    ));
    let section = behaviour_changes(&[python], Style::Comment);
    assert!(section.heading.contains("(4)"), "{}", section.heading);
    assert!(
        section.heading.contains("2 functions"),
        "{}",
        section.heading
    );
    assert_eq!(section.items.len(), 2, "one entry per function");
    let discount = &section.items[0];
    assert!(discount.starts_with("**` discount `** in ` pkg/shop.py ` · 3 inputs differ"));
    let first_row = discount.lines().find(|l| l.starts_with("| ` ")).unwrap();
    assert_eq!(
        first_row,
        "| ` discount(price=10, percent=50) ` | returned ` 5.0 ` | raised ` ValueError ` · ` percent out of range ` |"
    );
    assert!(
        discount.contains("<details><summary>and 2 more inputs differ</summary>"),
        "{discount}"
    );
    assert!(discount.contains("percent=≈33.3333"), "{discount}");
    assert!(!discount.contains("33333333333"), "{discount}");
    let label = &section.items[1];
    assert!(
        label.contains("```diff\n@@ differs from character 9 @@\n-'Price: 5'\n+'Price: 5.00'\n```"),
        "{label}"
    );
    assert!(!label.contains("<details>"), "{label}");
    // On the page nothing is folded in raw HTML.
    let page = behaviour_changes(&[runner(Runner::Python)], Style::Page);
    assert!(page.items.is_empty());
}

#[test]
fn failing_and_flaky_tests_are_grouped_per_function() {
    let a = test("t::a", TestStatus::Failed);
    let b = test("t::b", TestStatus::Failed);
    let mut c = test("t::c", TestStatus::Failed);
    c.target = Some("pkg/m.py::g".into());
    let section = failed_tests(&[&c, &a, &b], Style::Comment);
    assert_eq!(section.items.len(), 2);
    assert!(
        section.items[0].starts_with("2 tests of ` pkg/m.py::f ` fail on every run:"),
        "{}",
        section.items[0]
    );
    assert!(section.items[0].contains("<details><summary>and 1 more failing test</summary>"));
    assert!(
        section.items[1].starts_with("**` t::c `**"),
        "{}",
        section.items[1]
    );
    let flaky = flaky_tests(&[&test("t::d", TestStatus::Flaky)], Style::Comment);
    assert_eq!(flaky.items.len(), 1);
    assert!(flaky.items[0].contains("passed 2 of 3 runs"));
}

#[test]
fn findings_are_one_row_per_rule_most_severe_first() {
    let finding = |rule: &str, line: u32, severity| Finding {
        tool: "bandit".into(),
        rule: rule.into(),
        severity,
        path: "pkg/m.py".into(),
        line,
        message: "msg".into(),
        on_changed_line: true,
    };
    let list = [
        finding("B101", 1, Severity::Low),
        finding("B602", 9, Severity::High),
        finding("B101", 2, Severity::Low),
        finding("B101", 3, Severity::Low),
        finding("B101", 4, Severity::Low),
    ];
    let refs: Vec<&Finding> = list.iter().collect();
    let section = findings(&refs, Style::Comment);
    assert!(section.heading.contains("(5)"));
    assert_eq!(section.items.len(), 2);
    assert!(section.items[0].contains("B602"), "{}", section.items[0]);
    assert!(
        section.items[1].contains("` pkg/m.py:3 `, and 1 more"),
        "{}",
        section.items[1]
    );
    assert!(findings(&refs, Style::Page).items[1].contains("pkg/m.py:4"));
}

#[test]
fn files_not_tested_for_the_same_reason_share_a_line() {
    let mut python = runner(Runner::Python);
    python.targets[0].path = "pkg/a.py".into();
    for path in ["pkg/a.py", "pkg/b.py"] {
        python.problems.push(Problem {
            path: Some(path.into()),
            line: Some(1),
            kind: ProblemKind::ImportError,
            message: "No module named 'six'".into(),
            missing_module: Some("six".into()),
            same_on_base: None,
        });
    }
    let section = untested_files(&[python], Style::Comment);
    assert!(section.heading.contains("(2)"));
    assert_eq!(
        section.items,
        vec!["- ` pkg/a.py `, ` pkg/b.py `: not tested, because ` six ` is not installed\n"]
    );
}
