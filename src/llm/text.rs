//! Cutting text to a size, on character boundaries, saying that something was cut.

/// What replaces the part of a text that was cut.
const CUT_MARK: &str = "…(cut)…";

/// The first `max_chars` characters of `text`, ending at a line break when one is near, with a mark when cut.
pub fn head(text: &str, max_chars: usize) -> String {
    match char_boundary(text, max_chars) {
        None => text.to_string(),
        Some(end) => {
            let kept = &text[..end];
            // Prefer to end on a whole line when that loses less than a fifth of what is kept.
            let kept = match kept.rfind('\n') {
                Some(nl) if nl >= end - end / 5 => &kept[..=nl],
                _ => kept,
            };
            format!("{kept}{CUT_MARK}")
        }
    }
}

/// `text` with its middle cut so that at most `max_chars` characters of it remain: the beginning (a third)
/// and the end (two thirds) of an error message carry its meaning — what failed, and why.
pub fn head_and_tail(text: &str, max_chars: usize) -> String {
    let total = text.chars().count();
    if total <= max_chars {
        return text.to_string();
    }
    let head_chars = max_chars / 3;
    let tail_chars = max_chars - head_chars;
    let head_end = char_boundary(text, head_chars).unwrap_or(text.len());
    let tail_start = text
        .char_indices()
        .nth(total - tail_chars)
        .map_or(text.len(), |(i, _)| i);
    format!("{}\n{CUT_MARK}\n{}", &text[..head_end], &text[tail_start..])
}

/// At most the first `max_chars` characters of `text`, without a word cut in two at the end: a secret cut in
/// half no longer has the shape that redaction recognises, so a partial one must not survive a cut made before
/// redacting. Word characters here are those of tokens and keys (letters, digits, `_-.+/=`).
pub fn prefix_without_partial_word(text: &str, max_chars: usize) -> &str {
    match char_boundary(text, max_chars) {
        None => text,
        Some(end) => text[..end].trim_end_matches(|c: char| {
            c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | '/' | '=')
        }),
    }
}

/// The byte index after the first `max_chars` characters, or `None` when the text is not longer than that.
fn char_boundary(text: &str, max_chars: usize) -> Option<usize> {
    text.char_indices().nth(max_chars).map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(head("abc", 3), "abc");
        assert_eq!(head_and_tail("abc", 3), "abc");
    }

    #[test]
    fn head_cuts_on_a_character_boundary_and_marks_it() {
        let cut = head("ééééé", 2);
        assert_eq!(cut, format!("éé{CUT_MARK}"));
    }

    #[test]
    fn head_prefers_a_line_end_nearby() {
        let text = format!("{}\n{}", "a".repeat(95), "b".repeat(50));
        let cut = head(&text, 100);
        assert_eq!(cut, format!("{}\n{CUT_MARK}", "a".repeat(95)));
        // A line break far back is not worth losing most of the text for.
        let text = format!("{}\n{}", "a".repeat(10), "b".repeat(200));
        assert!(head(&text, 100).contains(&"b".repeat(89)));
    }

    #[test]
    fn a_prefix_drops_the_word_it_would_cut() {
        assert_eq!(prefix_without_partial_word("short", 10), "short");
        assert_eq!(
            prefix_without_partial_word("key = ghp_abcdef", 12),
            "key = "
        );
        assert_eq!(
            prefix_without_partial_word("url://u:pass@h", 10),
            "url://u:"
        );
        assert_eq!(prefix_without_partial_word("a b", 2), "a ");
    }

    #[test]
    fn head_and_tail_keeps_both_ends() {
        let text = format!("START{}END", "x".repeat(1000));
        let cut = head_and_tail(&text, 90);
        assert!(cut.starts_with("START") && cut.ends_with("END"), "{cut}");
        assert!(cut.contains(CUT_MARK));
        assert_eq!(cut.chars().filter(|c| *c == 'x').count(), 90 - 8);
    }
}
