//! Tests of how the declarations of several files come together: groups, the project itself,
//! de-duplication.

use super::*;
use crate::declared::fixtures::tree;
use crate::lang::python::declared::requirement_list::{Group, group_of};

fn requirements(list: &[PyRequirement]) -> Vec<String> {
    list.iter().map(|r| r.requirement.clone()).collect()
}

#[test]
fn extra_and_group_names_that_mean_tests() {
    for name in [
        "test",
        "tests",
        "Testing",
        "dev",
        "test-extras",
        "dev_tools",
        "development",
    ] {
        assert_eq!(group_of(name), Group::Test, "{name}");
    }
    for name in ["docs", "lint", "all", "socks", "contest", "devops"] {
        assert_eq!(group_of(name), Group::Optional, "{name}");
    }
}

#[test]
fn the_most_specific_requirement_is_kept_where_the_first_was() {
    let deps = python_deps(&tree(&[
        (
            "requirements.txt",
            "requests\nDjango>=4\nrequests==2.31.0\ndjango[argon2]>=4\nattrs; python_version<'3.8'\nattrs>=23\n",
        ),
        (
            "requirements-dev.txt",
            "-r requirements.txt\npytest\nDjango==4.2.11\nrequests\n",
        ),
    ]));
    assert_eq!(
        requirements(&deps.runtime),
        [
            "requests==2.31.0",
            "django[argon2]>=4",
            "attrs; python_version<'3.8'",
            "attrs>=23"
        ]
    );
    assert_eq!(deps.runtime[0].line, Some(3));
    // The test file's own pin of Django is more specific than the runtime range: it stays.
    assert_eq!(requirements(&deps.test), ["django==4.2.11", "pytest"]);
}

#[test]
fn the_project_itself_is_not_a_dependency_but_its_extras_are() {
    let pyproject = "[build-system]\nrequires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n\n\
                     [project]\nname = \"pkg\"\ndependencies = [\"click\"]\n\n[project.optional-dependencies]\n\
                     docs = [\"sphinx\"]\nextras = [\"rich\"]\nlint = [\"ruff\"]\n";
    let deps = python_deps(&tree(&[
        ("pyproject.toml", pyproject),
        ("requirements.txt", "-e .[extras]\n"),
        ("requirements-dev.txt", "-e .[docs]\npytest\n"),
    ]));
    assert_eq!(requirements(&deps.runtime), ["click", "rich"]);
    assert_eq!(requirements(&deps.test), ["pytest", "sphinx"]);
    assert_eq!(requirements(&deps.optional), ["ruff"]);
    assert_eq!(
        deps.installable.as_deref(),
        Some("pyproject.toml [build-system] (setuptools.build_meta)")
    );
}

#[test]
fn an_empty_tree_declares_nothing() {
    let deps = python_deps(&tree(&[("README.md", "# hi\n")]));
    assert_eq!(deps, PythonDeps::default());
}

#[test]
fn a_file_listed_without_contents_is_noted() {
    let contents = tree(&[]);
    let paths = ["requirements.txt".to_string()];
    let view = crate::declared::FnTree::new(
        |path: &str| contents.get(path).map(Vec::as_slice),
        paths.iter(),
    );
    let deps = python_deps(&view);
    assert_eq!(
        deps.notes[0].to_string(),
        "requirements.txt: its contents were not available"
    );
}

#[test]
fn the_project_named_by_its_name_is_itself_too() {
    // requests' pyproject.toml: its test group asks for `requests[socks]`.
    let pyproject = "[project]\nname = \"requests\"\ndependencies = [\"idna>=2.5,<4\"]\n\n\
                     [project.optional-dependencies]\nsocks = [\"PySocks>=1.5.6, !=1.5.7\"]\n\
                     use_chardet_on_py3 = [\"chardet>=3.0.2,<8\"]\n\n\
                     [dependency-groups]\ntest = [\"requests[socks]\", \"pytest>=3\"]\n";
    let deps = python_deps(&tree(&[("pyproject.toml", pyproject)]));
    assert_eq!(requirements(&deps.runtime), ["idna>=2.5,<4"]);
    assert_eq!(
        requirements(&deps.test),
        ["pytest>=3", "pysocks>=1.5.6,!=1.5.7"]
    );
    assert_eq!(requirements(&deps.optional), ["chardet>=3.0.2,<8"]);

    let setup_py = "setup(name='My_Tool', extras_require={'all': ['rich'], 'dev': ['my-tool[all]', 'pytest']})\n";
    let deps = python_deps(&tree(&[("setup.py", setup_py)]));
    assert_eq!(requirements(&deps.test), ["pytest", "rich"]);
}
