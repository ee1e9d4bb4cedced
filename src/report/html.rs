//! The full report (`report.html`): the comment's Markdown without its size limit, plus every finding,
//! coverage of the changed lines per file, the generated test files, the runners' full logs and a download
//! of the patch. One self-contained page: inline CSS, no scripts, no external resources.
//!
//! The Markdown is rendered by comrak with raw HTML turned off, so even if some text escaped [`escape`] by
//! mistake, a `<` from the PR's code could only ever show as text. The page's own few tags are written here.

use super::escape::{self, code_span, fenced, table_code_span};
use super::markdown::{document, head_details};
use super::page_files::{self, LineLinks};
use super::page_parts::{self, STYLE};
use super::patch::patch;
use super::style::Style;
use crate::model::{FileCoverage, RunResults, RunnerResult};

/// What the page shows beside the results.
#[derive(Debug, Clone, Default)]
pub struct PageInputs<'a> {
    /// The generated test files as `(repo_path, contents)`; those marked `in_patch` make up the patch.
    pub sources: &'a [(String, String)],
    /// The unified diff from base to head: each changed file is shown as its diff.
    pub diff: &'a str,
    /// `owner/name` when the run came from a pull request: line numbers link to GitHub.
    pub repository: Option<&'a str>,
    /// The run's settings, as `(name, value)`, listed at the end.
    pub settings: Vec<(String, String)>,
}

/// The HTML page with the generated tests but no diff, links or settings.
pub fn html(results: &RunResults, sources: &[(String, String)]) -> String {
    page(
        results,
        &PageInputs {
            sources,
            ..PageInputs::default()
        },
    )
}

/// `### ❌ Failed tests` → `### Failed tests`: the page's banner carries the verdict, and a reader without an
/// emoji font would see boxes.
fn without_icon(heading: &str) -> String {
    match heading
        .strip_prefix("### ")
        .and_then(|rest| rest.split_once(' '))
    {
        Some((icon, rest)) if !icon.is_ascii() => format!("### {rest}"),
        _ => heading.to_string(),
    }
}

fn render(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.render.r#unsafe = false;
    comrak::markdown_to_html(markdown, &options)
}

/// The HTML page: the verdict banner, the report's sections, the changed files' diffs with coverage and the
/// problems at their lines, the findings elsewhere, the generated tests folded, the logs, the run's details.
pub fn page(results: &RunResults, inputs: &PageInputs) -> String {
    let (_, sections) = document(results, Style::Page);
    let mut markdown = head_details(results);
    for section in sections.iter().filter(|s| !s.items.is_empty()) {
        markdown.push_str(&without_icon(&section.heading));
        markdown.push('\n');
        markdown.extend(section.items.iter().map(String::as_str));
        markdown.push('\n');
    }
    let links = LineLinks::new(inputs.repository, results);
    let files = page_files::changed_files(results, inputs.diff, links.as_ref());
    let mut after = other_findings(&results.runners);
    if files.is_empty() {
        after.push_str(&coverage(&results.runners));
    }
    let addable = patch_files(results, inputs.sources);
    let download = if addable.is_empty() {
        String::new()
    } else {
        format!(
            "<p><a class=\"download\" download=\"ato-tests.patch\" href=\"data:text/x-diff;base64,{}\">\
             Download the tests you can add (ato-tests.patch, {} files)</a></p>\n",
            base64(patch(&addable).as_bytes()),
            addable.len()
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>ato report {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{}<main>\n{}{files}{}{}{}{download}{}</main>\n\
         </body>\n</html>\n",
        escape::html(&results.run_id),
        page_parts::banner(results),
        render(&markdown),
        render(&after),
        page_parts::generated_tests(&results.runners, inputs.sources),
        render(&logs(&results.runners)),
        page_parts::run_details(results, &inputs.settings),
    )
}

/// The generated files (as `(repo_path, contents)`) that passed every run, in results order.
pub fn patch_files(results: &RunResults, sources: &[(String, String)]) -> Vec<(String, String)> {
    results
        .runners
        .iter()
        .flat_map(|r| &r.generated_files)
        .filter(|g| g.in_patch)
        .filter_map(|g| {
            sources
                .iter()
                .find(|(path, _)| *path == g.repo_path)
                .cloned()
        })
        .collect()
}

/// The findings on lines the change did not touch (those on changed lines are in their section).
fn other_findings(runners: &[RunnerResult]) -> String {
    let findings: Vec<_> = runners
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| !f.on_changed_line)
        .collect();
    if findings.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "## Findings on unchanged lines ({})\n\n| Severity | Tool | Rule | Where | Message |\n| --- | --- | --- | --- | --- |\n",
        findings.len()
    );
    for f in findings {
        out.push_str(&format!(
            "| {:?} | {} | {} | {} | {} |\n",
            f.severity,
            table_code_span(&f.tool, 40),
            table_code_span(&f.rule, 80),
            table_code_span(&format!("{}:{}", f.path, f.line), 2_000),
            table_code_span(&f.message, 2_000)
        ));
    }
    out.push('\n');
    out
}

/// `3–5, 9` for `[3, 4, 5, 9]`.
fn line_ranges(lines: &[u32]) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &line in lines {
        match ranges.last_mut() {
            Some((_, end)) if line == *end + 1 => *end = line,
            _ => ranges.push((line, line)),
        }
    }
    ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn coverage(runners: &[RunnerResult]) -> String {
    let files: Vec<&FileCoverage> = runners.iter().flat_map(|r| &r.coverage).collect();
    if files.is_empty() {
        return String::new();
    }
    let mut out = String::from("## Coverage of changed lines\n\n");
    for file in files {
        let total = file.covered.len() + file.missed.len();
        let percent = match (file.covered.len() * 100).checked_div(total) {
            Some(percent) => format!("{percent}% of {total} changed lines ran"),
            None => "no executable changed lines".to_string(),
        };
        out.push_str(&format!("- {}: {percent}", code_span(&file.path, 2_000)));
        if !file.covered.is_empty() {
            out.push_str(&format!(" · ran: {}", line_ranges(&file.covered)));
        }
        if !file.missed.is_empty() {
            out.push_str(&format!(" · did not run: {}", line_ranges(&file.missed)));
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

fn logs(runners: &[RunnerResult]) -> String {
    let mut out = String::from("## Logs\n\n");
    for r in runners {
        out.push_str(&format!(
            "### {} runner ({})\n\n",
            r.runner.name(),
            code_span(&r.image, 200)
        ));
        for (name, text) in [("stdout", &r.logs.stdout), ("stderr", &r.logs.stderr)] {
            if text.is_empty() {
                out.push_str(&format!("{name}: empty\n\n"));
            } else {
                out.push_str(&format!("{name}:\n\n{}\n", fenced(text, usize::MAX)));
            }
        }
        if r.logs.truncated {
            out.push_str("Output beyond the capture limit was dropped.\n\n");
        }
    }
    out
}

/// Standard base64 (RFC 4648, with padding), for the patch's `data:` URL.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn line_ranges_collapse_runs() {
        assert_eq!(line_ranges(&[3, 4, 5, 9, 11, 12]), "3–5, 9, 11–12");
        assert_eq!(line_ranges(&[]), "");
    }
}
