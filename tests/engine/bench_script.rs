//! The benchmark scripts run end to end on small inputs, so that they keep working: `bench-real-projects`
//! (real projects' bug-fix commits) on a folder holding one small project must pick the fix, and only the fix,
//! and read ato's verdict on it right; `bench-quixbugs` on a folder laid out as QuixBugs must find the fix of
//! its one program with an input that differs when replayed.

use std::process::Command;

use crate::support::docker::require_docker;
use crate::support::git_repo::Repo;

const PRICE_BASE: &str = r#"
def discount(price: int, percent: int) -> int:
    """The price after `percent` off."""
    return price - price * percent // 100
"#;

const PRICE_FIXED: &str = r#"
def discount(price: int, percent: int) -> int:
    """The price after `percent` off, never below zero."""
    percent = max(0, min(percent, 100))
    return price - price * percent // 100
"#;

#[test]
fn the_benchmark_picks_the_fix_commit_and_reports_its_module_tested_with_the_behaviour_change() {
    require_docker();
    let clones = tempfile::tempdir().expect("temp dir");
    let repo = Repo::new();
    repo.write("shop/__init__.py", "")
        .write("shop/price.py", PRICE_BASE)
        .commit("base");
    repo.write("shop/price.py", PRICE_FIXED)
        .commit("Fix discounts over 100% (#12)");
    repo.write("tests/test_price.py", "def test_nothing():\n    pass\n")
        .commit("fix flaky test");
    repo.write("README.md", "shop\n").commit("docs");
    std::os::unix::fs::symlink(repo.path(), clones.path().join("shop")).expect("symlink");
    let out = tempfile::tempdir().expect("temp dir");

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench-real-projects");
    let output = Command::new(script)
        .arg(clones.path())
        .args(["--ato", env!("CARGO_BIN_EXE_ato"), "--out"])
        .arg(out.path())
        .output()
        .expect("the script runs (python3 on PATH)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 bug-fix commits in 1 projects"),
        "only the fix of library code counts:\n{stdout}"
    );
    let row = stdout
        .lines()
        .skip_while(|line| !line.starts_with("project "))
        .find(|line| line.starts_with("shop "))
        .unwrap_or_else(|| panic!("no row for the project:\n{stdout}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        ["shop", "1", "1", "1", "(100%)", "1", "(100%)"],
        "{stdout}"
    );

    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("summary.json")).expect("summary.json written"),
    )
    .expect("summary.json is JSON");
    let module = &summary["runs"][0]["modules"]["shop/price.py"];
    assert_eq!(module["tested"], true, "{summary:#}");
    assert_eq!(module["behaviour_change"], true, "{summary:#}");
}

/// A folder laid out as QuixBugs is, with one Python program of our own: its bug, its fix, its helper.
fn quixbugs_like() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, text: &str| {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    };
    write(
        "python_programs/clamp.py",
        "def clamp(value, low, high):\n    return max(low, value)\n",
    );
    write(
        "correct_python_programs/clamp.py",
        "def clamp(value, low, high):\n    return max(low, min(value, high))\n",
    );
    write("python_programs/node.py", "class Node:\n    pass\n");
    write(
        "java_programs/Node.java",
        "package java_programs;\npublic class Node {}\n",
    );
    dir
}

#[test]
fn the_quixbugs_benchmark_finds_a_fix_with_an_input_that_differs_when_replayed() {
    require_docker();
    let quixbugs = quixbugs_like();
    let out = tempfile::tempdir().expect("temp dir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench-quixbugs");
    let output = Command::new(script)
        .arg(quixbugs.path())
        .args([
            "--lang",
            "python",
            "--ato",
            env!("CARGO_BIN_EXE_ato"),
            "--out",
        ])
        .arg(out.path())
        .output()
        .expect("the script runs (python3 on PATH)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("python found 1/1 (100%)"),
        "the clamp fix is found:\n{stdout}"
    );
    let rows: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("summary.json")).expect("summary.json written"),
    )
    .expect("summary.json is JSON");
    let input = rows[0]["why"].as_str().unwrap_or_default();
    assert!(
        input.starts_with("clamp("),
        "the input that differs: {rows:#}"
    );
}
