//! Which of the available runtime versions to run a project with, in order of preference, each with a
//! reason a report can print. The order matters: the runner falls back to the next version when the code
//! fails to import for a version reason.
//!
//! Required constraints (`requires-python`, `python_requires`, `engines.node`) filter; tested signals
//! (`.python-version`, classifiers, tox, CI matrices, `.nvmrc`) rank: the newest available version the
//! project tests on first, then the allowed ones nearest to what it tests on, then (as a last resort) the
//! ones the requirements exclude, nearest first. Without any signal, the newest available comes first.

use super::Note;
use super::ranges::{Ranges, Version};

/// What a project declares about one runtime, and what could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declarations {
    pub constraints: Vec<Constraint>,
    pub notes: Vec<Note>,
}

/// How binding a declaration is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// The project does not work outside it (`requires-python`): filters.
    Required,
    /// The project says it runs or tests on these (a CI matrix, `.python-version`): ranks.
    Tested,
}

/// One declaration of the versions a project runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    /// The file it was read from.
    pub file: String,
    /// What the file says, short (`requires-python ">=3.9"`, `envlist py38, py39`).
    pub said: String,
    pub strength: Strength,
    /// The versions it allows or names.
    pub allows: Ranges,
}

/// Where an available version stands against the declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Allowed, and the project tests on it.
    Tested,
    /// Allowed (or nothing is required), but the project does not say it tests on it.
    Allowed,
    /// Outside what the project requires: only worth a try when nothing else works.
    Outside,
}

/// One available version, in the order to try them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub version: Version,
    pub fit: Fit,
    /// One line for the report (`Python 3.11: the project tests on it (tox.ini envlist py311)`).
    pub reason: String,
}

/// Ranks `available` (each a version series: `3.11`, or a Node major `18`) for `runtime` (`Python`).
pub fn choose(runtime: &str, available: &[Version], constraints: &[Constraint]) -> Vec<Choice> {
    let required: Vec<&Constraint> = constraints
        .iter()
        .filter(|c| c.strength == Strength::Required)
        .collect();
    let signals: Vec<&Constraint> = constraints
        .iter()
        .filter(|c| c.strength == Strength::Tested)
        .collect();
    let allowed = required
        .iter()
        .fold(Ranges::all(), |set, c| set.intersect(&c.allows));
    let tested = signals
        .iter()
        .fold(Ranges::none(), |set, c| set.union(&c.allows));
    let requirement = describe(&required);

    let mut versions: Vec<&Version> = available.iter().collect();
    versions.sort_by(|a, b| b.cmp(a));
    versions.dedup();
    let any_allowed = versions.iter().any(|v| allowed.allows_series(v));
    let any_tested = versions
        .iter()
        .any(|v| allowed.allows_series(v) && tested.allows_series(v));
    // Newest first within each rank (the sort is stable).
    versions.sort_by_key(|v| {
        let outside = !allowed.allows_series(v);
        let far = if outside {
            allowed.distance(v)
        } else {
            tested.distance(v)
        };
        (outside, far)
    });

    versions
        .iter()
        .enumerate()
        .map(|(index, v)| {
            let name = format!("{runtime} {v}");
            let (fit, reason) = if !allowed.allows_series(v) {
                let reason = if !any_allowed && index == 0 {
                    format!("{name}: no available version satisfies {requirement}; {v} is the nearest")
                } else {
                    format!("{name}: outside {requirement}; a last resort")
                };
                (Fit::Outside, reason)
            } else if tested.allows_series(v) {
                let named: Vec<&Constraint> = signals
                    .iter()
                    .copied()
                    .filter(|c| c.allows.allows_series(v))
                    .collect();
                let mut reason = format!("{name}: the project tests on it ({})", describe(&named));
                if !required.is_empty() {
                    reason.push_str(&format!(", and {requirement} allows it"));
                }
                (Fit::Tested, reason)
            } else {
                let within = if required.is_empty() {
                    String::new()
                } else {
                    format!("allowed by {requirement}; ")
                };
                let reason = if signals.is_empty() && required.is_empty() {
                    format!("{name}: the project declares no {runtime} version; newest first")
                } else if signals.is_empty() {
                    format!("{name}: {within}newest first")
                } else if !any_tested {
                    format!(
                        "{name}: {within}none available is one the project tests on ({}); nearest first",
                        describe(&signals)
                    )
                } else {
                    format!("{name}: {within}the project does not say it tests on it")
                };
                (Fit::Allowed, reason)
            };
            Choice {
                version: (*v).clone(),
                fit,
                reason,
            }
        })
        .collect()
}

/// `said (file); said (file)`, at most three, for a reason line.
fn describe(constraints: &[&Constraint]) -> String {
    let mut parts: Vec<String> = constraints
        .iter()
        .take(3)
        .map(|c| format!("{} ({})", c.said, c.file))
        .collect();
    if constraints.len() > 3 {
        parts.push(format!("{} more", constraints.len() - 3));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::python::declared::pep440;

    fn py(list: &[&str]) -> Vec<Version> {
        list.iter()
            .filter_map(|v| Version::parse_prefix(v))
            .collect()
    }

    fn constraint(strength: Strength, file: &str, spec: &str) -> Constraint {
        Constraint {
            file: file.into(),
            said: spec.into(),
            strength,
            allows: pep440::parse(spec).unwrap(),
        }
    }

    fn order(choices: &[Choice]) -> Vec<String> {
        choices.iter().map(|c| c.version.to_string()).collect()
    }

    const AVAILABLE: &[&str] = &["3.9", "3.11", "3.13"];

    #[test]
    fn with_no_signal_the_newest_comes_first() {
        let choices = choose("Python", &py(AVAILABLE), &[]);
        assert_eq!(order(&choices), ["3.13", "3.11", "3.9"]);
        assert!(choices.iter().all(|c| c.fit == Fit::Allowed));
        assert_eq!(
            choices[0].reason,
            "Python 3.13: the project declares no Python version; newest first"
        );
    }

    #[test]
    fn requirements_filter_and_the_excluded_come_last() {
        let req = constraint(Strength::Required, "pyproject.toml", ">=3.8,<3.12");
        let choices = choose("Python", &py(AVAILABLE), &[req]);
        assert_eq!(order(&choices), ["3.11", "3.9", "3.13"]);
        assert_eq!(choices[0].fit, Fit::Allowed);
        assert_eq!(
            choices[0].reason,
            "Python 3.11: allowed by >=3.8,<3.12 (pyproject.toml); newest first"
        );
        assert_eq!(choices[2].fit, Fit::Outside);
        assert!(
            choices[2].reason.contains("outside >=3.8,<3.12"),
            "{}",
            choices[2].reason
        );
    }

    #[test]
    fn the_newest_tested_version_wins_over_the_newest_allowed() {
        let constraints = [
            constraint(Strength::Required, "setup.py", ">=3.8"),
            constraint(Strength::Tested, "tox.ini", "==3.9.*"),
            constraint(Strength::Tested, ".github/workflows/ci.yml", ">=3.9,<3.12"),
        ];
        let choices = choose("Python", &py(AVAILABLE), &constraints);
        assert_eq!(order(&choices), ["3.11", "3.9", "3.13"]);
        assert_eq!(choices[0].fit, Fit::Tested);
        assert_eq!(
            choices[0].reason,
            "Python 3.11: the project tests on it (>=3.9,<3.12 (.github/workflows/ci.yml)), \
             and >=3.8 (setup.py) allows it"
        );
        assert!(
            choices[1].reason.contains("tox.ini"),
            "{}",
            choices[1].reason
        );
        assert_eq!(choices[2].fit, Fit::Allowed);
        assert!(choices[2].reason.contains("does not say it tests on it"));
    }

    #[test]
    fn an_old_project_gets_the_version_nearest_to_what_it_tests_on() {
        let tested = constraint(Strength::Tested, "setup.py", ">=3.6,<3.8");
        let choices = choose("Python", &py(AVAILABLE), &[tested]);
        assert_eq!(order(&choices), ["3.9", "3.11", "3.13"]);
        assert!(
            choices[0]
                .reason
                .contains("none available is one the project tests on"),
            "{}",
            choices[0].reason
        );
    }

    #[test]
    fn when_nothing_satisfies_the_nearest_comes_first_and_says_so() {
        let too_new = constraint(Strength::Required, "pyproject.toml", ">=3.14");
        let choices = choose("Python", &py(AVAILABLE), &[too_new]);
        assert_eq!(order(&choices), ["3.13", "3.11", "3.9"]);
        assert!(choices.iter().all(|c| c.fit == Fit::Outside));
        assert_eq!(
            choices[0].reason,
            "Python 3.13: no available version satisfies >=3.14 (pyproject.toml); 3.13 is the nearest"
        );

        let too_old = constraint(Strength::Required, "setup.py", "<3.8");
        let choices = choose("Python", &py(AVAILABLE), &[too_old]);
        assert_eq!(order(&choices), ["3.9", "3.11", "3.13"]);

        let between = constraint(Strength::Required, "setup.cfg", "==3.10.*");
        let choices = choose("Python", &py(AVAILABLE), &[between]);
        assert_eq!(
            order(&choices),
            ["3.11", "3.9", "3.13"],
            "a tie goes to the newer"
        );
    }

    #[test]
    fn several_requirements_all_apply() {
        let constraints = [
            constraint(Strength::Required, "pyproject.toml", ">=3.9"),
            constraint(Strength::Required, "setup.cfg", "<3.12"),
        ];
        let choices = choose("Python", &py(AVAILABLE), &constraints);
        assert_eq!(order(&choices), ["3.11", "3.9", "3.13"]);
        assert!(
            choices[0]
                .reason
                .contains(">=3.9 (pyproject.toml); <3.12 (setup.cfg)")
        );
    }

    #[test]
    fn tested_versions_outside_the_requirement_do_not_count() {
        let constraints = [
            constraint(Strength::Required, "pyproject.toml", ">=3.10"),
            constraint(Strength::Tested, ".python-version", "==3.9.*"),
        ];
        let choices = choose("Python", &py(AVAILABLE), &constraints);
        assert_eq!(order(&choices), ["3.11", "3.13", "3.9"]);
        assert!(
            choices[0].reason.contains("nearest first"),
            "{}",
            choices[0].reason
        );
        assert_eq!(choices[2].fit, Fit::Outside);
    }
}
