//! Python: `.py` files, tested with pytest in the `python` runner, dependencies installed by pip.
//!
//! [`outline`] finds the symbols from indentation; [`declared`] reads what the project declares (its
//! interpreter, its dependencies in every file that lists them); [`pip`] turns the dependencies into an
//! install script ([`pip_script`]: all of them, else all but those that cannot be had) and names what pip
//! could not install.

pub(crate) mod declared;
pub(crate) mod entry_points;
mod outline;
mod pip;
mod pip_script;
pub(crate) mod runtime;

use super::{Family, Fences, Framework, Lang, OutlineSymbol, ProjectFiles, TestFile};
use crate::deps::{Detection, Ecosystem, HeadFiles};
use crate::model::Runner;

/// The Python language and its family.
pub struct Python;

const FENCES: Fences = Fences {
    tag: "python",
    tags: &["python", "py", "python3", "py3", "pytest"],
    suffixes: &[".py"],
};

impl Lang for Python {
    fn runner(&self) -> Runner {
        Runner::Python
    }

    fn name(&self) -> &'static str {
        "Python"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["py"]
    }

    /// pytest's defaults: `test_*.py`, `*_test.py`, and its `conftest.py`.
    fn is_test_name(&self, file_name: &str) -> bool {
        let stem = file_name.split('.').next().unwrap_or(file_name);
        file_name.ends_with(".py")
            && (file_name.starts_with("test_")
                || stem.ends_with("_test")
                || file_name == "conftest.py")
    }

    /// protoc's modules.
    fn generated_reason(&self, file_name: &str) -> Option<&'static str> {
        ["_pb2.py", "_pb2_grpc.py"]
            .iter()
            .any(|suffix| file_name.ends_with(suffix))
            .then_some("generated code")
    }

    fn outline(&self, source: &str) -> Vec<OutlineSymbol> {
        outline::outline(source)
    }

    fn fences(&self) -> &'static Fences {
        &FENCES
    }

    /// `import` and `from … import` at the start of a line, parenthesised and continued ones whole.
    fn imports(&self, text: &str) -> Vec<String> {
        let mut statements = Vec::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let is_import = line.starts_with("import ")
                || (line.starts_with("from ") && line.contains(" import"));
            if !is_import {
                continue;
            }
            let mut statement = line.trim_end().to_string();
            let mut open = statement.contains('(') && !statement.contains(')');
            while open || statement.ends_with('\\') {
                let Some(next) = lines.next() else { break };
                statement.push('\n');
                statement.push_str(next.trim_end());
                open = open && !next.contains(')');
            }
            statements.push(statement);
        }
        statements
    }

    /// The dotted module path, from the repository root or from `src/`; a package's `__init__.py` is the
    /// package.
    fn module_path(&self, path: &str, _text: &str) -> String {
        let inner = path.strip_prefix("src/").unwrap_or(path);
        let module = inner.trim_end_matches(".py").replace('/', ".");
        module
            .strip_suffix(".__init__")
            .unwrap_or(&module)
            .to_string()
    }

    fn framework(&self, _project: &ProjectFiles) -> Framework {
        Framework::Pytest
    }

    /// `tests/ato/test_llm_<file>_<symbol>.py`.
    fn placement(&self, path: &str, symbol: &str) -> TestFile {
        let file = path.rsplit('/').next().unwrap_or(path);
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        let flat = symbol.replace('.', "_").to_lowercase();
        let name = format!("test_llm_{stem}_{flat}.py");
        TestFile {
            repo_path: format!("tests/ato/{name}"),
            name,
        }
    }
}

impl Family for Python {
    fn vendored_folders(&self) -> &'static [&'static str] {
        &["site-packages", ".venv", "venv"]
    }

    fn project_files(&self) -> &'static [&'static str] {
        &[]
    }
}

impl Ecosystem for Python {
    /// Every file the declaration readers read (`crate::declared::is_declaration`): requirement files
    /// anywhere (one may include another), and the root `pyproject.toml`, `setup.py`, `setup.cfg`, `Pipfile`,
    /// `tox.ini`…
    fn is_manifest(&self, path: &str) -> bool {
        crate::declared::is_declaration(path)
    }

    fn detect(&self, files: &HeadFiles) -> Detection {
        pip::detect(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_files_by_pytest_naming() {
        for name in ["test_calc.py", "calc_test.py", "conftest.py"] {
            assert!(Python.is_test_name(name), "{name}");
        }
        for name in ["calc.py", "testing_tools.py", "contest.py", "test_calc.js"] {
            assert!(!Python.is_test_name(name), "{name}");
        }
        assert!(Python.generated_reason("service_pb2.py").is_some());
        assert!(Python.generated_reason("builder.py").is_none());
    }

    #[test]
    fn imports_whole_and_top_level_only() {
        let text = "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os, sys\nfrom .util import (\n    a,\n    b,\n)\nfrom x import \\\n    y\n\ndef f():\n    import json\n    return json\n";
        assert_eq!(
            Python.imports(text).join("\n"),
            "from __future__ import annotations\nimport os, sys\nfrom .util import (\n    a,\n    b,\n)\nfrom x import \\\n    y"
        );
    }

    #[test]
    fn how_tests_import_the_code() {
        assert_eq!(Python.module_path("src/pkg/calc.py", ""), "pkg.calc");
        assert_eq!(Python.module_path("pkg/__init__.py", ""), "pkg");
        assert_eq!(Python.module_path("calc.py", ""), "calc");
    }

    #[test]
    fn where_a_model_test_goes() {
        assert_eq!(
            Python.placement("pkg/calc.py", "Stack.push"),
            TestFile {
                name: "test_llm_calc_stack_push.py".into(),
                repo_path: "tests/ato/test_llm_calc_stack_push.py".into()
            }
        );
    }

    #[test]
    fn manifests() {
        for path in [
            "requirements.txt",
            "requirements-dev.txt",
            "requirements/base.txt",
            "pyproject.toml",
            "setup.py",
            "setup.cfg",
            "Pipfile",
            "tox.ini",
        ] {
            assert!(Python.is_manifest(path), "{path}");
        }
        for path in ["sub/pyproject.toml", "notes.txt", "sub/setup.py"] {
            assert!(!Python.is_manifest(path), "{path}");
        }
    }
}
