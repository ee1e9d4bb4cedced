//! Runtime versions: each runner family has one image per Debian suite it can be made from, and the suite
//! fixes the interpreter or JDK (Python 3.13 on trixie, 3.11 on bookworm, 3.9 on bullseye; Java 21/17/11;
//! Node.js 20/18). Pure: names, versions and the parsing of `ato runners` arguments.
//!
//! The default runtime of a family is its newest (trixie): its image keeps the family's plain name
//! (`ato-runner-python`); the others carry the version (`ato-runner-python3.9`, `ato-runner-java11`).

use crate::model::Runner;

/// A Debian release a runner image is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Suite {
    Trixie,
    Bookworm,
    Bullseye,
}

impl Suite {
    /// The suite of every family's default image.
    pub const DEFAULT: Suite = Suite::Trixie;

    /// As Debian names it (mmdebstrap's argument, `debian:<name>-slim`).
    pub fn name(self) -> &'static str {
        match self {
            Suite::Trixie => "trixie",
            Suite::Bookworm => "bookworm",
            Suite::Bullseye => "bullseye",
        }
    }

    /// The suite Debian names `name`.
    pub fn parse(name: &str) -> Option<Suite> {
        [Suite::Trixie, Suite::Bookworm, Suite::Bullseye]
            .into_iter()
            .find(|suite| suite.name() == name)
    }

    /// The slim image of the suite, the Dockerfiles' base where a registry can be reached.
    pub fn registry_base(self) -> String {
        format!("debian:{}-slim", self.name())
    }
}

/// One runner family on one suite: what an image is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Runtime {
    pub runner: Runner,
    pub suite: Suite,
}

/// Every runtime a recipe may build, newest first per family, with the version its suite packages. A
/// recipe builds the ones it has a package list for; runs are offered those without a reason here not to
/// be ([`Runtime::not_offered`]).
const VERSIONS: &[(Runner, Suite, &str)] = &[
    (Runner::Python, Suite::Trixie, "3.13"),
    (Runner::Python, Suite::Bookworm, "3.11"),
    (Runner::Python, Suite::Bullseye, "3.9"),
    (Runner::Java, Suite::Trixie, "21"),
    (Runner::Java, Suite::Bookworm, "17"),
    (Runner::Java, Suite::Bullseye, "11"),
    (Runner::Node, Suite::Trixie, "20"),
    (Runner::Node, Suite::Bookworm, "18"),
];

/// Images that build but whose harness cannot do its job there yet: a run never chooses them.
const NOT_OFFERED: &[(Runner, Suite, &str)] = &[];

impl Runtime {
    /// The family's default (newest) runtime.
    pub fn default_for(runner: Runner) -> Runtime {
        Runtime {
            runner,
            suite: Suite::DEFAULT,
        }
    }

    /// Every runtime of `runner` the table knows, newest first (whether its recipe has a package list for
    /// the suite is the recipe's business: see `runners::runtimes`).
    pub fn all(runner: Runner) -> Vec<Runtime> {
        VERSIONS
            .iter()
            .filter(|(r, _, _)| *r == runner)
            .map(|(runner, suite, _)| Runtime {
                runner: *runner,
                suite: *suite,
            })
            .collect()
    }

    /// The interpreter's or JDK's version series (`3.11`, `17`, `20`); empty for a pair the table lacks.
    pub fn version(self) -> &'static str {
        VERSIONS
            .iter()
            .find(|(r, s, _)| *r == self.runner && *s == self.suite)
            .map(|(_, _, v)| *v)
            .unwrap_or_default()
    }

    /// Why runs are not offered this runtime although its image builds; `None` when they are.
    pub fn not_offered(self) -> Option<&'static str> {
        NOT_OFFERED
            .iter()
            .find(|(r, s, _)| *r == self.runner && *s == self.suite)
            .map(|(_, _, why)| *why)
    }

    pub fn is_default(self) -> bool {
        self.suite == Suite::DEFAULT
    }

    /// Its name in image names and `ato runners` arguments: the family's name for the default
    /// (`python`), else the family and version (`python3.9`, `java11`, `node18`).
    pub fn name(self) -> String {
        if self.is_default() {
            self.runner.name().to_string()
        } else {
            format!("{}{}", self.runner.name(), self.version())
        }
    }

    /// For a person: `Python 3.9`, `Java 17`, `Node.js 18`.
    pub fn label(self) -> String {
        format!("{} {}", family_label(self.runner), self.version())
    }

    /// Reads `python`, `python3.11`, `java17`, `node` …: a family's plain name is its default, the name
    /// with a version one of its runtimes (the default's version too: `python3.13`).
    pub fn parse(name: &str) -> Option<Runtime> {
        Runner::ALL.into_iter().find_map(|runner| {
            let rest = name.strip_prefix(runner.name())?;
            if rest.is_empty() {
                return Some(Runtime::default_for(runner));
            }
            Runtime::all(runner)
                .into_iter()
                .find(|runtime| runtime.version() == rest)
        })
    }
}

/// How reports and reasons name a family's runtime (`Python`, `Java`, `Node.js`).
pub fn family_label(runner: Runner) -> &'static str {
    match runner {
        Runner::Python => "Python",
        Runner::Java => "Java",
        Runner::Node => "Node.js",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_the_plain_family_name_for_the_default() {
        assert_eq!(Runtime::default_for(Runner::Python).name(), "python");
        let py39 = Runtime {
            runner: Runner::Python,
            suite: Suite::Bullseye,
        };
        assert_eq!(py39.name(), "python3.9");
        assert_eq!(py39.label(), "Python 3.9");
        let java17 = Runtime {
            runner: Runner::Java,
            suite: Suite::Bookworm,
        };
        assert_eq!(java17.name(), "java17");
        assert_eq!(
            Runtime::default_for(Runner::Node).label(),
            "Node.js 20".to_string()
        );
    }

    #[test]
    fn parse_reads_plain_and_versioned_names() {
        assert_eq!(
            Runtime::parse("python"),
            Some(Runtime::default_for(Runner::Python))
        );
        assert_eq!(
            Runtime::parse("python3.13"),
            Some(Runtime::default_for(Runner::Python))
        );
        assert_eq!(
            Runtime::parse("python3.9").map(|r| r.suite),
            Some(Suite::Bullseye)
        );
        assert_eq!(
            Runtime::parse("java11").map(|r| r.suite),
            Some(Suite::Bullseye)
        );
        assert_eq!(
            Runtime::parse("node18").map(|r| r.suite),
            Some(Suite::Bookworm)
        );
        for unknown in ["python3.8", "node12", "ruby", "pythonx", ""] {
            assert_eq!(Runtime::parse(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn the_embedded_recipes_offer_three_pythons_three_jdks_and_two_nodes() {
        let offered = |runner| -> Vec<String> {
            crate::runners::runtimes(runner)
                .into_iter()
                .map(Runtime::name)
                .collect()
        };
        assert_eq!(
            offered(Runner::Python),
            ["python", "python3.11", "python3.9"]
        );
        assert_eq!(offered(Runner::Java), ["java", "java17", "java11"]);
        assert_eq!(offered(Runner::Node), ["node", "node18"]);
        for name in ["java17", "java11", "node18"] {
            assert_eq!(Runtime::parse(name).unwrap().not_offered(), None, "{name}");
        }
    }

    #[test]
    fn every_family_lists_its_default_first_and_newest_first() {
        for runner in Runner::ALL {
            let all = Runtime::all(runner);
            assert_eq!(all[0], Runtime::default_for(runner));
            let suites: Vec<Suite> = all.iter().map(|r| r.suite).collect();
            let mut sorted = suites.clone();
            sorted.sort();
            assert_eq!(suites, sorted, "{runner:?}");
        }
    }
}
