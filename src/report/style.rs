//! Which document a report piece is written for — the PR comment or the HTML page — and the size caps that
//! follow from it. Its own module because every piece of the report ([`super::markdown`], [`super::items`],
//! [`super::model_items`], [`super::html`]) takes one.

/// Which document is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// The PR comment: long output folded in `<details>`, short caps.
    Comment,
    /// The HTML page's body: no raw HTML at all, generous caps.
    Page,
}

impl Style {
    pub(crate) fn message_cap(self) -> usize {
        match self {
            Style::Comment => 1_500,
            Style::Page => 20_000,
        }
    }

    pub(crate) fn inline_cap(self) -> usize {
        match self {
            Style::Comment => 300,
            Style::Page => 2_000,
        }
    }
}
