//! The small Python project the fake GitHub holds: source trees as GitHub-style tarballs on its codeload host,
//! and pull requests whose `patch` texts are real unified diffs of those trees (made by `git diff`).

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::support::fake_github::{FakeGithub, FakePull};
use crate::support::tarball::{RawEntry, gzip_tar};

pub const INSTALLATION: u64 = 77;
pub const REPO: &str = "octo/calc";
/// The file every pull request here changes.
pub const FILE: &str = "limits.py";

/// An unchanged function bandit flags (shell=True, line 5): never annotated, since its lines are not changed.
const RISKY_RUN: &str =
    "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n";

/// `limits.py` on the base branch.
pub fn base_source() -> String {
    format!("{RISKY_RUN}\n\ndef clamp(x: int) -> int:\n    return max(0, x)\n")
}

/// `limits.py` capping `clamp` at `cap`: a behaviour change for every input above it.
pub fn capped_source(cap: u32) -> String {
    format!("{RISKY_RUN}\n\ndef clamp(x: int) -> int:\n    return max(0, min(x, {cap}))\n")
}

/// A head whose import blocks for `secs` seconds: its run is still busy when the next push arrives.
pub fn slow_source(secs: u32) -> String {
    format!(
        "import time\n\ntime.sleep({secs})\n\n{RISKY_RUN}\n\ndef clamp(x: int) -> int:\n    return max(0, min(x, 7))\n"
    )
}

/// A fake commit sha, distinct per `n` in its first characters (reports show a short sha).
pub fn sha(n: u32) -> String {
    format!("{:0<40}", format!("{n:x}"))
}

/// The tarball GitHub serves for `commit` holding `files`, under its `owner-repo-sha/` top folder.
pub fn tarball(commit: &str, files: &[(&str, &str)]) -> Vec<u8> {
    let top = format!("octo-calc-{}", &commit[..7]);
    let paths: Vec<String> = files.iter().map(|(p, _)| format!("{top}/{p}")).collect();
    let dir = format!("{top}/");
    let mut entries = vec![RawEntry::dir(&dir)];
    for ((_, text), path) in files.iter().zip(&paths) {
        entries.push(RawEntry::file(path, text.as_bytes()));
    }
    gzip_tar(commit, &entries)
}

/// The `patch` GitHub lists for a file changed from `base` to `head`: the hunks of a unified diff.
pub fn patch(base: &str, head: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, base).unwrap();
    std::fs::write(&b, head).unwrap();
    let out = Command::new("git")
        .args(["diff", "--no-index", "--no-color", "-U3"])
        .arg(&a)
        .arg(&b)
        .output()
        .expect("git diff runs");
    let text = String::from_utf8(out.stdout).expect("utf-8 diff");
    let start = text.find("@@").expect("the trees differ");
    text[start..].trim_end_matches('\n').to_string()
}

/// The head line numbers a patch adds or changes.
pub fn changed_lines(patch: &str) -> Vec<u64> {
    let mut lines = Vec::new();
    let mut line = 0u64;
    for row in patch.lines() {
        if let Some(header) = row.strip_prefix("@@ -") {
            let plus = header.split(" +").nth(1).expect("hunk header");
            line = plus
                .split([',', ' '])
                .next()
                .and_then(|n| n.parse().ok())
                .expect("hunk start");
        } else if row.starts_with('+') {
            lines.push(line);
            line += 1;
        } else if !row.starts_with('-') {
            line += 1;
        }
    }
    lines
}

/// The fake with the repository, its base tree, and who may do what.
pub fn add_repo(fake: &FakeGithub) {
    fake.add_repo(REPO, INSTALLATION);
    let base = sha(0xba5e);
    let mut model = fake.model();
    let repo = model.repo(REPO);
    repo.tarballs
        .insert(base.clone(), tarball(&base, &[(FILE, &base_source())]));
    repo.permissions.insert("maintainer".into(), "write".into());
    repo.permissions.insert("visitor".into(), "read".into());
}

/// The base commit of every pull request here.
pub fn base_sha() -> String {
    sha(0xba5e)
}

/// Sets pull request `number` to `head_sha` with `limits.py` = `head_source` (tarball and patch).
pub fn push(fake: &FakeGithub, number: u64, head_sha: &str, head_source: &str) {
    let tarball = tarball(head_sha, &[(FILE, head_source)]);
    push_tarball(fake, number, head_sha, head_source, tarball);
}

/// Like [`push`] with the archive given as is (a hostile one, say).
pub fn push_tarball(
    fake: &FakeGithub,
    number: u64,
    head_sha: &str,
    head_source: &str,
    tarball: Vec<u8>,
) {
    let patch = patch(&base_source(), head_source);
    let mut model = fake.model();
    let repo = model.repo(REPO);
    repo.tarballs.insert(head_sha.to_string(), tarball);
    repo.pulls.insert(
        number,
        FakePull {
            state: "open".into(),
            draft: false,
            head_sha: head_sha.to_string(),
            base_sha: base_sha(),
            files: vec![FILE.to_string()],
            patches: HashMap::from([(FILE.to_string(), patch)]),
        },
    );
}

/// Every regular file under `dir` whose name starts with `prefix` (escapes looked for after a hostile run).
pub fn files_named(dir: &Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            found.extend(files_named(&path, prefix));
        } else if entry.file_name().to_string_lossy().starts_with(prefix) {
            found.push(path);
        }
    }
    found
}
