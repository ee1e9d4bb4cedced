//! The git wrapper against real repositories made by the tests in temporary folders: opening, revisions,
//! diffs, files and trees of a commit or the working tree, and its deadline.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::Command;
use std::time::Duration;

use ato::git::{GitError, Repo, Tree, TreeLimits};

use crate::support::git_repo::Repo as TestRepo;

/// `ato::git::Repo` on a test repository.
pub trait Open {
    fn open(&self) -> Repo;
}

impl Open for TestRepo {
    fn open(&self) -> Repo {
        Repo::open(self.path()).expect("opens")
    }
}

pub const CALC_V1: &str =
    "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n";
pub const CALC_V2: &str = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return b - a\n\n\ndef mul(a, b):\n    return a * b\n";

#[test]
fn open_finds_the_top_from_a_subfolder() {
    let repo = TestRepo::new();
    repo.write("pkg/deep/x.py", "x = 1\n");
    let opened = Repo::open(repo.path().join("pkg/deep")).unwrap();
    assert_eq!(
        opened.root().canonicalize().unwrap(),
        repo.path().canonicalize().unwrap()
    );
}

#[test]
fn not_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Repo::open(dir.path()).unwrap_err();
    assert!(matches!(err, GitError::NotARepository { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("is not a git repository"), "{message}");
    assert!(
        message.contains(&dir.path().display().to_string()),
        "{message}"
    );
    let missing = Repo::open(dir.path().join("nope")).unwrap_err();
    assert!(
        missing.to_string().contains("no such directory"),
        "{missing}"
    );
}

#[test]
fn resolve_gives_full_shas_and_bad_revisions_are_named() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    let first = repo.commit("one").head();
    repo.write("a.py", "x = 2\n");
    let second = repo.commit("two").head();
    let git = repo.open();
    assert_eq!(git.resolve("HEAD").unwrap(), second);
    assert_eq!(git.resolve("main").unwrap(), second);
    assert_eq!(git.resolve("HEAD~1").unwrap(), first);
    assert_eq!(git.resolve(&first[..8]).unwrap(), first);
    for bad in [
        "no-such-branch",
        "--output=injected.txt",
        "-h",
        "HEAD~9",
        "",
    ] {
        let err = git.resolve(bad).unwrap_err();
        assert!(
            matches!(&err, GitError::BadRevision { rev } if rev == bad),
            "{bad}: {err:?}"
        );
    }
    assert!(
        !repo.path().join("injected.txt").exists(),
        "a revision was read as an option"
    );
    assert_eq!(
        git.resolve("nope").unwrap_err().to_string(),
        "unknown revision 'nope': no commit of that name in this repository"
    );
}

#[test]
fn merge_base_and_default_branch() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    let fork = repo.commit("one").head();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("a.py", "x = 2\n");
    repo.commit("feature work");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.py", "y = 1\n");
    repo.commit("main work");
    let git = repo.open();
    assert_eq!(git.merge_base("main", "feature").unwrap(), fork);
    assert_eq!(git.default_branch().unwrap(), "main");

    repo.git(&["update-ref", "refs/remotes/origin/develop", "feature"]);
    repo.git(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/develop",
    ]);
    assert_eq!(git.default_branch().unwrap(), "origin/develop");

    repo.git(&["checkout", "-q", "--orphan", "lonely"]);
    repo.write("c.py", "z = 1\n");
    repo.commit("unrelated");
    let err = git.merge_base("main", "lonely").unwrap_err();
    assert!(matches!(err, GitError::NoMergeBase { .. }), "{err:?}");
    assert!(matches!(
        git.merge_base("main", "nope").unwrap_err(),
        GitError::BadRevision { .. }
    ));
}

#[test]
fn no_default_branch_is_an_error() {
    let repo = TestRepo::new();
    repo.git(&["checkout", "-q", "-b", "trunk"]);
    repo.write("a.py", "x = 1\n");
    repo.commit("one");
    let err = repo.open().default_branch().unwrap_err();
    assert!(matches!(err, GitError::NoDefaultBranch), "{err:?}");
}

#[test]
fn diff_between_commits() {
    let repo = TestRepo::new();
    repo.write("pkg/calc.py", CALC_V1);
    repo.write("old.py", "gone = 1\n");
    let base = repo.commit("one").head();
    repo.write("pkg/calc.py", CALC_V2);
    std::fs::remove_file(repo.path().join("old.py")).unwrap();
    let head = repo.commit("two").head();
    let diff = repo.open().diff(&base, &Tree::Commit(head)).unwrap();
    assert!(
        diff.contains("diff --git a/pkg/calc.py b/pkg/calc.py"),
        "{diff}"
    );
    assert!(diff.contains("@@ -6 +6,5 @@"), "{diff}");
    assert!(diff.contains("deleted file mode 100644"), "{diff}");
    assert!(!diff.contains("\x1b["), "colour codes in {diff}");
}

#[test]
fn diff_against_the_working_tree_shows_untracked_files_and_leaves_the_index_alone() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "*.log\n");
    repo.write("pkg/calc.py", CALC_V1);
    let base = repo.commit("one").head();
    repo.write("pkg/calc.py", CALC_V2);
    repo.write("pkg/new.py", "def fresh():\n    return 1\n");
    repo.write("debug.log", "ignored\n");
    let index = repo.path().join(".git/index");
    let index_before = std::fs::read(&index).unwrap();
    let status_before = repo.git(&["status", "--porcelain"]);

    let diff = repo.open().diff(&base, &Tree::WorkingTree).unwrap();
    assert!(
        diff.contains("diff --git a/pkg/calc.py b/pkg/calc.py"),
        "{diff}"
    );
    assert!(
        diff.contains("diff --git a/pkg/new.py b/pkg/new.py\nnew file mode 100644"),
        "{diff}"
    );
    assert!(!diff.contains("debug.log"), "ignored file in {diff}");

    assert_eq!(
        std::fs::read(&index).unwrap(),
        index_before,
        "index changed"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), status_before);
    assert!(status_before.contains("?? pkg/new.py"), "{status_before}");
}

#[test]
fn read_file_from_a_commit_and_the_working_tree() {
    let repo = TestRepo::new();
    repo.write("pkg/calc.py", CALC_V1);
    let base = repo.commit("one").head();
    repo.write("pkg/calc.py", CALC_V2);
    repo.write("untracked.py", "u = 1\n");
    let git = repo.open();
    let commit = Tree::Commit(base.clone());
    assert_eq!(
        git.read_file(&commit, "pkg/calc.py").unwrap().unwrap(),
        CALC_V1.as_bytes()
    );
    assert_eq!(git.read_file(&commit, "pkg/missing.py").unwrap(), None);
    assert_eq!(
        git.read_file(&commit, "pkg").unwrap(),
        None,
        "a folder is not a file"
    );
    assert_eq!(git.read_file(&commit, "untracked.py").unwrap(), None);
    let work = Tree::WorkingTree;
    assert_eq!(
        git.read_file(&work, "pkg/calc.py").unwrap().unwrap(),
        CALC_V2.as_bytes()
    );
    assert_eq!(
        git.read_file(&work, "untracked.py").unwrap().unwrap(),
        b"u = 1\n"
    );
    assert_eq!(git.read_file(&work, "nope.py").unwrap(), None);
    for bad in ["../outside", "/etc/passwd", ""] {
        assert!(
            matches!(git.read_file(&work, bad), Err(GitError::InvalidPath { .. })),
            "{bad}"
        );
    }
    let err = git
        .read_file(&Tree::Commit("nope".into()), "a.py")
        .unwrap_err();
    assert!(matches!(err, GitError::BadRevision { .. }), "{err:?}");
}

/// Every entry of a tar: path → (kind, content or link target).
fn entries(tar_bytes: &[u8]) -> BTreeMap<String, (char, String)> {
    let mut archive = tar::Archive::new(tar_bytes);
    let mut found = BTreeMap::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let kind = entry.header().entry_type();
        let (k, value) = if kind.is_dir() {
            ('d', String::new())
        } else if kind.is_symlink() {
            (
                'l',
                entry
                    .link_name()
                    .unwrap()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            )
        } else {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            let mode = entry.header().mode().unwrap();
            (if mode & 0o111 != 0 { 'x' } else { 'f' }, text)
        };
        found.insert(path, (k, value));
    }
    found
}

fn tree_fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".gitignore", "*.log\n");
    repo.write("pkg/calc.py", CALC_V1);
    repo.write("run.sh", "#!/bin/sh\n");
    std::os::unix::fs::symlink("calc.py", repo.path().join("pkg/alias.py")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", repo.path().join("abs_link")).unwrap();
    std::os::unix::fs::symlink("../..", repo.path().join("pkg/up")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let script = repo.path().join("run.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    repo.commit("tree");
    repo
}

#[test]
fn append_tree_of_a_commit() {
    let repo = tree_fixture();
    let git = repo.open();
    let mut builder = tar::Builder::new(Vec::new());
    let stats = git
        .append_tree(&Tree::Commit("HEAD".into()), "head", &mut builder)
        .unwrap();
    let files = entries(&builder.into_inner().unwrap());
    assert_eq!(files["head/pkg/calc.py"], ('f', CALC_V1.to_string()));
    assert_eq!(files["head/run.sh"].0, 'x');
    assert_eq!(files["head/pkg/alias.py"], ('l', "calc.py".to_string()));
    assert_eq!(files["head/pkg/"].0, 'd');
    assert!(!files.contains_key("head/abs_link"));
    assert!(!files.contains_key("head/pkg/up"));
    assert!(
        files
            .keys()
            .all(|p| p.starts_with("head/") && !p.contains(".git/")),
        "{files:?}"
    );
    assert_eq!(stats.files, 3);
    assert_eq!(stats.symlinks, 1);
    assert_eq!(
        stats.skipped_symlinks,
        vec!["abs_link".to_string(), "pkg/up".to_string()]
    );
    assert_eq!(
        stats.bytes,
        (CALC_V1.len() + "#!/bin/sh\n".len() + "*.log\n".len()) as u64
    );
}

#[test]
fn append_tree_of_the_working_tree() {
    let repo = tree_fixture();
    repo.write("pkg/calc.py", CALC_V2);
    repo.write("pkg/new.py", "n = 1\n");
    repo.write("debug.log", "ignored\n");
    std::fs::remove_file(repo.path().join("run.sh")).unwrap();
    repo.write("tool.sh", "#!/bin/sh\n");
    use std::os::unix::fs::PermissionsExt;
    let tool = repo.path().join("tool.sh");
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let git = repo.open();
    let mut builder = tar::Builder::new(Vec::new());
    let stats = git
        .append_tree(&Tree::WorkingTree, "base/", &mut builder)
        .unwrap();
    let files = entries(&builder.into_inner().unwrap());
    assert_eq!(files["base/pkg/calc.py"], ('f', CALC_V2.to_string()));
    assert_eq!(files["base/pkg/new.py"], ('f', "n = 1\n".to_string()));
    assert_eq!(files["base/pkg/alias.py"].0, 'l');
    assert_eq!(files["base/tool.sh"].0, 'x');
    for absent in [
        "base/debug.log",
        "base/run.sh",
        "base/abs_link",
        "base/pkg/up",
        "base/.git/",
    ] {
        assert!(!files.contains_key(absent), "{absent} in {files:?}");
    }
    assert!(files.keys().all(|p| !p.contains(".git/")));
    assert_eq!(stats.files, 4);
}

#[test]
fn append_tree_caps_files_and_bytes() {
    let repo = tree_fixture();
    let few = repo.open().with_tree_limits(TreeLimits {
        max_files: 2,
        max_bytes: 1 << 20,
    });
    for tree in [Tree::Commit("HEAD".into()), Tree::WorkingTree] {
        let mut builder = tar::Builder::new(Vec::new());
        let err = few.append_tree(&tree, "head", &mut builder).unwrap_err();
        assert!(
            matches!(err, GitError::TooManyFiles { limit: 2 }),
            "{err:?}"
        );
        assert_eq!(err.to_string(), "the tree has more than 2 files");
    }
    let small = repo.open().with_tree_limits(TreeLimits {
        max_files: 100,
        max_bytes: 20,
    });
    for tree in [Tree::Commit("HEAD".into()), Tree::WorkingTree] {
        let mut builder = tar::Builder::new(Vec::new());
        let err = small.append_tree(&tree, "head", &mut builder).unwrap_err();
        assert!(
            matches!(err, GitError::TreeTooLarge { limit: 20 }),
            "{err:?}"
        );
    }
    let mut builder = tar::Builder::new(Vec::new());
    assert!(matches!(
        repo.open()
            .append_tree(&Tree::WorkingTree, "../up", &mut builder),
        Err(GitError::InvalidPath { .. })
    ));
}

#[test]
fn a_call_past_its_deadline_is_killed() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    repo.commit("one");
    let opened = repo.open().with_timeout(Duration::from_millis(300));
    // git opens its config includes on start-up; a FIFO nobody writes to keeps it waiting for ever.
    let fifo = repo.path().join(".git/hang");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    repo.git(&["config", "include.path", fifo.to_str().unwrap()]);
    let err = opened.resolve("HEAD").unwrap_err();
    assert!(matches!(err, GitError::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string().contains("git rev-parse did not finish"),
        "{err}"
    );
}
