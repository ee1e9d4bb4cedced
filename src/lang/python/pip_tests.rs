//! Tests of Python's dependency manifest, install script and missing requirements.

use super::*;
use crate::deps::test_support::{ended, found, head_files};
use crate::deps::{Ecosystem, Install};
use crate::lang::python::Python;
use crate::model::ProblemKind;

fn files(entries: &[(&str, &[u8])]) -> HeadFiles {
    head_files(&Python, entries)
}

fn pip(requirements: &str, find_links: &[&str]) -> Pip {
    Pip {
        requirements_file: "requirements.txt".into(),
        generated: None,
        find_links: find_links.iter().map(|s| s.to_string()).collect(),
        requirements: requirements::parse_requirements(requirements).requirements,
    }
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
    let script = manifest.install.script(false);
    assert!(
        script
            .contains("'--find-links' 'wheels' '--find-links' 'vendor' --no-warn-script-location"),
        "{script}"
    );
    assert!(script.contains("-r 'requirements.txt'"), "{script}");
    let inputs = manifest.install.inputs();
    assert_eq!(inputs, [("probes.txt".into(), b"tiny-dep==1.0\n".to_vec())]);
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
    assert_eq!(base.len(), 64);
}

#[test]
fn pyproject_dependencies_when_there_is_no_requirements_file() {
    let tree = files(&[(
        "pyproject.toml",
        b"[project]\nname='p'\ndependencies=['tiny-dep>=1', 'attrs']\n",
    )]);
    let manifest = found(Python.detect(&tree));
    assert_eq!(manifest.source, "pyproject.toml");
    assert!(
        manifest
            .install
            .script(false)
            .contains("-r '../ato-deps/requirements.txt'")
    );
    let inputs = manifest.install.inputs();
    assert_eq!(
        inputs[0],
        ("requirements.txt".into(), b"tiny-dep>=1\nattrs\n".to_vec())
    );
    assert_eq!(
        inputs[1],
        ("probes.txt".into(), b"tiny-dep>=1\nattrs\n".to_vec())
    );
    let broken = Python.detect(&files(&[("pyproject.toml", b"[project\n")]));
    assert!(matches!(broken, Detection::Unusable(p) if p[0].kind == ProblemKind::Dependencies));
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
fn pip_is_offline_unless_the_network_is_allowed() {
    let offline = pip("tiny==1.0\n", &["vendor it's"]).script(false);
    assert!(offline.contains("'--no-index'"));
    assert!(offline.contains(r"'--find-links' 'vendor it'\''s'"));
    assert!(offline.contains("--target /deps/python -r 'requirements.txt'"));
    let online = pip("tiny==1.0\n", &[]).script(true);
    assert!(!online.contains("--no-index"));
    assert!(online.contains("'--retries' '2'"));
}

#[test]
fn the_probes_list_each_requirement() {
    let inputs = pip("tiny==1.0\n", &[]).inputs();
    assert_eq!(inputs, [("probes.txt".into(), b"tiny==1.0\n".to_vec())]);
}

#[test]
fn each_missing_requirement_is_named_once_with_its_line() {
    let stderr = "ERROR: Could not find a version that satisfies the requirement Not_Vendored>=2 \
                  (from versions: none)\nERROR: No matching distribution found for Not_Vendored>=2\n\
                  ERROR: No matching distribution found for deep-dep (from tiny-dep==1.0)\n";
    let problems = pip("tiny-dep==1.0\nNot_Vendored>=2\n", &[]).missing(
        "requirements.txt",
        &ended(3, "ATO-DEPS-MISSING Not_Vendored>=2\n", stderr),
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].message.contains("`Not_Vendored>=2`"));
    assert!(problems[0].message.contains("ATO_DEPS_NETWORK=1"));
    assert_eq!(problems[0].line, Some(2));
    assert_eq!(problems[0].path.as_deref(), Some("requirements.txt"));
    assert_eq!(problems[0].kind, ProblemKind::Dependencies);
    assert!(problems[1].message.contains("deep-dep"));
}
