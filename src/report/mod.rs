//! Rendering the results: `results.json`, the PR comment (`report.md`), the full page (`report.html`) and the
//! patch of tests you can add (`ato-tests.patch`).
//!
//! All four come from one [`RunResults`], so they can never disagree. Text from the PR's code is escaped in
//! one place, [`escape`]. Whose doing each problem is (the change's, or the environment's) is judged in one
//! place, [`blame`], which the verdict, the report's sections and the check run's annotations share.

pub mod blame;
mod comment;
mod diff_view;
pub(crate) mod escape;
pub(crate) mod fit;
mod groups;
pub(crate) mod html;
mod items;
pub(crate) mod markdown;
mod model_items;
mod page_files;
mod page_parts;
pub mod patch;
mod readable;
mod runtime_lines;
mod style;
pub mod verdict;

#[cfg(test)]
mod sample;

use std::fs;
use std::io;
use std::path::Path;

pub use comment::{comment, same_result};
pub use html::{PageInputs, html, page};

pub(crate) use html::patch_files;
pub use markdown::{COMMENT_BUDGET, ReportLinks, markdown};
pub use patch::patch;
pub use verdict::verdict;

use crate::model::RunResults;

/// File names written by [`write`].
pub const RESULTS_JSON: &str = "results.json";
pub const REPORT_MD: &str = "report.md";
pub const REPORT_HTML: &str = "report.html";
pub const PATCH_FILE: &str = "ato-tests.patch";

/// Writes `results.json` (pretty), `report.md` (the comment, without links: a local run has no server),
/// `report.html` and `ato-tests.patch` into `out_dir`. `inputs.sources` are the generated test files as
/// `(repo_path, contents)`; the patch holds those the results mark `in_patch`, and is written empty when
/// there are none, so its presence never depends on the outcome.
pub fn write(out_dir: &Path, results: &RunResults, inputs: &PageInputs) -> io::Result<()> {
    let sources = inputs.sources;
    fs::create_dir_all(out_dir)?;
    let json = serde_json::to_string_pretty(results).map_err(io::Error::other)?;
    fs::write(out_dir.join(RESULTS_JSON), json + "\n")?;
    fs::write(
        out_dir.join(REPORT_MD),
        markdown(results, &ReportLinks::default()),
    )?;
    fs::write(out_dir.join(REPORT_HTML), page(results, inputs))?;
    fs::write(
        out_dir.join(PATCH_FILE),
        patch(&patch_files(results, sources)),
    )?;
    Ok(())
}
