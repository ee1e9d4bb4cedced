//! A GitHub client wired to a fresh fake GitHub, with one repository and fast retries.

use std::time::Duration;

use ato::github::{GithubApp, GithubConfig, Installation, InstallationId, RepoName, RetryPolicy};
use secrecy::SecretString;

use super::fake_github::{APP_ID, FakeGithub, FakePull, app_private_key};

pub const INSTALLATION: u64 = 77;
pub const REPO: &str = "octo/calc";
pub const HEAD: &str = "1111111111111111111111111111111111111111";
pub const BASE: &str = "2222222222222222222222222222222222222222";

/// Waits are scaled by 1/1000: a minute of rate limit is 60 ms here.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        time_scale: 0.001,
        ..RetryPolicy::default()
    }
}

pub fn config(fake: &FakeGithub, key_pem: String) -> GithubConfig {
    let mut config = GithubConfig::new(
        fake.api_url.parse().unwrap(),
        APP_ID,
        SecretString::from(key_pem),
    );
    config.retry = fast_policy();
    config.request_timeout = Duration::from_secs(20);
    config
}

pub async fn setup() -> (FakeGithub, Installation) {
    let fake = FakeGithub::start().await;
    fake.add_repo(REPO, INSTALLATION);
    let app = GithubApp::new(config(&fake, app_private_key())).expect("the client builds");
    (fake, app.installation(InstallationId(INSTALLATION)))
}

pub fn repo() -> RepoName {
    RepoName::parse(REPO).unwrap()
}

pub fn add_pull(fake: &FakeGithub, number: u64, files: usize) {
    let pull = FakePull {
        state: "open".into(),
        draft: false,
        head_sha: HEAD.into(),
        base_sha: BASE.into(),
        files: (0..files).map(|i| format!("src/file_{i:04}.py")).collect(),
        patches: Default::default(),
    };
    fake.model().repo(REPO).pulls.insert(number, pull);
}
