//! The shell script the dependency container runs, and the files it reads. Pure text, so every option
//! (offline, find-links, where things go) is checked without Docker.
//!
//! The script prints machine-readable lines on stdout: `ATO-DEPS-INSTALLED` once the cache is filled, and
//! `ATO-DEPS-MISSING <requirement>` for each requirement pip could not find on its own.

use super::manifest::{Install, Manifest};

/// Where the cache volume is mounted, in both phases.
pub const DEPS_DIR: &str = "/deps";
/// Where the script and its inputs go in the dependency container's workspace.
pub const SCRIPT_DIR: &str = "ato-deps";
pub const INSTALLED_LINE: &str = "ATO-DEPS-INSTALLED";
pub const MISSING_PREFIX: &str = "ATO-DEPS-MISSING ";
/// The script's exit code when the install failed (any other non-zero code is the script itself failing).
pub const INSTALL_FAILED_EXIT: i64 = 3;

/// The workspace files of the dependency container besides `head/`: the script (at
/// `ato-deps/install.sh`) and what it reads.
pub fn files(manifest: &Manifest, network: bool) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        format!("{SCRIPT_DIR}/install.sh"),
        install_script(manifest, network).into_bytes(),
    )];
    if let Install::Pip { generated, .. } = &manifest.install {
        if let Some(generated) = generated {
            files.push((
                format!("{SCRIPT_DIR}/requirements.txt"),
                generated.clone().into_bytes(),
            ));
        }
        let probes: String = manifest
            .requirements
            .iter()
            .map(|requirement| format!("{}\n", requirement.text.replace('\n', " ")))
            .collect();
        files.push((format!("{SCRIPT_DIR}/probes.txt"), probes.into_bytes()));
    }
    files
}

/// The argv of the dependency container.
pub fn command() -> Vec<String> {
    vec!["sh".into(), format!("/work/{SCRIPT_DIR}/install.sh")]
}

pub fn install_script(manifest: &Manifest, network: bool) -> String {
    match &manifest.install {
        Install::Pip {
            requirements_file,
            find_links,
            ..
        } => pip_script(requirements_file, find_links, network),
        Install::NpmCi => npm_script(network),
        Install::Maven => maven_script(),
    }
}

fn pip_script(requirements_file: &str, find_links: &[String], network: bool) -> String {
    let mut options = vec![
        "--no-input",
        "--disable-pip-version-check",
        "--no-cache-dir",
        // Vendored sdists build with the image's setuptools: without a network there is no isolated
        // build environment to fetch.
        "--no-build-isolation",
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    if network {
        options.extend(["--retries", "2", "--timeout", "30"].map(str::to_string));
    } else {
        // Without a network only the vendored archives can be had: say so to pip, which then fails at once
        // instead of retrying an index it cannot reach.
        options.push("--no-index".into());
    }
    for link in find_links {
        options.push("--find-links".into());
        options.push(link.clone());
    }
    let options = options
        .iter()
        .map(|o| sh_quote(o))
        .collect::<Vec<_>>()
        .join(" ");
    let requirements = sh_quote(requirements_file);
    format!(
        r#"set -u
cd /work/head
export PIP_ROOT_USER_ACTION=ignore PYTHONDONTWRITEBYTECODE=1
if python3 -m pip install {options} --no-warn-script-location --target {DEPS_DIR}/python -r {requirements}; then
    echo {INSTALLED_LINE}
    exit 0
fi
# Which requirements could not be had, each on its own (pip stops at the first it cannot find).
while IFS= read -r requirement; do
    [ -n "$requirement" ] || continue
    if ! python3 -m pip download {options} --no-deps --dest /tmp/ato-probe "$requirement" >/dev/null 2>&1; then
        echo "{MISSING_PREFIX}$requirement"
    fi
done < /work/{SCRIPT_DIR}/probes.txt
exit {INSTALL_FAILED_EXIT}
"#
    )
}

fn npm_script(network: bool) -> String {
    let offline = if network { "" } else { " --offline" };
    format!(
        r#"set -u
cd /work/head
export npm_config_cache=/tmp/npm-cache npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# --ignore-scripts: no install script of any package runs.
if ! npm ci --ignore-scripts --no-audit --no-fund{offline}; then
    exit {INSTALL_FAILED_EXIT}
fi
mkdir -p {DEPS_DIR}/node
cp -a node_modules {DEPS_DIR}/node/ || exit 1
echo {INSTALLED_LINE}
"#
    )
}

/// Maven's version of the offline fetch, run by the Java harness (runners/java/harness/ato_java/maven.py) so
/// that it resolves exactly what the test phase's build needs and names what it could not resolve the same way.
fn maven_script() -> String {
    format!(
        r#"set -u
cd /work/head
mkdir -p {DEPS_DIR}/java/m2 || exit 1
log=/tmp/ato-mvn.log
if python3 -m ato_java.maven fill {DEPS_DIR}/java/m2 "$log"; then
    echo {INSTALLED_LINE}
    exit 0
fi
grep -E '^\[(ERROR|WARNING)\]' "$log" | tail -n 40 >&2
python3 -m ato_java.maven missing "$log" | sed 's/^/{MISSING_PREFIX}/'
exit {INSTALL_FAILED_EXIT}
"#
    )
}

/// Single-quotes a word for sh.
pub fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::requirements::Requirement;
    use crate::model::Runner;

    fn pip_manifest(find_links: &[&str]) -> Manifest {
        Manifest {
            runner: Runner::Python,
            source: "requirements.txt".into(),
            install: Install::Pip {
                requirements_file: "requirements.txt".into(),
                generated: None,
                find_links: find_links.iter().map(|s| s.to_string()).collect(),
            },
            requirements: vec![Requirement {
                name: Some("tiny".into()),
                text: "tiny==1.0".into(),
                line: Some(1),
            }],
            remote: Vec::new(),
            content_digest: "d".into(),
        }
    }

    #[test]
    fn pip_is_offline_unless_the_network_is_allowed() {
        let offline = install_script(&pip_manifest(&["vendor it's"]), false);
        assert!(offline.contains("'--no-index'"));
        assert!(offline.contains(r"'--find-links' 'vendor it'\''s'"));
        assert!(offline.contains("--target /deps/python -r 'requirements.txt'"));
        let online = install_script(&pip_manifest(&[]), true);
        assert!(!online.contains("--no-index"));
        assert!(online.contains("'--retries' '2'"));
    }

    #[test]
    fn the_probes_list_each_requirement() {
        let files = files(&pip_manifest(&[]), false);
        let names: Vec<_> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, vec!["ato-deps/install.sh", "ato-deps/probes.txt"]);
        assert_eq!(files[1].1, b"tiny==1.0\n");
    }

    #[test]
    fn npm_never_runs_scripts_and_is_offline_unless_allowed() {
        let mut manifest = pip_manifest(&[]);
        manifest.install = Install::NpmCi;
        let offline = install_script(&manifest, false);
        assert!(offline.contains("npm ci --ignore-scripts --no-audit --no-fund --offline;"));
        assert!(offline.contains("cp -a node_modules /deps/node/"));
        assert!(!install_script(&manifest, true).contains("--offline"));
        assert_eq!(files(&manifest, false).len(), 1);
    }

    #[test]
    fn maven_fills_the_cache_through_the_harness_and_names_what_is_missing() {
        let mut manifest = pip_manifest(&[]);
        manifest.install = Install::Maven;
        let script = install_script(&manifest, false);
        assert!(script.contains(r#"python3 -m ato_java.maven fill /deps/java/m2 "$log""#));
        assert!(script.contains("python3 -m ato_java.maven missing"));
        assert!(script.contains(&format!("sed 's/^/{MISSING_PREFIX}/'")));
        assert_eq!(files(&manifest, false).len(), 1);
    }
}
