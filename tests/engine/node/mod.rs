//! `ato run` end to end on JavaScript and TypeScript pull requests: real git repositories, the real binary,
//! real containers of the node runner image.

mod test_frameworks;

use ato::model::{
    Observation, ProblemKind, RunResults, RunnerResult, SandboxOutcome, TestKind, TestStatus,
    Verdict,
};

use crate::support::ato_run::{run_last_commit, runner_result};
use crate::support::docker::require_docker;
use crate::support::git_repo::Repo;

fn node(results: &RunResults) -> &RunnerResult {
    runner_result(results, ato::model::Runner::Node)
}

/// Asserts a behaviour change of `symbol` where head throws `error` and base returned.
fn assert_change_to_throw(runner: &RunnerResult, file: &str, symbol: &str, error: &str) {
    let change = runner
        .behaviour_changes
        .iter()
        .find(|c| c.file == file && c.symbol == symbol)
        .unwrap_or_else(|| panic!("no behaviour change for {symbol}: {runner:#?}"));
    assert!(
        change.input.starts_with(&format!("{symbol}(")),
        "{change:?}"
    );
    assert!(
        matches!(&change.base, Observation::Returned { .. }),
        "base returned: {change:?}"
    );
    let Observation::Raised {
        error: thrown,
        message,
    } = &change.head
    else {
        panic!("head throws: {change:?}");
    };
    assert_eq!(thrown, error, "{change:?}");
    assert!(message.contains("negative"), "{change:?}");
}

#[test]
fn javascript_a_changed_result_is_a_behaviour_change_with_input_and_both_values() {
    require_docker();
    let repo = Repo::new();
    repo.write(
        "src/limits.js",
        "export function clamp(x) {\n  return Math.max(0, x);\n}\n",
    )
    .commit("base");
    repo.write(
        "src/limits.js",
        "export function clamp(x) {\n  return Math.max(0, Math.min(x, 100));\n}\n",
    )
    .commit("cap at 100");

    let run = run_last_commit(&repo, &[]);
    assert_eq!(
        run.exit_code, 1,
        "a behaviour change fails the run; ato said:\n{}",
        run.stderr
    );
    let results = run.results();
    assert_eq!(results.verdict, Verdict::Failure);
    let node = node(results);
    assert_eq!(node.outcome, SandboxOutcome::Completed { exit_code: 0 });
    let change = node
        .behaviour_changes
        .iter()
        .find(|c| c.symbol == "clamp")
        .unwrap_or_else(|| panic!("no behaviour change for clamp: {node:#?}"));
    assert_eq!(change.file, "src/limits.js");
    assert!(change.input.starts_with("clamp("), "{change:?}");
    let (Observation::Returned { value: base }, Observation::Returned { value: head }) =
        (&change.base, &change.head)
    else {
        panic!("both sides return: {change:?}");
    };
    let base: f64 = base.parse().expect("a number");
    assert!(base > 100.0, "only inputs above 100 changed: {change:?}");
    assert_eq!(head, "100");
    assert!(
        node.behaviour_changes
            .iter()
            .all(|c| c.input.starts_with("clamp(")),
        "{:#?}",
        node.behaviour_changes
    );
    // Inputs on which both sides agree are pinned as characterization tests, and they pass.
    let pinned: Vec<_> = node
        .tests
        .iter()
        .filter(|t| t.kind == TestKind::Characterization)
        .collect();
    assert!(!pinned.is_empty(), "{:#?}", node.tests);
    assert!(
        pinned.iter().all(|t| t.status == TestStatus::Passed),
        "{pinned:#?}"
    );
    assert!(
        run.read("report.md").contains("clamp("),
        "the report shows the input"
    );
}

#[test]
fn javascript_eslint_findings_on_changed_lines_are_reported() {
    require_docker();
    let repo = Repo::new();
    repo.write(
        "src/cmp.js",
        "export function same(a, b) {\n  return a == b;\n}\n",
    )
    .commit("base");
    repo.write(
        "src/cmp.js",
        "export function same(a, b) {\n  return a == b;\n}\n\nexport function run(code) {\n  return eval(code);\n}\n",
    )
    .commit("add run");

    let run = run_last_commit(&repo, &[]);
    let node = node(run.results());
    let findings = &node.findings;
    assert!(
        findings
            .iter()
            .any(|f| f.tool == "eslint" && f.rule == "no-eval" && f.line == 6 && f.on_changed_line),
        "eval on the new line 6 is flagged: {findings:#?}"
    );
    assert!(
        findings
            .iter()
            .filter(|f| f.line == 2)
            .all(|f| !f.on_changed_line),
        "the unchanged line 2 is not a changed line: {findings:#?}"
    );
    assert!(
        node.notes.iter().any(|n| n.contains("default rules")),
        "the report says which eslint rules were used: {:#?}",
        node.notes
    );
}

#[test]
fn javascript_a_syntax_error_is_a_clear_problem_not_a_crash() {
    require_docker();
    let repo = Repo::new();
    repo.write("src/ok.js", "export function f(x) {\n  return x;\n}\n")
        .commit("base");
    repo.write("src/ok.js", "export function f(x) {\n  return x +;\n}\n")
        .commit("broken");
    let run = run_last_commit(&repo, &[]);
    assert_ne!(run.exit_code, 2, "{}", run.stderr);
    let node = node(run.results());
    assert_eq!(node.outcome, SandboxOutcome::Completed { exit_code: 0 });
    let problem = node
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::SyntaxError)
        .unwrap_or_else(|| panic!("a syntax error problem: {:#?}", node.problems));
    assert_eq!(problem.path.as_deref(), Some("src/ok.js"));
    assert_eq!(problem.line, Some(2));
    // Base parses: the change broke it, so the run fails and says where.
    assert_eq!(problem.same_on_base, Some(false));
    assert_eq!(run.exit_code, 1, "{}", run.stderr);
    assert!(
        run.results()
            .summary
            .starts_with("src/ok.js does not import on head: SyntaxError at line 2"),
        "{}",
        run.results().summary
    );
}

const PRICE_BASE: &str = "export interface Item {\n  cents: number;\n}\n\nexport function label(n: number): string {\n  return `#${n}`;\n}\n";

#[test]
fn typescript_a_change_to_a_throw_is_a_behaviour_change_and_a_new_function_gets_passing_tests() {
    require_docker();
    let repo = Repo::new();
    repo.write("src/price.ts", PRICE_BASE).commit("base");
    repo.write(
        "src/price.ts",
        "import type { Item } from './types';\n\nexport interface Line {\n  cents: number;\n}\n\nexport function label(n: number): string {\n  if (n < 0) throw new RangeError(`negative: ${n}`);\n  return `#${n}`;\n}\n\nexport function total(lines: Line[], rate: number = 0): number {\n  return lines.reduce((sum: number, l: Line) => sum + l.cents, 0) * (1 + rate);\n}\n\nexport function half(n: number): number {\n  return n / 2;\n}\n",
    )
    .write("src/types.ts", "export interface Item {\n  cents: number;\n}\n")
    .commit("labels refuse negatives; half");

    let run = run_last_commit(&repo, &[]);
    assert_eq!(run.exit_code, 1, "ato said:\n{}", run.stderr);
    let results = run.results();
    let node = node(results);
    assert_eq!(node.outcome, SandboxOutcome::Completed { exit_code: 0 });
    assert!(
        node.problems.is_empty(),
        "types are stripped, the module loads: {:#?}",
        node.problems
    );
    assert_change_to_throw(node, "src/price.ts", "label", "RangeError");

    let half: Vec<_> = node
        .tests
        .iter()
        .filter(|t| {
            t.kind == TestKind::Regression && t.target.as_deref() == Some("src/price.ts::half")
        })
        .collect();
    assert!(
        !half.is_empty(),
        "regression tests for half: {:#?}",
        node.tests
    );
    assert!(
        node.tests.iter().all(|t| t.status == TestStatus::Passed),
        "{:#?}",
        node.tests
    );
    // Coverage lines are the TypeScript file's own (the types are blanked, not compiled away).
    let coverage = node
        .coverage
        .iter()
        .find(|c| c.path == "src/price.ts")
        .unwrap_or_else(|| panic!("coverage of src/price.ts: {node:#?}"));
    assert!(
        coverage.covered.contains(&17),
        "the body of half ran: {coverage:?}"
    );
}

#[test]
fn typescript_eslint_findings_and_syntax_errors_are_reported_on_the_typescript_lines() {
    require_docker();
    let repo = Repo::new();
    repo.write(
        "src/a.ts",
        "export function a(x: number): number {\n  return x;\n}\n",
    )
    .write("src/b.ts", "export const b: number = 1;\n")
    .commit("base");
    repo.write(
        "src/a.ts",
        "export function a(x: number): number {\n  return x;\n}\n\nexport function run(code: string): unknown {\n  return eval(code);\n}\n",
    )
    .write("src/b.ts", "export const b: number = (1 + ;\n")
    .commit("eval and a broken file");

    let run = run_last_commit(&repo, &[]);
    let node = node(run.results());
    assert_eq!(node.outcome, SandboxOutcome::Completed { exit_code: 0 });
    assert!(
        node.findings.iter().any(|f| f.tool == "eslint"
            && f.rule == "no-eval"
            && f.path == "src/a.ts"
            && f.line == 6
            && f.on_changed_line),
        "eval on line 6 of the TypeScript file: {:#?}",
        node.findings
    );
    let problem = node
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::SyntaxError)
        .unwrap_or_else(|| panic!("a syntax error problem: {:#?}", node.problems));
    assert_eq!(problem.path.as_deref(), Some("src/b.ts"));
    assert_eq!(problem.line, Some(1));
}

#[test]
fn hostile_modules_become_problems_and_the_runner_still_completes() {
    require_docker();
    let repo = Repo::new();
    repo.write("src/quit.js", "export const q = 1;\n")
        .write("src/spin.js", "export function spin(n) {\n  return n;\n}\n")
        .commit("base");
    repo.write(
        "src/quit.js",
        "export const q = 2;\nprocess.exit(3);\n",
    )
    .write(
        "src/spin.js",
        "import net from 'node:net';\nnet.connect(80, '192.0.2.1').on('error', () => {});\nexport function spin(n) {\n  if (n > 5) {\n    for (;;) {}\n  }\n  return n;\n}\n",
    )
    .commit("hostile");

    let run = run_last_commit(&repo, &[]);
    let node = node(run.results());
    assert_eq!(node.outcome, SandboxOutcome::Completed { exit_code: 0 });
    assert!(
        node.problems
            .iter()
            .any(|p| p.kind == ProblemKind::ImportError
                && p.path.as_deref() == Some("src/quit.js")
                && p.message.contains("process.exit")),
        "{:#?}",
        node.problems
    );
    assert!(
        node.notes
            .iter()
            .any(|n| n.contains("spin(") && n.contains("did not return")),
        "the hanging input is named: {:#?}",
        node.notes
    );
}
