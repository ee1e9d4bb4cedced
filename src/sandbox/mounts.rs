//! Where things are in a job's container — the workspace and the results inside it — and what a job may get
//! besides its workspace, for the dependency phase only: a named volume (the dependency cache) and a network.
//! Every other job has neither.

/// Where the workspace tar is unpacked, and the job's working directory (runners/PROTOCOL.md).
pub const WORKSPACE_DIR: &str = "/work";
/// Where a runner leaves its results (runners/PROTOCOL.md).
pub const RESULTS_DIR: &str = "/work/out";

/// A named Docker volume mounted into a job besides its workspace (the dependency cache at `/deps`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeMount {
    /// The volume's name; it must exist or Docker creates it empty.
    pub volume: String,
    /// Absolute path in the container, outside `/work` and `/tmp`.
    pub target: String,
    pub read_only: bool,
}

/// The job's network. Only the dependency phase may ever get one, and only when the operator allows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Network {
    /// No network at all: a loopback interface only (the default, and always for PR code under test).
    #[default]
    None,
    /// Docker's default bridge: outbound access, for fetching dependencies (`ATO_DEPS_NETWORK=open`).
    Bridge,
    /// A Docker network created `--internal` by the caller: no route out, only the other containers on it
    /// (the dependency phase's allow-list proxy).
    Internal(String),
}

/// A volume name Docker accepts, and a target that cannot cover the workspace, `/tmp` or the root.
pub(crate) fn validate_mount(mount: &VolumeMount) -> Result<(), String> {
    let name_ok = mount
        .volume
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
        && mount.volume.len() <= 255
        && mount
            .volume
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if !name_ok {
        return Err(format!("{:?} is not a volume name", mount.volume));
    }
    let target = mount.target.trim_end_matches('/');
    let covers = |dir: &str| target == dir || target.starts_with(&format!("{dir}/"));
    if !target.starts_with('/')
        || target.split('/').any(|part| part == ".." || part == ".")
        || covers(WORKSPACE_DIR)
        || covers("/tmp")
        || target.is_empty()
    {
        return Err(format!(
            "a volume cannot be mounted at {:?}: it must be an absolute path outside {WORKSPACE_DIR} and /tmp",
            mount.target
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{Job, Limits};

    fn job() -> Job {
        Job::new("run-1", "image:tag", Vec::new(), Limits::default())
    }

    #[test]
    fn volume_mounts_are_checked() {
        let mount = |volume: &str, target: &str| VolumeMount {
            volume: volume.into(),
            target: target.into(),
            read_only: true,
        };
        let mut ok = job();
        ok.volumes = vec![mount("ato-deps-python-0123", "/deps")];
        ok.validate().unwrap();
        for (volume, target) in [
            ("ato-deps", "/"),
            ("ato-deps", "/work"),
            ("ato-deps", "/work/head"),
            ("ato-deps", "/tmp"),
            ("ato-deps", "deps"),
            ("ato-deps", "/deps/../work"),
            ("", "/deps"),
            ("-x", "/deps"),
            ("a/b", "/deps"),
        ] {
            let mut bad = job();
            bad.volumes = vec![mount(volume, target)];
            assert!(bad.validate().is_err(), "{volume:?} at {target:?} accepted");
        }
        let mut twice = job();
        twice.volumes = vec![mount("a1", "/deps"), mount("b1", "/deps/")];
        assert!(twice.validate().is_err());
        assert_eq!(job().network, Network::None, "no network unless asked");
    }
}
