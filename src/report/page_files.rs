//! The page's "Changed files": per changed file its diff, each changed line marked covered, not covered or
//! branch partly taken, with the behaviour changes, failing tests and findings shown at their lines, and the
//! line numbers linked to GitHub when the run came from a pull request. HTML written here, every text from
//! the PR escaped with [`escape::html`].

use std::collections::BTreeMap;

use super::diff_view::{self, FileLines, Kind};
use super::escape;
use crate::model::{
    FileCoverage, Observation, RunResults, RunnerResult, TargetFile, TestCase, TestStatus,
};

/// Where lines link to: `https://github.com/owner/name/blob/<sha>/`.
pub(crate) struct LineLinks {
    pub base: String,
}

impl LineLinks {
    /// Links for `owner/name` at the head commit, when both are known.
    pub(crate) fn new(repository: Option<&str>, results: &RunResults) -> Option<LineLinks> {
        let repo = repository?;
        let sha = results.head.sha.as_deref()?;
        let safe = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        };
        (safe(repo) && safe(sha) && !repo.contains("..")).then(|| LineLinks {
            base: format!("https://github.com/{repo}/blob/{sha}/"),
        })
    }

    fn href(&self, path: &str, line: u32) -> String {
        let path: String = path
            .split('/')
            .map(|p| url::form_urlencoded::byte_serialize(p.as_bytes()).collect::<String>())
            .collect::<Vec<_>>()
            .join("/");
        escape::html(&format!("{}{path}#L{line}", self.base))
    }
}

/// A note shown under a line: its CSS class and its HTML.
type Note = (&'static str, String);

fn said(o: &Observation) -> String {
    escape::html(&super::readable::numbers(&o.plain()))
}

/// The notes of one file, by the head line they belong to.
fn notes_for(target: &TargetFile, runner: &RunnerResult) -> BTreeMap<u32, Vec<Note>> {
    let mut notes: BTreeMap<u32, Vec<Note>> = BTreeMap::new();
    let symbol_line = |name: &str| {
        target
            .symbols
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.start_line)
    };
    for f in runner.findings.iter().filter(|f| f.path == target.path) {
        notes.entry(f.line).or_default().push((
            "finding",
            format!(
                "{:?} · {} {}: {}",
                f.severity,
                escape::html(&f.tool),
                escape::html(&f.rule),
                escape::html(&f.message)
            ),
        ));
    }
    for c in runner
        .behaviour_changes
        .iter()
        .filter(|c| c.file == target.path)
    {
        let line = symbol_line(&c.symbol).unwrap_or(0);
        notes.entry(line).or_default().push((
            "change",
            format!(
                "Behaviour change in <code>{}</code>: <code>{}</code> — base {} · head {}",
                escape::html(&c.symbol),
                escape::html(&super::readable::numbers(&c.input)),
                said(&c.base),
                said(&c.head)
            ),
        ));
    }
    let failing = |t: &&TestCase| matches!(t.status, TestStatus::Failed | TestStatus::Flaky);
    for t in runner.tests.iter().filter(failing) {
        let Some((path, symbol)) = t.target.as_deref().and_then(|t| t.split_once("::")) else {
            continue;
        };
        if path != target.path {
            continue;
        }
        let line = symbol_line(symbol).unwrap_or(0);
        let (class, what) = match t.status {
            TestStatus::Flaky => ("flaky", "Flaky test"),
            _ => ("failure", "Failing test"),
        };
        let message = t
            .message
            .as_deref()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        notes.entry(line).or_default().push((
            class,
            format!(
                "{what} <code>{}</code>: {}",
                escape::html(&t.id),
                escape::html(message)
            ),
        ));
    }
    notes
}

fn mark(line: u32, coverage: Option<&FileCoverage>) -> (&'static str, &'static str) {
    let Some(cov) = coverage else {
        return ("", "");
    };
    if cov
        .branches
        .iter()
        .any(|b| b.line == line && b.taken > 0 && b.taken < b.total)
    {
        ("partial", "branch partly taken")
    } else if cov.covered.contains(&line) {
        ("covered", "covered")
    } else if cov.missed.contains(&line) {
        ("missed", "not covered")
    } else {
        ("", "")
    }
}

fn notes_html(notes: &[Note]) -> String {
    notes
        .iter()
        .map(|(class, html)| {
            format!("<tr class=\"note {class}\"><td colspan=\"3\">{html}</td></tr>\n")
        })
        .collect()
}

/// One file: the notes that have no line in the diff, then its hunks with marks and notes.
fn file_html(
    target: &TargetFile,
    runner: &RunnerResult,
    diff: Option<&FileLines>,
    links: Option<&LineLinks>,
) -> String {
    let coverage = runner.coverage.iter().find(|c| c.path == target.path);
    let mut notes = notes_for(target, runner);
    let shown: Vec<u32> = diff
        .map(|d| d.hunks.iter().flatten().filter_map(|l| l.new).collect())
        .unwrap_or_default();
    // A note whose line is not shown goes to the nearest shown line above it in the same symbol, else on top.
    let mut unplaced = Vec::new();
    for line in notes.keys().copied().collect::<Vec<_>>() {
        if !shown.contains(&line) {
            unplaced.extend(notes.remove(&line).unwrap_or_default());
        }
    }
    let mut out = format!(
        "<section class=\"file\">\n<h3><code>{}</code></h3>\n",
        escape::html(&target.path)
    );
    if !unplaced.is_empty() {
        out.push_str("<table class=\"diff\">\n");
        out.push_str(&notes_html(&unplaced));
        out.push_str("</table>\n");
    }
    let Some(diff) = diff else {
        out.push_str("<p>The diff of this file is not available.</p>\n</section>\n");
        return out;
    };
    out.push_str("<table class=\"diff\">\n");
    for hunk in &diff.hunks {
        out.push_str("<tbody>\n");
        for line in hunk {
            let (class, title) = match line.kind {
                Kind::Added => mark(line.new.unwrap_or(0), coverage),
                _ => ("", ""),
            };
            let sign = match line.kind {
                Kind::Added => "+",
                Kind::Removed => "−",
                Kind::Context => " ",
            };
            let number = match (line.new, links) {
                (Some(n), Some(links)) => {
                    format!("<a href=\"{}\">{n}</a>", links.href(&target.path, n))
                }
                (Some(n), None) => n.to_string(),
                (None, _) => String::new(),
            };
            let kind = match line.kind {
                Kind::Added => "add",
                Kind::Removed => "del",
                Kind::Context => "ctx",
            };
            let classes = format!("{kind} {class}");
            out.push_str(&format!(
                "<tr class=\"{}\"{}><td class=\"n\">{number}</td><td class=\"m\">{sign}</td>\
                 <td><code>{}</code></td></tr>\n",
                classes.trim_end(),
                if title.is_empty() {
                    String::new()
                } else {
                    format!(" title=\"{title}\"")
                },
                escape::html(&line.text)
            ));
            if let Some(n) = line.new
                && let Some(here) = notes.get(&n)
            {
                out.push_str(&notes_html(here));
            }
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n</section>\n");
    out
}

/// "Changed files": every tested file's diff, marked.
pub(crate) fn changed_files(results: &RunResults, diff: &str, links: Option<&LineLinks>) -> String {
    let files = diff_view::parse(diff);
    if files.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for runner in &results.runners {
        for target in &runner.targets {
            let lines = files.iter().find(|f| f.path == target.path);
            out.push_str(&file_html(target, runner, lines, links));
        }
    }
    if out.is_empty() {
        return out;
    }
    format!(
        "<h2 id=\"files\">Changed files</h2>\n<p class=\"legend\"><span class=\"covered\">covered</span> \
         <span class=\"missed\">not covered</span> <span class=\"partial\">branch partly taken</span> \
         (changed lines the generated tests ran, or not)</p>\n{out}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LineBranches, Runner};
    use crate::report::sample::{results, runner};

    #[test]
    fn changed_lines_are_marked_covered_missed_or_partly_taken() {
        let coverage = FileCoverage {
            path: "pkg/m.py".into(),
            covered: vec![1, 2],
            missed: vec![3],
            branches: vec![
                LineBranches {
                    line: 2,
                    taken: 1,
                    total: 2,
                },
                LineBranches {
                    line: 1,
                    taken: 2,
                    total: 2,
                },
            ],
        };
        assert_eq!(mark(1, Some(&coverage)).0, "covered");
        assert_eq!(mark(2, Some(&coverage)).0, "partial");
        assert_eq!(mark(3, Some(&coverage)).0, "missed");
        assert_eq!(mark(4, Some(&coverage)).0, "", "not executable");
        assert_eq!(mark(1, None).0, "");
    }

    #[test]
    fn a_file_shows_its_diff_with_marks_notes_and_escaped_text() {
        let mut python = runner(Runner::Python);
        python.coverage = vec![FileCoverage {
            path: "pkg/m.py".into(),
            covered: vec![2],
            missed: vec![3],
            branches: vec![],
        }];
        python.findings = vec![crate::model::Finding {
            tool: "bandit".into(),
            rule: "B1".into(),
            severity: crate::model::Severity::High,
            path: "pkg/m.py".into(),
            line: 3,
            message: "<b>bad</b>".into(),
            on_changed_line: true,
        }];
        let run = results(vec![python]);
        let diff = "diff --git a/pkg/m.py b/pkg/m.py\n--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,2 +1,3 @@\n x = 1\n+y = '<script>'\n+z = 3\n-w = 4\n";
        let links = LineLinks::new(Some("octo/calc"), &run);
        let html = changed_files(&run, diff, links.as_ref());
        assert!(
            html.contains("<tr class=\"add covered\" title=\"covered\">"),
            "{html}"
        );
        assert!(
            html.contains("<tr class=\"add missed\" title=\"not covered\">"),
            "{html}"
        );
        assert!(html.contains("y = &#39;&lt;script&gt;&#39;"), "{html}");
        assert!(
            !html.contains("<script>") && !html.contains("<b>bad"),
            "{html}"
        );
        let note = html.find("High · bandit B1").expect("the finding is shown");
        assert!(html.find("z = 3").unwrap() < note, "under its line: {html}");
        assert!(
            html.contains(&format!(
                "href=\"https://github.com/octo/calc/blob/{}/pkg/m.py#L3\"",
                "b".repeat(40)
            )),
            "{html}"
        );
        assert!(
            changed_files(&run, "", None).is_empty(),
            "no diff, no section"
        );
        assert!(LineLinks::new(Some("octo/../x\"onclick"), &run).is_none());
        assert!(LineLinks::new(None, &run).is_none());
    }
}
