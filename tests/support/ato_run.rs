//! Support for the end-to-end tests: real git repositories made on the spot, and the real `ato` binary run on
//! them against the real Docker engine.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use ato::model::RunResults;

/// Fails the test, loudly, when there is no Docker: these tests are about containers and never pass without.
pub fn require_docker() {
    let ok = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "these tests need a running Docker engine (`docker info` failed): start the daemon or set DOCKER_HOST"
    );
}

/// The ids of containers labelled `ato` that belong to `run_id`, or to any run when `None`.
pub fn ato_containers(run_id: Option<&str>) -> Vec<String> {
    let filter = match run_id {
        Some(id) => format!("label=ato={id}"),
        None => "label=ato".to_string(),
    };
    let out = Command::new("docker")
        .args(["ps", "-aq", "--filter", &filter])
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// A git repository in a temporary folder.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.git(&["config", "user.name", "ato test"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, contents: &str) -> &Repo {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
        self
    }

    pub fn commit(&self, message: &str) -> &Repo {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.dir.path())
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// What one `ato run` did.
pub struct AtoRun {
    pub exit_code: i32,
    pub stderr: String,
    pub out: tempfile::TempDir,
    pub results: Option<RunResults>,
}

impl AtoRun {
    pub fn results(&self) -> &RunResults {
        self.results
            .as_ref()
            .unwrap_or_else(|| panic!("no results.json; ato said:\n{}", self.stderr))
    }

    pub fn out_path(&self, rel: &str) -> PathBuf {
        self.out.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// Runs the real binary: `ato run --repo <repo> <args…> --out <temp>`.
pub fn ato_run(repo: &Path, args: &[&str], env: &[(&str, &str)]) -> AtoRun {
    let out = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ato"));
    cmd.arg("run")
        .arg("--repo")
        .arg(repo)
        .args(args)
        .arg("--out")
        .arg(out.path());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("ato runs");
    let results = std::fs::read(out.path().join("results.json"))
        .ok()
        .map(|bytes| serde_json::from_slice(&bytes).expect("results.json matches the schema"));
    AtoRun {
        exit_code: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        out,
        results,
    }
}

/// `ato run` on the last commit of `repo`: `--base HEAD~1 --head HEAD`.
pub fn run_last_commit(repo: &Repo, env: &[(&str, &str)]) -> AtoRun {
    ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], env)
}

/// The result of one runner, failing the test when that runner did not run.
pub fn runner_result(results: &RunResults, which: ato::model::Runner) -> &ato::model::RunnerResult {
    results
        .runners
        .iter()
        .find(|r| r.runner == which)
        .unwrap_or_else(|| panic!("a {which:?} runner result: {results:#?}"))
}
