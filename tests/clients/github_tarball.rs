//! Source tarballs through the client: the 302 to another host followed without credentials, hostile
//! archives refused, and the caps on both sides of gzip.

use ato::github::tarball::TarballError;
use ato::github::{CommitSha, GithubError, TarballLimits};
use ato::safe_tar::UnsafeArchive;

use crate::support::fake_github::{Fault, Host};
use crate::support::github_client::{HEAD, REPO, repo, setup};
use crate::support::tarball::{RawEntry, gzip_tar};

#[tokio::test]
async fn the_tarball_redirect_is_followed_without_credentials() {
    let (fake, github) = setup().await;
    let top = "octo-calc-1111111";
    let tar = gzip_tar(
        HEAD,
        &[
            RawEntry::dir(&format!("{top}/")),
            RawEntry::file(
                &format!("{top}/pkg/calc.py"),
                b"def add(a, b):\n    return a + b\n",
            ),
            RawEntry::symlink(&format!("{top}/alias.py"), "pkg/calc.py"),
        ],
    );
    fake.model().repo(REPO).tarballs.insert(HEAD.into(), tar);
    let job = tempfile::tempdir().unwrap();
    let dest = job.path().join("src");
    let sha = CommitSha::parse(HEAD).unwrap();
    let stats = github
        .download_tarball(&repo(), &sha, &dest, &TarballLimits::default())
        .await
        .expect("download");
    assert_eq!((stats.files, stats.links), (1, 1));
    assert_eq!(
        std::fs::read_to_string(dest.join("pkg/calc.py")).unwrap(),
        "def add(a, b):\n    return a + b\n"
    );
    assert_eq!(
        std::fs::read_to_string(dest.join("alias.py")).unwrap(),
        "def add(a, b):\n    return a + b\n"
    );

    let requests = fake.requests();
    let api = requests
        .iter()
        .find(|r| r.host == Host::Api && r.path.contains("/tarball/"))
        .unwrap();
    assert_eq!(api.status, 302);
    assert!(api.headers.contains_key("authorization"));
    let codeload: Vec<_> = requests
        .iter()
        .filter(|r| r.host == Host::Codeload)
        .collect();
    assert_eq!(codeload.len(), 1);
    assert_eq!(codeload[0].status, 200);
    assert!(
        !codeload[0].headers.contains_key("authorization"),
        "no credentials for the other host"
    );
}

#[tokio::test]
async fn hostile_tarballs_are_refused_and_nothing_lands_outside_the_job_dir() {
    let (fake, github) = setup().await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "3333333333333333333333333333333333333333",
            gzip_tar(HEAD, &[RawEntry::file("top/../../escaped", b"x")]),
        ),
        (
            "4444444444444444444444444444444444444444",
            gzip_tar(
                HEAD,
                &[
                    RawEntry::symlink("top/evil", "/"),
                    RawEntry::file("top/evil/tmp/escaped", b"x"),
                ],
            ),
        ),
        (
            "5555555555555555555555555555555555555555",
            gzip_tar(HEAD, &[RawEntry::hard_link("top/pw", "/etc/passwd")]),
        ),
    ];
    for (sha, tar) in &cases {
        fake.model()
            .repo(REPO)
            .tarballs
            .insert((*sha).into(), tar.clone());
    }
    for (sha, _) in &cases {
        let job = tempfile::tempdir().unwrap();
        let dest = job.path().join("src");
        let sha = CommitSha::parse(sha).unwrap();
        let err = github
            .download_tarball(&repo(), &sha, &dest, &TarballLimits::default())
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                GithubError::Tarball {
                    source: TarballError::Unsafe(_),
                    ..
                }
            ),
            "refused as unsafe: {err}"
        );
        assert!(
            err.to_string().contains("top/"),
            "the message names the entry: {err}"
        );
        let outside: Vec<_> = std::fs::read_dir(job.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            outside,
            vec![std::ffi::OsString::from("src")],
            "only the destination exists in the job dir"
        );
        assert!(!std::path::Path::new("/tmp/escaped").exists());
    }
}

#[tokio::test]
async fn tarball_caps_stop_bombs_on_both_sides_of_gzip() {
    let (fake, github) = setup().await;
    let zeros = vec![0u8; 4 * 1024 * 1024];
    fake.model().repo(REPO).tarballs.insert(
        HEAD.into(),
        gzip_tar(HEAD, &[RawEntry::file("top/zeros", &zeros)]),
    );
    let sha = CommitSha::parse(HEAD).unwrap();
    let job = tempfile::tempdir().unwrap();

    let mut limits = TarballLimits::default();
    limits.unpack.max_total_bytes = 1024 * 1024;
    let err = github
        .download_tarball(&repo(), &sha, &job.path().join("a"), &limits)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            GithubError::Tarball {
                source: TarballError::Unsafe(UnsafeArchive::TotalTooLarge { .. }),
                ..
            }
        ),
        "{err}"
    );

    let limits = TarballLimits {
        max_compressed_bytes: 1000,
        ..TarballLimits::default()
    };
    let err = github
        .download_tarball(&repo(), &sha, &job.path().join("b"), &limits)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            GithubError::Tarball {
                source: TarballError::CompressedTooLarge { limit: 1000 },
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_failing_archive_host_is_retried_with_a_fresh_redirect() {
    let (fake, github) = setup().await;
    let tar = gzip_tar(HEAD, &[RawEntry::file("top/a.py", b"x = 1\n")]);
    fake.model().repo(REPO).tarballs.insert(HEAD.into(), tar);
    fake.inject("legacy.tar.gz", Fault::Status(503), 1);
    let job = tempfile::tempdir().unwrap();
    let sha = CommitSha::parse(HEAD).unwrap();
    github
        .download_tarball(&repo(), &sha, job.path(), &TarballLimits::default())
        .await
        .expect("second try works");
    assert_eq!(
        std::fs::read_to_string(job.path().join("a.py")).unwrap(),
        "x = 1\n"
    );
    let requests = fake.requests();
    let codeload: Vec<u16> = requests
        .iter()
        .filter(|r| r.host == Host::Codeload)
        .map(|r| r.status)
        .collect();
    assert_eq!(codeload, vec![503, 200]);
    assert_eq!(
        fake.count("GET", "/tarball/"),
        2,
        "a fresh location for each try"
    );

    fake.inject("legacy.tar.gz", Fault::Status(404), 1);
    let err = github
        .download_tarball(
            &repo(),
            &sha,
            &job.path().join("again"),
            &TarballLimits::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            GithubError::Tarball {
                source: TarballError::ArchiveStatus(404),
                ..
            }
        ),
        "{err}"
    );
}
