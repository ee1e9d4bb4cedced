//! Tests of pip's install script: its shape, and its logic run by the host's `sh` against a fake `python3`
//! whose pip fails the way real pip does (a requirement no index has, a wheel that does not build).

use std::path::Path;
use std::process::Command;

use super::*;

#[test]
fn the_rest_is_tried_only_after_the_whole_and_the_probes() {
    let script = install_script(false, true);
    let whole = script
        .find("if install_with_extras /work/ato-deps/requirements.txt")
        .unwrap();
    let probes = script.find("done </work/ato-deps/probes.txt").unwrap();
    let rest = script.find(r#"install_with_extras "$rest""#).unwrap();
    assert!(whole < probes && probes < rest, "{script}");
    assert_eq!(script.matches("echo ATO-DEPS-INSTALLED").count(), 1);
    assert!(
        script[rest..].contains("echo ATO-DEPS-PARTIAL\n"),
        "{script}"
    );
    assert!(script.contains("for round in 1 2 3; do"));
    // pip stages its install on the dependency volume, not in the container's small /tmp, and cleans up.
    assert!(
        script.contains("export TMPDIR=/deps/.ato-tmp\n"),
        "{script}"
    );
    assert!(
        script.contains("trap 'rm -rf \"$TMPDIR\"' EXIT"),
        "{script}"
    );
    assert!(script.trim_end().ends_with("exit 3"));
}

#[test]
fn constraints_go_with_every_install_and_offline_means_no_index() {
    let script = install_script(true, false);
    assert!(script.contains(" -c /work/ato-deps/constraints.txt >\"$log\" 2>&1"));
    assert!(script.contains("'--no-index'"));
    assert!(!install_script(false, false).contains("constraints.txt"));
}

/// A `python3` whose `pip download` fails for a requirement containing `gone`, and whose `pip install` of
/// the `-r` files fails when one holds `gone` (no such distribution) or a line starting with `bad`
/// (`Failed building wheel for` it), else records what it installed in `$INSTALLED`.
const FAKE_PYTHON: &str = r#"#!/bin/sh
command=$3
shift 3
if [ "$command" = download ]; then
    for requirement; do :; done
    case "$requirement" in
        *gone*) echo "ERROR: No matching distribution found for $requirement" >&2; exit 1 ;;
    esac
    exit 0
fi
files=""
while [ $# -gt 0 ]; do
    if [ "$1" = -r ]; then files="$files $2"; shift; fi
    shift
done
for file in $files; do
    if grep -q gone "$file"; then
        echo "ERROR: No matching distribution found for gone-pkg" >&2
        exit 1
    fi
    bad=$(grep -i '^bad' "$file" | head -n 1 | cut -d= -f1)
    if [ -n "$bad" ]; then
        echo "Building wheel for $bad (pyproject.toml): finished with status 'error'"
        echo "  ERROR: Failed building wheel for $bad" >&2
        exit 1
    fi
done
cat $files >>"$INSTALLED"
"#;

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    installed: String,
}

/// Runs the script with these inputs (`names` line for line with `probes`) in a folder standing for the
/// container's `/work` and `/tmp`.
fn run(requirements: &str, extras: &str, probes: &str, names: &str) -> Ran {
    let root = tempfile::tempdir().unwrap();
    let at = |path: &str| root.path().join(path.trim_start_matches('/'));
    for dir in ["work/head", "work/ato-deps", "tmp", "bin"] {
        std::fs::create_dir_all(at(dir)).unwrap();
    }
    for (name, text) in [
        ("options.txt", ""),
        ("requirements.txt", requirements),
        ("extras.txt", extras),
        ("probes.txt", probes),
        ("names.txt", names),
    ] {
        std::fs::write(at("work/ato-deps").join(name), text).unwrap();
    }
    write_executable(&at("bin/python3"), FAKE_PYTHON);
    let root_text = root.path().display().to_string();
    let script = install_script(false, true)
        .replace("/work/", &format!("{root_text}/work/"))
        .replace("/tmp/ato-", &format!("{root_text}/tmp/ato-"))
        .replace("/deps/", &format!("{root_text}/deps/"));
    let path = format!(
        "{}:{}",
        at("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .env("PATH", path)
        .env("INSTALLED", at("installed.txt"))
        .output()
        .expect("sh runs");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        installed: std::fs::read_to_string(at("installed.txt")).unwrap_or_default(),
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn everything_installs_at_once_with_the_extras() {
    let ran = run("six\n", "tomli\n", "six\n", "six\n");
    assert_eq!((ran.code, ran.stdout.as_str()), (0, "ATO-DEPS-INSTALLED\n"));
    assert_eq!(ran.installed, "six\ntomli\n");
}

#[test]
fn what_cannot_be_had_and_what_does_not_build_are_left_out_and_the_rest_installs() {
    let requirements = "six\ngone-pkg>=1\nBad_Build==1.0\n";
    let names = "six\ngone-pkg\nbad-build\n";
    let ran = run(requirements, "tomli\n", requirements, names);
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (
            0,
            "ATO-DEPS-MISSING gone-pkg>=1\nATO-DEPS-UNBUILT Bad_Build==1.0\nATO-DEPS-PARTIAL\n"
        ),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.installed, "six\ntomli\n", "the rest, with the extras");
    assert!(
        ran.stderr.contains("Failed building wheel for Bad_Build")
            && ran
                .stderr
                .contains("ato: installing without the requirements left out (1, round 1)")
            && ran.stderr.contains("(2, round 2)")
            && ran.stderr.contains(
                "ATO-DEPS-PROBE gone-pkg>=1\nERROR: No matching distribution found for gone-pkg>=1\n\
                 ATO-DEPS-PROBE-END\n"
            ),
        "pip's output and each round go to stderr:\n{}",
        ran.stderr
    );
}

#[test]
fn the_extras_are_left_out_when_the_rest_installs_only_without_them() {
    let requirements = "six\ngone-pkg\n";
    let ran = run(requirements, "bad-extra\n", requirements, "six\ngone-pkg\n");
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "ATO-DEPS-MISSING gone-pkg\nATO-DEPS-PARTIAL\n")
    );
    assert_eq!(ran.installed, "six\n");
}

#[test]
fn nothing_left_to_install_or_nothing_named_is_a_failed_install() {
    let ran = run("gone-pkg\n", "", "gone-pkg\n", "gone-pkg\n");
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (3, "ATO-DEPS-MISSING gone-pkg\n")
    );
    // A build failure of a package nobody declared (a dependency of a dependency) leaves nothing to drop.
    let ran = run("six\nbad-deep\n", "", "six\n", "six\n");
    assert_eq!((ran.code, ran.stdout.as_str()), (3, ""), "{}", ran.stderr);
    assert_eq!(ran.installed, "");
}

#[test]
fn a_requirement_with_shell_words_is_matched_as_written() {
    let requirements = "six ; python_version > \"3\"\ngone-pkg[x]\\y *\n";
    let ran = run(requirements, "", requirements, "six\ngone-pkg\n");
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "ATO-DEPS-MISSING gone-pkg[x]\\y *\nATO-DEPS-PARTIAL\n"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.installed, "six ; python_version > \"3\"\n");
}
