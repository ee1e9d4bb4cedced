//! The report's two sections about the model's tests: the funnel (how many of the modules the model wrote got
//! how far, and what the model cost), and the modules that failed every run — a possible bug in the PR, or a
//! wrong test, for a reviewer to judge.

use super::escape::{self, code_span, fenced};
use super::fit::Section;
use super::style::Style;
use crate::model::{Candidate, CandidateStage, ModelTests, RunnerResult};

/// "🧐 Possible bugs or wrong tests": the model's modules that built but failed on every run.
pub(crate) fn possible_bugs(runners: &[RunnerResult], style: Style) -> Section {
    let failing: Vec<&Candidate> = model_tests(runners)
        .flat_map(|m| &m.candidates)
        .filter(|c| c.stage == CandidateStage::Fails)
        .collect();
    Section {
        heading: format!(
            "### 🧐 Possible bugs or wrong tests ({})\n\nModel-written tests that failed on every run: either the \
             change has a bug, or the test expects the wrong thing.\n",
            failing.len()
        ),
        items: failing
            .into_iter()
            .map(|c| {
                let mut item = format!("{}\n\n", title(c, style));
                if let Some(error) = &c.error {
                    item.push_str(&fenced(error, style.message_cap()));
                    item.push('\n');
                }
                item
            })
            .collect(),
    }
}

/// "🤖 Model-written tests": the funnel per runner, then each module's fate.
pub(crate) fn funnel(runners: &[RunnerResult], style: Style) -> Section {
    let mut items = Vec::new();
    for runner in runners {
        let Some(tests) = &runner.model_tests else {
            continue;
        };
        items.push(funnel_table(runner.runner.name(), tests));
        for candidate in &tests.candidates {
            items.push(format!("- {}\n", fate(candidate, style)));
        }
        for note in &tests.notes {
            items.push(format!(
                "- note: {}\n",
                escape::text(note, style.inline_cap())
            ));
        }
    }
    Section {
        heading: "### 🤖 Model-written tests\n".into(),
        items,
    }
}

fn model_tests(runners: &[RunnerResult]) -> impl Iterator<Item = &ModelTests> {
    runners.iter().filter_map(|r| r.model_tests.as_ref())
}

fn funnel_table(runner: &str, tests: &ModelTests) -> String {
    let f = tests.funnel;
    let u = tests.usage;
    format!(
        "**{runner}** · model {} · {} requests ({} repairs), {} + {} tokens, {} answers from the cache, {} \
         secrets redacted\n\n\
         | Generated | Builds | Passes | Stable | Adds changed-line coverage |\n\
         | ---: | ---: | ---: | ---: | ---: |\n\
         | {} | {} | {} | {} | {} |\n\n",
        code_span(&tests.model, 100),
        u.requests,
        u.repairs,
        u.prompt_tokens,
        u.completion_tokens,
        u.cache_hits,
        u.redactions,
        f.generated,
        f.builds,
        f.passes,
        f.stable,
        f.adds_coverage
    )
}

fn title(candidate: &Candidate, style: Style) -> String {
    let mut title = format!("**{}**", code_span(&candidate.target, style.inline_cap()));
    if let Some(file) = &candidate.file {
        title.push_str(&format!(" · {}", code_span(file, style.inline_cap())));
    }
    if candidate.repairs > 0 {
        title.push_str(&format!(" · after {} repair(s)", candidate.repairs));
    }
    title
}

fn fate(candidate: &Candidate, style: Style) -> String {
    let why = |prefix: &str| match &candidate.error {
        Some(error) => format!(
            "{prefix}: {}",
            escape::text(first_line(error), style.inline_cap())
        ),
        None => prefix.to_string(),
    };
    let fate = match candidate.stage {
        CandidateStage::Kept => {
            let lines: usize = candidate.new_lines.values().map(Vec::len).sum();
            format!("kept: passed every run and covers {lines} more changed line(s)")
        }
        CandidateStage::NoNewCoverage => {
            "dropped: passed every run but covers no changed line that was not covered already"
                .into()
        }
        CandidateStage::Flaky => "dropped: flaky".into(),
        CandidateStage::Fails => "failed every run (see possible bugs or wrong tests)".into(),
        CandidateStage::DoesNotBuild => why("does not build"),
        CandidateStage::NoCode => why("no test"),
    };
    let cached = if candidate.cached { " (cached)" } else { "" };
    format!("{}{cached} — {fate}", title(candidate, style))
}

fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Funnel, ModelUsage, Runner};
    use crate::report::sample::runner;

    fn candidate(target: &str, stage: CandidateStage, error: Option<&str>) -> Candidate {
        Candidate {
            target: target.into(),
            stage,
            file: Some("runners/python/llm/test_llm_calc_add.py".into()),
            repo_path: "tests/ato/test_llm_calc_add.py".into(),
            repairs: 1,
            runs: Vec::new(),
            new_lines: [("calc.py".to_string(), vec![3, 4])].into(),
            error: error.map(str::to_string),
            cached: false,
        }
    }

    #[test]
    fn the_funnel_and_the_failures_are_shown_escaped() {
        let mut python = runner(Runner::Python);
        python.model_tests = Some(ModelTests {
            model: "gpt-test".into(),
            funnel: Funnel {
                generated: 3,
                builds: 2,
                passes: 1,
                stable: 1,
                adds_coverage: 1,
            },
            usage: ModelUsage {
                requests: 4,
                repairs: 1,
                ..ModelUsage::default()
            },
            candidates: vec![
                candidate("calc.py::add", CandidateStage::Kept, None),
                candidate(
                    "calc.py::sub",
                    CandidateStage::Fails,
                    Some("AssertionError: <script>@team</script>"),
                ),
                candidate(
                    "calc.py::mul",
                    CandidateStage::DoesNotBuild,
                    Some("ImportError: x"),
                ),
            ],
            notes: vec!["budget".into()],
        });
        let runners = vec![python];
        let funnel = funnel(&runners, Style::Comment);
        let text = funnel.items.concat();
        assert!(text.contains("| 3 | 2 | 1 | 1 | 1 |"), "{text}");
        assert!(text.contains("4 requests (1 repairs)"), "{text}");
        assert!(text.contains("covers 2 more changed line(s)"), "{text}");
        assert!(text.contains("does not build: ImportError: x"), "{text}");
        let bugs = possible_bugs(&runners, Style::Comment);
        assert_eq!(bugs.items.len(), 1);
        assert!(bugs.heading.contains("(1)"));
        assert!(bugs.items[0].contains("```"), "{}", bugs.items[0]);
        assert!(
            possible_bugs(&[runner(Runner::Python)], Style::Page)
                .items
                .is_empty()
        );
    }
}
