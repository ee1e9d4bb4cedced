//! Hostile source archives (`..`, absolute paths, link escapes, a size bomb): refused before anything is
//! written outside the job's folder, and reported on the check run as a neutral, readable result.

use crate::support::app::project::{self, FILE, capped_source, sha};
use crate::support::app::{Conclusion, TestApp, pr_opened};
use crate::support::tarball::{RawEntry, gzip_tar};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_source_archives_are_refused_and_reported_without_writing_outside_the_job() {
    let app = TestApp::start().await;
    let canary = app.root().join("canary");
    std::fs::create_dir(&canary).unwrap();
    std::fs::write(canary.join("secret.txt"), "original").unwrap();
    let canary_text = canary.display().to_string();
    let source = capped_source(100);
    let bomb = vec![0u8; 100 * 1024 * 1024 + 1];

    let cases: [(u64, &str, String, &str); 5] = [
        (
            11,
            "dotdot",
            format!("{}{}/escape-dotdot", "../".repeat(10), &canary_text[1..]),
            "`..`",
        ),
        (
            12,
            "absolute",
            format!("{canary_text}/escape-absolute"),
            "absolute path",
        ),
        (13, "symlink", canary_text.clone(), "leaves the destination"),
        (
            14,
            "hardlink",
            format!("{canary_text}/secret.txt"),
            "leaves the destination",
        ),
        (15, "bomb", String::new(), "per-file limit"),
    ];
    for (number, kind, target, _) in &cases {
        let head = sha(0x5000 + *number as u32);
        let top = format!("octo-calc-{}", &head[..7]);
        let (dir, file) = (format!("{top}/"), format!("{top}/{FILE}"));
        let (evil, through) = (
            format!("{top}/evil"),
            format!("{top}/evil/escape-through-link"),
        );
        let mut entries = vec![
            RawEntry::dir(&dir),
            RawEntry::file(&file, source.as_bytes()),
        ];
        let dotdot_path = format!("{top}/{target}");
        match *kind {
            "dotdot" => entries.push(RawEntry::file(&dotdot_path, b"escaped")),
            "absolute" => entries.push(RawEntry::file(target, b"escaped")),
            "symlink" => {
                entries.push(RawEntry::symlink(&evil, target));
                entries.push(RawEntry::file(&through, b"escaped"));
            }
            "hardlink" => entries.push(RawEntry::hard_link(&evil, target)),
            _ => entries.push(RawEntry::file(&evil, &bomb)),
        }
        let tarball = gzip_tar(&head, &entries);
        project::push_tarball(&app.github, *number, &head, &source, tarball);
    }
    for (number, kind, _, _) in &cases {
        let head = sha(0x5000 + *number as u32);
        app.deliver(pr_opened(*number, &head).id(&format!("hostile-{kind}")))
            .await;
    }

    for (number, kind, _, reason) in &cases {
        let head = sha(0x5000 + *number as u32);
        let run = app.expect_check_run(&head, Conclusion::Neutral).await;
        assert_eq!(
            run.title.as_deref(),
            Some("ato could not test this pull request")
        );
        let summary = run.summary.clone().unwrap_or_default();
        assert!(
            summary.contains("Could not download the source"),
            "{kind}: {summary}"
        );
        assert!(summary.contains(reason), "{kind}: {summary}");
        assert!(run.annotations.is_empty(), "{kind}");
    }
    // Reported in the check runs only: no comment, nothing else.
    app.expect_nothing_else().await;
    let mut left: Vec<_> = std::fs::read_dir(&canary)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["secret.txt"],
        "nothing written into the canary folder"
    );
    assert_eq!(
        std::fs::read_to_string(canary.join("secret.txt")).unwrap(),
        "original"
    );
    assert_eq!(
        project::files_named(app.root(), "escape-"),
        Vec::<std::path::PathBuf>::new()
    );
    let work = app.server.data_dir.join("work");
    let leftovers = std::fs::read_dir(&work).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0, "the jobs' source trees are removed");
}
