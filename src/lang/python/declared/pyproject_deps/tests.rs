//! Tests of `pyproject.toml`'s dependency tables, on the shapes real projects use.

use crate::declared::fixtures::{ARROW_PYPROJECT, POETRY_PYPROJECT, tree};
use crate::lang::python::declared::python_deps::{PyRequirement, PythonDeps, python_deps};

fn requirements(list: &[PyRequirement]) -> Vec<String> {
    list.iter().map(|r| r.requirement.clone()).collect()
}

fn groups(list: &[PyRequirement]) -> Vec<Option<String>> {
    list.iter().map(|r| r.group.clone()).collect()
}

fn pyproject(text: &str) -> PythonDeps {
    python_deps(&tree(&[("pyproject.toml", text)]))
}

#[test]
fn arrow_pep621_with_a_test_and_a_doc_extra() {
    let deps = pyproject(ARROW_PYPROJECT);
    assert_eq!(
        requirements(&deps.runtime),
        ["python-dateutil>=2.7.0", "types-python-dateutil>=2.8.10"]
    );
    assert_eq!(
        requirements(&deps.test),
        [
            "dateparser==1.*",
            "pre-commit",
            "pytest",
            "pytest-cov",
            "pytest-mock",
            "pytz==2021.1",
            "simplejson==3.*"
        ]
    );
    assert!(
        groups(&deps.test)
            .iter()
            .all(|g| g.as_deref() == Some("test"))
    );
    assert_eq!(
        requirements(&deps.optional),
        [
            "doc8",
            "sphinx>=7.0.0",
            "sphinx-autobuild",
            "sphinx-autodoc-typehints",
            "sphinx-rtd-theme>=1.3.0"
        ]
    );
    assert_eq!(deps.runtime[0].file, "pyproject.toml");
    assert_eq!(deps.runtime[0].line, None);
    assert_eq!(
        deps.installable.as_deref(),
        Some("pyproject.toml [build-system] (flit_core.buildapi)")
    );
    assert!(deps.notes.is_empty(), "{:?}", deps.notes);
}

#[test]
fn a_poetry_application() {
    let deps = pyproject(POETRY_PYPROJECT);
    // A TOML table is read in key order.
    assert_eq!(
        requirements(&deps.runtime),
        [
            "sqlalchemy>=2.0,<2.1",
            "fastapi>=0.110.0,<0.111",
            "./libs/internal-lib",
            "pydantic-settings",
            "tomli>=2.0; python_version < \"3.11\"",
            "toolz @ git+https://github.com/pytoolz/toolz.git@0.12.1",
            "uvicorn[standard]>=0.29.0,<0.30",
        ]
    );
    let internal = &deps.runtime[2];
    assert_eq!(
        (internal.name.as_deref(), internal.local, internal.editable),
        (Some("internal-lib"), true, true)
    );
    assert_eq!(
        requirements(&deps.test),
        [
            "black>=24.3,<25",
            "pytest>=8.1,<9",
            "pytest-asyncio==0.23.*"
        ]
    );
    assert!(
        groups(&deps.test)
            .iter()
            .all(|g| g.as_deref() == Some("dev"))
    );
    assert_eq!(
        requirements(&deps.optional),
        ["httpx>=0.27,<0.28", "mkdocs>=1.5,<2"]
    );
    assert_eq!(
        groups(&deps.optional),
        [Some("client".to_string()), Some("docs".to_string())]
    );
    assert_eq!(
        deps.installable.as_deref(),
        Some("pyproject.toml [build-system] (poetry.core.masonry.api)")
    );
}

#[test]
fn poetry_1_dev_dependencies_and_an_optional_test_extra() {
    let text = "[tool.poetry.dependencies]\npython = \">=3.8,<4\"\nclick = \"^8\"\n\
                pytest-xdist = {version = \"^3\", optional = true}\n\n[tool.poetry.extras]\n\
                testing = [\"pytest-xdist\"]\n\n[tool.poetry.dev-dependencies]\npytest = \"^7\"\n";
    let deps = pyproject(text);
    assert_eq!(requirements(&deps.runtime), ["click>=8,<9"]);
    assert_eq!(
        requirements(&deps.test),
        ["pytest-xdist>=3,<4", "pytest>=7,<8"]
    );
    assert_eq!(deps.installable, None);
}

#[test]
fn pep735_groups_with_includes() {
    let text = "[project]\nname = \"x\"\ndependencies = [\"attrs\"]\n\n[dependency-groups]\n\
                test = [\"pytest>=8\", \"coverage[toml]\", {include-group = \"typing\"}]\n\
                typing = [\"mypy==1.10.0\"]\ndocs = [\"sphinx\"]\nloop = [{include-group = \"loop\"}]\n";
    let deps = pyproject(text);
    assert_eq!(requirements(&deps.runtime), ["attrs"]);
    assert_eq!(
        requirements(&deps.test),
        ["pytest>=8", "coverage[toml]", "mypy==1.10.0"]
    );
    // `typing` is installed with `test` already.
    assert_eq!(requirements(&deps.optional), ["sphinx"]);
    let notes: Vec<String> = deps.notes.iter().map(|n| n.message.clone()).collect();
    assert_eq!(notes, ["[dependency-groups] loop includes itself"]);
    assert_eq!(
        deps.installable.as_deref(),
        Some("pyproject.toml [project] (setuptools by default)")
    );
}

#[test]
fn pdm_dev_dependencies() {
    let text = "[project]\nname = \"app\"\ndependencies = [\"click>=8\"]\n\n[tool.pdm.dev-dependencies]\n\
                test = [\"pytest\", \"-e file:///${PROJECT_ROOT}/libs/helper#egg=helper\"]\nlint = [\"ruff\"]\n";
    let deps = pyproject(text);
    assert_eq!(requirements(&deps.runtime), ["click>=8"]);
    assert_eq!(
        requirements(&deps.test),
        ["pytest", "file:///${PROJECT_ROOT}/libs/helper#egg=helper"]
    );
    let helper = &deps.test[1];
    assert_eq!(
        (helper.name.as_deref(), helper.local, helper.editable),
        (Some("helper"), true, true)
    );
    assert_eq!(requirements(&deps.optional), ["ruff"]);
}

#[test]
fn flit_legacy_metadata() {
    let text = "[build-system]\nrequires = [\"flit_core >=2,<4\"]\nbuild-backend = \"flit_core.buildapi\"\n\n\
                [tool.flit.metadata]\nmodule = \"foo\"\nrequires-python = \">=3.6\"\n\
                requires = [\"requests >=2.6\", \"configparser; python_version == '2.7'\"]\n\
                dev-requires = [\"tox\"]\n\n[tool.flit.metadata.requires-extra]\n\
                test = [\"pytest >=2.7.3\", \"pytest-cov\"]\ndoc = [\"sphinx\"]\n";
    let deps = pyproject(text);
    assert_eq!(
        requirements(&deps.runtime),
        ["requests>=2.6", "configparser; python_version == '2.7'"]
    );
    assert_eq!(
        requirements(&deps.test),
        ["tox", "pytest>=2.7.3", "pytest-cov"]
    );
    assert_eq!(requirements(&deps.optional), ["sphinx"]);
}

#[test]
fn setuptools_dynamic_requirement_files() {
    let text = "[project]\nname = \"x\"\ndynamic = [\"dependencies\", \"optional-dependencies\"]\n\n\
                [tool.setuptools.dynamic]\ndependencies = {file = [\"requirements.in\"]}\n\
                optional-dependencies.test = { file = [\"requirements-test.in\"] }\n\
                optional-dependencies.gpu = { file = [\"missing.txt\"] }\n";
    let deps = python_deps(&tree(&[
        ("pyproject.toml", text),
        ("requirements.in", "numpy>=1.26\n"),
        ("requirements-test.in", "pytest\n"),
    ]));
    assert_eq!(requirements(&deps.runtime), ["numpy>=1.26"]);
    assert_eq!(deps.runtime[0].file, "requirements.in");
    assert_eq!(deps.runtime[0].line, Some(1));
    assert_eq!(requirements(&deps.test), ["pytest"]);
    let notes: Vec<String> = deps.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "pyproject.toml: [tool.setuptools.dynamic] names missing.txt, which is not in the repository"
        ]
    );
}

#[test]
fn bad_toml_and_bad_entries_are_noted() {
    let deps = pyproject("[project\n");
    assert!(
        deps.notes[0].message.starts_with("not TOML"),
        "{:?}",
        deps.notes
    );
    assert_eq!(deps.installable, None);

    let deps =
        pyproject("[project]\ndependencies = \"requests\"\n[tool.poetry.dependencies]\nx = 3\n");
    let notes: Vec<String> = deps.notes.iter().map(|n| n.message.clone()).collect();
    assert_eq!(
        notes,
        [
            "[project] dependencies is not a list",
            "[tool.poetry.dependencies] x: integer is not a version or a table"
        ]
    );
}
