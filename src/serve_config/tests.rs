//! The rules of [`super::ServeConfig::from_map`].

use super::*;
use std::path::Path;

const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\\nTOPSECRETKEY\\n-----END RSA PRIVATE KEY-----";

fn base() -> HashMap<String, String> {
    [
        ("GITHUB_APP_ID", "42"),
        ("GITHUB_PRIVATE_KEY", PEM),
        ("GITHUB_WEBHOOK_SECRET", "hush-one, hush-two"),
        ("ATO_PUBLIC_URL", "https://ato.example.org"),
        ("ATO_DATA_DIR", "data"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn with(key: &str, value: &str) -> HashMap<String, String> {
    let mut vars = base();
    vars.insert(key.to_owned(), value.to_owned());
    vars
}

fn without(key: &str) -> HashMap<String, String> {
    let mut vars = base();
    vars.remove(key);
    vars
}

fn error_vars(vars: &HashMap<String, String>) -> Vec<&'static str> {
    ServeConfig::from_map(vars)
        .unwrap_err()
        .iter()
        .map(ConfigError::var)
        .collect()
}

fn error_var(vars: &HashMap<String, String>) -> &'static str {
    let vars = error_vars(vars);
    assert_eq!(vars.len(), 1, "{vars:?}");
    vars[0]
}

fn app(c: &ServeConfig) -> &AppCredentials {
    c.app.as_ref().expect("app credentials")
}

#[test]
fn defaults_apply_when_optional_settings_are_absent() {
    let c = ServeConfig::from_map(&base()).unwrap();
    assert_eq!(app(&c).app_id, 42);
    assert_eq!(c.github_api_url.as_str(), "https://api.github.com/");
    assert_eq!(c.bind.to_string(), "0.0.0.0:3000");
    assert_eq!(c.workers, 2);
    assert!(!c.run_drafts);
    assert_eq!(app(&c).webhook_secrets.iter().count(), 2);
    let second = app(&c).webhook_secrets.iter().nth(1).unwrap();
    assert_eq!(second.expose_secret(), "hush-two");
}

#[test]
fn a_url_and_a_data_folder_are_enough_to_start_in_setup_mode() {
    let mut vars = HashMap::new();
    vars.insert(
        "ATO_PUBLIC_URL".to_string(),
        "https://ato.example.org".to_string(),
    );
    vars.insert("ATO_DATA_DIR".to_string(), "data".to_string());
    let c = ServeConfig::from_map(&vars).unwrap();
    assert!(c.app.is_none());
}

#[test]
fn every_problem_is_reported_together_with_what_to_do() {
    let mut vars = HashMap::new();
    vars.insert("GITHUB_APP_ID".to_string(), "12".to_string());
    vars.insert("ATO_WORKERS".to_string(), "zero".to_string());
    vars.insert("ATO_BIND".to_string(), "here".to_string());
    let errors = ServeConfig::from_map(&vars).unwrap_err();
    let vars: Vec<&str> = errors.iter().map(ConfigError::var).collect();
    assert_eq!(
        vars,
        [
            "GITHUB_APP_ID",
            "ATO_BIND",
            "ATO_PUBLIC_URL",
            "ATO_DATA_DIR",
            "ATO_WORKERS"
        ]
    );
    let text = errors.to_string();
    assert!(
        text.starts_with("5 settings of `ato serve` need fixing"),
        "{text}"
    );
    assert!(
        text.contains(
            "GITHUB_PRIVATE_KEY (or GITHUB_PRIVATE_KEY_PATH), GITHUB_WEBHOOK_SECRET not set"
        ),
        "{text}"
    );
    assert!(
        text.contains("create the app at ATO_PUBLIC_URL/setup"),
        "{text}"
    );
    assert!(
        text.contains("ATO_PUBLIC_URL is not set: set it to the https:// address"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 6, "one line per problem: {text}");
}

#[test]
fn one_line_pem_gets_real_newlines() {
    let c = ServeConfig::from_map(&base()).unwrap();
    let pem = app(&c).pem().expect("a PEM");
    assert!(pem.expose_secret().contains("-----\nTOPSECRETKEY\n-----"));
}

#[test]
fn debug_output_never_shows_secrets() {
    let c = ServeConfig::from_map(&base()).unwrap();
    let text = format!("{c:?}");
    assert!(!text.contains("TOPSECRETKEY"), "{text}");
    assert!(!text.contains("hush"), "{text}");
}

#[test]
fn missing_required_settings_name_their_variable() {
    for var in [
        "GITHUB_APP_ID",
        "GITHUB_WEBHOOK_SECRET",
        "GITHUB_PRIVATE_KEY",
        "ATO_PUBLIC_URL",
        "ATO_DATA_DIR",
    ] {
        let errors = ServeConfig::from_map(&without(var)).unwrap_err();
        let text = errors.to_string();
        assert!(text.contains(var), "{var}: {text}");
        assert_eq!(errors.0.len(), 1, "{text}");
    }
}

#[test]
fn key_path_is_used_when_no_inline_key() {
    let mut vars = without("GITHUB_PRIVATE_KEY");
    vars.insert("GITHUB_PRIVATE_KEY_PATH".into(), "/keys/app.pem".into());
    let c = ServeConfig::from_map(&vars).unwrap();
    assert!(
        matches!(&app(&c).private_key, PrivateKeySource::Path(p) if p == Path::new("/keys/app.pem"))
    );
}

#[test]
fn key_file_is_read_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.pem");
    std::fs::write(&good, PEM.replace("\\n", "\n")).unwrap();
    let mut vars = without("GITHUB_PRIVATE_KEY");
    vars.insert(
        "GITHUB_PRIVATE_KEY_PATH".into(),
        good.to_str().unwrap().into(),
    );
    let config = ServeConfig::from_map(&vars)
        .unwrap()
        .load_key_file()
        .unwrap();
    let pem = app(&config).pem().expect("the PEM");
    assert!(pem.expose_secret().contains("TOPSECRETKEY"));

    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "hello").unwrap();
    vars.insert(
        "GITHUB_PRIVATE_KEY_PATH".into(),
        bad.to_str().unwrap().into(),
    );
    let err = ServeConfig::from_map(&vars)
        .unwrap()
        .load_key_file()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Invalid {
                var: "GITHUB_PRIVATE_KEY_PATH",
                ..
            }
        ),
        "{err}"
    );

    vars.insert(
        "GITHUB_PRIVATE_KEY_PATH".into(),
        dir.path().join("absent").to_str().unwrap().into(),
    );
    let err = ServeConfig::from_map(&vars)
        .unwrap()
        .load_key_file()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Unreadable {
                var: "GITHUB_PRIVATE_KEY_PATH",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn malformed_settings_name_their_variable() {
    let cases = [
        ("GITHUB_APP_ID", "abc"),
        ("GITHUB_APP_ID", "0"),
        ("GITHUB_PRIVATE_KEY", "not a key"),
        ("GITHUB_WEBHOOK_SECRET", "a,,b"),
        ("GITHUB_API_URL", "ftp://x"),
        ("GITHUB_API_URL", "not a url"),
        ("ATO_BIND", "localhost"),
        ("ATO_PUBLIC_URL", "example.org"),
        ("ATO_WORKERS", "0"),
        ("ATO_WORKERS", "many"),
        ("ATO_RUN_DRAFTS", "perhaps"),
    ];
    for (var, value) in cases {
        assert_eq!(error_var(&with(var, value)), var, "{var}={value}");
    }
}

#[test]
fn bad_key_error_does_not_quote_the_value() {
    let err = ServeConfig::from_map(&with("GITHUB_PRIVATE_KEY", "sekrit-value")).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert!(!err.to_string().contains("sekrit"), "{err}");
}

#[test]
fn optional_settings_are_parsed() {
    let mut vars = with("ATO_WORKERS", "4");
    vars.insert("ATO_RUN_DRAFTS".into(), "TRUE".into());
    vars.insert("ATO_BIND".into(), "127.0.0.1:8080".into());
    vars.insert(
        "GITHUB_API_URL".into(),
        "http://127.0.0.1:9999/api/v3".into(),
    );
    let c = ServeConfig::from_map(&vars).unwrap();
    assert_eq!(c.workers, 4);
    assert!(c.run_drafts);
    assert_eq!(c.bind.port(), 8080);
    assert_eq!(c.github_api_url.as_str(), "http://127.0.0.1:9999/api/v3");
}
