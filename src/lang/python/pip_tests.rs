//! Tests of Python's dependency manifest, install script and missing requirements.

use super::*;
use crate::deps::Ecosystem;
use crate::deps::test_support::{ended, found, head_files};
use crate::lang::python::Python;
use crate::model::ProblemKind;

fn files(entries: &[(&str, &[u8])]) -> HeadFiles {
    head_files(&Python, entries)
}

fn input(manifest: &Manifest, name: &str) -> String {
    let inputs = manifest.install.inputs();
    let (_, bytes) = inputs
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in {inputs:?}"));
    String::from_utf8(bytes.clone()).unwrap()
}

#[test]
fn requirements_with_a_vendor_folder() {
    let tree = files(&[
        ("requirements.txt", b"tiny-dep==1.0\n--find-links wheels\n"),
        ("wheels/tiny_dep-1.0-py3-none-any.whl", b"PK1"),
        ("vendor/other-2.0.tar.gz", b"gz"),
        ("vendor/README.md", b"x"),
    ]);
    let manifest = found(Python.detect(&tree));
    assert_eq!(manifest.source, "requirements.txt");
    assert_eq!(manifest.runner, Runner::Python);
    assert_eq!(
        input(&manifest, "options.txt"),
        "--find-links wheels\n--find-links vendor\n"
    );
    assert_eq!(input(&manifest, "requirements.txt"), "tiny-dep==1.0\n");
    assert_eq!(input(&manifest, "probes.txt"), "tiny-dep==1.0\n");
    let script = manifest.install.script(false);
    assert!(
        script.contains("--target /deps/python -r /work/ato-deps/options.txt \"$@\"")
            && script.contains("install_with_extras /work/ato-deps/requirements.txt"),
        "{script}"
    );
    assert_eq!(input(&manifest, "names.txt"), "tiny-dep\n");
    // The requirement is known by its normalised name, on its line.
    let pip_error = "ERROR: No matching distribution found for Tiny_Dep\n";
    let problems = manifest
        .install
        .missing("requirements.txt", &ended(3, "", pip_error));
    assert_eq!(problems[0].line, Some(1));
}

#[test]
fn the_digest_follows_the_requirements_the_archives_and_the_image() {
    let digest = |req: &[u8], wheel: &[u8], image: &str| {
        let tree = files(&[
            ("requirements.txt", req),
            ("vendor/t-1.0-py3-none-any.whl", wheel),
        ]);
        found(Python.detect(&tree)).cache_digest(image)
    };
    let base = digest(b"t\n", b"PK1", "sha256:a");
    assert_eq!(base, digest(b"t\n", b"PK1", "sha256:a"));
    assert_ne!(base, digest(b"t==1\n", b"PK1", "sha256:a"));
    assert_ne!(base, digest(b"t\n", b"PK2", "sha256:a"));
    assert_ne!(base, digest(b"t\n", b"PK1", "sha256:b"));
    assert_ne!(
        base,
        digest(b"# another comment\nt\n", b"PK1", "sha256:a"),
        "a comment is an edit: tests rely on it for a fresh digest"
    );
    assert_eq!(base.len(), 64);
}

#[test]
fn setup_cfg_runtime_and_test_requirements_are_installed_but_not_other_extras() {
    let tree = files(&[
        (
            "setup.cfg",
            b"[metadata]\nname = calc\n\n[options]\ninstall_requires =\n    six>=1.16\n\n\
              [options.extras_require]\ntest =\n    tinydep==1.0\ndocs =\n    sphinx\n",
        ),
        ("setup.py", b"from setuptools import setup\nsetup()\n"),
    ]);
    let manifest = found(Python.detect(&tree));
    assert_eq!(manifest.source, "setup.cfg");
    assert_eq!(
        input(&manifest, "requirements.txt"),
        "six>=1.16\ntinydep==1.0\n"
    );
    assert_eq!(input(&manifest, "options.txt"), "");
    assert_eq!(input(&manifest, "extras.txt"), "", "docs is tooling");
}

#[test]
fn feature_extras_are_tried_with_the_rest_and_tooling_extras_never() {
    let tree = files(&[(
        "pyproject.toml",
        b"[project]\nname = \"bar\"\ndependencies = [\"six\"]\n\n\
          [project.optional-dependencies]\ndiscord = [\"requests\"]\nslack = [\"slack-sdk\"]\n\
          docs = [\"sphinx\"]\nlint-tools = [\"ruff\"]\ntest = [\"pytest-mock\"]\n",
    )]);
    let manifest = found(Python.detect(&tree));
    assert_eq!(input(&manifest, "requirements.txt"), "six\npytest-mock\n");
    assert_eq!(input(&manifest, "extras.txt"), "requests\nslack-sdk\n");
    // The script tries them first, then without them (pip_script's tests run it).
    assert!(
        manifest
            .install
            .script(true)
            .contains(r#"if install "$1" /work/ato-deps/extras.txt; then"#)
    );
}

#[test]
fn pyproject_dependencies_and_what_cannot_be_read() {
    let tree = files(&[(
        "pyproject.toml",
        b"[project]\nname='p'\ndependencies=['tiny-dep>=1', 'attrs']\n",
    )]);
    let manifest = found(Python.detect(&tree));
    assert_eq!(manifest.source, "pyproject.toml");
    assert_eq!(input(&manifest, "requirements.txt"), "tiny-dep>=1\nattrs\n");
    assert_eq!(input(&manifest, "probes.txt"), "tiny-dep>=1\nattrs\n");
    assert!(matches!(
        Python.detect(&files(&[("app.py", b"")])),
        Detection::None
    ));
    assert!(matches!(
        Python.detect(&files(&[("requirements.txt", b"# nothing\n")])),
        Detection::None
    ));
}

#[test]
fn an_index_a_requirements_file_names_is_passed_on_for_the_proxy_to_judge() {
    let tree = files(&[
        (
            "requirements.txt",
            b"--index-url http://10.0.0.5:8080/simple\nsix\n-c requirements/pins.txt\n",
        ),
        ("requirements/pins.txt", b"six==1.17.0\n"),
    ]);
    let manifest = found(Python.detect(&tree));
    assert_eq!(
        input(&manifest, "options.txt"),
        "--index-url http://10.0.0.5:8080/simple\n"
    );
    assert_eq!(input(&manifest, "constraints.txt"), "six==1.17.0\n");
    assert!(
        manifest
            .install
            .script(true)
            .contains(" -c /work/ato-deps/constraints.txt >")
    );
}

#[test]
fn pip_is_offline_unless_the_network_is_allowed() {
    let tree = files(&[("requirements.txt", b"tiny==1.0\n")]);
    let manifest = found(Python.detect(&tree));
    let offline = manifest.install.script(false);
    assert!(offline.contains("'--no-index'"));
    assert!(offline.contains("--target /deps/python"));
    let online = manifest.install.script(true);
    assert!(!online.contains("--no-index"));
    assert!(online.contains("'--retries' '1'"));
}

#[test]
fn each_missing_requirement_is_named_once_with_its_file_and_line() {
    let stderr = "ERROR: Could not find a version that satisfies the requirement not-vendored>=2 \
                  (from versions: none)\nERROR: No matching distribution found for not-vendored>=2\n\
                  ERROR: No matching distribution found for deep-dep (from tiny-dep==1.0)\n";
    let tree = files(&[
        (
            "requirements.txt",
            b"tiny-dep==1.0\n-r requirements-dev.txt\n",
        ),
        ("requirements-dev.txt", b"# dev\nNot_Vendored>=2\n"),
    ]);
    let manifest = found(Python.detect(&tree));
    let problems = manifest.install.missing(
        "requirements.txt",
        &ended(3, "ATO-DEPS-MISSING not-vendored>=2\n", stderr),
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].message.contains("`not-vendored>=2`"));
    assert!(problems[0].message.contains("ATO_DEPS_NETWORK=off"));
    assert_eq!(problems[0].line, Some(2));
    assert_eq!(problems[0].path.as_deref(), Some("requirements-dev.txt"));
    assert_eq!(problems[0].kind, ProblemKind::Dependencies);
    assert!(problems[1].message.contains("deep-dep"));
}

#[test]
fn a_requirement_whose_build_failed_is_named_apart_from_those_that_cannot_be_had() {
    let tree = files(&[(
        "requirements.txt",
        b"six\nBad_Build==1.0\nnbval @ https://github.com/computationalmodelling/nbval/archive/0.10.0.zip\n",
    )]);
    let manifest = found(Python.detect(&tree));
    assert_eq!(input(&manifest, "names.txt"), "six\nbad-build\nnbval\n");
    let stdout = "ATO-DEPS-MISSING nbval @ https://github.com/computationalmodelling/nbval/archive/0.10.0.zip\n\
                  ATO-DEPS-UNBUILT Bad_Build==1.0\nATO-DEPS-PARTIAL\n";
    let mut partial = ended(0, stdout, "ERROR: Failed building wheel for Bad_Build\n");
    partial.network = true;
    partial.cause = Some(crate::deps::Cause::Refused(vec![
        "CONNECT github.com:443".into(),
    ]));
    let problems = manifest.install.missing("requirements.txt", &partial);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let (unbuilt, missing) = (&problems[0], &problems[1]);
    assert!(
        unbuilt
            .message
            .starts_with("dependency `Bad_Build==1.0` could not be installed")
            && unbuilt.message.contains("pip failed to build its wheel")
            && !unbuilt.message.contains("refused"),
        "{unbuilt:#?}"
    );
    assert_eq!(unbuilt.line, Some(2));
    assert!(
        missing.message.contains("`nbval @ https://github.com/")
            && missing.message.contains("CONNECT github.com:443")
            && missing.message.contains("refused"),
        "{missing:#?}"
    );
    assert_eq!(missing.line, Some(3));
    assert_eq!(missing.path.as_deref(), Some("requirements.txt"));
}

#[test]
fn each_missing_requirement_has_the_cause_its_own_probe_shows() {
    let tree = files(&[(
        "requirements.txt",
        b"six\nnbval @ git+https://github.com/computationalmodelling/nbval\nato-no-such-pkg\n",
    )]);
    let manifest = found(Python.detect(&tree));
    let stdout = "ATO-DEPS-MISSING nbval @ git+https://github.com/computationalmodelling/nbval\n\
                  ATO-DEPS-MISSING ato-no-such-pkg\nATO-DEPS-PARTIAL\n";
    let stderr = "ERROR: Could not install packages due to an OSError\n\
                  ATO-DEPS-PROBE nbval @ git+https://github.com/computationalmodelling/nbval\n\
                  fatal: unable to access 'https://github.com/computationalmodelling/nbval/': CONNECT tunnel \
                  failed, response 403\nATO-DEPS-PROBE-END\n\
                  ATO-DEPS-PROBE ato-no-such-pkg\n\
                  ERROR: No matching distribution found for ato-no-such-pkg\nATO-DEPS-PROBE-END\n";
    let refused = vec!["CONNECT github.com:443".to_string()];
    let mut partial = ended(0, stdout, stderr);
    partial.network = true;
    partial.refused = &refused;
    partial.cause = Some(crate::deps::Cause::Refused(refused.clone()));
    let problems = manifest.install.missing("requirements.txt", &partial);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].message.contains("CONNECT github.com:443"),
        "{problems:#?}"
    );
    assert!(
        problems[1].message.contains("has a version that fits")
            && !problems[1].message.contains("github"),
        "not the other one's refusal: {problems:#?}"
    );
    assert_eq!(problems[1].line, Some(3));
}

#[test]
fn what_the_declarations_say_that_cannot_be_read_becomes_a_note() {
    let tree = files(&[("requirements.txt", b"six\n!! not a requirement\n")]);
    let manifest = found(Python.detect(&tree));
    assert_eq!(input(&manifest, "requirements.txt"), "six\n");
    assert!(
        manifest
            .notes
            .iter()
            .any(|n| n.starts_with("dependencies: requirements.txt: line 2")),
        "{:?}",
        manifest.notes
    );
}
