//! The hardened Docker configuration of a job: its workspace volume, its container and the exec that runs
//! the job. Pure functions, so every hardening flag is checked by a unit test without Docker.
//!
//! Why a volume and an exec, not a plain `docker run`: the root filesystem is read-only, Docker cannot
//! upload into a HostConfig tmpfs, and a tmpfs-backed volume is only mounted while a container that uses it
//! runs (each mount is a fresh, empty tmpfs). So the container's main process only holds the volume
//! mounted (`sleep`, which the image must provide, and which also ends the container by itself if ato
//! dies); the workspace is uploaded into
//! the running container, the job runs as an exec with the same restrictions, and the results are
//! downloaded before the container is removed.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::{
    ContainerCreateBody, ExecConfig, HostConfig, HostConfigLogConfig, Mount, MountType,
    MountVolumeOptions, ResourcesUlimits, VolumeCreateRequest,
};

use super::job::Job;
use super::mounts::{Network, WORKSPACE_DIR};

/// The label every container and volume of ato carries; its value is the run id. [`super::Sandbox::sweep`]
/// removes everything that has it.
pub const RUN_LABEL: &str = "ato";
/// A label unique to one [`super::Sandbox::run`] call, so its cleanup finds exactly what it created even
/// when a create call was interrupted before Docker's answer arrived.
pub const JOB_LABEL: &str = "ato.job";

/// How long the holder process outlives the job's own timeout: room for the upload and the download. If ato
/// dies, the container still stops by itself after the job's timeout plus this.
pub const HOLDER_GRACE: Duration = Duration::from_secs(120);

/// Docker's json-file log of the container is capped so a chatty process cannot fill the disk.
const LOG_MAX_SIZE: &str = "1m";

/// The names and labels of one run of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobIds {
    /// The run id (value of [`RUN_LABEL`]).
    pub run_id: String,
    /// Random hex, unique per call (value of [`JOB_LABEL`]).
    pub token: String,
}

impl JobIds {
    pub fn new(run_id: &str) -> JobIds {
        JobIds {
            run_id: run_id.to_string(),
            token: format!("{:016x}", rand::random::<u64>()),
        }
    }

    /// Name of the container and of its workspace volume.
    pub fn name(&self) -> String {
        format!("ato-{}", self.token)
    }

    pub fn labels(&self) -> HashMap<String, String> {
        HashMap::from([
            (RUN_LABEL.to_string(), self.run_id.clone()),
            (JOB_LABEL.to_string(), self.token.clone()),
        ])
    }

    /// The Docker list filter that finds exactly this job's container and volume.
    pub fn filter(&self) -> HashMap<String, Vec<String>> {
        HashMap::from([(
            "label".to_string(),
            vec![format!("{JOB_LABEL}={}", self.token)],
        )])
    }
}

/// The workspace: a tmpfs-backed local volume, size-limited and owned by the job's user.
pub fn workspace_volume(job: &Job, ids: &JobIds) -> VolumeCreateRequest {
    let options = format!(
        "size={},uid={},gid={},mode=0700,nosuid,nodev",
        job.limits.workspace_bytes, job.user.uid, job.user.gid
    );
    VolumeCreateRequest {
        name: Some(ids.name()),
        driver: Some("local".to_string()),
        driver_opts: Some(HashMap::from([
            ("type".to_string(), "tmpfs".to_string()),
            ("device".to_string(), "tmpfs".to_string()),
            ("o".to_string(), options),
        ])),
        labels: Some(ids.labels()),
        ..Default::default()
    }
}

/// The locked-down container. Its main process is `sleep`, which keeps the workspace mounted; see the
/// module documentation.
pub fn container(job: &Job, ids: &JobIds, runtime: Option<&str>) -> ContainerCreateBody {
    let limits = &job.limits;
    let holder_secs = (limits.timeout + HOLDER_GRACE).as_secs();
    let mut mounts = vec![Mount {
        target: Some(WORKSPACE_DIR.to_string()),
        source: Some(ids.name()),
        typ: Some(MountType::VOLUME),
        read_only: Some(false),
        volume_options: Some(MountVolumeOptions {
            no_copy: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    }];
    // An empty named volume takes the owner of the image's folder it is mounted over (copy-up), which is
    // how a non-root job can fill a fresh dependency cache; a read-only one is never copied into.
    mounts.extend(job.volumes.iter().map(|volume| Mount {
        target: Some(volume.target.clone()),
        source: Some(volume.volume.clone()),
        typ: Some(MountType::VOLUME),
        read_only: Some(volume.read_only),
        volume_options: Some(MountVolumeOptions {
            no_copy: Some(volume.read_only),
            ..Default::default()
        }),
        ..Default::default()
    }));
    let network_mode = match &job.network {
        Network::None => "none",
        Network::Bridge => "bridge",
        Network::Internal(name) => name.as_str(),
    };
    let host_config = HostConfig {
        network_mode: Some(network_mode.to_string()),
        readonly_rootfs: Some(true),
        cap_drop: Some(vec!["ALL".to_string()]),
        // The default seccomp profile stays on: nothing here disables it.
        security_opt: Some(vec!["no-new-privileges:true".to_string()]),
        privileged: Some(false),
        ipc_mode: Some("private".to_string()),
        pids_limit: Some(limits.pids),
        memory: Some(limits.memory_bytes as i64),
        memory_swap: Some(limits.memory_bytes as i64),
        nano_cpus: Some(limits.nano_cpus()),
        ulimits: Some(vec![ResourcesUlimits {
            name: Some("nofile".to_string()),
            soft: Some(limits.nofile),
            hard: Some(limits.nofile),
        }]),
        tmpfs: Some(HashMap::from([(
            "/tmp".to_string(),
            format!("rw,nosuid,nodev,size={},mode=1777", limits.tmp_bytes),
        )])),
        mounts: Some(mounts),
        log_config: Some(HostConfigLogConfig {
            typ: Some("json-file".to_string()),
            config: Some(HashMap::from([
                ("max-size".to_string(), LOG_MAX_SIZE.to_string()),
                ("max-file".to_string(), "1".to_string()),
            ])),
        }),
        // docker-init as PID 1 reaps the job's orphans; under a bare `sleep` they would stay zombies and
        // eat the pids limit.
        init: Some(true),
        auto_remove: Some(false),
        publish_all_ports: Some(false),
        runtime: runtime.map(str::to_string),
        ..Default::default()
    };
    ContainerCreateBody {
        image: Some(job.image.clone()),
        hostname: Some("sandbox".to_string()),
        user: Some(job.user.docker_spec()),
        env: Some(job.container_env()),
        entrypoint: Some(vec!["sleep".to_string()]),
        cmd: Some(vec![holder_secs.to_string()]),
        working_dir: Some(WORKSPACE_DIR.to_string()),
        labels: Some(ids.labels()),
        network_disabled: Some(job.network == Network::None),
        attach_stdin: Some(false),
        attach_stdout: Some(false),
        attach_stderr: Some(false),
        open_stdin: Some(false),
        tty: Some(false),
        host_config: Some(host_config),
        ..Default::default()
    }
}

/// The exec that runs the job: same user, `/work`, output attached, no TTY, never privileged. It inherits
/// the container's environment, which is only the job's.
pub fn job_exec(job: &Job, argv: Vec<String>) -> ExecConfig {
    ExecConfig {
        cmd: Some(argv),
        user: Some(job.user.docker_spec()),
        working_dir: Some(WORKSPACE_DIR.to_string()),
        attach_stdin: Some(false),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        tty: Some(false),
        privileged: Some(false),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{Limits, User};

    fn job() -> Job {
        let mut job = Job::new("run-7", "img:1", Vec::new(), Limits::default());
        job.env = vec![("SEED".into(), "1".into())];
        job
    }

    #[test]
    fn the_container_is_locked_down() {
        let ids = JobIds::new("run-7");
        let body = container(&job(), &ids, None);
        let host = body.host_config.clone().unwrap();
        assert_eq!(host.network_mode.as_deref(), Some("none"));
        assert_eq!(body.network_disabled, Some(true));
        assert_eq!(host.readonly_rootfs, Some(true));
        assert_eq!(host.cap_drop, Some(vec!["ALL".to_string()]));
        assert_eq!(host.cap_add, None);
        assert_eq!(host.privileged, Some(false));
        assert_eq!(
            host.security_opt,
            Some(vec!["no-new-privileges:true".to_string()])
        );
        assert_eq!(host.pids_limit, Some(256));
        assert_eq!(host.memory, Some(2 << 30));
        assert_eq!(host.memory_swap, host.memory, "no swap");
        assert_eq!(host.nano_cpus, Some(1_000_000_000));
        let ulimit = &host.ulimits.unwrap()[0];
        assert_eq!(
            (ulimit.name.as_deref(), ulimit.soft, ulimit.hard),
            (Some("nofile"), Some(1024), Some(1024))
        );
        assert_eq!(host.log_config.unwrap().config.unwrap()["max-size"], "1m");
        assert!(host.binds.is_none(), "no bind mount of the host, ever");
        assert!(host.tmpfs.unwrap()["/tmp"].contains("size=268435456"));
        assert_eq!(host.runtime, None);
        assert_eq!(host.init, Some(true));
        assert_eq!(body.user.as_deref(), Some("65534:65534"));
        assert_eq!(
            body.env,
            Some(vec!["SEED=1".to_string(), "HOME=/tmp".to_string()])
        );
        assert_eq!(body.labels.unwrap()["ato"], "run-7");
    }

    #[test]
    fn the_only_mount_is_the_workspace_volume() {
        let ids = JobIds::new("run-7");
        let host = container(&job(), &ids, Some("runsc")).host_config.unwrap();
        let mounts = host.mounts.unwrap();
        assert_eq!(mounts.len(), 1);
        assert_eq!(mounts[0].typ, Some(MountType::VOLUME));
        assert_eq!(mounts[0].source, Some(ids.name()));
        assert_eq!(mounts[0].target.as_deref(), Some("/work"));
        assert!(
            !mounts
                .iter()
                .any(|m| m.source.as_deref().unwrap_or("").contains("docker.sock"))
        );
        assert_eq!(host.runtime.as_deref(), Some("runsc"));
    }

    #[test]
    fn extra_volumes_are_mounted_as_asked_and_network_only_when_asked() {
        let mut job = job();
        job.volumes = vec![crate::sandbox::VolumeMount {
            volume: "ato-deps-python-abc".into(),
            target: "/deps".into(),
            read_only: true,
        }];
        let body = container(&job, &JobIds::new("r"), None);
        let mounts = body.host_config.unwrap().mounts.unwrap();
        assert_eq!(mounts.len(), 2);
        assert_eq!(mounts[1].source.as_deref(), Some("ato-deps-python-abc"));
        assert_eq!(mounts[1].target.as_deref(), Some("/deps"));
        assert_eq!(mounts[1].read_only, Some(true));
        assert_eq!(body.network_disabled, Some(true));

        job.network = Network::Bridge;
        job.volumes[0].read_only = false;
        let body = container(&job, &JobIds::new("r"), None);
        let host = body.host_config.unwrap();
        assert_eq!(host.network_mode.as_deref(), Some("bridge"));
        assert_eq!(body.network_disabled, Some(false));
        assert_eq!(host.mounts.unwrap()[1].read_only, Some(false));
        assert_eq!(
            host.cap_drop,
            Some(vec!["ALL".to_string()]),
            "still locked down"
        );
    }

    #[test]
    fn the_holder_outlives_the_timeout_by_the_grace_only() {
        let mut job = job();
        job.limits.timeout = Duration::from_secs(30);
        let body = container(&job, &JobIds::new("r"), None);
        assert_eq!(body.entrypoint, Some(vec!["sleep".to_string()]));
        assert_eq!(
            body.cmd,
            Some(vec![(30 + HOLDER_GRACE.as_secs()).to_string()])
        );
    }

    #[test]
    fn the_workspace_volume_is_a_small_tmpfs_owned_by_the_job_user() {
        let mut job = job();
        job.user = User {
            uid: 1000,
            gid: 1001,
        };
        job.limits.workspace_bytes = 1 << 20;
        let ids = JobIds::new("run-7");
        let volume = workspace_volume(&job, &ids);
        let opts = volume.driver_opts.unwrap();
        assert_eq!(opts["type"], "tmpfs");
        assert_eq!(
            opts["o"],
            "size=1048576,uid=1000,gid=1001,mode=0700,nosuid,nodev"
        );
        assert_eq!(volume.labels.unwrap()["ato"], "run-7");
        assert_eq!(volume.name, Some(ids.name()));
    }

    #[test]
    fn the_exec_is_unprivileged_and_runs_in_work() {
        let exec = job_exec(&job(), vec!["true".into()]);
        assert_eq!(exec.privileged, Some(false));
        assert_eq!(exec.user.as_deref(), Some("65534:65534"));
        assert_eq!(exec.working_dir.as_deref(), Some("/work"));
        assert_eq!(exec.tty, Some(false));
        assert_eq!(
            exec.env, None,
            "only the container's (the job's) environment"
        );
    }

    #[test]
    fn job_tokens_are_unique_and_name_safe() {
        let a = JobIds::new("x");
        let b = JobIds::new("x");
        assert_ne!(a.token, b.token);
        assert!(
            a.name()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-')
        );
        assert_eq!(a.filter()["label"], vec![format!("ato.job={}", a.token)]);
    }
}
