use super::*;
use crate::model::{BehaviourChange, FileCoverage, Runner};
use crate::report::sample::{results, runner, test};

fn run(failed: usize, passed: usize, changes: usize, covered: usize) -> RunResults {
    let mut python = runner(Runner::Python);
    python.tests = (0..failed)
        .map(|i| test(&format!("t::f{i}"), TestStatus::Failed))
        .chain((0..passed).map(|i| test(&format!("t::p{i}"), TestStatus::Passed)))
        .collect();
    python.behaviour_changes = (0..changes)
        .map(|i| BehaviourChange {
            file: "pkg/m.py".into(),
            symbol: format!("f{i}"),
            input: format!("f{i}(0.30000000000000004)"),
            base: Observation::Returned { value: "1".into() },
            head: Observation::Returned { value: "2".into() },
        })
        .collect();
    python.coverage = vec![FileCoverage {
        path: "pkg/m.py".into(),
        covered: (1..=covered as u32).collect(),
        missed: (covered as u32 + 1..=10).collect(),
        branches: vec![],
    }];
    results(vec![python])
}

use crate::model::Observation;

#[test]
fn a_glance_headline_counts_with_changes_top_three_and_the_rest_folded() {
    let links = ReportLinks {
        report: Some("https://ato.example/reports/r/t".into()),
        patch: None,
    };
    let before = run(1, 4, 1, 5);
    let now = run(2, 3, 3, 7);
    let md = comment(&now, Some(&before), &links);
    let mut lines = md.lines();
    assert_eq!(
        lines.next(),
        Some("## ❌ ato: failure · 2 tests fail · 3 behaviour changes")
    );
    assert!(
        md.contains(
            "**Tests** 3 passed (−1), 2 failed (+1), 0 flaky · **Behaviour changes** 3 (+2) · \
             **Changed-line coverage** 70% (7/10) (+20 pts) · changes against the previous run ` run-1 `"
        ),
        "{md}"
    );
    assert!(
        md.contains("1. 2 tests of ` pkg/m.py::f ` fail on every run: ` assert 1 == 2 `\n"),
        "{md}"
    );
    assert!(
        md.contains("2. ` f0 ` changed behaviour: ` f0(≈0.3) ` ` returned 1 ` on base, ` returned 2 ` on head\n"),
        "{md}"
    );
    assert!(md.contains("3. ` f1 `") && !md.contains("4. "), "{md}");
    assert!(md.contains("and 1 more to look at."), "{md}");
    let fold = md
        .find("<details><summary>Everything, by section</summary>")
        .unwrap();
    assert!(md[fold..].contains("### ❌ Failed tests (2)"), "{md}");
    assert!(md.contains("</details>\n\n---\n[Full report](https://ato.example/reports/r/t)"));
    // Without a previous run no change is shown.
    let first = comment(&now, None, &links);
    assert!(
        first.contains("**Tests** 3 passed, 2 failed, 0 flaky · **Behaviour changes** 3 ·"),
        "{first}"
    );
    assert!(!first.contains("previous run"), "{first}");
}

#[test]
fn the_same_result_is_recognised_and_said() {
    let a = run(1, 4, 1, 5);
    let mut b = run(1, 4, 1, 5);
    b.run_id = "run-2".into();
    b.duration_ms += 999;
    assert!(same_result(&a, &b));
    assert!(comment(&b, Some(&a), &ReportLinks::default()).contains("· same as the previous run"));
    assert!(!same_result(&a, &run(1, 4, 2, 5)));
    assert!(!same_result(&a, &run(1, 4, 1, 6)), "coverage counts too");
}

#[test]
fn a_clean_run_is_a_short_comment_and_a_huge_one_fits() {
    let md = comment(&run(0, 2, 0, 10), None, &ReportLinks::default());
    assert!(
        md.starts_with("## ✅ ato: success · 2 tests pass\n"),
        "{md}"
    );
    let huge = run(3_000, 10, 3_000, 5);
    let md = comment(&huge, None, &ReportLinks::default());
    assert!(md.chars().count() <= COMMENT_BUDGET);
    assert!(md.contains("more in the full report."), "trimmed and said");
    assert!(
        md.trim_end().ends_with("`"),
        "the footer survives: {}",
        &md[md.len() - 200..]
    );
}
