//! Escaping text that came from the PR's code (messages, values, inputs, logs, file names) for Markdown and
//! HTML.
//!
//! The rule: untrusted text goes into a code span or a fenced block it cannot break out of; where it must be
//! plain text, every Markdown punctuation character is backslash-escaped, and `@mentions` and `#123`
//! references are broken with a zero-width joiner so GitHub notifies and links no one.

/// Breaks `@user` and `#123` without changing how the text looks.
const ZERO_WIDTH_JOINER: char = '\u{200D}';
/// Shown where a line break was in text that must stay on one line.
const LINE_BREAK_MARK: char = '⏎';

/// Drops or replaces characters that have no business in a report: NUL and other controls (keeping `\n` and
/// `\t` when `keep_lines`), and `\r`.
fn sanitize(text: &str, keep_lines: bool) -> String {
    text.chars()
        .filter(|c| *c != '\r')
        .map(|c| match c {
            '\n' if keep_lines => '\n',
            '\t' if keep_lines => '\t',
            '\n' => LINE_BREAK_MARK,
            '\t' => ' ',
            c if c.is_control() => char::REPLACEMENT_CHARACTER,
            c => c,
        })
        .collect()
}

/// Cuts `text` to `max` characters, marking the cut with `…`.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// An inline code span holding `text` on one line (line breaks shown as `⏎`), at most `max` characters. Its
/// backtick fence is longer than any backtick run inside, and it is padded with a space on each side, which
/// CommonMark strips, so text starting or ending with a backtick stays inside.
pub fn code_span(text: &str, max: usize) -> String {
    let content = truncate(&sanitize(text, false), max);
    let fence = "`".repeat(longest_backtick_run(&content) + 1);
    format!("{fence} {content} {fence}")
}

/// A code span for a GFM table cell. A table splits cells on `|` before it reads code spans, so each `|` is
/// escaped as `\|`, and a backslash right before a `|` is kept from pairing with the escape's own backslash.
pub fn table_code_span(text: &str, max: usize) -> String {
    let span = code_span(text, max);
    let mut out = String::with_capacity(span.len() + 8);
    for c in span.chars() {
        if c == '|' {
            if out.ends_with('\\') {
                out.push('\u{200B}');
            }
            out.push_str("\\|");
        } else {
            out.push(c);
        }
    }
    out
}

/// A fenced code block holding `text` verbatim (lines kept), at most `max` characters. The fence is longer
/// than any backtick run inside, so no line of the text can close it. Ends with a newline; callers put it at
/// the top level of the document with a blank line before it.
pub fn fenced(text: &str, max: usize) -> String {
    fenced_as(text, max, "text")
}

/// [`fenced`] with another info string (`diff`), which GitHub uses to colour the block.
pub fn fenced_as(text: &str, max: usize, info: &str) -> String {
    let content = truncate(&sanitize(text, true), max);
    let fence = "`".repeat((longest_backtick_run(&content) + 1).max(3));
    let newline = if content.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{info}\n{content}{newline}{fence}\n")
}

/// Characters that can open or close Markdown (or GitHub's math, tables and strikethrough) anywhere in a line.
const INLINE_MARKUP: &str = "\\`*_[]()<>#!|~&$";

/// Plain Markdown text on one line. Characters that can start markup anywhere (emphasis, links, HTML,
/// entities, tables, math) are backslash-escaped, and so are those that start a block at the beginning (`-`,
/// `+`, `=`, `1.`). Mentions, issue references and bare URLs (which GitHub links after escapes are resolved)
/// are broken with a zero-width joiner. Other punctuation is left alone so sentences stay readable.
pub fn text(text: &str, max: usize) -> String {
    let content = truncate(&sanitize(text, false), max);
    let content = content.trim_start();
    let mut out = String::with_capacity(content.len() + 8);
    let mut chars = content.chars().peekable();
    let mut first = true;
    // Only digits so far: a `.` or `)` now would start an ordered list.
    let mut only_digits = true;
    while let Some(c) = chars.next() {
        match c {
            '@' => {
                out.push('@');
                out.push(ZERO_WIDTH_JOINER);
            }
            '#' => {
                out.push_str("\\#");
                if chars.peek().is_some_and(|n| n.is_ascii_alphanumeric()) {
                    out.push(ZERO_WIDTH_JOINER);
                }
            }
            ':' if chars.peek() == Some(&'/') => {
                out.push(':');
                out.push(ZERO_WIDTH_JOINER);
            }
            '.' if out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www") =>
            {
                out.push(ZERO_WIDTH_JOINER);
                out.push('.');
            }
            '.' | ')' if only_digits && !first => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if first => {
                out.push('\\');
                out.push(c);
            }
            c if INLINE_MARKUP.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        only_digits = only_digits && c.is_ascii_digit();
        first = false;
    }
    out
}

/// Text for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A URL fit for a Markdown link destination, or `None` when it is not an http(s) URL.
pub fn link_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    // `Url` percent-encodes spaces and controls; parentheses would end a Markdown link destination.
    Some(parsed.as_str().replace('(', "%28").replace(')', "%29"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(markdown: &str) -> String {
        let mut options = comrak::Options::default();
        options.extension.table = true;
        options.extension.autolink = true;
        options.extension.strikethrough = true;
        comrak::markdown_to_html(markdown, &options)
    }

    #[test]
    fn code_spans_hold_backtick_runs_and_line_breaks() {
        for hostile in [
            "a ``` b",
            "`",
            "``x``",
            "` leading",
            "trailing `",
            "line1\n\nline2 <b>",
            "a\r\nb",
        ] {
            let md = format!("before {} after\n", code_span(hostile, 100));
            let html = render(&md);
            assert!(html.starts_with("<p>before <code>"), "{hostile:?} → {html}");
            assert!(
                html.trim_end().ends_with("</code> after</p>"),
                "{hostile:?} → {html}"
            );
            assert_eq!(html.matches("<code>").count(), 1, "{hostile:?} → {html}");
            assert!(!html.contains("<b>"));
        }
        assert_eq!(code_span("a\nb", 100), "` a⏎b `");
        assert_eq!(code_span("abcdef", 3), "` abc… `");
    }

    #[test]
    fn table_cells_survive_pipes_and_backslashes() {
        for hostile in ["a|b", "a\\|b|c", "||", "x\\\\|y", "`|`"] {
            let md = format!(
                "| h1 | h2 |\n| --- | --- |\n| {} | end |\n",
                table_code_span(hostile, 100)
            );
            let html = render(&md);
            assert_eq!(html.matches("<td>").count(), 2, "{hostile:?} → {html}");
            assert!(html.contains("<td>end</td>"), "{hostile:?} → {html}");
        }
    }

    #[test]
    fn fences_cannot_be_closed_from_inside() {
        let hostile = "```\n</details><script>alert(1)</script>\n````\n# heading\n~~~";
        let md = format!("{}\nafter\n", fenced(hostile, 10_000));
        let html = render(&md);
        assert_eq!(html.matches("<pre>").count(), 1, "{html}");
        assert!(html.contains("&lt;/details&gt;&lt;script&gt;"));
        assert!(html.trim_end().ends_with("<p>after</p>"), "{html}");
        assert!(!html.contains("<h1>"));
    }

    #[test]
    fn plain_text_cannot_start_markdown_or_mention_anyone() {
        let hostile =
            "# @everyone **bold** [x](http://e) <img src=x onerror=alert(1)> fixes #123 1. `c`";
        let escaped = text(hostile, 1000);
        assert!(!escaped.contains("@everyone"));
        assert!(!escaped.contains("#123"));
        let html = render(&format!("{escaped}\n"));
        assert!(
            !html.contains("<strong>") && !html.contains("<a ") && !html.contains("<img"),
            "{html}"
        );
        assert!(!html.contains("<code>") && !html.contains("<h1>"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        let visible: String = html.chars().filter(|c| *c != ZERO_WIDTH_JOINER).collect();
        assert!(
            visible.contains("@everyone") && visible.contains("#123"),
            "text reads the same: {visible}"
        );
    }

    #[test]
    fn plain_text_stays_readable_and_cannot_start_a_block() {
        assert_eq!(
            text("3 tests failed; 1 flaky, see: notes.", 100),
            "3 tests failed; 1 flaky, see: notes."
        );
        for hostile in [
            "1. item",
            "12) item",
            "- item",
            "+ item",
            "  * item",
            "> quote",
            "=== x",
            "| a | b |",
        ] {
            let html = render(&format!("para\n\n{}\n", text(hostile, 100)));
            assert!(
                !html.contains("<li>")
                    && !html.contains("<blockquote>")
                    && !html.contains("<table>"),
                "{hostile:?} → {html}"
            );
            assert_eq!(html.matches("<p>").count(), 2, "{hostile:?} → {html}");
        }
        let html = render("$x^2$ ~~gone~~\n");
        assert!(
            html.contains("<del>"),
            "the renderer does strike through: {html}"
        );
        let html = render(&format!("{}\n", text("$x^2$ ~~gone~~", 100)));
        assert!(!html.contains("<del>"), "{html}");
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<a href="x" onclick='y'>&"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;"
        );
    }

    #[test]
    fn link_urls_are_http_only_and_cannot_end_the_link() {
        assert_eq!(
            link_url("https://ato.example/r/1/t").as_deref(),
            Some("https://ato.example/r/1/t")
        );
        assert_eq!(
            link_url("https://x.example/a(b) c").as_deref(),
            Some("https://x.example/a%28b%29%20c")
        );
        assert_eq!(link_url("javascript:alert(1)"), None);
        assert_eq!(link_url("not a url"), None);
    }
}
