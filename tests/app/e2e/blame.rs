//! What the check run says when the change breaks a file: a failure, with an annotation at the line that does
//! not parse, and a summary naming the file and the line.

use crate::support::app::pr_opened;
use crate::support::app::project::{FILE, base_source, sha};
use crate::support::app::{Conclusion, MARKER, TestApp, contains};

/// `limits.py` with a new function that does not parse; base parses.
fn broken_source() -> String {
    format!(
        "{}\n\ndef top(x: int) -> int:\n    return min(x, 9\n",
        base_source()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_syntax_error_only_on_head_fails_the_check_with_an_annotation_at_its_line() {
    let app = TestApp::start().await;
    let head = sha(0x3001);
    let source = broken_source();
    // The line of `return min(x, 9`: Python reports the '(' that was never closed.
    let line = source
        .lines()
        .position(|l| l.contains("min(x, 9"))
        .expect("the broken line") as u64
        + 1;
    app.push(3, &head, &source);
    app.deliver(pr_opened(3, &head)).await;

    let run = app.expect_check_run(&head, Conclusion::Failure).await;
    let summary = run.summary.clone().unwrap_or_default();
    assert!(
        summary.starts_with(&format!(
            "{FILE} does not import on head: SyntaxError at line "
        )),
        "{summary}"
    );
    let broken: Vec<_> = run
        .annotations
        .iter()
        .filter(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.contains("does not import on head"))
        })
        .collect();
    assert_eq!(broken.len(), 1, "{:#?}", run.annotations);
    assert_eq!(broken[0]["path"], FILE);
    assert_eq!(broken[0]["annotation_level"], "failure");
    let at = broken[0]["start_line"].as_u64().expect("start_line");
    assert_eq!(at, line, "at the unclosed call");
    let text = run.text.clone().unwrap_or_default();
    assert!(
        text.contains("Files that do not import on head (1)"),
        "{text}"
    );
    assert!(
        !text.contains("Failed tests"),
        "no generated test ran for it: {text}"
    );
    app.expect_comment(3, contains(MARKER)).await;
    app.expect_nothing_else().await;
}
