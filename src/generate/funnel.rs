//! The validation funnel, as pure functions: how one validated version of a candidate did, whether it goes back
//! to the model, and — once every candidate is final — where each left the funnel and the funnel's numbers.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{CandidateStage, Funnel, RunStatus};

use super::validation::Checked;

/// How one version of a candidate did over its runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judgement {
    DoesNotBuild,
    /// Failed on every run.
    Fails,
    /// Passed on some runs only.
    Flaky,
    /// Passed on every run.
    Passes,
}

pub fn judge(checked: &Checked) -> Judgement {
    if !checked.collected {
        return Judgement::DoesNotBuild;
    }
    let passed = checked
        .runs
        .iter()
        .filter(|run| **run == RunStatus::Passed)
        .count();
    match passed {
        0 => Judgement::Fails,
        n if n == checked.runs.len() => Judgement::Passes,
        _ => Judgement::Flaky,
    }
}

/// A module that does not build or fails every time goes back to the model with its error; a flaky one does
/// not (its error is not the model's to see reliably).
pub fn needs_repair(judgement: Judgement) -> bool {
    matches!(judgement, Judgement::DoesNotBuild | Judgement::Fails)
}

/// Lines per file.
pub type Lines = BTreeMap<String, BTreeSet<u32>>;

/// A candidate's last version as validated: `None` when there was no code to validate.
pub struct Final<'a> {
    pub checked: Option<&'a Checked>,
}

/// Where each candidate left the funnel and the changed lines it ran first, in order: a module that passes every
/// run is kept when it runs a changed line that neither `baseline` (the builtin tests) nor an earlier kept module
/// ran.
pub fn settle(
    finals: &[Final<'_>],
    changed: &Lines,
    mut baseline: Lines,
) -> Vec<(CandidateStage, BTreeMap<String, Vec<u32>>)> {
    finals
        .iter()
        .map(|candidate| {
            let Some(checked) = candidate.checked else {
                return (CandidateStage::NoCode, BTreeMap::new());
            };
            match judge(checked) {
                Judgement::DoesNotBuild => (CandidateStage::DoesNotBuild, BTreeMap::new()),
                Judgement::Fails => (CandidateStage::Fails, BTreeMap::new()),
                Judgement::Flaky => (CandidateStage::Flaky, BTreeMap::new()),
                Judgement::Passes => {
                    let new = new_lines(checked, changed, &baseline);
                    if new.is_empty() {
                        return (CandidateStage::NoNewCoverage, new);
                    }
                    for (path, lines) in &new {
                        baseline
                            .entry(path.clone())
                            .or_default()
                            .extend(lines.iter().copied());
                    }
                    (CandidateStage::Kept, new)
                }
            }
        })
        .collect()
}

fn new_lines(checked: &Checked, changed: &Lines, baseline: &Lines) -> BTreeMap<String, Vec<u32>> {
    let mut new = BTreeMap::new();
    for (path, lines) in &checked.covered {
        let Some(changed_here) = changed.get(path) else {
            continue;
        };
        let known = baseline.get(path);
        let fresh: Vec<u32> = lines
            .iter()
            .copied()
            .filter(|line| changed_here.contains(line))
            .filter(|line| !known.is_some_and(|k| k.contains(line)))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !fresh.is_empty() {
            new.insert(path.clone(), fresh);
        }
    }
    new
}

/// The funnel's numbers from each candidate's stage and its last version's first run.
pub fn count(candidates: &[(CandidateStage, Option<RunStatus>)]) -> Funnel {
    let mut funnel = Funnel::default();
    for (stage, first_run) in candidates {
        use CandidateStage::*;
        if *stage == NoCode {
            continue;
        }
        funnel.generated += 1;
        if *stage == DoesNotBuild {
            continue;
        }
        funnel.builds += 1;
        if *first_run == Some(RunStatus::Passed) {
            funnel.passes += 1;
        }
        if matches!(stage, NoNewCoverage | Kept) {
            funnel.stable += 1;
        }
        if *stage == Kept {
            funnel.adds_coverage += 1;
        }
    }
    funnel
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(collected: bool, runs: &[RunStatus], covered: &[(&str, &[u32])]) -> Checked {
        Checked {
            id: "c".into(),
            collected,
            tests: u32::from(collected),
            runs: runs.to_vec(),
            error: None,
            covered: covered
                .iter()
                .map(|(p, l)| (p.to_string(), l.to_vec()))
                .collect(),
        }
    }

    fn lines(entries: &[(&str, &[u32])]) -> Lines {
        entries
            .iter()
            .map(|(p, l)| (p.to_string(), l.iter().copied().collect()))
            .collect()
    }

    use RunStatus::{Failed as F, Passed as P};

    #[test]
    fn judgements() {
        assert_eq!(judge(&checked(false, &[], &[])), Judgement::DoesNotBuild);
        assert_eq!(judge(&checked(true, &[F, F, F], &[])), Judgement::Fails);
        assert_eq!(judge(&checked(true, &[], &[])), Judgement::Fails);
        assert_eq!(judge(&checked(true, &[P, F, P], &[])), Judgement::Flaky);
        assert_eq!(judge(&checked(true, &[P, P, P], &[])), Judgement::Passes);
        assert!(needs_repair(Judgement::Fails));
        assert!(needs_repair(Judgement::DoesNotBuild));
        assert!(!needs_repair(Judgement::Flaky));
    }

    #[test]
    fn coverage_decides_between_kept_and_no_new_coverage() {
        let changed = lines(&[("a.py", &[3, 4, 5, 9])]);
        let baseline = lines(&[("a.py", &[3])]);
        let first = checked(true, &[P, P], &[("a.py", &[1, 3, 4])]);
        let same = checked(true, &[P, P], &[("a.py", &[3, 4])]);
        let other_file = checked(true, &[P, P], &[("b.py", &[9])]);
        let more = checked(true, &[P, P], &[("a.py", &[5, 9, 10])]);
        let failing = checked(true, &[F, F], &[("a.py", &[5])]);
        let settled = settle(
            &[
                Final {
                    checked: Some(&first),
                },
                Final {
                    checked: Some(&same),
                },
                Final {
                    checked: Some(&other_file),
                },
                Final {
                    checked: Some(&more),
                },
                Final {
                    checked: Some(&failing),
                },
                Final { checked: None },
            ],
            &changed,
            baseline,
        );
        let stages: Vec<_> = settled.iter().map(|(s, _)| *s).collect();
        use CandidateStage::*;
        assert_eq!(
            stages,
            [Kept, NoNewCoverage, NoNewCoverage, Kept, Fails, NoCode]
        );
        assert_eq!(settled[0].1["a.py"], [4]);
        assert_eq!(settled[3].1["a.py"], [5, 9]);
    }

    #[test]
    fn funnel_counts_are_monotone() {
        use CandidateStage::*;
        let funnel = count(&[
            (Kept, Some(P)),
            (NoNewCoverage, Some(P)),
            (Flaky, Some(P)),
            (Flaky, Some(F)),
            (Fails, Some(F)),
            (DoesNotBuild, None),
            (NoCode, None),
        ]);
        assert_eq!(
            funnel,
            Funnel {
                generated: 6,
                builds: 5,
                passes: 3,
                stable: 2,
                adds_coverage: 1
            }
        );
    }
}
