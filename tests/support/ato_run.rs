//! The real `ato` binary run as `ato run` on a repository, and what it left: exit code, stderr, the output
//! folder and its `results.json`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ato::model::RunResults;

use super::git_repo::Repo;

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
