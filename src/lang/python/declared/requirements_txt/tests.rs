//! Tests of requirement files: their names, includes and options.

use super::*;
use crate::declared::fixtures::tree;
use crate::lang::python::declared::python_deps::{PythonDeps, python_deps};

fn requirements(list: &[crate::lang::python::declared::python_deps::PyRequirement]) -> Vec<String> {
    list.iter().map(|r| r.requirement.clone()).collect()
}

fn read(files: &[(&str, &str)]) -> PythonDeps {
    python_deps(&tree(files))
}

#[test]
fn file_names_say_what_they_are_for() {
    let cases = [
        ("requirements.txt", Some(Group::Runtime)),
        ("requirements-dev.txt", Some(Group::Test)),
        ("requirements-test.txt", Some(Group::Test)),
        ("requirements_test.txt", Some(Group::Test)),
        ("dev-requirements.txt", Some(Group::Test)),
        ("test-requirements.txt", Some(Group::Test)),
        ("requirements-tests.txt", Some(Group::Test)),
        ("tests/requirements.txt", Some(Group::Test)),
        ("requirements/base.txt", Some(Group::Runtime)),
        ("requirements/prod.txt", Some(Group::Runtime)),
        ("requirements/default.txt", Some(Group::Runtime)),
        ("requirements/test-ci-base.txt", Some(Group::Test)),
        ("requirements/extras/redis.txt", None),
        ("requirements/testing.txt", Some(Group::Test)),
        ("requirements/local.txt", Some(Group::Optional)),
        ("requirements-docs.txt", Some(Group::Optional)),
        ("docs/requirements.txt", None),
        ("src/pkg/requirements.txt", None),
        ("tests/data.txt", None),
        ("requirements.in", None),
        ("notes.txt", None),
    ];
    for (path, group) in cases {
        assert_eq!(classify(path), group, "{path}");
    }
}

#[test]
fn paths_join_relative_to_the_including_file() {
    assert_eq!(
        join("requirements/dev.txt", "base.txt"),
        "requirements/base.txt"
    );
    assert_eq!(
        join("requirements/dev.txt", "../requirements.txt"),
        "requirements.txt"
    );
    assert_eq!(
        join("requirements.txt", "./requirements/a.txt"),
        "requirements/a.txt"
    );
    assert_eq!(join("requirements.txt", "/abs/x"), "/abs/x");
}

#[test]
fn options_in_every_spelling() {
    assert_eq!(
        split_option("-r base.txt"),
        ("-r".into(), "base.txt".into())
    );
    assert_eq!(split_option("-rbase.txt"), ("-r".into(), "base.txt".into()));
    assert_eq!(
        split_option("--requirement=base.txt"),
        ("--requirement".into(), "base.txt".into())
    );
    assert_eq!(
        split_option("--no-index"),
        ("--no-index".into(), String::new())
    );
}

#[test]
fn includes_constraints_options_and_lines() {
    let deps = read(&[
        (
            "requirements.txt",
            "# runtime\n-c constraints.txt\n--index-url https://pypi.example/simple\n\
             --extra-index-url=https://extra.example/simple\n-f wheels\n--no-index\n\
             Django>=4.2,<5.0  # web\nrequests[socks]==2.31.0 \\\n    --hash=sha256:abc\n\
             -e ./libs/core\n-e git+https://git.example/x.git@v1#egg=X_Lib\n./vendor/tiny_dep-1.0-py3-none-any.whl\n",
        ),
        ("constraints.txt", "urllib3<2\n"),
        (
            "requirements/dev.txt",
            "-r ../requirements.txt\n-r test.txt\nblack\n",
        ),
        (
            "requirements/test.txt",
            "pytest>=7\nDjango>=4.2,<5.0\n-r dev.txt\n",
        ),
        ("wheels/a-1.0-py3-none-any.whl", ""),
    ]);
    assert_eq!(
        requirements(&deps.runtime),
        [
            "django>=4.2,<5.0",
            "requests[socks]==2.31.0",
            "./libs/core",
            "git+https://git.example/x.git@v1#egg=X_Lib",
            "./vendor/tiny_dep-1.0-py3-none-any.whl"
        ]
    );
    let lines: Vec<Option<u32>> = deps.runtime.iter().map(|r| r.line).collect();
    assert_eq!(lines, [Some(7), Some(8), Some(10), Some(11), Some(12)]);
    let flags: Vec<(bool, bool)> = deps.runtime.iter().map(|r| (r.local, r.editable)).collect();
    assert_eq!(
        flags,
        [
            (false, false),
            (false, false),
            (true, true),
            (false, true),
            (true, false)
        ]
    );
    assert_eq!(deps.runtime[3].name.as_deref(), Some("x-lib"));
    assert_eq!(deps.runtime[4].name.as_deref(), Some("tiny-dep"));
    // requirements/test.txt and requirements/dev.txt include each other: each is read once.
    assert_eq!(requirements(&deps.test), ["pytest>=7", "black"]);
    assert_eq!(deps.test[0].file, "requirements/test.txt");
    assert_eq!(requirements(&deps.constraints), ["urllib3<2"]);
    let options: Vec<(String, Option<String>)> = deps
        .pip_options
        .iter()
        .map(|o| (o.option.clone(), o.value.clone()))
        .collect();
    assert_eq!(
        options,
        [
            (
                "--index-url".into(),
                Some("https://pypi.example/simple".into())
            ),
            (
                "--extra-index-url".into(),
                Some("https://extra.example/simple".into())
            ),
            ("--find-links".into(), Some("wheels".into())),
            ("--no-index".into(), None),
        ]
    );
    let notes: Vec<String> = deps.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "requirements.txt: --hash options are not passed on (the requirements are kept without them)"
        ]
    );
}

#[test]
fn missing_and_remote_includes_and_unknown_options_are_noted() {
    let deps = read(&[(
        "requirements-dev.txt",
        "-r requirements-base.txt\n-r https://x.example/r.txt\n--require-hashes\nnot a requirement!\npytest\n",
    )]);
    assert_eq!(requirements(&deps.test), ["pytest"]);
    let notes: Vec<String> = deps.notes.iter().map(|n| n.message.clone()).collect();
    assert_eq!(
        notes,
        [
            "line 1: -r requirements-base.txt: no such file in the repository",
            "line 2: -r https://x.example/r.txt: a remote file is not read",
            "line 3: option --require-hashes is not passed on",
            "line 4: \"not a requirement!\" is not a requirement pip can read",
        ]
    );
}

#[test]
fn a_find_links_folder_is_made_relative_to_the_root() {
    let deps = read(&[
        (
            "requirements/base.txt",
            "--find-links ../vendor\n--find-links wheelhouse\ntiny\n",
        ),
        ("vendor/tiny-1.0.tar.gz", ""),
    ]);
    let values: Vec<Option<String>> = deps.pip_options.iter().map(|o| o.value.clone()).collect();
    assert_eq!(values, [Some("vendor".into()), Some("wheelhouse".into())]);
}
