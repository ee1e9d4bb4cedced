//! Which runtime versions to run a runner on, in order: what the head tree declares (`requires-python`,
//! `python_requires`, `.python-version`, tox, CI matrices, classifiers; `engines`, `.nvmrc`; the pom's
//! release, Gradle's toolchain) ranked against the versions this ato has images for, and when to move on to
//! the next one. Pure: a [`Tree`] in, [`Candidate`]s out.

use crate::declared::{Choice, Declarations, Fit, Tree, Version};
use crate::lang::java::declared::java_runtime::{choose_jdk, java_constraints};
use crate::lang::javascript::declared::node_runtime::{choose_node, node_constraints};
use crate::lang::python::declared::python_runtime::{choose_python, python_constraints};
use crate::lang::python::runtime::{Retry, retry_direction};
use crate::model::{Problem, Runner};
use crate::runners::Runtime;

/// A family's ranking of the available versions against its declarations.
type Chooser = fn(&[Version], &Declarations) -> Vec<Choice>;

/// One runtime to run on, with the report's line saying why it is where it is in the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub runtime: Runtime,
    /// Where it stands against what the project requires.
    pub fit: Fit,
    pub reason: String,
}

/// What the head tree makes of a runner's runtimes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimePlan {
    /// The offered runtimes, in the order to try them.
    pub order: Vec<Candidate>,
    /// What the project's files say that could not be read.
    pub notes: Vec<String>,
    /// Whether the project declares anything about this runtime at all.
    pub declared: bool,
}

/// The order to try `offered` (the runner's runtimes this ato has images for) in.
pub fn runtime_order(runner: Runner, offered: &[Runtime], tree: &dyn Tree) -> RuntimePlan {
    let versions: Vec<Version> = offered.iter().filter_map(|r| version_of(*r)).collect();
    let (declared, choices): (Declarations, Chooser) = match runner {
        Runner::Python => (python_constraints(tree), choose_python),
        Runner::Node => (node_constraints(tree), choose_node),
        Runner::Java => (java_constraints(tree), choose_jdk),
    };
    let candidates = choices(&versions, &declared)
        .into_iter()
        .filter_map(|choice| {
            let runtime = offered
                .iter()
                .find(|r| version_of(**r).as_ref() == Some(&choice.version))?;
            Some(Candidate {
                runtime: *runtime,
                fit: choice.fit,
                reason: choice.reason,
            })
        })
        .collect();
    RuntimePlan {
        order: candidates,
        notes: declared.notes.iter().map(ToString::to_string).collect(),
        declared: !declared.constraints.is_empty(),
    }
}

/// The runtime's version as the readers compare them (`3.11`, `17`).
pub fn version_of(runtime: Runtime) -> Option<Version> {
    Version::parse_prefix(runtime.version())
}

/// Whether the problems of a run on `runtime` call for another version (Python only: the other families'
/// runners do not tell a version failure apart yet).
pub fn retry_for(runtime: Runtime, problems: &[Problem]) -> Option<Retry> {
    match runtime.runner {
        Runner::Python => retry_direction(problems, &version_of(runtime)?),
        Runner::Node | Runner::Java => None,
    }
}

/// The next runtime to try after a [`Retry`] on `current`: the first in `order` not tried yet that goes
/// its way. Never one outside what the project requires when `current` was within it: code that fails on
/// every version the project supports fails, and a version it does not support must not hide that.
pub fn next_candidate<'a>(
    order: &'a [Candidate],
    current: &Candidate,
    tried: &[Runtime],
    retry: &Retry,
) -> Option<&'a Candidate> {
    order.iter().find(|candidate| {
        !tried.contains(&candidate.runtime)
            && (candidate.fit != Fit::Outside || current.fit == Fit::Outside)
            && version_of(candidate.runtime).is_some_and(|v| retry.wants.accepts(&v))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::ProblemKind;
    use crate::runners::Suite;

    fn tree(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
            .collect()
    }

    fn offered(runner: Runner) -> Vec<Runtime> {
        Runtime::all(runner)
    }

    fn versions(order: &[Candidate]) -> Vec<&'static str> {
        order.iter().map(|c| c.runtime.version()).collect()
    }

    #[test]
    fn python_requires_below_310_picks_39_with_its_reason() {
        let files = tree(&[(
            "setup.cfg",
            "[metadata]\nname = old\n\n[options]\npython_requires = <3.10\n",
        )]);
        let RuntimePlan {
            order,
            notes,
            declared,
        } = runtime_order(Runner::Python, &offered(Runner::Python), &files);
        assert!(declared);
        assert_eq!(versions(&order), ["3.9", "3.11", "3.13"]);
        assert_eq!(order[0].runtime.suite, Suite::Bullseye);
        assert!(order[0].reason.contains("setup.cfg"), "{}", order[0].reason);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn requires_python_312_picks_313_and_nothing_declared_picks_the_newest() {
        let files = tree(&[(
            "pyproject.toml",
            "[project]\nname = \"new\"\nrequires-python = \">=3.12\"\n",
        )]);
        let order = runtime_order(Runner::Python, &offered(Runner::Python), &files).order;
        assert_eq!(order[0].runtime, Runtime::default_for(Runner::Python));
        let plain = runtime_order(Runner::Python, &offered(Runner::Python), &tree(&[]));
        assert!(!plain.declared);
        let plain = plain.order;
        assert_eq!(versions(&plain), ["3.13", "3.11", "3.9"]);
    }

    #[test]
    fn node_engines_and_java_release_pick_their_versions_when_offered() {
        // Every runtime the table knows, as if all were offered: the readers' choice, before what this ato
        // offers (see the next test).
        let package = r#"{"name": "x", "engines": {"node": ">=18 <20"}}"#;
        let node = runtime_order(
            Runner::Node,
            &offered(Runner::Node),
            &tree(&[("package.json", package)]),
        )
        .order;
        assert_eq!(node[0].runtime.version(), "18");
        let pom = "<project><properties><maven.compiler.release>11</maven.compiler.release>\
                   </properties></project>";
        let java = runtime_order(
            Runner::Java,
            &offered(Runner::Java),
            &tree(&[("pom.xml", pom)]),
        )
        .order;
        assert_eq!(java[0].runtime.version(), "11");
    }

    #[test]
    fn a_node_project_that_asks_for_18_runs_on_node18() {
        // What this ato offers (runners::runtimes): Node.js 20 and 18.
        let offered = crate::runners::runtimes(Runner::Node);
        let engines = r#"{"name": "x", "engines": {"node": ">=18 <19"}}"#;
        for files in [
            tree(&[("package.json", engines)]),
            tree(&[(".nvmrc", "18\n")]),
        ] {
            let plan = runtime_order(Runner::Node, &offered, &files);
            assert!(plan.declared);
            assert_eq!(versions(&plan.order), ["18", "20"]);
            assert_eq!(plan.order[0].runtime.suite, Suite::Bookworm);
            assert_eq!(plan.order[0].runtime.name(), "node18");
            assert_ne!(plan.order[0].fit, Fit::Outside, "{:?}", plan.order[0]);
        }
        let plain = runtime_order(Runner::Node, &offered, &tree(&[])).order;
        assert_eq!(
            versions(&plain),
            ["20", "18"],
            "nothing declared: the newest"
        );
    }

    #[test]
    fn a_node_project_that_asks_for_12_runs_on_18_and_its_reason_says_so() {
        // Node.js 12 has no image (bullseye's has no node:test): the reason must not pretend otherwise.
        let package = r#"{"name": "x", "engines": {"node": "12.x"}}"#;
        let offered = crate::runners::runtimes(Runner::Node);
        let node = runtime_order(Runner::Node, &offered, &tree(&[("package.json", package)])).order;
        assert_eq!(versions(&node), ["18", "20"], "the nearest first");
        assert_eq!(node[0].fit, Fit::Outside);
        assert!(
            node[0].reason.contains("no available version satisfies"),
            "{}",
            node[0].reason
        );
    }

    #[test]
    fn only_offered_runtimes_are_candidates() {
        let only_default = [Runtime::default_for(Runner::Python)];
        let files = tree(&[("setup.cfg", "[options]\npython_requires = <3.10\n")]);
        let order = runtime_order(Runner::Python, &only_default, &files).order;
        assert_eq!(versions(&order), ["3.13"]);
        assert!(
            order[0].reason.contains("no available version"),
            "{}",
            order[0].reason
        );
    }

    #[test]
    fn a_removed_module_moves_on_to_the_next_older_version() {
        let order = runtime_order(Runner::Python, &offered(Runner::Python), &tree(&[])).order;
        let pipes = Problem {
            path: Some("shell.py".to_string()),
            line: None,
            kind: ProblemKind::ImportError,
            message: "No module named 'pipes'".to_string(),
            missing_module: Some("pipes".to_string()),
            same_on_base: Some(true),
        };
        let first = order[0].runtime;
        let retry = retry_for(first, std::slice::from_ref(&pipes)).unwrap();
        let next = next_candidate(&order, &order[0], &[first], &retry).unwrap();
        assert_eq!(next.runtime.version(), "3.11");
        // 3.11 has pipes: no further retry; and Java's problems never ask for one.
        assert_eq!(retry_for(next.runtime, std::slice::from_ref(&pipes)), None);
        let java = Runtime::default_for(Runner::Java);
        assert_eq!(retry_for(java, &[pipes]), None);
    }

    #[test]
    fn no_candidate_left_that_way_is_none() {
        let order = runtime_order(Runner::Python, &offered(Runner::Python), &tree(&[])).order;
        let tried: Vec<Runtime> = order.iter().map(|c| c.runtime).collect();
        let retry = Retry {
            wants: crate::lang::python::runtime::Wants::Below(Version::new(&[3, 13])),
            reason: String::new(),
        };
        assert_eq!(next_candidate(&order, &order[0], &tried, &retry), None);
    }

    #[test]
    fn a_version_the_project_does_not_support_never_hides_a_failure() {
        // requires-python >=3.13: a removed module fails on every version the project supports.
        let files = tree(&[(
            "pyproject.toml",
            "[project]\nrequires-python = \">=3.13\"\n",
        )]);
        let order = runtime_order(Runner::Python, &offered(Runner::Python), &files).order;
        assert_eq!(order[0].fit, Fit::Allowed);
        let retry = Retry {
            wants: crate::lang::python::runtime::Wants::Below(Version::new(&[3, 13])),
            reason: String::new(),
        };
        assert_eq!(
            next_candidate(&order, &order[0], &[order[0].runtime], &retry),
            None
        );
        // When nothing offered is allowed, the nearest outside ones are all there is.
        let old = tree(&[("setup.cfg", "[options]\npython_requires = <3.8\n")]);
        let order = runtime_order(Runner::Python, &offered(Runner::Python), &old).order;
        assert_eq!(order[0].fit, Fit::Outside);
        let next = next_candidate(&order, &order[0], &[order[0].runtime], &retry);
        assert!(next.is_some());
    }
}
