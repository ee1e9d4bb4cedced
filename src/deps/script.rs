//! The dependency container's script: where it goes, how it is started, and what it must say. Each family
//! writes its own (`src/lang/`); this is the contract they share. Pure.
//!
//! The script runs in `/work/head` with the cache volume at `/deps`, prints machine-readable lines on stdout:
//! `ATO-DEPS-INSTALLED` once the cache is filled, `ATO-DEPS-MISSING <package>` for each package it could
//! not have and `ATO-DEPS-UNBUILT <package>` for each whose build failed, and exits with
//! [`INSTALL_FAILED_EXIT`] when the install failed. A script that installed all but the packages it named ends
//! with `ATO-DEPS-PARTIAL` and exit 0: what it installed is used by this run and never cached.

use super::manifest::Manifest;

/// Where the cache volume is mounted, in both phases.
pub const DEPS_DIR: &str = "/deps";
/// Where the script and its inputs go in the dependency container's workspace.
pub const SCRIPT_DIR: &str = "ato-deps";
pub const INSTALLED_LINE: &str = "ATO-DEPS-INSTALLED";
pub const MISSING_PREFIX: &str = "ATO-DEPS-MISSING ";
/// A requirement that could be had but whose build failed, so the install went on without it.
pub const UNBUILT_PREFIX: &str = "ATO-DEPS-UNBUILT ";
/// Everything was installed but the packages named missing or unbuilt.
pub const PARTIAL_LINE: &str = "ATO-DEPS-PARTIAL";
/// What the script prints on stderr before it installs without what it left out: the cause of the whole
/// install's failure is read from the output before it.
pub const WITHOUT_LEFT_OUT_MARK: &str = "ato: installing without the requirements left out";
/// The script's exit code when the install failed (any other non-zero code is the script itself failing).
pub const INSTALL_FAILED_EXIT: i64 = 3;

/// The workspace files of the dependency container besides `head/`: the script (at `ato-deps/install.sh`) and
/// what it reads, in its folder.
pub fn files(manifest: &Manifest, network: bool) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        format!("{SCRIPT_DIR}/install.sh"),
        manifest.install.script(network).into_bytes(),
    )];
    for (name, bytes) in manifest.install.inputs() {
        files.push((format!("{SCRIPT_DIR}/{name}"), bytes));
    }
    files
}

/// The argv of the dependency container.
pub fn command() -> Vec<String> {
    vec!["sh".into(), format!("/work/{SCRIPT_DIR}/install.sh")]
}

/// Single-quotes a word for sh.
pub fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::test_support::{Stub, stub_manifest};

    #[test]
    fn the_script_comes_first_and_its_inputs_go_in_its_folder() {
        let manifest = stub_manifest(Stub {
            inputs: vec![("probes.txt".into(), b"tiny==1.0\n".to_vec())],
            ..Stub::default()
        });
        let files = files(&manifest, false);
        let names: Vec<_> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, vec!["ato-deps/install.sh", "ato-deps/probes.txt"]);
        assert_eq!(files[0].1, b"echo offline\n");
        assert_eq!(files[1].1, b"tiny==1.0\n");
        assert_eq!(command(), ["sh", "/work/ato-deps/install.sh"]);
    }

    #[test]
    fn words_are_quoted_for_sh() {
        assert_eq!(sh_quote("vendor it's"), r"'vendor it'\''s'");
    }
}
