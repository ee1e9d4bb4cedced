//! The GitHub client against the fake GitHub on 127.0.0.1: tokens, pagination, permissions, the config
//! file, and the retry policy under injected faults.

use std::time::Duration;

use ato::github::{GithubApp, GithubError, InstallationId, Permission, PrNumber};

use crate::support::fake_github::{FakeGithub, Fault, app_private_key};
use crate::support::fixture;
use crate::support::github_client::{
    BASE, HEAD, INSTALLATION, REPO, add_pull, config, repo, setup,
};

#[tokio::test]
async fn one_token_serves_many_calls_and_the_pr_reads_back() {
    let (fake, github) = setup().await;
    add_pull(&fake, 1, 3);
    let pr = github.pull_request(&repo(), PrNumber(1)).await.expect("PR");
    assert_eq!(pr.head.sha.as_str(), HEAD);
    assert_eq!(pr.base.sha.as_str(), BASE);
    assert!(pr.is_open() && !pr.draft);
    let name = repo();
    let calls = (0..8).map(|_| github.pull_request(&name, PrNumber(1)));
    for result in futures_util::future::join_all(calls).await {
        result.expect("concurrent call");
    }
    assert_eq!(github.repo(&repo()).await.unwrap().default_branch, "main");
    assert_eq!(
        fake.token_requests(),
        1,
        "one installation token for all calls"
    );
    let token_request = fake
        .requests()
        .into_iter()
        .find(|r| r.path.contains("access_tokens"))
        .unwrap();
    assert!(
        token_request.headers["authorization"].starts_with("Bearer ey"),
        "signed with a JWT"
    );
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire() {
    let (fake, github) = setup().await;
    add_pull(&fake, 1, 1);
    // Tokens that outlive the 5-minute margin by three seconds only.
    fake.model().token_lifetime = Duration::from_secs(5 * 60 + 3);
    github.pull_request(&repo(), PrNumber(1)).await.unwrap();
    github.pull_request(&repo(), PrNumber(1)).await.unwrap();
    assert_eq!(fake.token_requests(), 1);
    tokio::time::sleep(Duration::from_millis(3500)).await;
    github.pull_request(&repo(), PrNumber(1)).await.unwrap();
    assert_eq!(
        fake.token_requests(),
        2,
        "refreshed inside the margin, before GitHub's expiry"
    );
    assert!(
        fake.requests().iter().all(|r| r.status != 401),
        "never sent an expired token"
    );
}

#[tokio::test]
async fn a_revoked_token_is_replaced_once() {
    let (fake, github) = setup().await;
    add_pull(&fake, 1, 1);
    github.pull_request(&repo(), PrNumber(1)).await.unwrap();
    fake.model().revoke_tokens();
    github
        .pull_request(&repo(), PrNumber(1))
        .await
        .expect("a new token after the 401");
    assert_eq!(fake.token_requests(), 2);
    assert_eq!(
        fake.count("GET", "/pulls/1"),
        3,
        "the refused try, then the retry"
    );
}

#[tokio::test]
async fn a_jwt_from_the_wrong_key_is_refused_without_retries() {
    let fake = FakeGithub::start().await;
    fake.add_repo(REPO, INSTALLATION);
    let wrong_key = std::fs::read_to_string(fixture("test-only-wrong-key.pem")).unwrap();
    let github = GithubApp::new(config(&fake, wrong_key))
        .unwrap()
        .installation(InstallationId(INSTALLATION));
    let err = github.pull_request(&repo(), PrNumber(1)).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(fake.token_requests(), 1);
    assert!(
        !err.to_string().contains("BEGIN"),
        "no key material in errors"
    );
}

#[tokio::test]
async fn files_are_listed_across_pages_up_to_the_cap() {
    let (fake, github) = setup().await;
    add_pull(&fake, 1, 250);
    let changed = github
        .pull_request_files(&repo(), PrNumber(1))
        .await
        .unwrap();
    assert_eq!(changed.files.len(), 250);
    assert!(!changed.truncated);
    assert_eq!(changed.files[249].filename, "src/file_0249.py");
    assert_eq!(fake.count("GET", "/pulls/1/files"), 3);

    add_pull(&fake, 2, 3050);
    let changed = github
        .pull_request_files(&repo(), PrNumber(2))
        .await
        .unwrap();
    assert_eq!(changed.files.len(), 3000);
    assert!(changed.truncated);
    assert_eq!(
        fake.count("GET", "/pulls/2/files"),
        30,
        "no page past the cap is fetched"
    );
}

#[tokio::test]
async fn permissions_and_the_config_file_are_read() {
    let (fake, github) = setup().await;
    {
        let mut model = fake.model();
        let repo = model.repo(REPO);
        repo.permissions.insert("maint".into(), "maintain".into());
        repo.permissions.insert("triager".into(), "triage".into());
        repo.files.insert(
            ("main".into(), ".github/ato.yml".into()),
            b"languages: [python]\nmode: builtin\n".to_vec(),
        );
        repo.files.insert(
            ("feature".into(), ".github/ato.yml".into()),
            b"mode: off\n".to_vec(),
        );
    }
    assert_eq!(
        github
            .collaborator_permission(&repo(), "maint")
            .await
            .unwrap(),
        Permission::Maintain
    );
    assert!(
        !github
            .collaborator_permission(&repo(), "triager")
            .await
            .unwrap()
            .can_write()
    );
    assert_eq!(
        github
            .collaborator_permission(&repo(), "stranger")
            .await
            .unwrap(),
        Permission::None
    );
    let config = github.ato_config(&repo(), "main").await.unwrap();
    assert_eq!(
        config.as_deref(),
        Some("languages: [python]\nmode: builtin\n")
    );
    fake.model().repo(REPO).files.clear();
    assert_eq!(github.ato_config(&repo(), "main").await.unwrap(), None);
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_within_the_policy() {
    let (fake, github) = setup().await;
    add_pull(&fake, 1, 1);
    fake.inject("/pulls/1", Fault::Status(500), 2);
    github
        .pull_request(&repo(), PrNumber(1))
        .await
        .expect("succeeds after two 500s");
    assert_eq!(fake.count("GET", "/pulls/1"), 3);

    fake.inject(
        "/pulls/1",
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
        1,
    );
    fake.inject("/pulls/1", Fault::RateLimitReset { reset_in_secs: 2 }, 1);
    let started = std::time::Instant::now();
    github
        .pull_request(&repo(), PrNumber(1))
        .await
        .expect("succeeds after a 429 and a rate-limit reset");
    assert_eq!(fake.count("GET", "/pulls/1"), 6);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waits are scaled in tests"
    );

    fake.inject("/pulls/1", Fault::Status(502), 10);
    let err = github.pull_request(&repo(), PrNumber(1)).await.unwrap_err();
    assert!(
        matches!(err, GithubError::GaveUp { attempts: 5, .. }),
        "{err}"
    );
    assert_eq!(
        fake.count("GET", "/pulls/1"),
        11,
        "exactly five tries: octocrab adds none of its own"
    );
}

#[tokio::test]
async fn final_errors_are_not_retried() {
    let (fake, github) = setup().await;
    let err = github
        .pull_request(&repo(), PrNumber(99))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(fake.count("GET", "/pulls/99"), 1);

    fake.inject("/pulls/98", Fault::Status(422), 1);
    let err = github
        .pull_request(&repo(), PrNumber(98))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert_eq!(fake.count("GET", "/pulls/98"), 1);
}

#[tokio::test]
async fn a_rate_limit_beyond_the_cap_fails_at_once() {
    let (fake, github) = setup().await;
    add_pull(&fake, 1, 1);
    fake.inject(
        "/pulls/1",
        Fault::RateLimitReset {
            reset_in_secs: 3600,
        },
        1,
    );
    let err = github.pull_request(&repo(), PrNumber(1)).await.unwrap_err();
    assert!(matches!(err, GithubError::RateLimited { .. }), "{err}");
    assert_eq!(fake.count("GET", "/pulls/1"), 1);
}

#[tokio::test]
async fn a_silent_server_times_out_and_a_closed_port_is_retried_then_reported() {
    let fake = FakeGithub::start().await;
    // Accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let mut silent_config = config(&fake, app_private_key());
    silent_config.api_url = silent_url.parse().unwrap();
    silent_config.request_timeout = Duration::from_millis(300);
    let github = GithubApp::new(silent_config)
        .unwrap()
        .installation(InstallationId(INSTALLATION));
    let started = std::time::Instant::now();
    let err = github.pull_request(&repo(), PrNumber(1)).await.unwrap_err();
    assert!(
        matches!(&err, GithubError::GaveUp { attempts: 5, last, .. } if last.contains("no answer within")),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    holder.abort();

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut closed_config = config(&fake, app_private_key());
    closed_config.api_url = closed_url.parse().unwrap();
    let github = GithubApp::new(closed_config)
        .unwrap()
        .installation(InstallationId(INSTALLATION));
    let err = github.pull_request(&repo(), PrNumber(1)).await.unwrap_err();
    assert!(
        matches!(err, GithubError::GaveUp { attempts: 5, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output() {
    let fake = FakeGithub::start().await;
    let config = config(&fake, app_private_key());
    let app = GithubApp::new(config.clone()).unwrap();
    for shown in [
        format!("{config:?}"),
        format!("{app:?}"),
        format!("{:?}", app.installation(InstallationId(1))),
    ] {
        assert!(
            !shown.contains("PRIVATE KEY") && !shown.contains("MII"),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn each_installation_has_its_own_token() {
    let (fake, github) = setup().await;
    fake.add_repo("other/lib", 88);
    let app = github.app();
    let other = app.installation(InstallationId(88));
    let lib = ato::github::RepoName::new("other", "lib");
    assert_eq!(other.repo(&lib).await.unwrap().full_name, "other/lib");
    let err = github.repo(&lib).await.unwrap_err();
    assert!(
        err.is_not_found(),
        "installation 77 cannot see installation 88's repo: {err}"
    );
    github.repo(&repo()).await.unwrap();
    assert_eq!(fake.token_requests(), 2);
}

#[tokio::test]
async fn requests_carry_githubs_headers_once() {
    let (fake, github) = setup().await;
    github.repo(&repo()).await.unwrap();
    let request = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/repos/octo/calc")
        .unwrap();
    assert_eq!(request.headers["accept"], "application/vnd.github+json");
    assert_eq!(request.header_count("x-github-api-version"), 1);
    assert_eq!(request.header_count("user-agent"), 1);
    assert_eq!(request.header_count("authorization"), 1);
}
