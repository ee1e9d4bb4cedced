//! GitHub's size limits, and the pure functions that keep ato's output inside them.

use std::borrow::Cow;

/// `GET .../pulls/{n}/files` lists at most this many files.
pub const MAX_PR_FILES: usize = 3000;
/// A check run's `output.summary` and `output.text`, in characters.
pub const MAX_CHECK_TEXT_CHARS: usize = 65_535;
/// Annotations per check-run request; more are sent in further updates.
pub const MAX_ANNOTATIONS_PER_REQUEST: usize = 50;
/// An annotation's `title`, in characters.
pub const MAX_ANNOTATION_TITLE_CHARS: usize = 255;
/// An annotation's `message` and `raw_details` (GitHub allows 64 KB; characters keep us safely under bytes
/// only for ASCII, so this is a quarter of it).
pub const MAX_ANNOTATION_MESSAGE_CHARS: usize = 16_000;
/// An issue comment's body, in characters.
pub const MAX_COMMENT_CHARS: usize = 65_536;

/// What replaces the cut-off end of a trimmed text.
const TRUNCATION_NOTE: &str = "\n\n… (truncated by ato)";

/// Returns `text` unchanged when it has at most `max_chars` characters; otherwise its start, cut on a
/// character boundary, followed by a note that it was truncated, `max_chars` characters in all.
pub fn trim_chars(text: &str, max_chars: usize) -> Cow<'_, str> {
    if text.chars().count() <= max_chars {
        return Cow::Borrowed(text);
    }
    let note_chars = TRUNCATION_NOTE.chars().count();
    if max_chars <= note_chars {
        return Cow::Owned(text.chars().take(max_chars).collect());
    }
    let keep: String = text.chars().take(max_chars - note_chars).collect();
    Cow::Owned(keep + TRUNCATION_NOTE)
}

/// Splits `items` into request-sized chunks; always at least one chunk (possibly empty), so a caller that
/// sends "one request per chunk" sends at least one.
pub fn chunks_for_requests<T>(items: &[T], per_request: usize) -> Vec<&[T]> {
    if items.is_empty() {
        return vec![&items[..0]];
    }
    items.chunks(per_request.max(1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_untouched() {
        assert!(matches!(trim_chars("hello", 5), Cow::Borrowed("hello")));
    }

    #[test]
    fn long_text_is_cut_to_exactly_the_limit_with_a_note() {
        let text = "é".repeat(70_000);
        let trimmed = trim_chars(&text, MAX_CHECK_TEXT_CHARS);
        assert_eq!(trimmed.chars().count(), MAX_CHECK_TEXT_CHARS);
        assert!(trimmed.ends_with("(truncated by ato)"));
        assert!(trimmed.starts_with("éé"));
    }

    #[test]
    fn tiny_limits_still_hold() {
        assert_eq!(trim_chars("abcdef", 3), "abc");
    }

    #[test]
    fn chunks_of_fifty() {
        let items: Vec<u32> = (0..120).collect();
        let sizes: Vec<usize> = chunks_for_requests(&items, 50)
            .iter()
            .map(|c| c.len())
            .collect();
        assert_eq!(sizes, vec![50, 50, 20]);
        assert_eq!(chunks_for_requests::<u32>(&[], 50).len(), 1);
    }
}
