//! The vocabulary of the app's expectations: conclusions, text matchers, what an expected comment looks
//! like, and the record of which of the fake GitHub's writes the test has accounted for.

use std::collections::HashSet;
use std::fmt;

use crate::support::fake_github::Write;

/// A check run's conclusion, as GitHub shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclusion {
    Success,
    Failure,
    Neutral,
    Cancelled,
}

impl Conclusion {
    pub fn as_str(self) -> &'static str {
        match self {
            Conclusion::Success => "success",
            Conclusion::Failure => "failure",
            Conclusion::Neutral => "neutral",
            Conclusion::Cancelled => "cancelled",
        }
    }
}

/// A condition on a text (a comment's body), with a description for failure messages.
pub struct Text {
    description: String,
    test: Box<dyn Fn(&str) -> bool + Send + Sync>,
}

impl Text {
    pub fn matches(&self, text: &str) -> bool {
        (self.test)(text)
    }

    /// Both conditions.
    pub fn and(self, other: Text) -> Text {
        Text {
            description: format!("{} and {}", self.description, other.description),
            test: Box::new(move |text| self.matches(text) && other.matches(text)),
        }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

/// Text containing `needle`.
pub fn contains(needle: &str) -> Text {
    let needle = needle.to_owned();
    Text {
        description: format!("contains {needle:?}"),
        test: Box::new(move |text| text.contains(&needle)),
    }
}

/// Text not containing `needle`.
pub fn lacks(needle: &str) -> Text {
    let needle = needle.to_owned();
    Text {
        description: format!("does not contain {needle:?}"),
        test: Box::new(move |text| !text.contains(&needle)),
    }
}

/// Any text.
pub fn anything() -> Text {
    Text {
        description: "anything".into(),
        test: Box::new(|_| true),
    }
}

/// A comment ato wrote (posted or edited), as an expectation found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentWrite {
    pub id: u64,
    pub issue: u64,
    pub body: String,
    /// An edit of an existing comment, not a new one.
    pub edited: bool,
}

impl CommentWrite {
    pub fn from_write(write: &Write) -> Option<CommentWrite> {
        let (id, issue, body, edited) = match write {
            Write::CommentPosted { id, issue, body } => (id, issue, body, false),
            Write::CommentEdited { id, issue, body } => (id, issue, body, true),
            _ => return None,
        };
        Some(CommentWrite {
            id: *id,
            issue: *issue,
            body: body.clone(),
            edited,
        })
    }
}

/// Which writes (by their index in the fake's log) earlier expectations matched.
#[derive(Debug, Default)]
pub struct Matched(HashSet<usize>);

impl Matched {
    pub fn contains(&self, index: usize) -> bool {
        self.0.contains(&index)
    }

    pub fn mark(&mut self, index: usize) {
        self.0.insert(index);
    }

    /// The writes no expectation matched, with their indices.
    pub fn unmatched<'a>(&self, writes: &'a [Write]) -> Vec<(usize, &'a Write)> {
        writes
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.contains(*i))
            .collect()
    }

    /// Every write, one a line, `✓` on those already matched.
    pub fn render(&self, writes: &[Write]) -> String {
        if writes.is_empty() {
            return "  (no writes at all)\n".into();
        }
        writes
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let mark = if self.contains(i) { '✓' } else { ' ' };
                format!("  {mark} {w}\n")
            })
            .collect()
    }
}
