//! Whose doing a problem is: the change's, or the environment's. The runners report facts (the problem's
//! kind, line, `missing_module`, `same_on_base`); this is the one place that judges them.
//!
//! The change's, and so a failure of the run:
//! - a syntax or import error that base does not have (`same_on_base == Some(false)`), unless the import
//!   misses a module that is not part of the repository (that is an installation matter);
//! - when base was not compared (a file new on head), a syntax error at a line the PR added. An import error
//!   that base was not compared for is not: ato cannot tell the change's doing from the sandbox's.
//!
//! The environment's, and so "not tested, because …" with a neutral run: the same failure on base; a
//! missing module that is not the repository's ("not installed"); a timeout; dependency and tool problems;
//! anything ato itself could not do.

use crate::model::{Problem, ProblemKind, RunnerResult, TargetFile};

/// The judgement on one problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blame {
    /// The change broke it: the run fails, with an annotation at the line.
    Change,
    /// Something the change did not do stopped ato from testing: the run is incomplete.
    Environment(Why),
}

/// Why the environment, not the change, is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A module outside the repository could not be found.
    NotInstalled(String),
    /// The step ran past its limit; the limit in seconds when the message names it.
    TookTooLong(Option<u64>),
    /// Base fails the same way.
    SameOnBase,
    /// Dependencies, tools, ato itself, or an error whose origin cannot be told.
    Other,
}

/// Judges `problem`; `targets` are the files of its runner (their changed lines and paths).
pub fn judge(problem: &Problem, targets: &[TargetFile]) -> Blame {
    let env = Blame::Environment;
    match problem.kind {
        ProblemKind::Timeout => return env(Why::TookTooLong(limit_secs(&problem.message))),
        ProblemKind::Dependencies | ProblemKind::Tool => return env(Why::Other),
        ProblemKind::SyntaxError | ProblemKind::ImportError => {}
    }
    let Some(path) = problem.path.as_deref() else {
        return env(Why::Other);
    };
    if let Some(module) = problem.missing_module.as_deref()
        && !is_repository_module(module, targets)
    {
        return env(Why::NotInstalled(module.to_string()));
    }
    match problem.same_on_base {
        Some(true) => env(Why::SameOnBase),
        Some(false) => Blame::Change,
        None => {
            let added = |line: u32| {
                targets
                    .iter()
                    .any(|t| t.path == path && t.changed_lines.contains(&line))
            };
            match (problem.kind, problem.line) {
                (ProblemKind::SyntaxError, Some(line)) if added(line) => Blame::Change,
                _ => env(Why::Other),
            }
        }
    }
}

/// Every problem of every runner with its judgement, in report order.
pub fn judged(runners: &[RunnerResult]) -> Vec<(&Problem, Blame)> {
    runners
        .iter()
        .flat_map(|r| r.problems.iter().map(|p| (p, judge(p, &r.targets))))
        .collect()
}

/// The problems that are the change's doing.
pub fn change_problems(runners: &[RunnerResult]) -> Vec<&Problem> {
    judged(runners)
        .into_iter()
        .filter(|(_, blame)| *blame == Blame::Change)
        .map(|(p, _)| p)
        .collect()
}

/// The environment's problems that cost a changed file its tests (they name the file), and the others.
pub fn environment_problems(runners: &[RunnerResult]) -> (Vec<(&Problem, Why)>, Vec<&Problem>) {
    let mut files = Vec::new();
    let mut others = Vec::new();
    for (problem, blame) in judged(runners) {
        match blame {
            Blame::Change => {}
            Blame::Environment(why) if is_file_level(problem) => files.push((problem, why)),
            Blame::Environment(_) => others.push(problem),
        }
    }
    (files, others)
}

/// A problem that kept one file from being imported, as opposed to one of a test run or a tool.
fn is_file_level(problem: &Problem) -> bool {
    problem.path.is_some()
        && matches!(
            problem.kind,
            ProblemKind::SyntaxError | ProblemKind::ImportError | ProblemKind::Timeout
        )
}

/// `pkg/x.py does not import on head: SyntaxError at line 3` (plain text: the caller escapes it).
pub fn change_headline(problem: &Problem) -> String {
    let path = problem.path.as_deref().unwrap_or("a changed file");
    let what = match problem.kind {
        ProblemKind::SyntaxError => "SyntaxError".to_string(),
        _ => error_name(&problem.message).unwrap_or_else(|| "an error".into()),
    };
    let at = problem
        .line
        .map(|line| format!(" at line {line}"))
        .unwrap_or_default();
    format!("{path} does not import on head: {what}{at}")
}

/// The end of "not tested, because …": `` `six` is not installed`` (Markdown: module names in code spans
/// made by `code`).
pub fn not_tested_because(why: &Why, problem: &Problem, code: &dyn Fn(&str) -> String) -> String {
    match why {
        Why::NotInstalled(module) => format!("{} is not installed", code(module)),
        Why::TookTooLong(Some(secs)) => format!("importing it took longer than {secs} s"),
        Why::TookTooLong(None) => "importing it took longer than its time limit".into(),
        Why::SameOnBase => format!("it fails the same way on base: {}", code(&problem.message)),
        Why::Other => format!(
            "{} ({}), and ato could not tell whether the change caused it",
            match problem.kind {
                ProblemKind::SyntaxError => "it does not parse",
                ProblemKind::Timeout => "a step took too long",
                _ => "importing it failed",
            },
            code(&problem.message)
        ),
    }
}

/// The reason in a few words, for the one-sentence summary (the report's items give the full message).
pub fn short_reason(why: &Why) -> String {
    match why {
        Why::NotInstalled(module) => format!("{module} is not installed"),
        Why::TookTooLong(Some(secs)) => format!("importing it took longer than {secs} s"),
        Why::TookTooLong(None) => "importing it took longer than its time limit".into(),
        Why::SameOnBase => "it fails the same way on base".into(),
        Why::Other => "it could not be imported".into(),
    }
}

/// The exception's name in a runner's import message (`importing pkg.x: RuntimeError: boom`).
fn error_name(message: &str) -> Option<String> {
    let rest = message.split_once(": ").map_or(message, |(_, rest)| rest);
    let name = rest.split(':').next()?.trim();
    let plausible = !name.is_empty()
        && name.len() <= 80
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    plausible.then(|| name.to_string())
}

/// The limit a runner's timeout message names (`… did not finish within 20s`).
fn limit_secs(message: &str) -> Option<u64> {
    let (_, rest) = message.split_once("within ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Whether a missing module could be the repository's own: its first name is a folder or a module of one
/// of the changed files (`pkg.helpers` beside `pkg/x.py`). Anything else is a package to install.
fn is_repository_module(module: &str, targets: &[TargetFile]) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    targets.iter().any(|t| {
        t.path
            .split('/')
            .any(|part| part == top || part.rsplit_once('.').is_some_and(|(stem, _)| stem == top))
    })
}

#[cfg(test)]
#[path = "blame_tests.rs"]
mod tests;
