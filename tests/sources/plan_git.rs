//! The git wrapper and the planner against real repositories made by the tests in temporary folders.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ato::git::{GitError, Repo, Tree, TreeLimits};
use ato::model::SymbolKind;
use ato::plan::{PlanConfig, plan};

/// A throwaway repository.
struct TestRepo {
    dir: tempfile::TempDir,
}

impl TestRepo {
    fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = TestRepo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "dev@example.com"]);
        repo.git(&["config", "user.name", "Dev"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(self.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs (is git installed?)");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn write(&self, path: &str, content: &str) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn open(&self) -> Repo {
        Repo::open(self.path()).expect("opens")
    }
}

const CALC_V1: &str = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n";
const CALC_V2: &str = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return b - a\n\n\ndef mul(a, b):\n    return a * b\n";

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
    let first = repo.commit("one");
    repo.write("a.py", "x = 2\n");
    let second = repo.commit("two");
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
    let fork = repo.commit("one");
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
    let base = repo.commit("one");
    repo.write("pkg/calc.py", CALC_V2);
    std::fs::remove_file(repo.path().join("old.py")).unwrap();
    let head = repo.commit("two");
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
    let base = repo.commit("one");
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
    let base = repo.commit("one");
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

#[test]
fn plan_end_to_end_on_a_branch_and_on_the_working_tree() {
    let repo = TestRepo::new();
    repo.write("pkg/calc.py", CALC_V1);
    repo.write("pkg/shapes.py", "class Square:\n    def __init__(self, side):\n        self.side = side\n\n    def area(self):\n        return self.side ** 2\n");
    repo.write("README.md", "# calc\n");
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("pkg/calc.py", CALC_V2);
    repo.write("tests/test_calc.py", "def test_add():\n    pass\n");
    repo.write("README.md", "# calc, better\n");
    repo.commit("feature");
    let git = repo.open();
    let base = git
        .merge_base(&git.default_branch().unwrap(), "feature")
        .unwrap();
    let head = Tree::Commit(git.resolve("feature").unwrap());
    let diff = git.diff(&base, &head).unwrap();
    let read = |tree: &Tree, path: &str| {
        git.read_file(tree, path)
            .unwrap()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let base_tree = Tree::Commit(base.clone());
    let result = plan(
        &diff,
        &|p| read(&head, p),
        &|p| read(&base_tree, p),
        &PlanConfig::default(),
    )
    .unwrap();
    assert_eq!(result.targets.len(), 1, "{result:?}");
    let calc = &result.targets[0];
    assert_eq!(calc.path, "pkg/calc.py");
    let symbols: Vec<(&str, bool)> = calc
        .symbols
        .iter()
        .map(|s| (s.name.as_str(), s.is_new))
        .collect();
    assert_eq!(symbols, vec![("sub", false), ("mul", true)]);
    let skipped: Vec<(&str, &str)> = result
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("README.md", "unsupported language"),
            ("tests/test_calc.py", "test file")
        ]
    );

    // Uncommitted work on top: a constructor change lists the class, an untracked module is all new.
    repo.write("pkg/shapes.py", "class Square:\n    def __init__(self, side):\n        self.side = abs(side)\n\n    def area(self):\n        return self.side ** 2\n");
    repo.write("pkg/extra.py", "def helper():\n    return 1\n");
    let diff = git.diff(&base, &Tree::WorkingTree).unwrap();
    let result = plan(
        &diff,
        &|p| read(&Tree::WorkingTree, p),
        &|p| read(&base_tree, p),
        &PlanConfig::default(),
    )
    .unwrap();
    let by_path: BTreeMap<&str, Vec<(&str, SymbolKind, bool)>> = result
        .targets
        .iter()
        .map(|t| {
            let symbols = t
                .symbols
                .iter()
                .map(|s| (s.name.as_str(), s.kind, s.is_new))
                .collect();
            (t.path.as_str(), symbols)
        })
        .collect();
    assert_eq!(
        by_path["pkg/shapes.py"],
        vec![("Square", SymbolKind::Class, false)]
    );
    assert_eq!(
        by_path["pkg/extra.py"],
        vec![("helper", SymbolKind::Function, true)]
    );
    assert_eq!(by_path["pkg/calc.py"].len(), 2);
}

#[test]
fn user_diff_settings_do_not_change_what_the_planner_reads() {
    let repo = TestRepo::new();
    repo.write("pkg/calc.py", CALC_V1);
    let base = repo.commit("one");
    repo.write("pkg/calc.py", CALC_V2);
    let head = repo.commit("two");
    for (key, value) in [
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("color.ui", "always"),
        ("diff.interHunkContext", "5"),
        ("diff.context", "7"),
        ("diff.external", "false"),
        ("core.quotePath", "true"),
    ] {
        repo.git(&["config", key, value]);
    }
    let git = repo.open();
    let diff = git.diff(&base, &Tree::Commit(head.clone())).unwrap();
    let read = |sha: &str, path: &str| {
        git.read_file(&Tree::Commit(sha.into()), path)
            .unwrap()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let result = plan(
        &diff,
        &|p| read(&head, p),
        &|p| read(&base, p),
        &PlanConfig::default(),
    )
    .unwrap();
    assert_eq!(result.targets.len(), 1, "{diff}");
    assert_eq!(result.targets[0].path, "pkg/calc.py");
    assert_eq!(result.targets[0].changed_lines, vec![6, 7, 8, 9, 10]);
}
