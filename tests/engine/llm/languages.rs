//! The model's JavaScript and Java tests, validated in their own runners, and jest tests for a repository that
//! tests with jest.

use std::time::Duration;

use ato::model::{CandidateStage, Runner};

use super::run_with_model;
use crate::support::ato_run::runner_result;
use crate::support::docker::{ato_containers, require_docker};
use crate::support::fake_llm::{FakeLlm, Reply, Rule};
use crate::support::git_repo::Repo;

const JS_HEAD: &str = "export function double(x) {\n  return x * 2;\n}\n";
const JAVA_PATH: &str = "src/main/java/com/example/Calc.java";
const JAVA_BASE: &str = "package com.example;\n\npublic class Calc {\n    public static int one() {\n        return 1;\n    }\n}\n";
const JAVA_HEAD: &str = "package com.example;\n\npublic class Calc {\n    public static int one() {\n        return 1;\n    }\n\n    public static int triple(int x) {\n        return x * 3;\n    }\n}\n";

fn fenced(tag: &str, code: &str) -> Reply {
    Reply::text(&format!("Here you are:\n\n```{tag}\n{code}```\n"))
}

fn java_test(expected: i32) -> String {
    format!(
        "package com.example;\n\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\n\
         import org.junit.jupiter.api.Test;\n\nclass CalcTripleLlmTest {{\n    @Test\n    void triples() {{\n        \
         assertEquals({expected}, Calc.triple(2));\n    }}\n}}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn javascript_and_java_modules_are_validated_in_their_own_runners() {
    require_docker();
    let rules = vec![
        Rule::new(
            "Symbol to test: double\n",
            vec![fenced(
                "js",
                "import test from 'node:test';\nimport assert from 'node:assert/strict';\n\
                 import { double } from './calc.mjs';\n\ntest('double doubles', () => {\n  assert.equal(double(2), 4);\n});\n",
            )],
        ),
        Rule::new(
            "Symbol to test: Calc.triple\n",
            vec![fenced("java", &java_test(7)), fenced("java", &java_test(6))],
        ),
    ];
    let fake = FakeLlm::start(rules, Duration::ZERO).await;
    let repo = Repo::new();
    repo.write("web/calc.mjs", "export const one = 1;\n")
        .write(JAVA_PATH, JAVA_BASE)
        .commit("base");
    repo.write(
        "web/calc.mjs",
        &format!("export const one = 1;\n\n{JS_HEAD}"),
    )
    .write(JAVA_PATH, JAVA_HEAD)
    .commit("head");
    let data = tempfile::tempdir().unwrap();
    let run = run_with_model(&fake, &repo, data.path()).await;
    for (runner, symbol, repairs) in [
        (Runner::Node, "web/calc.mjs::double", 0),
        (
            Runner::Java,
            "src/main/java/com/example/Calc.java::Calc.triple",
            1,
        ),
    ] {
        let tests = runner_result(run.results(), runner)
            .model_tests
            .clone()
            .unwrap_or_else(|| panic!("{runner:?} model tests; ato said:\n{}", run.stderr));
        let [candidate] = &tests.candidates[..] else {
            panic!("one candidate for {runner:?}: {tests:#?}");
        };
        assert_eq!(candidate.target, symbol);
        assert_eq!(
            candidate.stage,
            CandidateStage::Kept,
            "{runner:?}: {tests:#?}"
        );
        assert_eq!(candidate.repairs, repairs, "{tests:#?}");
        assert_eq!(tests.funnel.adds_coverage, 1);
    }
    let patch = run.read("ato-tests.patch");
    assert!(patch.contains("web/calc.double.llm.test.mjs"), "{patch}");
    assert!(
        patch.contains("src/test/java/com/example/CalcTripleLlmTest.java"),
        "{patch}"
    );
    assert!(ato_containers(Some(&run.results().run_id)).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_on_jest_is_asked_for_jest_tests_which_jest_validates() {
    require_docker();
    // The rule needs the framework line: a node:test prompt gets no answer and nothing would be kept.
    let rules = vec![Rule::new(
        "Symbol to test: double\nTest framework: jest\n",
        vec![fenced(
            "js",
            "const { double } = require('./calc.js');\n\n\
             describe('double', () => {\n  test('doubles', () => {\n    expect(double(2)).toBe(4);\n  });\n});\n",
        )],
    )];
    let fake = FakeLlm::start(rules, Duration::ZERO).await;
    let repo = Repo::new();
    let package = r#"{"name":"calc","version":"1.0.0","scripts":{"test":"jest"},"devDependencies":{"jest":"^29.7.0"}}"#;
    repo.write("package.json", package)
        .write("web/calc.js", "exports.one = 1;\n")
        .commit("base");
    repo.write(
        "web/calc.js",
        "exports.one = 1;\n\nexports.double = function double(x) {\n  return x * 2;\n};\n",
    )
    .commit("head");
    let data = tempfile::tempdir().unwrap();
    let run = run_with_model(&fake, &repo, data.path()).await;
    let node = runner_result(run.results(), Runner::Node);
    let tests = node
        .model_tests
        .clone()
        .unwrap_or_else(|| panic!("model tests; ato said:\n{}", run.stderr));
    let [candidate] = &tests.candidates[..] else {
        panic!(
            "one candidate: {tests:#?}\nrequests: {:#?}",
            fake.requests()
        );
    };
    assert_eq!(candidate.stage, CandidateStage::Kept, "{tests:#?}");
    assert_eq!(candidate.repairs, 0, "{tests:#?}");
    let asked = fake.requests()[0].json().unwrap().to_string();
    assert!(
        asked.contains("jest's global describe, test and expect"),
        "{asked}"
    );
    assert!(
        !node
            .problems
            .iter()
            .any(|p| p.kind == ato::model::ProblemKind::Dependencies),
        "jest comes from the image, no lock is needed for it: {:#?}",
        node.problems
    );
    let patch = run.read("ato-tests.patch");
    assert!(patch.contains("web/calc.double.llm.test.js"), "{patch}");
    assert!(ato_containers(Some(&run.results().run_id)).is_empty());
}
