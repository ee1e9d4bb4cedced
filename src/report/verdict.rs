//! The overall verdict of a run and the one sentence that explains it.
//!
//! A reliable failure, a behaviour change or a file the change broke (judged in [`blame`]) is something the
//! reviewer must look at, so it wins over an incomplete run. What the environment kept from being tested
//! (a package not installed, a hang, the same failure on base, a runner that did not finish) makes the run
//! incomplete: neutral, and said plainly. Flaky tests alone do not fail a run: they say more about the tests
//! than about the change.

use super::blame;
use crate::model::{RunnerResult, SandboxOutcome, TestStatus, Verdict};

/// At most this many files are named in the sentence; the rest are counted.
const NAMED_FILES: usize = 3;

/// Counts over all runners that the verdict, the summary table and the sentence share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub flaky: usize,
    pub skipped: usize,
    /// Failed on every run and on base too: not the change's doing, and nothing learnt about it.
    pub fails_on_base: usize,
    /// Generated tests that could not run because of themselves: ato's fault, an incomplete run.
    pub not_runnable: usize,
    pub behaviour_changes: usize,
    pub findings_on_changed_lines: usize,
    /// Changed executable lines the generated tests ran, and all changed executable lines.
    pub covered_lines: usize,
    pub coverable_lines: usize,
}

impl Tally {
    pub fn of(runners: &[RunnerResult]) -> Tally {
        let mut tally = Tally::default();
        for runner in runners {
            tally.add(runner);
        }
        tally
    }

    pub fn of_runner(runner: &RunnerResult) -> Tally {
        let mut tally = Tally::default();
        tally.add(runner);
        tally
    }

    fn add(&mut self, runner: &RunnerResult) {
        for test in &runner.tests {
            match test.status {
                TestStatus::Passed => self.passed += 1,
                TestStatus::Failed => self.failed += 1,
                TestStatus::Flaky => self.flaky += 1,
                TestStatus::Skipped => self.skipped += 1,
                TestStatus::FailsOnBase => self.fails_on_base += 1,
                TestStatus::NotRunnable => self.not_runnable += 1,
            }
        }
        self.behaviour_changes += runner.behaviour_changes.len();
        self.findings_on_changed_lines +=
            runner.findings.iter().filter(|f| f.on_changed_line).count();
        for file in &runner.coverage {
            self.covered_lines += file.covered.len();
            self.coverable_lines += file.covered.len() + file.missed.len();
        }
    }

    /// Tests that ran and say something about the change (not skipped on every run, not failing on base
    /// too, not broken themselves).
    pub fn ran(&self) -> usize {
        self.passed + self.failed + self.flaky
    }
}

/// How a runner container ended, in words (`timed out after 600 s`).
pub fn describe_outcome(outcome: &SandboxOutcome) -> String {
    match outcome {
        SandboxOutcome::Completed { .. } => "completed".into(),
        SandboxOutcome::TimedOut { limit_secs } => format!("timed out after {limit_secs} s"),
        SandboxOutcome::OutOfMemory { limit_bytes } => {
            format!(
                "ran out of memory (limit {} MiB)",
                limit_bytes / (1024 * 1024)
            )
        }
        SandboxOutcome::Crashed { exit_code, .. } => format!("crashed (exit code {exit_code})"),
        SandboxOutcome::Failed { .. } => "could not be started".into(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whether something could not be tested because of the environment, a limit or ato itself: a runner that
/// did not finish, or a problem that is not the change's doing. (`ato run` exits 3 for it when nothing failed.)
pub fn is_incomplete(runners: &[RunnerResult]) -> bool {
    let (files, others) = blame::environment_problems(runners);
    !files.is_empty()
        || !others.is_empty()
        || Tally::of(runners).not_runnable > 0
        || runners
            .iter()
            .any(|r| !matches!(r.outcome, SandboxOutcome::Completed { .. }))
}

/// The clauses naming what the change broke: `pkg/x.py does not import on head: SyntaxError at line 3`.
fn change_clauses(runners: &[RunnerResult]) -> Vec<String> {
    let problems = blame::change_problems(runners);
    let mut parts: Vec<String> = problems
        .iter()
        .take(NAMED_FILES)
        .map(|p| blame::change_headline(p))
        .collect();
    if problems.len() > NAMED_FILES {
        let more = problems.len() - NAMED_FILES;
        parts.push(format!(
            "{} more {} on head",
            more,
            if more == 1 {
                "file does not import"
            } else {
                "files do not import"
            }
        ));
    }
    parts
}

/// The clauses naming what the environment kept from being tested, and the runners that did not finish.
fn incomplete_clauses(runners: &[RunnerResult]) -> Vec<String> {
    let mut parts: Vec<String> = runners
        .iter()
        .filter(|r| !matches!(r.outcome, SandboxOutcome::Completed { .. }))
        .map(|r| {
            format!(
                "the {} runner {}",
                r.runner.name(),
                describe_outcome(&r.outcome)
            )
        })
        .collect();
    let (files, others) = blame::environment_problems(runners);
    for (problem, why) in files.iter().take(NAMED_FILES) {
        parts.push(format!(
            "{} was not tested because {}",
            problem.path.as_deref().unwrap_or("a file"),
            blame::short_reason(why)
        ));
    }
    if files.len() > NAMED_FILES {
        parts.push(
            plural(
                files.len() - NAMED_FILES,
                "more file was",
                "more files were",
            ) + " not tested",
        );
    }
    if !others.is_empty() {
        parts.push(format!(
            "{} kept ato from testing everything (see Problems)",
            plural(others.len(), "problem", "problems")
        ));
    }
    let not_runnable = Tally::of(runners).not_runnable;
    if not_runnable > 0 {
        parts.push(format!(
            "{} could not run because of ato's own fault",
            plural(not_runnable, "generated test", "generated tests")
        ));
    }
    parts
}

/// The clause saying which failing tests were left out of the verdict because base fails them too.
fn fails_on_base_clause(tally: &Tally) -> Option<String> {
    (tally.fails_on_base > 0).then(|| {
        format!(
            "{} {} on base too, so {} nothing about the change",
            plural(tally.fails_on_base, "generated test", "generated tests"),
            if tally.fails_on_base == 1 {
                "fails"
            } else {
                "fail"
            },
            if tally.fails_on_base == 1 {
                "it says"
            } else {
                "they say"
            },
        )
    })
}

/// The verdict over all runners and a sentence saying why.
pub fn verdict(runners: &[RunnerResult]) -> (Verdict, String) {
    let tally = Tally::of(runners);
    let broken = change_clauses(runners);
    let incomplete = incomplete_clauses(runners);
    let flaky = (tally.flaky > 0).then(|| {
        format!(
            "{} listed",
            plural(tally.flaky, "flaky test", "flaky tests")
        )
    });

    if tally.failed > 0 || tally.behaviour_changes > 0 || !broken.is_empty() {
        let mut parts = broken;
        if tally.failed > 0 {
            parts.push(format!(
                "{} failed on every run",
                plural(tally.failed, "generated test", "generated tests")
            ));
        }
        if tally.behaviour_changes > 0 {
            parts.push(format!(
                "{} between base and head",
                plural(
                    tally.behaviour_changes,
                    "behaviour change",
                    "behaviour changes"
                )
            ));
        }
        parts.extend(flaky);
        parts.extend(fails_on_base_clause(&tally));
        parts.extend(incomplete);
        return (Verdict::Failure, sentence(parts));
    }
    if !incomplete.is_empty() {
        let mut parts = incomplete;
        parts.extend(fails_on_base_clause(&tally));
        parts.push("the results are incomplete".into());
        return (Verdict::Neutral, sentence(parts));
    }
    if runners.is_empty() {
        return (
            Verdict::Neutral,
            "Nothing was tested: no changed file is one ato can test.".into(),
        );
    }
    if tally.ran() == 0 {
        let why = fails_on_base_clause(&tally).unwrap_or_else(|| "no generated test ran".into());
        return (Verdict::Neutral, format!("Nothing was tested: {why}."));
    }
    let passed = match (tally.passed, tally.flaky) {
        (1, 0) => "The generated test passed on every run".to_string(),
        (n, 0) => format!("All {n} generated tests passed on every run"),
        (n, _) => format!(
            "{} passed on every run",
            plural(n, "generated test", "generated tests")
        ),
    };
    let mut parts = vec![passed];
    parts.extend(flaky);
    parts.extend(fails_on_base_clause(&tally));
    (Verdict::Success, sentence(parts))
}

/// Joins clauses into one sentence: `A; b; c.` with the first letter capitalised, unless the sentence starts
/// with a path (`pkg/x.py does not import…`).
fn sentence(parts: Vec<String>) -> String {
    let joined = parts.join("; ");
    let first_word = joined.split(' ').next().unwrap_or("");
    if first_word.contains(['/', '.']) {
        return format!("{joined}.");
    }
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BehaviourChange, Observation, Runner};
    use crate::report::sample::{runner, test};

    #[test]
    fn a_reliable_failure_fails_the_run_even_when_another_runner_crashed() {
        let mut python = runner(Runner::Python);
        python.tests = vec![test("a", TestStatus::Failed), test("b", TestStatus::Passed)];
        let mut node = runner(Runner::Node);
        node.outcome = SandboxOutcome::Crashed {
            exit_code: 2,
            message: "boom".into(),
        };
        let (verdict, summary) = verdict(&[python, node]);
        assert_eq!(verdict, Verdict::Failure);
        assert_eq!(
            summary,
            "1 generated test failed on every run; the node runner crashed (exit code 2)."
        );
    }

    #[test]
    fn tests_failing_on_base_too_or_broken_by_ato_do_not_fail_the_run() {
        let mut python = runner(Runner::Python);
        python.tests = vec![
            test("a", TestStatus::Passed),
            test("b", TestStatus::FailsOnBase),
        ];
        assert_eq!(
            verdict(std::slice::from_ref(&python)),
            (
                Verdict::Success,
                "The generated test passed on every run; 1 generated test fails on base too, so it says \
                 nothing about the change."
                    .into()
            )
        );
        assert!(!is_incomplete(std::slice::from_ref(&python)));
        python.tests.push(test("c", TestStatus::NotRunnable));
        let (verdict_, summary) = verdict(std::slice::from_ref(&python));
        assert_eq!(verdict_, Verdict::Neutral);
        assert!(
            summary.starts_with("1 generated test could not run because of ato's own fault"),
            "{summary}"
        );
        assert!(is_incomplete(&[python]));
    }

    #[test]
    fn nothing_is_learnt_when_every_test_fails_on_base_too() {
        let mut python = runner(Runner::Python);
        python.tests = vec![
            test("a", TestStatus::FailsOnBase),
            test("b", TestStatus::FailsOnBase),
        ];
        assert_eq!(
            verdict(&[python]),
            (
                Verdict::Neutral,
                "Nothing was tested: 2 generated tests fail on base too, so they say nothing about the change."
                    .into()
            )
        );
    }

    #[test]
    fn a_behaviour_change_fails_the_run() {
        let mut python = runner(Runner::Python);
        python.tests = vec![test("a", TestStatus::Passed)];
        python.behaviour_changes = vec![BehaviourChange {
            file: "m.py".into(),
            symbol: "f".into(),
            input: "f(1)".into(),
            base: Observation::Returned { value: "1".into() },
            head: Observation::Returned { value: "2".into() },
        }];
        assert_eq!(
            verdict(&[python]),
            (
                Verdict::Failure,
                "1 behaviour change between base and head.".into()
            )
        );
    }

    #[test]
    fn flaky_tests_alone_do_not_fail_the_run() {
        let mut python = runner(Runner::Python);
        python.tests = vec![
            test("a", TestStatus::Passed),
            test("b", TestStatus::Passed),
            test("c", TestStatus::Flaky),
        ];
        assert_eq!(
            verdict(&[python]),
            (
                Verdict::Success,
                "2 generated tests passed on every run; 1 flaky test listed.".into()
            )
        );
    }

    #[test]
    fn an_unfinished_runner_or_nothing_tested_is_neutral() {
        let mut python = runner(Runner::Python);
        python.tests = vec![test("a", TestStatus::Passed)];
        python.outcome = SandboxOutcome::TimedOut { limit_secs: 600 };
        assert_eq!(
            verdict(&[python]),
            (
                Verdict::Neutral,
                "The python runner timed out after 600 s; the results are incomplete.".into()
            )
        );
        assert_eq!(verdict(&[]).0, Verdict::Neutral);
        let mut skipped = runner(Runner::Java);
        skipped.tests = vec![test("a", TestStatus::Skipped)];
        assert_eq!(
            verdict(&[skipped]),
            (
                Verdict::Neutral,
                "Nothing was tested: no generated test ran.".into()
            )
        );
    }

    #[test]
    fn all_passing_is_success() {
        let mut python = runner(Runner::Python);
        python.tests = vec![test("a", TestStatus::Passed), test("b", TestStatus::Passed)];
        assert_eq!(
            verdict(&[python]),
            (
                Verdict::Success,
                "All 2 generated tests passed on every run.".into()
            )
        );
    }

    #[test]
    fn outcomes_read_well() {
        assert_eq!(
            describe_outcome(&SandboxOutcome::OutOfMemory {
                limit_bytes: 2 << 30
            }),
            "ran out of memory (limit 2048 MiB)"
        );
        assert_eq!(
            describe_outcome(&SandboxOutcome::Failed {
                message: "x".into()
            }),
            "could not be started"
        );
    }
}
