//! `docker-compose.yml`, checked by Compose itself.

use std::path::Path;
use std::process::{Command, Output};

/// `docker compose config` (the plugin), else `docker-compose config` (Debian's docker-compose).
fn compose_config(envs: &[(&str, &str)]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join("docker-compose.yml");
    let run = |program: &str, first: &[&str]| {
        let mut command = Command::new(program);
        command
            .args(first)
            .arg("-f")
            .arg(&file)
            .arg("config")
            .env_remove("ATO_PUBLIC_URL")
            .env_remove("ATO_IMAGE");
        for (k, v) in envs {
            command.env(k, v);
        }
        command.output()
    };
    let plugin = Command::new("docker")
        .args(["compose", "version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if plugin {
        return run("docker", &["compose"]).expect("docker compose runs");
    }
    run("docker-compose", &[]).unwrap_or_else(|e| {
        panic!("needs `docker compose` or `docker-compose` (Debian package docker-compose; scripts/setup): {e}")
    })
}

#[test]
fn compose_validates_and_gives_the_engine_to_the_server_only() {
    let out = compose_config(&[
        ("ATO_PUBLIC_URL", "https://ato.example.org"),
        ("DOCKER_GID", "998"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config: serde_norway::Value = serde_norway::from_str(&text).expect("compose prints YAML");
    let services = config["services"].as_mapping().expect("services");
    assert_eq!(services.len(), 1, "one service, the server: {text}");
    let ato = &config["services"]["ato"];
    let env = &ato["environment"];
    assert_eq!(
        env["ATO_PUBLIC_URL"].as_str(),
        Some("https://ato.example.org")
    );
    assert_eq!(env["ATO_DATA_DIR"].as_str(), Some("/data"));
    let volumes = serde_norway::to_string(&ato["volumes"]).unwrap();
    assert!(volumes.contains("/var/run/docker.sock"), "{volumes}");
    assert!(
        volumes.contains("ato-data") && volumes.contains("/data"),
        "{volumes}"
    );
    assert!(text.contains("998"), "the socket's group: {text}");
    assert!(config["volumes"]["ato-data"].is_mapping() || config["volumes"]["ato-data"].is_null());
}

#[test]
fn compose_refuses_to_start_without_the_public_url() {
    let out = compose_config(&[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("set ATO_PUBLIC_URL"), "{err}");
}
