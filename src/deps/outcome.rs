//! What a dependency container's end means: a filled cache, or `dependencies` problems that name each
//! package that could not be had. Pure.

use super::manifest::{Manifest, problem};
use super::requirements::requirement_name;
use super::script::{INSTALL_FAILED_EXIT, INSTALLED_LINE, MISSING_PREFIX};
use crate::model::{Problem, Runner};
use crate::sandbox::Outcome;

/// How the fill went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fill {
    Installed,
    Failed(Vec<Problem>),
}

/// What the container did, as far as judging it goes.
pub struct Ended<'a> {
    pub outcome: Outcome,
    pub stdout: &'a str,
    pub stderr: &'a str,
    pub timeout_secs: u64,
    pub network: bool,
}

pub fn judge(manifest: &Manifest, ended: &Ended<'_>) -> Fill {
    let source = manifest.source.as_str();
    match ended.outcome {
        Outcome::Exited { code: 0 } if ended.stdout.lines().any(|l| l.trim() == INSTALLED_LINE) => {
            Fill::Installed
        }
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
            let missing = match manifest.runner {
                Runner::Node => node_missing(manifest, ended),
                Runner::Java => maven_missing(manifest, ended),
                Runner::Python => python_missing(manifest, ended),
            };
            if missing.is_empty() {
                Fill::Failed(vec![generic(source, ended.stderr)])
            } else {
                Fill::Failed(missing)
            }
        }
        Outcome::Exited { .. } => Fill::Failed(vec![generic(source, ended.stderr)]),
    }
}

fn why_missing(network: bool) -> &'static str {
    if network {
        "no index or vendored folder has it"
    } else {
        "it is not vendored in the repository and the dependency phase has no network \
         (the operator can allow it with ATO_DEPS_NETWORK=1)"
    }
}

fn python_missing(manifest: &Manifest, ended: &Ended<'_>) -> Vec<Problem> {
    // The probes name the requirements of the file; pip's own error names a missing dependency of a
    // dependency, which no probe sees.
    let probed = ended
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix(MISSING_PREFIX))
        .map(str::trim);
    let from_pip = ended.stderr.lines().filter_map(|line| {
        let (_, rest) = line.split_once("No matching distribution found for ")?;
        Some(rest.trim())
    });
    let mut seen: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for text in probed.chain(from_pip) {
        let key = requirement_name(text).unwrap_or_else(|| text.to_string());
        if text.is_empty() || seen.contains(&key) {
            continue;
        }
        seen.push(key.clone());
        let line = manifest
            .requirements
            .iter()
            .find(|r| r.text == text || r.name.as_deref() == Some(key.as_str()))
            .and_then(|r| r.line);
        let mut problem = problem(
            &manifest.source,
            format!(
                "dependency `{text}` could not be installed: {}",
                why_missing(ended.network)
            ),
        );
        problem.line = line;
        problems.push(problem);
    }
    problems
}

fn node_missing(manifest: &Manifest, ended: &Ended<'_>) -> Vec<Problem> {
    let unreachable = [
        "ENOTCACHED",
        "ENOTFOUND",
        "EAI_AGAIN",
        "ECONNREFUSED",
        "ETIMEDOUT",
        "ENETUNREACH",
    ]
    .iter()
    .any(|code| ended.stderr.contains(code));
    if ended.network && !unreachable {
        return Vec::new();
    }
    manifest
        .remote
        .iter()
        .map(|package| {
            problem(
                &manifest.source,
                format!(
                    "dependency `{}` could not be installed: {} (the lock resolves it to {})",
                    package.name,
                    why_missing(ended.network),
                    package.source
                ),
            )
        })
        .collect()
}

/// The artifacts the harness's parser found in Maven's log, each once.
fn maven_missing(manifest: &Manifest, ended: &Ended<'_>) -> Vec<Problem> {
    let why = if ended.network {
        "no repository the build names has it"
    } else {
        "it is in no repository readable without a network (an in-project file:// repository, or Debian's in \
         the image) and the dependency phase has no network (the operator can allow it with \
         ATO_DEPS_NETWORK=1)"
    };
    let mut seen: Vec<&str> = Vec::new();
    for artifact in ended
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix(MISSING_PREFIX))
        .map(str::trim)
    {
        if !artifact.is_empty() && !seen.contains(&artifact) {
            seen.push(artifact);
        }
    }
    seen.into_iter()
        .map(|artifact| {
            problem(
                &manifest.source,
                format!("Maven could not resolve `{artifact}`: {why}"),
            )
        })
        .collect()
}

/// A failure that names no package: the installer's last words.
fn generic(source: &str, stderr: &str) -> Problem {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(8)..].join("\n");
    problem(
        source,
        format!("the dependencies of {source} could not be installed, so none were:\n{tail}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::manifest::Install;
    use crate::deps::npm_lock::RemotePackage;
    use crate::deps::requirements::parse_requirements;
    use crate::model::ProblemKind;

    fn python() -> Manifest {
        Manifest {
            runner: Runner::Python,
            source: "requirements.txt".into(),
            install: Install::Pip {
                requirements_file: "requirements.txt".into(),
                generated: None,
                find_links: vec![],
            },
            requirements: parse_requirements("tiny-dep==1.0\nNot_Vendored>=2\n").requirements,
            remote: vec![],
            content_digest: String::new(),
        }
    }

    fn ended<'a>(code: i64, stdout: &'a str, stderr: &'a str) -> Ended<'a> {
        Ended {
            outcome: Outcome::Exited { code },
            stdout,
            stderr,
            timeout_secs: 60,
            network: false,
        }
    }

    #[test]
    fn installed_only_with_the_line_and_exit_zero() {
        assert_eq!(
            judge(&python(), &ended(0, "x\nATO-DEPS-INSTALLED\n", "")),
            Fill::Installed
        );
        assert!(matches!(
            judge(&python(), &ended(0, "", "")),
            Fill::Failed(_)
        ));
    }

    #[test]
    fn each_missing_requirement_is_named_once_with_its_line() {
        let stderr = "ERROR: Could not find a version that satisfies the requirement Not_Vendored>=2 \
                      (from versions: none)\nERROR: No matching distribution found for Not_Vendored>=2\n\
                      ERROR: No matching distribution found for deep-dep (from tiny-dep==1.0)\n";
        let Fill::Failed(problems) = judge(
            &python(),
            &ended(3, "ATO-DEPS-MISSING Not_Vendored>=2\n", stderr),
        ) else {
            panic!("not a failure")
        };
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].message.contains("`Not_Vendored>=2`"));
        assert!(problems[0].message.contains("ATO_DEPS_NETWORK=1"));
        assert_eq!(problems[0].line, Some(2));
        assert_eq!(problems[0].path.as_deref(), Some("requirements.txt"));
        assert_eq!(problems[0].kind, ProblemKind::Dependencies);
        assert!(problems[1].message.contains("deep-dep"));
    }

    #[test]
    fn other_failures_show_the_installer_output() {
        let Fill::Failed(problems) = judge(&python(), &ended(1, "", "boom\n")) else {
            panic!()
        };
        assert!(problems[0].message.ends_with("boom"));
        let mut timed_out = ended(0, "", "");
        timed_out.outcome = Outcome::TimedOut;
        let Fill::Failed(problems) = judge(&python(), &timed_out) else {
            panic!()
        };
        assert!(problems[0].message.contains("60 s"));
    }

    #[test]
    fn maven_names_each_unresolved_artifact_once() {
        let mut manifest = python();
        manifest.runner = Runner::Java;
        manifest.source = "pom.xml".into();
        manifest.install = Install::Maven;
        let stdout = "ATO-DEPS-MISSING com.google.guava:guava:33.0-jre\n\
                      ATO-DEPS-MISSING org.apache.maven.plugins:maven-compiler-plugin:3.11.0\n\
                      ATO-DEPS-MISSING com.google.guava:guava:33.0-jre\n";
        let Fill::Failed(problems) = judge(&manifest, &ended(3, stdout, "[ERROR] x")) else {
            panic!()
        };
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0]
                .message
                .contains("`com.google.guava:guava:33.0-jre`")
        );
        assert!(problems[1].message.contains("maven-compiler-plugin:3.11.0"));
        assert!(problems[0].message.contains("ATO_DEPS_NETWORK=1"));
        assert_eq!(problems[0].path.as_deref(), Some("pom.xml"));
        let Fill::Failed(problems) = judge(&manifest, &ended(3, "", "[ERROR] Non-parseable POM"))
        else {
            panic!()
        };
        assert!(problems[0].message.contains("Non-parseable POM"));
    }

    #[test]
    fn node_names_every_registry_package_when_offline() {
        let mut manifest = python();
        manifest.runner = Runner::Node;
        manifest.source = "package-lock.json".into();
        manifest.install = Install::NpmCi;
        manifest.remote = vec![
            RemotePackage {
                name: "left-pad".into(),
                source: "https://r.test/l.tgz".into(),
            },
            RemotePackage {
                name: "ms".into(),
                source: "https://r.test/m.tgz".into(),
            },
        ];
        let Fill::Failed(problems) = judge(&manifest, &ended(3, "", "npm ERR! code ENOTCACHED\n"))
        else {
            panic!()
        };
        assert_eq!(problems.len(), 2);
        assert!(problems[1].message.contains("`ms`"));
        // Online and failing for another reason: npm's own words.
        let mut online = ended(3, "", "npm ERR! code EINTEGRITY\n");
        online.network = true;
        let Fill::Failed(problems) = judge(&manifest, &online) else {
            panic!()
        };
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("EINTEGRITY"));
    }
}
