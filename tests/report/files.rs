//! The files `ato run` writes, from the sample run: `results.json`, `report.md`, `report.html` and
//! `ato-tests.patch`, the patch checked by a real `git apply`.

use std::path::Path;
use std::process::Command;

use ato::model::{RunResults, Verdict};
use ato::report::patch::patch;
use ato::report::{PageInputs, write};

use crate::sample::{all_fixtures, fixture_sources};

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git must be installed to run these tests")
}

#[test]
fn the_patch_applies_with_real_git_and_recreates_the_files() {
    let files: Vec<(String, String)> = vec![
        (
            "tests/ato/test_calc.py".into(),
            "from pkg import calc\n\n\ndef test_add():\n    assert calc.add(1, 2) == 3\n".into(),
        ),
        (
            "test/ato/no_newline.test.mjs".into(),
            "import test from 'node:test';\ntest('x', () => {});".into(),
        ),
        ("tests/ato/empty.py".into(), String::new()),
        ("tests/ato/crlf.py".into(), "a = 1\r\nb = 2\r\n".into()),
        ("tests/ato/with space.py".into(), "x = ' '\n".into()),
        (
            "tests/ato/ünïcode \"quoted\".py".into(),
            "# é\n+not a hunk line\n--- /dev/null\n".into(),
        ),
        (
            "src/test/java/com/example/AtoCalcTest.java".into(),
            "class AtoCalcTest {}\n\n\n".into(),
        ),
    ];
    let text = patch(&files);
    let repo = tempfile::tempdir().unwrap();
    let init = git(repo.path(), &["init", "-q"]);
    assert!(
        init.status.success(),
        "git init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    std::fs::write(repo.path().join("ato-tests.patch"), &text).unwrap();
    let check = git(repo.path(), &["apply", "--check", "ato-tests.patch"]);
    assert!(
        check.status.success(),
        "git apply --check: {}\n{text}",
        String::from_utf8_lossy(&check.stderr)
    );
    let apply = git(repo.path(), &["apply", "ato-tests.patch"]);
    assert!(
        apply.status.success(),
        "git apply: {}",
        String::from_utf8_lossy(&apply.stderr)
    );
    for (path, contents) in &files {
        let written = std::fs::read_to_string(repo.path().join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(&written, contents, "{path}");
    }
}

#[test]
fn write_produces_the_four_files_from_the_fixtures() {
    let results = all_fixtures();
    assert_eq!(results.verdict, Verdict::Failure);
    assert_eq!(
        results.summary,
        "pkg/broken.py does not import on head: SyntaxError at line 3; 3 generated tests failed on every \
         run; 2 behaviour changes between base and head; 1 flaky test listed; pkg/compat.py was not tested \
         because six is not installed."
    );
    let out = tempfile::tempdir().unwrap();
    let sources = fixture_sources(&results);
    let inputs = PageInputs {
        sources: &sources,
        ..PageInputs::default()
    };
    write(out.path(), &results, &inputs).unwrap();

    let json = std::fs::read_to_string(out.path().join("results.json")).unwrap();
    let parsed: RunResults = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, results);
    assert!(
        json.contains("\n  \"schema_version\": 1,"),
        "pretty-printed"
    );

    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(md.starts_with("## ❌ ato: failure\n"), "{md}");
    assert!(
        md.contains("| Python | completed | 4 | 1 | 1 | 1 | 1 | 77% (7/9) | 1 |"),
        "{md}"
    );
    assert!(
        md.contains("| JavaScript | completed | 2 | 0 | 0 | 1 | 0 | 60% (3/5) | 2 |"),
        "{md}"
    );
    assert!(
        md.contains("| Java | completed | 1 | 2 | 0 | 1 | 1 | 80% (4/5) | 1 |"),
        "{md}"
    );
    let at = |needle: &str| {
        md.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in {md}"))
    };
    assert!(
        at("### ❌ Failed tests (3)") < at("### ⚠️ Behaviour changes between base and head (2)")
    );
    assert!(at("### ⚠️ Behaviour changes") < at("### 🔁 Flaky tests (1)"));
    assert!(at("### 🔁 Flaky tests") < at("### 🔎 Findings on changed lines (4)"));
    assert!(at("### 🔎 Findings") < at("### ⏸️ Not tested because of the environment (1)"));
    assert!(
        md.contains("| ` add(1, -2) ` | returned ` -1 ` | raised ` ValueError ` · ` negative ` |")
    );
    let severities: Vec<_> = md
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(" |").next())
        .collect();
    let findings: Vec<_> = severities
        .into_iter()
        .filter(|s| ["High", "Medium", "Low"].contains(s))
        .collect();
    assert_eq!(
        findings,
        vec!["High", "Medium", "Medium", "Low"],
        "most severe first"
    );
    assert!(!md.contains("[Full report]"), "a local report has no links");

    let page = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<h2>Coverage of changed lines</h2>"));
    assert!(page.contains("did not run: 18, 23"));
    assert!(page.contains("<h2>Findings on unchanged lines (5)</h2>"));
    assert!(page.contains("collected 7 items"), "logs are in the page");
    assert!(
        page.contains("def test_size_small():"),
        "generated tests are in the page"
    );
    assert!(page.contains("download=\"ato-tests.patch\" href=\"data:text/x-diff;base64,"));
    assert!(
        !page.contains("raw HTML omitted"),
        "the page's Markdown has no raw HTML"
    );
    for external in ["src=\"http", "href=\"http", "<script", "<link"] {
        assert!(!page.contains(external), "self-contained: {external}");
    }

    let patch_text = std::fs::read_to_string(out.path().join("ato-tests.patch")).unwrap();
    let files: Vec<_> = patch_text
        .lines()
        .filter(|l| l.starts_with("+++ "))
        .collect();
    assert_eq!(
        files,
        vec![
            "+++ b/tests/ato/test_ato_size.py",
            "+++ b/test/ato/slug.test.mjs"
        ]
    );
    let repo = tempfile::tempdir().unwrap();
    assert!(git(repo.path(), &["init", "-q"]).status.success());
    let check = git(
        repo.path(),
        &[
            "apply",
            "--check",
            out.path().join("ato-tests.patch").to_str().unwrap(),
        ],
    );
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
