//! End to end: sample runner outputs (tests/fixtures/runner-out) → collect → results → report files, and the
//! patch checked by a real `git apply`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ato::report::patch::patch;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runner-out")
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git must be installed to run these tests");
    output
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
