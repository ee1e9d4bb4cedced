//! Tests of `setup.cfg`, `setup.py` and `Pipfile` dependencies.

use crate::declared::fixtures::{REQUESTS_SETUP_PY, tree};
use crate::lang::python::declared::python_deps::{PyRequirement, PythonDeps, python_deps};

fn requirements(list: &[PyRequirement]) -> Vec<String> {
    list.iter().map(|r| r.requirement.clone()).collect()
}

fn notes(deps: &PythonDeps) -> Vec<String> {
    deps.notes.iter().map(ToString::to_string).collect()
}

#[test]
fn requests_setup_py_through_its_variables() {
    let deps = python_deps(&tree(&[("setup.py", REQUESTS_SETUP_PY)]));
    assert_eq!(
        requirements(&deps.runtime),
        [
            "charset-normalizer>=2,<4",
            "idna>=2.5,<4",
            "urllib3>=1.21.1,<3",
            "certifi>=2017.4.17"
        ]
    );
    assert_eq!(
        deps.runtime[0].line,
        Some(53),
        "the line of install_requires="
    );
    assert_eq!(
        requirements(&deps.test),
        [
            "pytest-httpbin==2.1.0",
            "pytest-cov",
            "pytest-mock",
            "pytest-xdist",
            "pysocks>=1.5.6,!=1.5.7",
            "pytest>=3"
        ]
    );
    // The socks extra's PySocks is already a test requirement, as specific.
    assert_eq!(requirements(&deps.optional), ["chardet>=3.0.2,<6"]);
    assert_eq!(
        deps.optional[0].group.as_deref(),
        Some("use_chardet_on_py3")
    );
    assert_eq!(deps.installable.as_deref(), Some("setup.py"));
    assert!(deps.notes.is_empty(), "{:?}", deps.notes);
}

#[test]
fn setup_py_expressions_are_noted_not_guessed() {
    let text = "import sys\nBASE = ['six']\nif sys.platform == 'win32':\n    BASE.append('pywin32')\n\
                setup(\n    install_requires=BASE,\n    tests_require=open('req-test.txt').read().split(),\n\
                    extras_require=make_extras(),\n)\n";
    let deps = python_deps(&tree(&[("setup.py", text)]));
    assert_eq!(requirements(&deps.runtime), ["six"]);
    assert_eq!(
        notes(&deps),
        [
            "setup.py: line 6: install_requires: BASE is changed after its definition (.append(…)); only the \
             literal definition is read",
            "setup.py: line 7: tests_require=open('req-test.txt').read().split() is not a literal; not executed, \
             so its requirements are unknown",
            "setup.py: line 8: extras_require=make_extras() is not a literal; not executed, so its requirements \
             are unknown",
        ]
    );
}

#[test]
fn setup_py_extras_with_markers_in_their_keys() {
    let text = "setup(install_requires='attrs\\nsix  # compat\\n', extras_require={\n    \
                'test:python_version < \"3.8\"': ['importlib-metadata'],\n    'dev': 'pytest',\n})\n";
    let deps = python_deps(&tree(&[("setup.py", text)]));
    assert_eq!(requirements(&deps.runtime), ["attrs", "six"]);
    assert_eq!(
        requirements(&deps.test),
        ["importlib-metadata; python_version < \"3.8\"", "pytest"]
    );
}

#[test]
fn setup_cfg_lists_extras_and_file_directives() {
    let cfg = "[metadata]\nname = pkg\n\n[options]\npackages = find:\ninstall_requires =\n    \
               requests>=2.28\n    importlib-metadata; python_version<\"3.10\"\ntests_require = pytest; pytest-cov\n\n\
               [options.extras_require]\ntesting =\n    pytest-mock\ncrt = botocore[crt]>=1.21.0,<2.0a0\nall = file: requirements-all.txt\n";
    let deps = python_deps(&tree(&[
        ("setup.cfg", cfg),
        ("setup.py", "from setuptools import setup\nsetup()\n"),
        ("requirements-all.txt", "rich\n"),
    ]));
    assert_eq!(
        requirements(&deps.runtime),
        [
            "requests>=2.28",
            "importlib-metadata; python_version<\"3.10\""
        ]
    );
    let lines: Vec<Option<u32>> = deps.runtime.iter().map(|r| r.line).collect();
    assert_eq!(lines, [Some(7), Some(8)]);
    assert_eq!(
        requirements(&deps.test),
        ["pytest", "pytest-cov", "pytest-mock"]
    );
    assert_eq!(
        requirements(&deps.optional),
        ["rich", "botocore[crt]>=1.21.0,<2.0a0"],
        "requirements-all.txt is a requirement file of its own, read first"
    );
    assert_eq!(deps.installable.as_deref(), Some("setup.py"));
}

#[test]
fn setup_cfg_alone_is_not_installable() {
    let deps = python_deps(&tree(&[(
        "setup.cfg",
        "[options]\ninstall_requires = click\n",
    )]));
    assert_eq!(requirements(&deps.runtime), ["click"]);
    assert_eq!(deps.installable, None);
    assert_eq!(
        notes(&deps),
        ["setup.cfg: without setup.py or pyproject.toml, pip cannot install the project itself"]
    );
}

#[test]
fn pipfile_packages_dev_packages_and_categories() {
    let text = "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n\
                [packages]\nrequests = \"*\"\nDjango = \"==4.2.11\"\nrecords = {version = \">0.5.0\", extras = [\"pandas\"]}\n\
                mylib = {path = \"./mylib\", editable = true}\nself = {path = \".\", editable = true}\n\n\
                [dev-packages]\npytest = \">=8\"\n\n[docs]\nsphinx = \"*\"\n\n[requires]\npython_version = \"3.11\"\n";
    let deps = python_deps(&tree(&[("Pipfile", text)]));
    assert_eq!(
        requirements(&deps.runtime),
        [
            "django==4.2.11",
            "./mylib",
            "records[pandas]>0.5.0",
            "requests"
        ]
    );
    assert_eq!(requirements(&deps.test), ["pytest>=8"]);
    assert_eq!(requirements(&deps.optional), ["sphinx"]);
    assert_eq!(deps.optional[0].group.as_deref(), Some("docs"));
    assert!(deps.notes.is_empty(), "{:?}", deps.notes);
}
