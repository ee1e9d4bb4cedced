//! `ato run` picks the runtime version a project declares and falls back when the changed code does not
//! import on it: real git repositories, the real binary, the real versioned runner images (Python 3.9 from
//! Debian bullseye, 3.11 from bookworm, 3.13 from trixie; Node.js 18 from bookworm).

use ato::model::{Runner, SandboxOutcome, TestKind, TestStatus};

use crate::support::ato_run::{AtoRun, run_last_commit, runner_result};
use crate::support::docker::require_docker;
use crate::support::git_repo::Repo;

const UTIL_BASE: &str = "def double(x: int) -> int:\n    return 2 * x\n";
const UTIL_HEAD: &str = "def double(x: int) -> int:\n    \"\"\"Twice x.\n\n    >>> double(21)\n    42\n    \"\"\"\n    return x + x\n";

/// A repository whose last commit changes `util.py`, with `files` committed beside it from the start.
fn python_repo(files: &[(&str, &str)], base: &str, head: &str) -> Repo {
    let repo = Repo::new();
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.write("util.py", base).commit("base");
    repo.write("util.py", head).commit("change util");
    repo
}

fn runtime_of(run: &AtoRun, which: Runner) -> ato::model::RuntimeUse {
    let result = runner_result(run.results(), which);
    result
        .runtime
        .clone()
        .unwrap_or_else(|| panic!("no runtime recorded: {result:#?}"))
}

fn assert_completed_and_passing(run: &AtoRun, which: Runner) {
    let result = runner_result(run.results(), which);
    assert_eq!(
        result.outcome,
        SandboxOutcome::Completed { exit_code: 0 },
        "{}",
        run.stderr
    );
    assert!(!result.tests.is_empty(), "{}", run.stderr);
    assert!(
        result.tests.iter().all(|t| t.status == TestStatus::Passed),
        "{:#?}",
        result.tests
    );
}

#[test]
fn python_requires_below_310_runs_on_python_39() {
    require_docker();
    let setup_cfg = "[metadata]\nname = legacy\n\n[options]\npython_requires = >=3.6, <3.10\n";
    let repo = python_repo(&[("setup.cfg", setup_cfg)], UTIL_BASE, UTIL_HEAD);
    let run = run_last_commit(&repo, &[]);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    assert_completed_and_passing(&run, Runner::Python);

    let runtime = runtime_of(&run, Runner::Python);
    assert_eq!(runtime.version, "Python 3.9");
    assert!(runtime.reason.contains("setup.cfg"), "{}", runtime.reason);
    assert!(runtime.tried.is_empty(), "{:?}", runtime.tried);
    let python = runner_result(run.results(), Runner::Python);
    assert!(
        python.image.starts_with("ato-runner-python3.9:"),
        "{}",
        python.image
    );
    assert!(
        run.stderr.contains("with Python 3.9"),
        "the progress says which version runs:\n{}",
        run.stderr
    );
    let report = run.read("report.md");
    assert!(report.contains("python ran on **Python 3.9**"), "{report}");
}

#[test]
fn requires_python_312_runs_on_the_newest_python() {
    require_docker();
    let pyproject =
        "[project]\nname = \"modern\"\nversion = \"1.0\"\nrequires-python = \">=3.12\"\n";
    let repo = python_repo(&[("pyproject.toml", pyproject)], UTIL_BASE, UTIL_HEAD);
    let run = run_last_commit(&repo, &[]);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    assert_completed_and_passing(&run, Runner::Python);
    let runtime = runtime_of(&run, Runner::Python);
    assert_eq!(runtime.version, "Python 3.13");
    assert!(runtime.reason.contains(">=3.12"), "{}", runtime.reason);
    let python = runner_result(run.results(), Runner::Python);
    assert!(
        python.image.starts_with("ato-runner-python:"),
        "{}",
        python.image
    );
}

const SHELL_BASE: &str =
    "import pipes\n\n\ndef quoted(word: str) -> str:\n    return pipes.quote(word)\n";
const SHELL_HEAD: &str = "import pipes\n\n\ndef quoted(word: str) -> str:\n    \"\"\"Quote a word for a shell.\n\n    >>> quoted('a b')\n    \"'a b'\"\n    \"\"\"\n    return pipes.quote(word)\n";

#[test]
fn code_that_imports_pipes_is_tested_on_python_311_after_313_failed() {
    require_docker();
    let repo = Repo::new();
    repo.write("shell.py", SHELL_BASE).commit("base");
    repo.write("shell.py", SHELL_HEAD).commit("document quoted");
    let run = run_last_commit(&repo, &[]);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);

    let runtime = runtime_of(&run, Runner::Python);
    assert_eq!(runtime.version, "Python 3.11", "{runtime:?}");
    assert_eq!(runtime.tried.len(), 1, "{runtime:?}");
    assert_eq!(runtime.tried[0].version, "Python 3.13");
    assert!(
        runtime.tried[0]
            .why_not
            .contains("`pipes` was removed in Python 3.13"),
        "{runtime:?}"
    );
    assert!(
        runtime.reason.starts_with("tried Python 3.13 first"),
        "{}",
        runtime.reason
    );
    assert!(
        run.stderr
            .contains("python failed on Python 3.13: `pipes` was removed in Python 3.13; running it again on Python 3.11"),
        "the retry is a progress line:\n{}",
        run.stderr
    );
    // On 3.11 the module imports: no import problem is left, and the doctest ran and passed.
    assert_completed_and_passing(&run, Runner::Python);
    let python = runner_result(run.results(), Runner::Python);
    assert!(
        python.problems.iter().all(|p| !p.message.contains("pipes")),
        "{:#?}",
        python.problems
    );
    assert!(python.image.starts_with("ato-runner-python3.11:"));
    let report = run.read("report.md");
    assert!(
        report.contains("python ran on **Python 3.11**: tried Python 3.13 first"),
        "{report}"
    );
}

/// A package that declares Node.js 18 runs on the node18 image, where the harness brings its own junit and
/// lcov reporters: the behaviour change, the pinned tests and the changed line's coverage come out as on 20.
#[test]
fn engines_node_18_runs_on_node_18_with_its_tests_and_coverage() {
    require_docker();
    let package = r#"{"name": "limits", "type": "module", "engines": {"node": ">=18 <19"}}"#;
    let repo = Repo::new();
    repo.write("package.json", package)
        .write(
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
        "a behaviour change; ato said:\n{}",
        run.stderr
    );

    let runtime = runtime_of(&run, Runner::Node);
    assert_eq!(runtime.version, "Node.js 18", "{runtime:?}");
    assert!(
        runtime.reason.contains("package.json"),
        "{}",
        runtime.reason
    );
    let node = runner_result(run.results(), Runner::Node);
    assert!(
        node.image.starts_with("ato-runner-node18:"),
        "{}",
        node.image
    );
    assert_eq!(node.outcome, SandboxOutcome::Completed { exit_code: 0 });
    assert!(node.problems.is_empty(), "{:#?}", node.problems);
    assert!(
        node.behaviour_changes.iter().any(|c| c.symbol == "clamp"),
        "{node:#?}"
    );
    let pinned: Vec<_> = node
        .tests
        .iter()
        .filter(|t| t.kind == TestKind::Characterization)
        .collect();
    assert!(!pinned.is_empty(), "{:#?}", node.tests);
    assert!(
        pinned.iter().all(|t| t.status == TestStatus::Passed),
        "JUnit of every run read: {pinned:#?}"
    );
    let coverage = node
        .coverage
        .iter()
        .find(|c| c.path == "src/limits.js")
        .unwrap_or_else(|| panic!("lcov coverage of src/limits.js: {node:#?}"));
    assert_eq!(coverage.covered, [2], "{coverage:?}");
}

/// A pom that asks for release 11 runs on JDK 11 (bullseye's, with trixie's Maven, JUnit and JaCoCo): Maven
/// builds it there, the generated tests pass, and the runner's manifest says which JDK ran them.
#[test]
fn a_pom_with_release_11_is_built_and_tested_on_jdk_11() {
    require_docker();
    let pom = "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n  \
               <groupId>org.example</groupId>\n  <artifactId>calc</artifactId>\n  <version>1.0</version>\n  \
               <properties>\n    <maven.compiler.release>11</maven.compiler.release>\n  </properties>\n</project>\n";
    let base = "package org.example;\n\npublic class Calc {\n    public static int add(int a, int b) {\n        return a + b;\n    }\n}\n";
    let head = "package org.example;\n\npublic class Calc {\n    public static int add(int a, int b) {\n        return b + a;\n    }\n}\n";
    let repo = Repo::new();
    repo.write("pom.xml", pom)
        .write("src/main/java/org/example/Calc.java", base)
        .commit("base");
    repo.write("src/main/java/org/example/Calc.java", head)
        .commit("swap");
    let run = run_last_commit(&repo, &[]);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    let runtime = runtime_of(&run, Runner::Java);
    assert_eq!(runtime.version, "Java 11", "{runtime:?}");
    assert!(
        runtime
            .reason
            .contains("the release the build targets (pom.xml"),
        "{}",
        runtime.reason
    );
    let java = runner_result(run.results(), Runner::Java);
    assert!(
        java.image.starts_with("ato-runner-java11:"),
        "{}",
        java.image
    );
    assert!(
        run.stderr.contains("with Java 11"),
        "the progress says which version runs:\n{}",
        run.stderr
    );
    assert_completed_and_passing(&run, Runner::Java);
    assert!(
        java.notes.iter().any(|n| n.contains("built by Maven")),
        "Maven, not the javac fallback: {:#?}\n{:#?}",
        java.notes,
        java.problems
    );
    assert!(
        java.coverage
            .iter()
            .any(|c| c.path.ends_with("Calc.java") && !c.covered.is_empty()),
        "JaCoCo covered the change: {:#?}",
        java.coverage
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&run.read("runners/java/manifest.json")).unwrap();
    let jdk = manifest["tools"]["java"].as_str().unwrap_or_default();
    assert!(jdk.starts_with("11."), "the tests ran on JDK {jdk}");
}

const MAPPING_BASE: &str = "from collections import Mapping\n\n\ndef keys(m: dict) -> list:\n    return sorted(m) if isinstance(m, Mapping) else []\n";
const MAPPING_HEAD: &str = "from collections import Mapping\n\n\ndef keys(m: dict) -> list:\n    \"\"\"Sorted keys.\n\n    >>> keys({'b': 1, 'a': 2})\n    ['a', 'b']\n    \"\"\"\n    return sorted(m) if isinstance(m, Mapping) else []\n";

#[test]
fn code_using_collections_mapping_skips_311_and_is_tested_on_python_39() {
    require_docker();
    let repo = Repo::new();
    repo.write("keys.py", MAPPING_BASE).commit("base");
    repo.write("keys.py", MAPPING_HEAD).commit("document keys");
    let run = run_last_commit(&repo, &[]);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    let runtime = runtime_of(&run, Runner::Python);
    // Removed in 3.10: the next version that has it is 3.9, not 3.11.
    assert_eq!(runtime.version, "Python 3.9", "{runtime:?}");
    assert_eq!(runtime.tried.len(), 1, "{runtime:?}");
    assert!(
        runtime.tried[0]
            .why_not
            .contains("`collections.Mapping` was removed in Python 3.10"),
        "{runtime:?}"
    );
    assert_completed_and_passing(&run, Runner::Python);
}
