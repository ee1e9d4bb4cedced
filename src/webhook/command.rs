//! The `/ato` comment-command parser. Pure: no I/O. The commands it finds are [`crate::command`]'s values.
//!
//! The comment is parsed as Markdown (comrak, GitHub flavour) and only prose counts: text inside fenced or
//! indented code, inline code, block quotes (a quoted command is someone else's) and raw HTML is skipped. A
//! line of prose that starts with `/ato` is a command. The prefix and the subcommand are matched without regard
//! to case; words after the subcommand are ignored (`/ato rerun please` reruns).

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};

pub use crate::command::{Command, CommandError};

/// Longest subcommand quoted back in a reply; the rest is cut so a reply cannot be used to amplify text.
const MAX_QUOTED: usize = 40;
const PREFIX: &str = "/ato";

/// Every `/ato` command line in the prose of `body`, in order.
pub fn parse_commands(body: &str) -> Vec<Result<Command, CommandError>> {
    prose_lines(body)
        .iter()
        .filter_map(|line| parse_line(line))
        .collect()
}

/// The first `/ato` command of `body`, if any: a comment asks for one thing.
pub fn parse_first_command(body: &str) -> Option<Result<Command, CommandError>> {
    parse_commands(body).into_iter().next()
}

fn parse_line(line: &str) -> Option<Result<Command, CommandError>> {
    let line = line.trim();
    let head = line.get(..PREFIX.len())?;
    if !head.eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    let rest = &line[PREFIX.len()..];
    // `/atom` or `/ato-x` is not our command: the prefix must end at whitespace or the end of the line.
    if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let Some(sub) = rest.split_whitespace().next() else {
        return Some(Err(CommandError::MissingSubcommand));
    };
    if sub.eq_ignore_ascii_case("rerun") {
        Some(Ok(Command::Rerun))
    } else {
        let quoted: String = sub
            .chars()
            .filter(|c| !c.is_control() && *c != '`')
            .take(MAX_QUOTED)
            .collect();
        Some(Err(CommandError::UnknownSubcommand(quoted)))
    }
}

/// The prose of a comment as lines, with inline code replaced by a placeholder so that
/// ``"`x` /ato rerun"`` does not start with the command.
fn prose_lines(body: &str) -> Vec<String> {
    let arena = Arena::new();
    let mut options = Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.tasklist = true;
    options.extension.autolink = true;
    options.extension.alerts = true;
    let root = parse_document(&arena, body, &options);
    let mut lines = vec![String::new()];
    collect(root, &mut lines);
    lines
}

fn collect<'a>(node: &'a AstNode<'a>, lines: &mut Vec<String>) {
    match &node.data().value {
        NodeValue::BlockQuote
        | NodeValue::MultilineBlockQuote(_)
        | NodeValue::Alert(_)
        | NodeValue::CodeBlock(_)
        | NodeValue::HtmlBlock(_) => {
            lines.push(String::new());
            return;
        }
        NodeValue::Code(_) | NodeValue::HtmlInline(_) => {
            lines.last_mut().expect("never empty").push('\u{FFFC}');
            return;
        }
        NodeValue::Text(text) => {
            lines.last_mut().expect("never empty").push_str(text);
            return;
        }
        NodeValue::SoftBreak | NodeValue::LineBreak => {
            lines.push(String::new());
            return;
        }
        _ => {}
    }
    let is_block = node.data().value.block();
    if is_block {
        lines.push(String::new());
    }
    for child in node.children() {
        collect(child, lines);
    }
    if is_block {
        lines.push(String::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(body: &str) -> Option<Result<Command, CommandError>> {
        parse_first_command(body)
    }

    #[test]
    fn plain_rerun() {
        assert_eq!(first("/ato rerun"), Some(Ok(Command::Rerun)));
    }

    #[test]
    fn surrounding_whitespace_and_trailing_newline() {
        assert_eq!(first("  /ato   rerun  \n"), Some(Ok(Command::Rerun)));
    }

    #[test]
    fn case_does_not_matter() {
        assert_eq!(first("/ATO Rerun"), Some(Ok(Command::Rerun)));
        assert_eq!(first("/Ato RERUN"), Some(Ok(Command::Rerun)));
    }

    #[test]
    fn trailing_words_are_ignored() {
        assert_eq!(
            first("/ato rerun please, the runner flaked"),
            Some(Ok(Command::Rerun))
        );
    }

    #[test]
    fn command_on_a_later_line() {
        let body = "Thanks for the fix!\nCould you check again?\n/ato rerun\nCheers";
        assert_eq!(first(body), Some(Ok(Command::Rerun)));
    }

    #[test]
    fn command_in_a_later_paragraph() {
        assert_eq!(first("LGTM.\n\n/ato rerun"), Some(Ok(Command::Rerun)));
    }

    #[test]
    fn command_must_start_the_line() {
        assert_eq!(first("please /ato rerun"), None);
    }

    #[test]
    fn other_prefixes_are_not_commands() {
        assert_eq!(first("/atom rerun"), None);
        assert_eq!(first("/ato-bot rerun"), None);
        assert_eq!(first("ato rerun"), None);
        assert_eq!(first("/rerun"), None);
    }

    #[test]
    fn fenced_code_is_skipped() {
        assert_eq!(first("Type this:\n\n```\n/ato rerun\n```\n"), None);
        assert_eq!(first("~~~text\n/ato rerun\n~~~"), None);
    }

    #[test]
    fn indented_code_is_skipped() {
        assert_eq!(first("Example:\n\n    /ato rerun\n"), None);
    }

    #[test]
    fn inline_code_is_skipped() {
        assert_eq!(first("`/ato rerun`"), None);
        assert_eq!(first("`x` /ato rerun"), None);
    }

    #[test]
    fn block_quotes_are_skipped() {
        assert_eq!(first("> /ato rerun\n\nI agree with the above."), None);
        assert_eq!(first("> quoted\n> /ato rerun"), None);
        assert_eq!(first("> [!NOTE]\n> /ato rerun"), None);
    }

    #[test]
    fn html_is_skipped() {
        assert_eq!(first("<details>\n/ato rerun\n</details>"), None);
        assert_eq!(first("<!-- /ato rerun -->"), None);
    }

    #[test]
    fn command_after_quote_still_counts() {
        assert_eq!(
            first("> can you rerun?\n\n/ato rerun"),
            Some(Ok(Command::Rerun))
        );
    }

    #[test]
    fn command_inside_a_list_item_counts() {
        assert_eq!(first("- /ato rerun"), Some(Ok(Command::Rerun)));
    }

    #[test]
    fn emphasis_does_not_hide_the_command() {
        assert_eq!(first("/ato **rerun**"), Some(Ok(Command::Rerun)));
    }

    #[test]
    fn unknown_subcommand_is_a_typed_error_with_a_helpful_reply() {
        let err = first("/ato deploy now").unwrap().unwrap_err();
        assert_eq!(err, CommandError::UnknownSubcommand("deploy".into()));
        let reply = err.to_string();
        assert!(reply.contains("`/ato deploy`"), "{reply}");
        assert!(reply.contains("/ato rerun"), "{reply}");
    }

    #[test]
    fn bare_prefix_is_a_missing_subcommand() {
        assert_eq!(first("/ato"), Some(Err(CommandError::MissingSubcommand)));
        assert_eq!(
            first("/ato   \nmore text"),
            Some(Err(CommandError::MissingSubcommand))
        );
    }

    #[test]
    fn quoted_subcommand_is_bounded_and_has_no_backticks() {
        let long = format!("/ato {}`x", "a".repeat(500));
        let Some(Err(CommandError::UnknownSubcommand(sub))) = first(&long) else {
            panic!("expected an unknown subcommand")
        };
        assert_eq!(sub.chars().count(), MAX_QUOTED);
        assert!(!sub.contains('`'));
    }

    #[test]
    fn several_commands_are_all_returned_in_order() {
        let all = parse_commands("/ato foo\n/ato rerun");
        assert_eq!(
            all,
            vec![
                Err(CommandError::UnknownSubcommand("foo".into())),
                Ok(Command::Rerun)
            ]
        );
    }

    #[test]
    fn no_command_in_ordinary_text() {
        assert!(
            parse_commands("You are totally right! I'll get this fixed right away.").is_empty()
        );
        assert!(parse_commands("").is_empty());
    }
}
