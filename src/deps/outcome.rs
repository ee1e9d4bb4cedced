//! What a dependency container's end means: a filled cache; a partial fill, all but the packages that could
//! not be had; or nothing installed. What was left out are `dependencies` problems that name each package
//! (which packages, the family's [`super::Install::missing`] says). Pure.

use super::ended::Ended;
use super::failure::Cause;
use super::manifest::{Manifest, problem};
use super::script::{INSTALL_FAILED_EXIT, INSTALLED_LINE, PARTIAL_LINE, WITHOUT_LEFT_OUT_MARK};
use crate::model::Problem;
use crate::sandbox::Outcome;

/// How the fill went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fill {
    Installed,
    /// Installed without the packages the problems name: used by this run, never cached.
    Partial(Vec<Problem>),
    Failed(Vec<Problem>),
}

pub fn judge(manifest: &Manifest, ended: &Ended<'_>) -> Fill {
    let source = manifest.source.as_str();
    let says = |line: &str| ended.stdout.lines().any(|l| l.trim() == line);
    match ended.outcome {
        // First: a partial fill must never pass for a complete one.
        Outcome::Exited { code: 0 } if says(PARTIAL_LINE) => {
            let mut left_out = manifest.install.missing(source, ended);
            if left_out.is_empty() {
                left_out.push(problem(
                    source,
                    format!(
                        "some dependencies of {source} could not be installed and were left out; the \
                         installer's output says which"
                    ),
                ));
            }
            Fill::Partial(left_out)
        }
        Outcome::Exited { code: 0 } if says(INSTALLED_LINE) => Fill::Installed,
        Outcome::TimedOut => Fill::Failed(vec![problem(
            source,
            format!(
                "installing the dependencies of {source} did not finish within {} s; none were installed",
                ended.timeout_secs
            ),
        )]),
        Outcome::OutOfMemory => Fill::Failed(vec![problem(
            source,
            format!(
                "installing the dependencies of {source} ran out of memory; none were installed"
            ),
        )]),
        Outcome::Exited { code } if code == INSTALL_FAILED_EXIT => {
            let missing = manifest.install.missing(source, ended);
            if missing.is_empty() {
                Fill::Failed(vec![generic(source, ended)])
            } else {
                Fill::Failed(missing)
            }
        }
        Outcome::Exited { .. } => Fill::Failed(vec![generic(source, ended)]),
    }
}

/// Why a package the repository does not vendor could not be had: the cause the output shows (a refusal of
/// the proxy, an unreachable index, a certificate, a failed build), else what the network allowed.
pub fn why_missing(ended: &Ended<'_>) -> String {
    why_missing_because(ended.cause.as_ref(), ended)
}

/// [`why_missing`] with the cause of this one package (from its own output, [`super::failure::cause_in`]).
pub fn why_missing_because(cause: Option<&Cause>, ended: &Ended<'_>) -> String {
    match cause {
        Some(cause) if !matches!(cause, Cause::NoMatchingVersion(_)) => cause.explain(),
        _ if ended.network => "no configured index or vendored folder has a version that fits".into(),
        _ => "it is not vendored in the repository and the dependency phase has no network \
              (ATO_DEPS_NETWORK=off; the default, registries, reaches the configured package indexes)"
            .into(),
    }
}

/// What the cause of the whole install's failure is read from: the output before the script went on without
/// what it left out (the later attempts fail for other reasons, or not at all).
pub fn before_left_out(output: &str) -> &str {
    output
        .find(WITHOUT_LEFT_OUT_MARK)
        .map_or(output, |at| &output[..at])
}

/// A failure that names no package: its cause when known, and the installer's last words.
fn generic(source: &str, ended: &Ended<'_>) -> Problem {
    let lines: Vec<&str> = ended
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let tail = lines[lines.len().saturating_sub(8)..].join("\n");
    let cause = ended
        .cause
        .as_ref()
        .map(|cause| format!(" {}:", cause.explain()))
        .unwrap_or_else(|| ":".into());
    problem(
        source,
        format!(
            "the dependencies of {source} could not be installed, so none were;{cause}\n{tail}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::test_support::{Stub, ended, stub_manifest};
    use crate::model::ProblemKind;

    #[test]
    fn installed_only_with_the_line_and_exit_zero() {
        let manifest = stub_manifest(Stub::default());
        assert_eq!(
            judge(&manifest, &ended(0, "x\nATO-DEPS-INSTALLED\n", "")),
            Fill::Installed
        );
        assert!(matches!(
            judge(&manifest, &ended(0, "", "")),
            Fill::Failed(_)
        ));
    }

    #[test]
    fn a_partial_fill_is_never_taken_for_a_complete_one() {
        let manifest = stub_manifest(Stub {
            missing: vec!["nbval".into()],
            ..Stub::default()
        });
        for stdout in [
            "ATO-DEPS-MISSING nbval\nATO-DEPS-PARTIAL\n",
            "ATO-DEPS-INSTALLED\nATO-DEPS-PARTIAL\n",
        ] {
            let Fill::Partial(left_out) = judge(&manifest, &ended(0, stdout, "")) else {
                panic!("not partial: {stdout}")
            };
            assert_eq!(left_out.len(), 1);
            assert_eq!(left_out[0].message, "nbval is missing");
            assert_eq!(left_out[0].kind, ProblemKind::Dependencies);
        }
        // The line counts only with exit 0.
        assert!(matches!(
            judge(&manifest, &ended(3, "ATO-DEPS-PARTIAL\n", "")),
            Fill::Failed(_)
        ));
    }

    #[test]
    fn a_partial_fill_naming_nothing_still_says_something_was_left_out() {
        let manifest = stub_manifest(Stub::default());
        let Fill::Partial(left_out) = judge(&manifest, &ended(0, "ATO-DEPS-PARTIAL\n", "")) else {
            panic!("not partial")
        };
        assert!(left_out[0].message.contains("left out"), "{left_out:?}");
    }

    #[test]
    fn the_cause_is_read_before_the_install_without_what_was_left_out() {
        let output = "No matching distribution found for gone\n\
                      ato: installing without the requirements left out (1)\n\
                      ERROR: Failed building wheel for other\n";
        assert_eq!(
            before_left_out(output),
            "No matching distribution found for gone\n"
        );
        assert_eq!(before_left_out("all of it"), "all of it");
    }

    #[test]
    fn a_failed_install_names_what_the_family_found_missing() {
        let manifest = stub_manifest(Stub {
            missing: vec!["tiny".into()],
            ..Stub::default()
        });
        let Fill::Failed(problems) = judge(&manifest, &ended(3, "", "boom\n")) else {
            panic!("not a failure")
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message, "tiny is missing");
        assert_eq!(problems[0].kind, ProblemKind::Dependencies);
        assert_eq!(problems[0].path.as_deref(), Some("requirements.txt"));
    }

    #[test]
    fn other_failures_show_the_installer_output() {
        let manifest = stub_manifest(Stub::default());
        // Exit 3 with nothing named, and any other exit.
        for code in [3, 1] {
            let Fill::Failed(problems) = judge(&manifest, &ended(code, "", "boom\n")) else {
                panic!()
            };
            assert!(problems[0].message.ends_with("boom"));
        }
        let mut timed_out = ended(0, "", "");
        timed_out.outcome = Outcome::TimedOut;
        let Fill::Failed(problems) = judge(&manifest, &timed_out) else {
            panic!()
        };
        assert!(problems[0].message.contains("60 s"));
    }

    #[test]
    fn the_network_and_the_cause_change_why_a_package_is_missing() {
        let mut offline = ended(3, "", "");
        assert!(why_missing(&offline).contains("ATO_DEPS_NETWORK=off"));
        offline.network = true;
        assert!(!why_missing(&offline).contains("ATO_DEPS_NETWORK"));
        offline.cause = Some(Cause::Certificate);
        assert!(why_missing(&offline).contains("ATO_CA_BUNDLE"));
        offline.cause = Some(Cause::NoMatchingVersion("x".into()));
        assert!(why_missing(&offline).contains("has a version that fits"));
    }

    #[test]
    fn a_failure_naming_no_package_says_its_cause() {
        let manifest = stub_manifest(Stub::default());
        let mut failed = ended(1, "", "pip said no\n");
        failed.cause = Some(Cause::BuildFailed("badpkg".into()));
        let Fill::Failed(problems) = judge(&manifest, &failed) else {
            panic!()
        };
        assert!(
            problems[0].message.contains("the build of `badpkg` failed")
                && problems[0].message.ends_with("pip said no"),
            "{}",
            problems[0].message
        );
    }
}
