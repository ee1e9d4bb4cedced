//! One run's JUnit XML, as written by pytest (`--junitxml`), Node's `node:test` junit reporter and the JUnit 5
//! console launcher. [`super::reruns`] joins the runs.
//!
//! The three differ in nesting (`testsuites > testsuite > testcase`, bare `testsuite`, test cases directly
//! under `testsuites`, nested suites), so every `<testcase>` is read wherever it is.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::xml::{self, attribute};
use crate::model::RunStatus;

/// The most characters of a failure message (attribute plus text) that are kept.
pub const MESSAGE_CAP: usize = 4000;

/// One `<testcase>` of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JunitCase {
    /// `"{classname}::{name}"`, the key runners use in `manifest.json`.
    pub id: String,
    pub classname: String,
    pub name: String,
    pub status: RunStatus,
    /// For failures and errors: the `message` attribute and the element's text, capped.
    pub message: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("JUnit XML is not well-formed at byte {position}: {source}")]
pub struct JunitError {
    position: u64,
    source: quick_xml::Error,
}

/// The outcome child being read inside a `<testcase>`.
struct Outcome {
    status: RunStatus,
    message: String,
    /// Characters in `message`, kept so a message made of many small events is not counted again each time.
    chars: usize,
}

/// Where the reader is: the test case open, and the outcome element whose text is being collected.
#[derive(Default)]
struct State {
    cases: Vec<JunitCase>,
    current: Option<JunitCase>,
    outcome: Option<Outcome>,
}

impl State {
    fn open(&mut self, e: &BytesStart<'_>, self_closing: bool) {
        if e.local_name().as_ref() == "testcase" {
            self.close_case();
            let classname = attribute(e, "classname").unwrap_or_default();
            let name = attribute(e, "name").unwrap_or_default();
            self.current = Some(JunitCase {
                id: format!("{classname}::{name}"),
                classname,
                name,
                status: RunStatus::Passed,
                message: None,
            });
            if self_closing {
                self.close_case();
            }
            return;
        }
        if self.current.is_none() {
            return;
        }
        let status = match e.local_name().as_ref() {
            "failure" => RunStatus::Failed,
            "error" => RunStatus::Error,
            "skipped" => RunStatus::Skipped,
            _ => return,
        };
        let mut message = attribute(e, "message").unwrap_or_default();
        message.push_str("\n\n");
        let chars = message.chars().count();
        self.outcome = Some(Outcome {
            status,
            message,
            chars,
        });
        if self_closing {
            self.close_outcome();
        }
    }

    fn close(&mut self, local_name: &str) {
        match local_name {
            "failure" | "error" | "skipped" => self.close_outcome(),
            "testcase" => self.close_case(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(outcome) = self.outcome.as_mut()
            && outcome.chars <= MESSAGE_CAP + 2
        {
            outcome.message.push_str(text);
            outcome.chars += text.chars().count();
        }
    }

    fn close_case(&mut self) {
        self.close_outcome();
        if let Some(done) = self.current.take() {
            self.cases.push(done);
        }
    }

    /// Records the outcome on its test case. A failure outranks an error, which outranks a skip (pytest
    /// writes an `<error>` for a teardown that broke after a `<failure>`).
    fn close_outcome(&mut self) {
        let (Some(found), Some(case)) = (self.outcome.take(), self.current.as_mut()) else {
            return;
        };
        let rank = |s: RunStatus| match s {
            RunStatus::Passed => 0,
            RunStatus::Skipped => 1,
            RunStatus::Error => 2,
            RunStatus::Failed => 3,
        };
        if rank(found.status) > rank(case.status) {
            case.status = found.status;
            if found.status != RunStatus::Skipped {
                case.message = Some(cap(found.message.trim()));
            }
        }
    }
}

/// Parses one run's JUnit XML into its test cases, in document order.
pub fn parse_run(xml: &str) -> Result<Vec<JunitCase>, JunitError> {
    let mut reader = Reader::from_str(xml);
    let mut state = State::default();
    loop {
        let event = reader.read_event().map_err(|source| JunitError {
            position: reader.error_position(),
            source,
        })?;
        match event {
            Event::Start(e) => state.open(&e, false),
            Event::Empty(e) => state.open(&e, true),
            Event::End(e) => state.close(e.local_name().as_ref()),
            Event::Eof => break,
            other => {
                if let Some(text) = xml::text(&other) {
                    state.text(&text);
                }
            }
        }
    }
    state.close_case();
    Ok(state.cases)
}

/// Cuts `text` to [`MESSAGE_CAP`] characters, marking the cut.
pub fn cap(text: &str) -> String {
    match text.char_indices().nth(MESSAGE_CAP) {
        Some((at, _)) => format!("{}\n… (cut)", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pytest_outcomes_messages_and_entities() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
            <testcase classname="tests.t" name="ok" time="0.1" />
            <testcase classname="tests.t" name="bad"><failure message="assert 1 &lt; 0">x &gt; y&#10;E   boom</failure></testcase>
            <testcase classname="tests.t" name="err"><error message="fixture broke">trace</error></testcase>
            <testcase classname="tests.t" name="skip"><skipped type="pytest.skip" message="no net">why</skipped></testcase>
            </testsuite></testsuites>"#;
        let cases = parse_run(xml).unwrap();
        let statuses: Vec<_> = cases.iter().map(|c| (c.id.as_str(), c.status)).collect();
        assert_eq!(
            statuses,
            vec![
                ("tests.t::ok", RunStatus::Passed),
                ("tests.t::bad", RunStatus::Failed),
                ("tests.t::err", RunStatus::Error),
                ("tests.t::skip", RunStatus::Skipped),
            ]
        );
        assert_eq!(
            cases[1].message.as_deref(),
            Some("assert 1 < 0\n\nx > y\nE   boom")
        );
        assert_eq!(cases[2].message.as_deref(), Some("fixture broke\n\ntrace"));
        assert_eq!(cases[3].message, None);
    }

    #[test]
    fn reads_test_cases_at_any_depth_and_self_closing_outcomes() {
        let xml = r#"<testsuites><testcase name="top" classname="test"/>
            <testsuite name="s"><testsuite name="inner">
              <testcase name="deep" classname="test"><failure type="testCodeFailure" message="1 !== 2"/></testcase>
              <testcase name="skipped" classname="test"><skipped type="skipped" message="true"/></testcase>
            </testsuite></testsuite><!-- tests 3 --></testsuites>"#;
        let cases = parse_run(xml).unwrap();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].status, RunStatus::Passed);
        assert_eq!(cases[1].id, "test::deep");
        assert_eq!(cases[1].status, RunStatus::Failed);
        assert_eq!(cases[1].message.as_deref(), Some("1 !== 2"));
        assert_eq!(cases[2].status, RunStatus::Skipped);
    }

    #[test]
    fn a_failure_outranks_a_teardown_error() {
        let xml = r#"<testsuite><testcase classname="c" name="n"><failure message="f">a</failure><error message="e">b</error></testcase></testsuite>"#;
        let cases = parse_run(xml).unwrap();
        assert_eq!(cases[0].status, RunStatus::Failed);
        assert_eq!(cases[0].message.as_deref(), Some("f\n\na"));
    }

    #[test]
    fn long_messages_are_capped() {
        let body = "x".repeat(MESSAGE_CAP * 3);
        let xml = format!(
            r#"<testsuite><testcase classname="c" name="n"><failure message="m">{body}</failure></testcase></testsuite>"#
        );
        let message = parse_run(&xml).unwrap()[0].message.clone().unwrap();
        assert!(
            message.chars().count() <= MESSAGE_CAP + 10,
            "{}",
            message.len()
        );
        assert!(message.ends_with("… (cut)"));
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(parse_run("<testsuite><testcase name='a'></testsuite>").is_err());
        assert!(parse_run("").unwrap().is_empty());
    }
}
