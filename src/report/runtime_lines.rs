//! One line per runner under the summary table: the interpreter or JDK version it ran on and why, with the
//! versions tried before it ("tried Python 3.13 first: `pipes` was removed in Python 3.13; tested on
//! Python 3.11").

use crate::model::RunResults;

use super::escape;

/// The lines, as a Markdown list followed by a blank line; empty when no runner says which runtime it used.
pub fn runtime_lines(results: &RunResults) -> String {
    let lines: Vec<String> = results
        .runners
        .iter()
        .filter_map(|runner| {
            let runtime = runner.runtime.as_ref()?;
            Some(format!(
                "- {} ran on **{}**: {}\n",
                runner.runner.name(),
                escape::text(&runtime.version, 40),
                escape::text(without_version(&runtime.reason, &runtime.version), 600)
            ))
        })
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    format!("{}\n", lines.concat())
}

/// The chooser's reasons start with the version (`Python 3.9: …`); the line already says it.
fn without_version<'a>(reason: &'a str, version: &str) -> &'a str {
    reason
        .strip_prefix(version)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Runner, RuntimeUse, TriedRuntime};

    #[test]
    fn one_line_per_runner_with_its_reason_and_what_was_tried() {
        let mut results =
            crate::report::sample::results(vec![crate::report::sample::runner(Runner::Python)]);
        assert_eq!(runtime_lines(&results), "");
        results.runners[0].runtime = Some(RuntimeUse {
            version: "Python 3.11".to_string(),
            reason:
                "tried Python 3.13 first: `pipes` was removed in Python 3.13; tested on Python 3.11"
                    .to_string(),
            tried: vec![TriedRuntime {
                version: "Python 3.13".to_string(),
                why_not: "`pipes` was removed in Python 3.13".to_string(),
            }],
        });
        let text = runtime_lines(&results);
        assert!(
            text.starts_with("- python ran on **Python 3.11**: tried Python 3.13 first"),
            "{text}"
        );
        assert!(text.contains("pipes"), "{text}");
        results.runners[0].runtime = Some(RuntimeUse {
            version: "Python 3.9".to_string(),
            reason: "Python 3.9: allowed by python_requires <3.10 (setup.cfg)".to_string(),
            tried: Vec::new(),
        });
        let text = runtime_lines(&results);
        assert!(
            text.starts_with("- python ran on **Python 3.9**: allowed by "),
            "{text}"
        );
        assert!(!text.contains("Python 3.9: "), "{text}");
        assert!(text.contains("3.10 \\(setup.cfg\\)"), "{text}");
    }
}
