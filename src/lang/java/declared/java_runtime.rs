//! Which JDK to build and test a Java project with. Required: the release its build targets (`pom.xml`,
//! `build.gradle[.kts]`, read by the `java_build` module); tested: CI `java-version`s, `.java-version`
//! (jenv) and `.sdkmanrc`. A JDK compiles an older release with `javac --release N`, so [`choose_jdk`]
//! prefers the lowest available JDK that can compile the target, newer ones next; JDKs too old for the
//! target, or too new to still compile it (JDK 20 dropped release 7), come last.

use super::java_build::{gradle_targets, java_major, pom_targets};
use crate::declared::Note;
use crate::declared::Tree;
use crate::declared::chooser::{Choice, Constraint, Declarations, Fit, Strength, choose};
use crate::declared::ci_workflows::ci_values;
use crate::declared::ranges::{Bound, Ranges, Version, incl};

pub fn java_constraints(tree: &dyn Tree) -> Declarations {
    let mut out = Declarations::default();
    let mut targets = Vec::new();
    if let Some(text) = tree.text("pom.xml") {
        let (found, notes) = pom_targets("pom.xml", &text);
        targets.extend(found);
        out.notes.extend(
            notes
                .into_iter()
                .map(|message| Note::new("pom.xml", message)),
        );
    }
    for file in ["build.gradle", "build.gradle.kts"] {
        if let Some(text) = tree.text(file) {
            targets.extend(gradle_targets(file, &text));
        }
    }
    for target in targets {
        out.constraints.push(Constraint {
            file: target.file,
            said: target.said,
            strength: Strength::Required,
            allows: Ranges::interval(Some(incl(Version::new(&[target.release]))), None),
        });
    }
    for file in [".java-version", ".sdkmanrc"] {
        let Some(text) = tree.text(file) else {
            continue;
        };
        let value = text.lines().map(str::trim).find_map(|line| match file {
            ".sdkmanrc" => line.strip_prefix("java="),
            _ => (!line.is_empty() && !line.starts_with('#')).then_some(line),
        });
        if let Some(value) = value {
            tested(&mut out, file, value, &[value]);
        }
    }
    let (workflows, notes) = ci_values(tree, "java-version", "actions/setup-java");
    out.notes.extend(notes);
    for workflow in workflows {
        let values: Vec<&str> = workflow.values.iter().map(String::as_str).collect();
        tested(
            &mut out,
            &workflow.file,
            &format!("java-version {}", values.join(", ")),
            &values,
        );
    }
    out
}

fn tested(out: &mut Declarations, file: &str, said: &str, values: &[&str]) {
    let allows = values
        .iter()
        .filter_map(|value| java_major(value))
        .fold(Ranges::none(), |all, major| {
            all.union(&Ranges::series(&Version::new(&[major])))
        });
    if !allows.is_empty() {
        out.constraints.push(Constraint {
            file: file.to_string(),
            said: said.to_string(),
            strength: Strength::Tested,
            allows,
        });
    }
}

/// The oldest release a JDK's javac still compiles with `--release` (JDK 12 dropped 6, JDK 20 dropped 7).
pub fn oldest_release(jdk: u64) -> u64 {
    match jdk {
        0..=11 => 6,
        12..=19 => 7,
        _ => 8,
    }
}

/// The release a required constraint stands for (its lower end).
fn release_of(constraint: &Constraint) -> Option<u64> {
    let low: &Bound = constraint.allows.intervals().first()?.low.as_ref()?;
    Some(low.version.major())
}

/// Ranks the available JDKs (majors: `11`, `17`, `21`).
pub fn choose_jdk(available: &[Version], declared: &Declarations) -> Vec<Choice> {
    let required: Vec<(&Constraint, u64)> = declared
        .constraints
        .iter()
        .filter(|c| c.strength == Strength::Required)
        .filter_map(|c| release_of(c).map(|release| (c, release)))
        .collect();
    let Some(release) = required.iter().map(|(_, release)| *release).max() else {
        return choose("JDK", available, &declared.constraints);
    };
    let sources: Vec<String> = required
        .iter()
        .filter(|(_, r)| *r == release)
        .take(2)
        .map(|(c, _)| format!("{}: {}", c.file, c.said))
        .collect();
    let sources = sources.join("; ");
    let tested = declared
        .constraints
        .iter()
        .filter(|c| c.strength == Strength::Tested)
        .fold(Ranges::none(), |all, c| all.union(&c.allows));
    let can_compile = |jdk: u64| jdk >= release && oldest_release(jdk) <= release;
    let mut jdks: Vec<u64> = available.iter().map(Version::major).collect();
    jdks.sort_unstable();
    jdks.dedup();
    // Those that compile it, lowest first; then the others, nearest first (newer on a tie).
    jdks.sort_by_key(|&jdk| {
        let far = if can_compile(jdk) {
            0
        } else {
            jdk.abs_diff(release)
        };
        (
            !can_compile(jdk),
            far,
            if can_compile(jdk) {
                jdk
            } else {
                u64::MAX - jdk
            },
        )
    });
    let any_able = jdks.iter().any(|&jdk| can_compile(jdk));
    jdks.iter()
        .enumerate()
        .map(|(index, &jdk)| {
            let name = format!("JDK {jdk}");
            let (fit, reason) = if can_compile(jdk) {
                let fit = if tested.allows_series(&Version::new(&[jdk])) {
                    Fit::Tested
                } else {
                    Fit::Allowed
                };
                let reason = match (jdk == release, index) {
                    (true, _) => format!("{name}: the release the build targets ({sources})"),
                    (false, 0) => format!(
                        "{name}: the lowest available that compiles release {release} (javac --release {release}; {sources})"
                    ),
                    (false, _) => format!("{name}: also compiles release {release} (javac --release {release})"),
                };
                (fit, reason)
            } else {
                let why = if jdk < release {
                    format!("it is older than release {release} ({sources})")
                } else {
                    format!("its javac no longer compiles release {release} (its oldest is {})", oldest_release(jdk))
                };
                let reason = if !any_able && index == 0 {
                    format!("{name}: no available JDK compiles release {release}: {why}; {jdk} is the nearest")
                } else {
                    format!("{name}: {why}; a last resort")
                };
                (Fit::Outside, reason)
            };
            Choice {
                version: Version::new(&[jdk]),
                fit,
                reason,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
