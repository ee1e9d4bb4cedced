//! The server image built where no registry is reachable, and its HEALTHCHECK run by Docker itself.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::docker::require_docker;

fn docker(args: &[&str]) -> (bool, String) {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text.trim().to_string())
}

/// Removes the container (and the test's image tag) however the test ends.
struct Cleanup(Vec<Vec<String>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for args in &self.0 {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let _ = docker(&args);
        }
    }
}

#[test]
fn dockerfiles_share_the_runtime_part() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tail = |file: &str| -> Vec<String> {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let (_, tail) = text
            .split_once(" from here ---\n")
            .expect("the marker line");
        tail.lines()
            .map(|l| l.replace("COPY --from=build /src/target/release/ato", "COPY ato"))
            .collect()
    };
    assert_eq!(tail("Dockerfile"), tail("deploy/Dockerfile.prebuilt"));
}

#[test]
fn the_server_image_built_from_debian_packages_passes_its_healthcheck() {
    require_docker();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tag = format!("ato-server:test-{}", std::process::id());
    let name = format!("ato-server-test-{}", std::process::id());
    let _cleanup = Cleanup(vec![
        vec!["rm".into(), "-f".into(), name.clone()],
        vec!["rmi".into(), tag.clone()],
    ]);
    let built = Command::new(root.join("scripts/server-image"))
        .args(["--binary", env!("CARGO_BIN_EXE_ato"), "--tag", &tag])
        .output()
        .expect("scripts/server-image runs");
    assert!(
        built.status.success(),
        "scripts/server-image: {}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
    let (_, test) = docker(&["inspect", "-f", "{{json .Config.Healthcheck.Test}}", &tag]);
    assert!(
        test.starts_with("[\"CMD-SHELL\""),
        "runs under /bin/sh: {test}"
    );

    // Nothing listens: the same command fails.
    let (ok, text) = docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "/bin/sh",
        &tag,
        "-c",
        "/usr/local/bin/ato healthcheck",
    ]);
    assert!(!ok && text.contains("unhealthy"), "{text}");

    // The server with this machine's engine (as docker-compose.yml gives it), in set-up mode.
    let socket = "/var/run/docker.sock";
    let gid = std::os::unix::fs::MetadataExt::gid(&std::fs::metadata(socket).expect("the socket"));
    let (ok, text) = docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "--health-interval",
        "1s",
        "--read-only",
        "--tmpfs",
        "/tmp",
        "-e",
        "ATO_PUBLIC_URL=http://localhost:3000",
        "-v",
        &format!("{socket}:{socket}"),
        "--group-add",
        &gid.to_string(),
        &tag,
    ]);
    assert!(ok, "{text}");
    let started = Instant::now();
    loop {
        let (_, status) = docker(&["inspect", "-f", "{{.State.Health.Status}}", &name]);
        if status == "healthy" {
            break;
        }
        let (_, logs) = docker(&["logs", &name]);
        assert!(
            started.elapsed() < Duration::from_secs(90) && status != "unhealthy",
            "health {status}; log:\n{logs}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let (_, logs) = docker(&["logs", &name]);
    assert!(
        logs.contains("no GitHub App yet: open http://localhost:3000/setup"),
        "{logs}"
    );
}
