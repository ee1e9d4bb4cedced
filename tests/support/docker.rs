//! The Docker engine as the tests see it through the CLI: a loud failure when there is none, the containers
//! ato labelled, a container's configuration, and runner images built as `ato run` would.

use std::process::Command;

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

/// A container's configuration as `docker inspect` prints it (environment, mounts, labels, ...).
pub fn inspect(container: &str) -> String {
    let out = Command::new("docker")
        .args(["inspect", container])
        .output()
        .expect("docker inspect");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Builds a runner image (`python`, `node`, `java`) if needed, as `ato run` would.
pub fn runner_image(name: &str) {
    let built = Command::new(env!("CARGO_BIN_EXE_ato"))
        .args(["runners", "build", name])
        .output()
        .expect("ato runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}
