//! Test support for the sandbox: a Docker connection that fails loudly when Docker is missing, a tiny image
//! made from the host's static busybox (no registry needed), workspace tars and leftover checks.
//!
//! Used by the `sandbox` tests and `benches/sandbox_overhead.rs`.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use ato::sandbox::{Finished, Job, Limits, Sandbox, SandboxError};
use bollard::query_parameters::{ListContainersOptions, ListVolumesOptions};
use tokio_util::sync::CancellationToken;

/// The test image: a static busybox with its applets, `/etc/passwd` with nobody, `/tmp` and `/work`.
pub const TEST_IMAGE: &str = "ato-test-busybox:1";
/// What the test image runs when a job gives no command.
pub const TEST_IMAGE_GREETING: &str = "busybox image default command";

const BUSYBOX_PATHS: [&str; 2] = ["/bin/busybox", "/usr/bin/busybox"];

/// Connects to Docker, or panics saying why the test cannot run. Tests about containers need a real
/// Docker: they fail, never skip, without one.
pub async fn require_sandbox() -> Sandbox {
    match Sandbox::connect().await {
        Ok(sandbox) => sandbox,
        Err(error) => panic!(
            "these tests need a running Docker engine and none answered ({error}). Start dockerd or set \
             DOCKER_HOST; they are never skipped."
        ),
    }
}

/// Makes [`TEST_IMAGE`] with `docker import` when `docker image inspect` does not find it, and returns its
/// name. Needs the Debian package `busybox-static` (its `/bin/busybox` runs in an empty image).
pub fn ensure_test_image() -> &'static str {
    static BUILT: Mutex<bool> = Mutex::new(false);
    let mut built = BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if *built || image_exists(TEST_IMAGE) {
        *built = true;
        return TEST_IMAGE;
    }
    let busybox = BUSYBOX_PATHS
        .iter()
        .map(Path::new)
        .find(|path| path.exists())
        .unwrap_or_else(|| {
            panic!("no busybox found; install it with `apt-get install -y busybox-static`")
        });
    let rootfs = busybox_rootfs(busybox);
    let cmd = format!(r#"CMD ["sh", "-c", "echo {TEST_IMAGE_GREETING}"]"#);
    let mut import = Command::new("docker")
        .args([
            "import",
            "--change",
            &cmd,
            "--change",
            "ENV PATH=/bin",
            "-",
            TEST_IMAGE,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("running `docker import` (is the docker CLI installed?)");
    import
        .stdin
        .take()
        .expect("stdin of docker import")
        .write_all(&rootfs)
        .expect("writing the rootfs to docker import");
    let status = import.wait().expect("waiting for docker import");
    assert!(status.success(), "docker import of {TEST_IMAGE} failed");
    *built = true;
    TEST_IMAGE
}

fn image_exists(image: &str) -> bool {
    Command::new("docker")
        .args(["image", "inspect", image])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|status| status.success())
        .unwrap_or(false)
}

/// The image's root filesystem as a tar.
fn busybox_rootfs(busybox: &Path) -> Vec<u8> {
    let binary = std::fs::read(busybox).expect("reading busybox");
    assert!(
        !has_interpreter(&binary),
        "{} is dynamically linked; install the static one: `apt-get install -y busybox-static`",
        busybox.display()
    );
    let list = Command::new(busybox)
        .arg("--list")
        .output()
        .expect("busybox --list");
    let applets = String::from_utf8_lossy(&list.stdout).into_owned();

    let mut tar = tar::Builder::new(Vec::new());
    for dir in ["bin", "etc", "tmp", "work", "usr", "proc", "sys", "dev"] {
        let mode = if dir == "tmp" { 0o1777 } else { 0o755 };
        append_dir(&mut tar, dir, mode);
    }
    append_file(&mut tar, "bin/busybox", &binary, 0o755);
    for applet in applets
        .lines()
        .map(str::trim)
        .filter(|a| !a.is_empty() && *a != "busybox")
    {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        header.set_mode(0o777);
        tar.append_link(&mut header, format!("bin/{applet}"), "busybox")
            .expect("adding an applet link");
    }
    let passwd =
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n";
    append_file(&mut tar, "etc/passwd", passwd.as_bytes(), 0o644);
    append_file(
        &mut tar,
        "etc/group",
        b"root:x:0:\nnogroup:x:65534:\n",
        0o644,
    );
    tar.into_inner().expect("finishing the rootfs tar")
}

/// True when an ELF-64 binary names a program interpreter (PT_INTERP): it is dynamically linked and cannot
/// run in an image without a libc.
fn has_interpreter(elf: &[u8]) -> bool {
    const PT_INTERP: u32 = 3;
    let read = |at: usize, len: usize| {
        elf.get(at..at + len)
            .map(|b| b.iter().rev().fold(0u64, |n, &x| n << 8 | x as u64))
    };
    if elf.get(..4) != Some(b"\x7fELF".as_slice()) {
        return false;
    }
    let (Some(phoff), Some(phentsize), Some(phnum)) = (read(0x20, 8), read(0x36, 2), read(0x38, 2))
    else {
        return false;
    };
    (0..phnum).any(|i| read((phoff + i * phentsize) as usize, 4) == Some(PT_INTERP as u64))
}

fn append_dir(tar: &mut tar::Builder<Vec<u8>>, path: &str, mode: u32) {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Directory);
    header.set_mode(mode);
    header.set_size(0);
    tar.append_data(&mut header, format!("{path}/"), std::io::empty())
        .expect("adding a directory");
}

fn append_file(tar: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8], mode: u32) {
    let mut header = tar::Header::new_gnu();
    header.set_mode(mode);
    header.set_size(data.len() as u64);
    tar.append_data(&mut header, path, data)
        .expect("adding a file");
}

/// A workspace tar holding `files` (path, contents) and their parent directories, owned by root as the
/// engine would make it.
pub fn workspace(files: &[(&str, &str)]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut dirs: Vec<&str> = files
        .iter()
        .flat_map(|(path, _)| path.match_indices('/').map(|(end, _)| &path[..end]))
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        append_dir(&mut tar, dir, 0o755);
    }
    for (path, contents) in files {
        append_file(&mut tar, path, contents.as_bytes(), 0o644);
    }
    tar.into_inner().expect("finishing the workspace tar")
}

/// The files of a results tar, as (path, contents).
pub fn tar_files(tar: &[u8]) -> HashMap<String, String> {
    let mut archive = tar::Archive::new(tar);
    let mut files = HashMap::new();
    for entry in archive.entries().expect("reading the results tar") {
        let mut entry = entry.expect("a results tar entry");
        if entry.header().entry_type().is_file() {
            let path = entry
                .path()
                .expect("an entry path")
                .to_string_lossy()
                .into_owned();
            let mut contents = String::new();
            std::io::Read::read_to_string(&mut entry, &mut contents).expect("reading an entry");
            files.insert(path, contents);
        }
    }
    files
}

/// A job of the test image running `sh -c script`.
pub fn sh_job(run_id: &str, script: &str) -> Job {
    let mut job = Job::new(run_id, ensure_test_image(), Vec::new(), test_limits());
    job.command = Some(vec!["sh".into(), "-c".into(), script.into()]);
    job
}

/// Runs `job`, then asserts its run left nothing behind.
pub async fn run_clean(sandbox: &Sandbox, job: Job) -> Result<Finished, SandboxError> {
    let run_id = job.run_id.clone();
    let result = sandbox.run(job, &CancellationToken::new()).await;
    assert_nothing_left(sandbox, &run_id).await;
    result
}

/// A run id no other test (or developer) uses.
pub fn unique_run_id(test: &str) -> String {
    format!(
        "test-{test}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// Limits small enough for tests run side by side on a small machine.
pub fn test_limits() -> Limits {
    Limits {
        memory_bytes: 256 << 20,
        workspace_bytes: 64 << 20,
        tmp_bytes: 16 << 20,
        timeout: std::time::Duration::from_secs(60),
        ..Limits::default()
    }
}

/// The containers and volumes still labelled `ato=<run_id>`.
pub async fn leftovers(sandbox: &Sandbox, run_id: &str) -> (usize, usize) {
    let filters = HashMap::from([("label".to_string(), vec![format!("ato={run_id}")])]);
    let containers = sandbox
        .docker()
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(filters.clone()),
            ..Default::default()
        }))
        .await
        .expect("listing containers");
    let volumes = sandbox
        .docker()
        .list_volumes(Some(ListVolumesOptions {
            filters: Some(filters),
        }))
        .await
        .expect("listing volumes");
    (containers.len(), volumes.volumes.unwrap_or_default().len())
}

/// Asserts that nothing labelled `ato=<run_id>` is left.
pub async fn assert_nothing_left(sandbox: &Sandbox, run_id: &str) {
    assert_eq!(
        leftovers(sandbox, run_id).await,
        (0, 0),
        "containers and volumes left behind by {run_id}"
    );
}
