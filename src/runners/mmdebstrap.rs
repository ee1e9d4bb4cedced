//! mmdebstrap's command line for a runner's base image: the package list, the suite, which archives, and
//! the apt files a list that borrows packages from another suite needs. Pure.

use std::path::Path;

use super::packages::{DEBIAN_MIRROR, PackageList};
use super::runtime::Suite;

/// Which Debian archives mmdebstrap reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archives {
    /// mmdebstrap's own choice: the suite with its updates and security archives.
    Default,
    /// The suite's main archive alone: what is left when a mirror cannot serve the security archive (seen
    /// with bullseye-security here), at the price of its security updates.
    MainOnly,
}

/// A file a setup hook uploads into the rootfs before apt reads its sources: the borrowed suite's source
/// line and the preferences that pin its packages ([`Borrowed`](super::packages::Borrowed)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupFile {
    /// Its name in the work folder, beside the rootfs tarball.
    pub name: &'static str,
    /// Where it goes in the rootfs.
    pub target: &'static str,
    pub contents: String,
}

/// The files that make apt take the borrowed packages from their suite (none when the list borrows none).
pub fn setup_files(list: &PackageList) -> Vec<SetupFile> {
    let Some(borrowed) = &list.borrowed else {
        return Vec::new();
    };
    vec![
        SetupFile {
            name: "ato-borrowed.list",
            target: "/etc/apt/sources.list.d/ato-borrowed.list",
            contents: format!("{}\n", borrowed.source_line()),
        },
        SetupFile {
            name: "ato-borrowed.pref",
            target: "/etc/apt/preferences.d/ato-borrowed.pref",
            contents: borrowed.preferences(),
        },
    ]
}

/// The arguments of mmdebstrap that make a rootfs tarball of `list` from `suite` at `output`; the
/// [`setup_files`] are uploaded from `output`'s folder before apt's first update.
pub fn mmdebstrap_args(
    list: &PackageList,
    suite: Suite,
    output: &Path,
    archives: Archives,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["--variant=apt".into()];
    if !list.names.is_empty() {
        args.push(format!("--include={}", list.names.join(",")).into());
    }
    let folder = output.parent().unwrap_or(Path::new("."));
    for file in setup_files(list) {
        let mut hook = std::ffi::OsString::from("--setup-hook=upload ");
        hook.push(folder.join(file.name));
        hook.push(format!(" {}", file.target));
        args.push(hook);
    }
    args.push(suite.name().into());
    args.push(output.as_os_str().to_owned());
    if archives == Archives::MainOnly {
        args.push(format!("deb {DEBIAN_MIRROR} {} main", suite.name()).into());
    }
    args
}

/// True when a failed mmdebstrap's log shows the security archive failing, so that the main archive alone
/// may still do.
pub fn security_archive_failed(log_tail: &str) -> bool {
    log_tail.contains("-security")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmdebstrap_gets_the_packages_suite_and_output() {
        let args = mmdebstrap_args(
            &list("python3\nbandit\n"),
            Suite::Trixie,
            Path::new("out/rootfs.tar"),
            Archives::Default,
        );
        let args: Vec<&str> = args.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(
            args,
            [
                "--variant=apt",
                "--include=python3,bandit",
                "trixie",
                "out/rootfs.tar"
            ]
        );
    }

    #[test]
    fn mmdebstrap_without_packages_has_no_include() {
        let args = mmdebstrap_args(
            &PackageList::default(),
            Suite::Bullseye,
            Path::new("r.tar"),
            Archives::Default,
        );
        assert_eq!(args.len(), 3);
        assert_eq!(args[1], "bullseye");
    }

    #[test]
    fn main_only_names_the_suites_main_archive_and_nothing_else() {
        let args = mmdebstrap_args(
            &PackageList::default(),
            Suite::Bullseye,
            Path::new("r.tar"),
            Archives::MainOnly,
        );
        let args: Vec<&str> = args.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(
            args,
            [
                "--variant=apt",
                "bullseye",
                "r.tar",
                "deb http://deb.debian.org/debian bullseye main"
            ]
        );
    }

    fn list(text: &str) -> PackageList {
        crate::runners::packages::parse_packages(text).unwrap()
    }

    #[test]
    fn borrowed_packages_are_pinned_by_files_uploaded_before_apt_reads_its_sources() {
        let packages = list("default-jdk-headless\nmaven\nfrom trixie: maven lib*-java\n");
        let files = setup_files(&packages);
        let targets: Vec<&str> = files.iter().map(|f| f.target).collect();
        assert_eq!(
            targets,
            [
                "/etc/apt/sources.list.d/ato-borrowed.list",
                "/etc/apt/preferences.d/ato-borrowed.pref"
            ]
        );
        assert_eq!(
            files[0].contents,
            "deb http://deb.debian.org/debian trixie main\n"
        );
        assert!(files[1].contents.contains("Package: maven lib*-java\n"));

        let args = mmdebstrap_args(
            &packages,
            Suite::Bookworm,
            Path::new("build/rootfs.tar"),
            Archives::MainOnly,
        );
        let args: Vec<&str> = args.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(
            args,
            [
                "--variant=apt",
                "--include=default-jdk-headless,maven",
                "--setup-hook=upload build/ato-borrowed.list /etc/apt/sources.list.d/ato-borrowed.list",
                "--setup-hook=upload build/ato-borrowed.pref /etc/apt/preferences.d/ato-borrowed.pref",
                "bookworm",
                "build/rootfs.tar",
                "deb http://deb.debian.org/debian bookworm main"
            ]
        );
        assert!(setup_files(&list("python3\n")).is_empty());
    }

    #[test]
    fn only_a_failing_security_archive_calls_for_the_main_one_alone() {
        assert!(security_archive_failed(
            "E: Failed to fetch http://deb.debian.org/debian-security/pool/updates/main/g/gitpython/\
             python3-git_3.1.14-1+deb11u1_all.deb  404  Not Found\nE: bullseye-security ..."
        ));
        assert!(!security_archive_failed(
            "E: Unable to locate package python3-nothing"
        ));
    }
}
