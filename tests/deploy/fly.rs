//! `fly.toml` read as Fly reads it, its settings as `ato serve` reads them.

use std::collections::HashMap;
use std::path::Path;

use ato::sandbox::Engine;
use ato::sandbox::engine::Transport;
use ato::serve_config::ServeConfig;

fn fly() -> toml::Table {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("fly.toml")).unwrap();
    toml::from_str(&text).expect("fly.toml parses")
}

fn env() -> HashMap<String, String> {
    fly()["env"]
        .as_table()
        .expect("[env]")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string values").to_string()))
        .collect()
}

#[test]
fn fly_sets_everything_serve_requires() {
    let env = env();
    let config = ServeConfig::from_map(&env).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        config.app.is_none(),
        "the app comes from /setup (or secrets), never from fly.toml"
    );
    let fly = fly();
    let mount = &fly["mounts"].as_array().unwrap()[0];
    assert_eq!(
        mount["destination"].as_str(),
        Some(config.data_dir.to_str().unwrap())
    );
    let service = &fly["http_service"];
    assert_eq!(
        service["internal_port"].as_integer(),
        Some(i64::from(config.bind.port()))
    );
    assert_eq!(service["checks"][0]["path"].as_str(), Some("/healthz"));
}

#[test]
fn fly_reaches_a_remote_engine_over_tls_with_its_certificate_files() {
    let env = env();
    // DOCKER_HOST is a secret; any tcp:// address completes the settings.
    let engine = Engine::from_vars(|name| match name {
        "DOCKER_HOST" => Some("tcp://docker.example.org:2376".to_string()),
        _ => env.get(name).cloned(),
    })
    .unwrap_or_else(|e| panic!("{e:?}"));
    let Transport::Tls(files) = engine.transport else {
        panic!("TLS expected")
    };
    let written: Vec<String> = fly()["files"]
        .as_array()
        .expect("[[files]]")
        .iter()
        .map(|f| {
            assert!(f["secret_name"].is_str(), "from a secret: {f:?}");
            f["guest_path"].as_str().unwrap().to_string()
        })
        .collect();
    for (_, path) in files.each() {
        assert!(
            written.iter().any(|w| Path::new(w) == path),
            "{} is written from a secret: {written:?}",
            path.display()
        );
    }
}
