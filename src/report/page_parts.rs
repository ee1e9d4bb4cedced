//! The page's own parts around the report's sections: the style (light and dark, printable), the coloured
//! verdict banner, the generated tests folded one per file, and the run's settings, versions and timings.

use super::escape;
use crate::model::{RunResults, RunnerResult, Verdict};

/// Light colours first, dark ones when the reader's system asks; closed `<details>` open when printed.
pub(crate) const STYLE: &str = ":root{--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d0d7de;--code:#f6f8fa;\
--ok:#1a7f37;--bad:#cf222e;--none:#59636e;--cov:#dafbe1;--miss:#ffebe9;--part:#fff8c5;--del:#f6f8fa;\
--note:#ddf4ff}\
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;\
--code:#151b23;--ok:#238636;--bad:#da3633;--none:#656c76;--cov:#12361f;--miss:#4c1719;--part:#3b2e0a;\
--del:#161b22;--note:#0c2d4a}}\
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:var(--fg);background:var(--bg)}\
main{max-width:1100px;margin:0 auto;padding:1rem 2rem}a{color:inherit}\
.banner{color:#fff;padding:1rem 2rem;print-color-adjust:exact;-webkit-print-color-adjust:exact}\
.banner h1{margin:0;font-size:1.4rem}.banner p{margin:.3rem 0 0}\
.banner.success{background:var(--ok)}.banner.failure{background:var(--bad)}.banner.neutral{background:var(--none)}\
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left}\
pre{background:var(--code);padding:.8rem;overflow:auto;max-height:40rem;border-radius:6px}\
code{font:13px ui-monospace,monospace;background:var(--code);padding:.1rem .3rem;border-radius:4px}\
pre code{padding:0;background:none}\
table.diff{width:100%;font:13px ui-monospace,monospace}table.diff td{border:none;padding:0 .5rem;white-space:pre-wrap}\
table.diff code{background:none;padding:0}table.diff td.n{color:var(--muted);text-align:right;width:3rem}\
table.diff td.m{width:1rem}tr.del{background:var(--del);color:var(--muted)}\
tr.covered td.m,span.covered{border-left:4px solid var(--ok);background:var(--cov)}\
tr.missed td.m,span.missed{border-left:4px solid var(--bad);background:var(--miss)}\
tr.partial td.m,span.partial{border-left:4px solid #bf8700;background:var(--part)}\
tr.covered{background:var(--cov)}tr.missed{background:var(--miss)}tr.partial{background:var(--part)}\
span.covered,span.missed,span.partial{padding:0 .4rem;margin-right:.5rem}\
tr.note td{font-family:system-ui,sans-serif;background:var(--note);border-left:4px solid var(--muted);padding:.2rem .8rem}\
tr.note.failure td,tr.note.change td{border-left-color:var(--bad)}tr.note.finding td{border-left-color:#bf8700}\
details{margin:.4rem 0}summary{cursor:pointer}\
a.download{display:inline-block;margin:1rem 0;padding:.4rem .8rem;border:1px solid var(--ok);border-radius:6px;\
text-decoration:none}\
@media print{pre{max-height:none;overflow:visible;white-space:pre-wrap}details::details-content{display:block;\
content-visibility:visible}a.download{display:none}}";

/// The coloured banner: the verdict and its one-sentence reason.
pub(crate) fn banner(results: &RunResults) -> String {
    let (class, word) = match results.verdict {
        Verdict::Success => ("success", "Success"),
        Verdict::Failure => ("failure", "Failure"),
        Verdict::Neutral => ("neutral", "Incomplete or nothing to test"),
    };
    format!(
        "<header class=\"banner {class}\" role=\"banner\">\n<h1>ato: {word}</h1>\n<p>{}</p>\n</header>\n",
        escape::html(&results.summary)
    )
}

/// Every generated test file folded, each opening to its body.
pub(crate) fn generated_tests(runners: &[RunnerResult], sources: &[(String, String)]) -> String {
    let files: Vec<_> = runners.iter().flat_map(|r| &r.generated_files).collect();
    if files.is_empty() {
        return String::new();
    }
    let mut out = format!("<h2 id=\"tests\">Generated tests ({})</h2>\n", files.len());
    for file in files {
        let status = if file.in_patch {
            "in the patch of tests you can add: every test in it passed on every run"
        } else {
            "not in the patch: some of its tests failed, were flaky or did not run"
        };
        out.push_str(&format!(
            "<details class=\"test-file\"><summary><code>{}</code> · {status}</summary>\n",
            escape::html(&file.repo_path)
        ));
        match sources.iter().find(|(path, _)| *path == file.repo_path) {
            Some((_, contents)) => out.push_str(&format!(
                "<pre><code>{}</code></pre>\n",
                escape::html(&escape::truncate(contents, 200_000))
            )),
            None => out.push_str("<p>Its text is not available.</p>\n"),
        }
        out.push_str("</details>\n");
    }
    out
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// The run's settings (as given), the versions of ato and of each runner, and the timings.
pub(crate) fn run_details(results: &RunResults, settings: &[(String, String)]) -> String {
    let row = |name: &str, value: &str| {
        format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            escape::html(name),
            escape::html(value)
        )
    };
    let revision = |r: &crate::model::Revision| match &r.sha {
        Some(sha) => format!("{} ({sha})", r.name),
        None => r.name.clone(),
    };
    let mut out = String::from("<h2 id=\"run\">The run</h2>\n<table class=\"run\">\n");
    out.push_str(&row("ato", &results.ato_version));
    out.push_str(&row("Run", &results.run_id));
    out.push_str(&row("Base", &revision(&results.base)));
    out.push_str(&row("Head", &revision(&results.head)));
    out.push_str(&row("Total time", &seconds(results.duration_ms)));
    for (name, value) in settings {
        out.push_str(&row(name, value));
    }
    for r in &results.runners {
        let runtime = r
            .runtime
            .as_ref()
            .map(|rt| format!(" · {}", rt.version))
            .unwrap_or_default();
        out.push_str(&row(
            &format!("{} runner", r.runner.name()),
            &format!(
                "{}{runtime} · {} · {}",
                r.image,
                super::verdict::describe_outcome(&r.outcome),
                seconds(r.duration_ms)
            ),
        ));
    }
    out.push_str("</table>\n");
    out
}
