//! JavaScript repositories that test with jest (CommonJS and ES modules) get jest tests run by jest; one on
//! vitest, which the image may lack, gets `node:test` tests and a note saying why.

use ato::model::{SandboxOutcome, TestKind, TestStatus, Verdict};

use super::node;
use crate::support::ato_run::{AtoRun, run_last_commit};
use crate::support::docker::require_docker;
use crate::support::git_repo::Repo;

/// The note of a run whose tests were written for jest and run by the image's jest (Debian's package).
const JEST_NOTE: &str = "the repository uses jest: tests are generated for jest and run with jest ";

/// Asserts that a repository whose tests use jest got jest-style tests for its new function `symbol` of
/// `path`, run by jest, all passing on every run, covering `body_line`, and offered as a patch.
fn assert_jest_tests_ran(run: &AtoRun, path: &str, symbol: &str, body_line: u32) {
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    let results = run.results();
    assert_eq!(results.verdict, Verdict::Success, "{}", results.summary);
    let node = node(results);
    assert_eq!(node.outcome, SandboxOutcome::Completed { exit_code: 0 });
    // Without a package-lock.json the project's own jest is not installed, and need not be: the image's jest
    // runs the tests, and nothing went wrong.
    assert!(node.problems.is_empty(), "{:#?}", node.problems);
    assert!(
        node.notes
            .iter()
            .any(|n| n.starts_with(JEST_NOTE) && n.ends_with(" from the runner image")),
        "the note says jest ran the tests: {:#?}",
        node.notes
    );

    // jest style: `.test.js` files with jest's global test/expect, nothing of node:test.
    assert!(!node.generated_files.is_empty(), "{node:#?}");
    for file in &node.generated_files {
        assert!(file.path.ends_with(".test.js"), "{file:?}");
        assert!(file.repo_path.starts_with("test/ato/"), "{file:?}");
        let text = run.read(&file.path);
        assert!(text.contains("test(") && text.contains("expect("), "{text}");
        assert!(
            !text.contains("node:test") && !text.contains("import "),
            "{text}"
        );
    }

    let target = format!("{path}::{symbol}");
    assert!(
        node.tests
            .iter()
            .any(|t| t.kind == TestKind::Regression && t.target.as_deref() == Some(&*target)),
        "regression tests for {symbol}: {:#?}",
        node.tests
    );
    assert!(
        node.tests.iter().any(|t| t.kind == TestKind::Smoke),
        "smoke tests: {:#?}",
        node.tests
    );
    for test in &node.tests {
        assert!(test.file.ends_with(".test.js"), "{test:#?}");
        assert_eq!(test.status, TestStatus::Passed, "{test:#?}");
        assert_eq!(test.runs.len(), 3, "three runs by default: {test:#?}");
    }
    // jest's v8 coverage, as lcov, gives the changed lines that ran.
    let coverage = node
        .coverage
        .iter()
        .find(|c| c.path == path)
        .unwrap_or_else(|| panic!("coverage of {path}: {node:#?}"));
    assert!(
        coverage.covered.contains(&body_line),
        "the body of {symbol} ran: {coverage:?}"
    );
    assert!(coverage.missed.is_empty(), "{coverage:?}");
    assert!(
        run.read("ato-tests.patch").contains("+++ b/test/ato/"),
        "the passing tests are offered as a patch"
    );
}

#[test]
fn javascript_a_jest_commonjs_repository_gets_jest_tests_for_a_new_function_run_by_jest() {
    require_docker();
    let repo = Repo::new();
    repo.write(
        "lib/text.cjs",
        "function trim(s) {\n  return s.trim();\n}\n\nmodule.exports = { trim };\n",
    )
    .write(
        "package.json",
        r#"{"name": "text", "scripts": {"test": "jest"}, "devDependencies": {"jest": "^29.0.0"}}"#,
    )
    .commit("base");
    repo.write(
        "lib/text.cjs",
        "function trim(s) {\n  return s.trim();\n}\n\n/**\n * @param {string} s\n */\nfunction shout(s) {\n  return s.toUpperCase() + '!';\n}\n\nmodule.exports = { trim, shout };\n",
    )
    .commit("add shout");

    let run = run_last_commit(&repo, &[]);
    let shout = &node(run.results()).targets[0].symbols[0];
    assert_eq!((shout.name.as_str(), shout.is_new), ("shout", true));
    assert_jest_tests_ran(&run, "lib/text.cjs", "shout", 9);
}

#[test]
fn javascript_a_jest_es_module_repository_gets_jest_tests_for_a_new_function_run_by_jest() {
    require_docker();
    let repo = Repo::new();
    let base = "export function cents(amount) {\n  return Math.round(amount * 100);\n}\n";
    repo.write("src/money.js", base)
        .write(
            "package.json",
            r#"{"name": "money", "type": "module", "scripts": {"test": "jest"}, "devDependencies": {"jest": "^29"}}"#,
        )
        .commit("base");
    repo.write(
        "src/money.js",
        &format!("{base}\nexport function euros(cents) {{\n  return (cents / 100).toFixed(2) + ' EUR';\n}}\n"),
    )
    .commit("add euros");

    let run = run_last_commit(&repo, &[]);
    // The files load the ES module with import(), which jest allows under --experimental-vm-modules.
    for file in &node(run.results()).generated_files {
        assert!(run.read(&file.path).contains("import(`"), "{file:?}");
    }
    assert_jest_tests_ran(&run, "src/money.js", "euros", 6);
}

/// Does the node runner image have vitest? Not from Debian: only an image built where the npm registry
/// was reachable has it (`/usr/local/lib/node_modules`, see runners/node/Dockerfile).
fn image_has_vitest() -> bool {
    std::process::Command::new("docker")
        .args([
            "run",
            "--rm",
            "--network",
            "none",
            "--entrypoint",
            "test",
            &ato::runners::image_ref(ato::model::Runner::Node)
                .expect("the node recipe is embedded"),
            "-d",
            "/usr/local/lib/node_modules/vitest",
        ])
        .status()
        .expect("docker runs")
        .success()
}

#[test]
fn javascript_a_vitest_repository_gets_node_test_tests_and_a_note_when_the_image_has_no_vitest() {
    require_docker();
    let repo = Repo::new();
    let base = "export function first(xs) {\n  return xs[0];\n}\n";
    repo.write("src/list.js", base)
        .write(
            "package.json",
            r#"{"name": "list", "type": "module", "scripts": {"test": "vitest run"}, "devDependencies": {"vitest": "^3"}}"#,
        )
        .commit("base");
    repo.write(
        "src/list.js",
        &format!("{base}\nexport function last(xs) {{\n  return xs[xs.length - 1];\n}}\n"),
    )
    .commit("add last");

    let run = run_last_commit(&repo, &[]);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    let node = node(run.results());
    if image_has_vitest() {
        // An image built with the npm registry: the tests are vitest's, and the note says so.
        assert!(
            node.notes.iter().any(
                |n| n.starts_with("the repository uses vitest: tests are generated for vitest")
            ),
            "{:#?}",
            node.notes
        );
        return;
    }
    assert!(
        node.notes
            .iter()
            .any(|n| n == "vitest is not installed in this image; tests use node:test"),
        "the repository's vitest is named: {:#?}",
        node.notes
    );
    assert!(!node.generated_files.is_empty(), "{node:#?}");
    for file in &node.generated_files {
        assert!(file.path.ends_with(".test.mjs"), "{file:?}");
        assert!(
            run.read(&file.path)
                .contains("import test from 'node:test';"),
            "{file:?}"
        );
    }
    assert!(
        node.tests
            .iter()
            .any(|t| t.kind == TestKind::Regression
                && t.target.as_deref() == Some("src/list.js::last")),
        "regression tests for last: {:#?}",
        node.tests
    );
    assert!(
        node.tests.iter().all(|t| t.status == TestStatus::Passed),
        "{:#?}",
        node.tests
    );
    let coverage = node
        .coverage
        .iter()
        .find(|c| c.path == "src/list.js")
        .unwrap_or_else(|| panic!("coverage of src/list.js: {node:#?}"));
    assert!(
        coverage.covered.contains(&6),
        "the body of last ran: {coverage:?}"
    );
}
