//! The test frameworks a model writes tests in: each one's name (in the prompt and in the answer cache's key)
//! and what the prompt tells the model about it. A language picks one in [`super::Lang::framework`].

/// A test framework the runners can validate a model's test module in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    Pytest,
    /// Node's built-in runner.
    NodeTest,
    Jest,
    /// Not chosen today: a repository on vitest gets `node:test` (vitest is not in every image).
    Vitest,
    Junit5,
}

impl Framework {
    /// `pytest`, `node:test`, `jest`, `vitest`, `junit5`. Cached answers are keyed by it: an answer written
    /// for jest is no answer for `node:test`.
    pub fn name(self) -> &'static str {
        match self {
            Framework::Pytest => "pytest",
            Framework::NodeTest => "node:test",
            Framework::Jest => "jest",
            Framework::Vitest => "vitest",
            Framework::Junit5 => "junit5",
        }
    }

    /// The prompt's instruction for a test module in this framework that imports the code under test from
    /// `module` (see [`super::Lang::module_path`]).
    pub fn hint(self, module: &str) -> String {
        match self {
            Framework::Pytest => format!(
                "Write plain pytest test functions named test_*; import the code under test from the module \
                 `{module}`; use pytest.raises for expected exceptions."
            ),
            Framework::NodeTest => format!(
                "Use Node's built-in runner: test and describe from 'node:test', assertions from \
                 'node:assert/strict'. Import the code under test from '{module}', with the module system the \
                 source uses (import for ES modules, require for CommonJS)."
            ),
            Framework::Jest => format!(
                "Use jest's global describe, test and expect. Import the code under test from '{module}', with \
                 the module system the source uses."
            ),
            Framework::Vitest => format!(
                "Import describe, it and expect from 'vitest'. Import the code under test from '{module}'."
            ),
            Framework::Junit5 => {
                let package = module.rsplit_once('.').map(|(p, _)| p);
                let package = package.map_or(String::new(), |p| format!(" in package {p}"));
                format!(
                    "Write one JUnit 5 test class{package} (org.junit.jupiter.api.Test, static \
                     org.junit.jupiter.api.Assertions.*) for {module}. Do not declare the test class public: the \
                     file it is saved in may have another name."
                )
            }
        }
    }
}
