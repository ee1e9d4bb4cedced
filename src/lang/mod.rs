//! Everything language-specific on the Rust side, one module per language family: `python`, `javascript`
//! (JavaScript and TypeScript, which share the Node runner) and `java`.
//!
//! A language is a [`Lang`]: its runner, its file extensions and test-file names, its outline, how its code is
//! fenced in a prompt and an answer, its imports, how a test imports a file, its test framework and where a test
//! goes. A language family, one runner image built from `runners/<name>/`, is a [`Family`]: the folders of
//! installed third-party code, the project files it reads, and its dependency manifests (an
//! [`Ecosystem`]: which files are manifests, what they declare, how they are installed, what a failed install
//! lacked). Every method is required, so a new language that forgets one does not compile.
//!
//! The generic machinery (planning, prompts, the answer scanner, the engine, which hands the dependency phase
//! its family) calls through [`of`] and [`family`], the only matches from [`Language`] and [`Runner`] to a
//! language's module. A new language is its module here, its arm in [`of`] (and in [`family`] for a new
//! runner), its variant and its entry in `ALL` in `model.rs` (and a new runner's name there, as
//! `results.json` spells it), and its runner folder; a new test framework is a [`Framework`] variant, whose matches then ask for its name and hint.
//!
//! Runtime versions (which Python, Node or Java a project wants, from `requires-python`, `.nvmrc`, the pom's
//! release) belong to the [`Family`]: it reads them from the [`ProjectFiles`] it names in
//! [`Family::project_files`], as JavaScript reads `package.json` for its test framework today.

mod clike;
mod framework;
pub(crate) mod java;
pub(crate) mod javascript;
mod outline;
pub(crate) mod python;

use std::collections::BTreeMap;

pub(crate) use crate::deps::Ecosystem;
use crate::model::{Language, Runner};
pub(crate) use framework::Framework;
pub(crate) use outline::OutlineSymbol;

/// One language: what the planner, the prompt and the answer scanner need to know about it.
pub trait Lang: Send + Sync {
    /// The family whose runner runs its tests.
    fn runner(&self) -> Runner;

    /// The name a reader sees: `Python`, `TypeScript`.
    fn name(&self) -> &'static str;

    /// The extensions of its source files, without the dot.
    fn extensions(&self) -> &'static [&'static str];

    /// Whether a file name (without its folders) names a test by this language's own convention. The test
    /// folders and the `.test.`/`.spec.` infix every language shares are checked by the planner itself.
    fn is_test_name(&self, file_name: &str) -> bool;

    /// Why a file of this language is generated code, or declarations only, judging by its name.
    fn generated_reason(&self, file_name: &str) -> Option<&'static str>;

    /// The functions, classes and methods of a source file, in any order. Never fails: a file that does not
    /// parse costs symbols, not the run.
    fn outline(&self, source: &str) -> Vec<OutlineSymbol>;

    /// How its code is fenced in Markdown, in a prompt and in an answer.
    fn fences(&self) -> &'static Fences;

    /// The top-level import statements of a file, each whole (a statement over several lines stays one).
    fn imports(&self, text: &str) -> Vec<String>;

    /// How a test imports the file at `path` whose text is `text`: a Python module path (`pkg.calc`), a
    /// relative specifier from a test beside the file (`./calc.js`), a Java class's full name.
    fn module_path(&self, path: &str, text: &str) -> String;

    /// The framework a model writes tests in for this project (every one the runner can validate).
    fn framework(&self, project: &ProjectFiles) -> Framework;

    /// Where a model-written test of `symbol` (`add`, `Stack.push`) of the file at `path` goes.
    fn placement(&self, path: &str, symbol: &str) -> TestFile;
}

/// One language family: one runner image (named by its [`Runner`]), one container per run, one kind of
/// dependency manifest.
pub trait Family: Ecosystem + Send + Sync {
    /// Folders of installed third-party code, never tested (`node_modules`). Every family's count, whatever
    /// the file's language, as do the shared ones (`vendor`, `third_party`).
    fn vendored_folders(&self) -> &'static [&'static str];

    /// The files at the root of the head tree its project decisions read (the test framework today, the
    /// runtime version next).
    fn project_files(&self) -> &'static [&'static str];
}

/// The language's module: the one match from a [`Language`] to what it knows.
pub fn of(language: Language) -> &'static dyn Lang {
    match language {
        Language::Python => &python::Python,
        Language::JavaScript => &javascript::JavaScript,
        Language::TypeScript => &javascript::TypeScript,
        Language::Java => &java::Java,
    }
}

/// The family's module: the one match from a [`Runner`] to what it knows.
pub fn family(runner: Runner) -> &'static dyn Family {
    match runner {
        Runner::Python => &python::Python,
        Runner::Node => &javascript::Node,
        Runner::Java => &java::Java,
    }
}

impl Language {
    /// The runner image family that handles this language (`runners/<name>/`).
    pub fn runner(self) -> Runner {
        of(self).runner()
    }

    /// As a reader sees it: `Python`, `TypeScript`.
    pub fn name(self) -> &'static str {
        of(self).name()
    }
}

/// How a language's code is fenced in Markdown.
#[derive(Debug)]
pub struct Fences {
    /// The tag on the fences of a prompt (```` ```python ````).
    pub tag: &'static str,
    /// Every tag of an answer's fence that holds this language's code, lower-case.
    pub tags: &'static [&'static str],
    /// File name endings that may tag such a fence instead (```` ```tests/test_calc.py ````).
    pub suffixes: &'static [&'static str],
}

impl Fences {
    /// Whether a fence's tag (its info string's first word, lower-cased) names this language.
    pub fn accepts(&self, tag: &str) -> bool {
        self.tags.contains(&tag) || self.suffixes.iter().any(|suffix| tag.ends_with(suffix))
    }
}

/// Where a model-written test goes: its file name, and its path in the repository (in the patch of tests you
/// can add).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFile {
    pub name: String,
    pub repo_path: String,
}

/// Root files of the head tree, by path, as the families asked for them ([`Family::project_files`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFiles(BTreeMap<String, String>);

impl ProjectFiles {
    /// Every file some family reads, each once.
    pub fn wanted() -> Vec<&'static str> {
        let mut paths: Vec<&'static str> = Runner::ALL
            .into_iter()
            .flat_map(|runner| family(runner).project_files().iter().copied())
            .collect();
        paths.sort_unstable();
        paths.dedup();
        paths
    }

    pub fn insert(&mut self, path: &str, text: String) {
        self.0.insert(path.to_string(), text);
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.0.get(path).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_and_runner_is_listed_and_wired_both_ways() {
        for runner in Runner::ALL {
            assert!(
                Language::ALL.iter().any(|l| l.runner() == runner),
                "no language runs in {runner:?}"
            );
        }
        let names: Vec<&str> = Runner::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(names, ["python", "node", "java"]);
        let names: Vec<&str> = Language::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(names, ["Python", "JavaScript", "TypeScript", "Java"]);
    }

    #[test]
    fn no_extension_belongs_to_two_languages() {
        let mut seen: Vec<&str> = Vec::new();
        for language in Language::ALL {
            for ext in of(language).extensions() {
                assert!(!seen.contains(ext), "{ext} twice");
                seen.push(ext);
            }
        }
    }

    #[test]
    fn project_files_are_asked_once() {
        assert_eq!(ProjectFiles::wanted(), ["package.json"]);
        let mut files = ProjectFiles::default();
        files.insert("package.json", "{}".into());
        assert_eq!(files.get("package.json"), Some("{}"));
        assert_eq!(files.get("pom.xml"), None);
    }
}
