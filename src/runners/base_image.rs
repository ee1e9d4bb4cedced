//! Base images without a registry: a Debian rootfs made by mmdebstrap, imported into Docker.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::CreateImageOptionsBuilder;
use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

use super::error::ImageError;
use super::log_tail::LogTail;
use super::runtime::Suite;

/// mmdebstrap of the Python package set takes under a minute here; a slow mirror gets much longer.
const MMDEBSTRAP_TIMEOUT: Duration = Duration::from_secs(20 * 60);
/// Importing a ~300 MB rootfs; bollard's default two minutes counts until the daemon's first answer.
const IMPORT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// An imported rootfs has no configuration; give it the PATH every Debian image has.
const BASE_PATH_ENV: &str = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Finds an executable on a `PATH`-style list, as a shell would.
pub fn find_program(name: &str, path_var: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    let path_var = path_var?;
    std::env::split_paths(path_var)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Which Debian archives mmdebstrap reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archives {
    /// mmdebstrap's own choice: the suite with its updates and security archives.
    Default,
    /// The suite's main archive alone: what is left when a mirror cannot serve the security archive (seen
    /// with bullseye-security here), at the price of its security updates.
    MainOnly,
}

/// The main archive, for [`Archives::MainOnly`].
const DEBIAN_MIRROR: &str = "http://deb.debian.org/debian";

/// The arguments of mmdebstrap that make a rootfs tarball of `packages` from `suite` at `output`.
pub fn mmdebstrap_args(
    packages: &[String],
    suite: Suite,
    output: &Path,
    archives: Archives,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["--variant=apt".into()];
    if !packages.is_empty() {
        args.push(format!("--include={}", packages.join(",")).into());
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

/// Makes the rootfs with `mmdebstrap` and imports it as `image` (`repo:tag`). When the security archive
/// fails, the main archive alone is tried once, and `progress` says so.
pub async fn make_base(
    docker: &Docker,
    mmdebstrap: &Path,
    packages: &[String],
    suite: Suite,
    image: &str,
    progress: super::Progress<'_>,
) -> Result<(), ImageError> {
    let workdir = tempfile::Builder::new()
        .prefix("ato-base-")
        .tempdir()
        .map_err(|err| ImageError::io("create a temporary folder for the base rootfs", err))?;
    // The .tar suffix is what tells mmdebstrap to write an uncompressed tarball.
    let rootfs = workdir.path().join("rootfs.tar");
    let made = run_mmdebstrap(
        mmdebstrap,
        packages,
        suite,
        &rootfs,
        image,
        Archives::Default,
    )
    .await;
    match made {
        Err(ImageError::Mmdebstrap { ref log_tail, .. }) if security_archive_failed(log_tail) => {
            progress(&format!(
                "Debian's {}-security archive could not be read; making {image} from the main archive \
                 only, without its security updates…",
                suite.name()
            ));
            run_mmdebstrap(
                mmdebstrap,
                packages,
                suite,
                &rootfs,
                image,
                Archives::MainOnly,
            )
            .await?;
        }
        other => other?,
    }
    import_rootfs(docker, &rootfs, image).await
}

async fn run_mmdebstrap(
    mmdebstrap: &Path,
    packages: &[String],
    suite: Suite,
    rootfs: &Path,
    image: &str,
    archives: Archives,
) -> Result<(), ImageError> {
    let mut child = tokio::process::Command::new(mmdebstrap)
        .args(mmdebstrap_args(packages, suite, rootfs, archives))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| ImageError::io(format!("start {}", mmdebstrap.display()), err))?;

    let mut tail = LogTail::new(30, 300);
    let stdout = child.stdout.take().map(|out| BufReader::new(out).lines());
    let stderr = child.stderr.take().map(|err| BufReader::new(err).lines());
    let run = async {
        // mmdebstrap reports on stderr; both streams are read so neither pipe can fill up and block it.
        let mut streams = futures_util::stream::select(
            lines_stream(stdout).boxed(),
            lines_stream(stderr).boxed(),
        );
        while let Some(line) = streams.next().await {
            tracing::debug!(target: "ato::runners::mmdebstrap", image, "{line}");
            tail.push(&line);
            tail.push("\n");
        }
        child.wait().await
    };
    let status = tokio::time::timeout(MMDEBSTRAP_TIMEOUT, run)
        .await
        .map_err(|_| ImageError::Timeout {
            what: format!("mmdebstrap for {image}"),
            secs: MMDEBSTRAP_TIMEOUT.as_secs(),
        })?
        .map_err(|err| ImageError::io("wait for mmdebstrap", err))?;
    if status.success() {
        Ok(())
    } else {
        Err(ImageError::Mmdebstrap {
            image: image.to_string(),
            reason: format!("it exited with {status}"),
            log_tail: tail.render(),
        })
    }
}

fn lines_stream<R>(
    lines: Option<tokio::io::Lines<BufReader<R>>>,
) -> impl futures_util::Stream<Item = String>
where
    R: tokio::io::AsyncRead + Unpin,
{
    futures_util::stream::unfold(lines, |lines| async move {
        let mut lines = lines?;
        match lines.next_line().await {
            Ok(Some(line)) => Some((line, Some(lines))),
            Ok(None) | Err(_) => None,
        }
    })
}

/// A file as a stream of chunks, read as the daemon takes them, so a large rootfs never sits in memory.
fn file_chunks(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static {
    futures_util::stream::try_unfold(file, |mut file| async move {
        let mut chunk = vec![0u8; 256 * 1024];
        let read = file.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        chunk.truncate(read);
        Ok(Some((bytes::Bytes::from(chunk), file)))
    })
}

/// Streams the tarball to Docker (`docker import`), so it also works with a remote daemon.
async fn import_rootfs(docker: &Docker, rootfs: &Path, image: &str) -> Result<(), ImageError> {
    let (repo, tag) = image.rsplit_once(':').unwrap_or((image, "latest"));
    let file = tokio::fs::File::open(rootfs)
        .await
        .map_err(|err| ImageError::io(format!("open {}", rootfs.display()), err))?;
    let body = bollard::body_try_stream(file_chunks(file));
    let options = CreateImageOptionsBuilder::new()
        .from_src("-")
        .repo(repo)
        .tag(tag)
        .message("ato: Debian rootfs made by mmdebstrap")
        .changes(vec![BASE_PATH_ENV.to_string()])
        .build();
    let docker = docker.clone().with_timeout(IMPORT_TIMEOUT);
    let import = async {
        let mut stream = docker.create_image(Some(options), Some(body), None);
        while let Some(item) = stream.next().await {
            let info = item.map_err(|err| ImageError::docker(format!("import {image}"), err))?;
            if let Some(status) = info.status {
                tracing::debug!(target: "ato::runners::import", image, "{status}");
            }
        }
        Ok(())
    };
    tokio::time::timeout(IMPORT_TIMEOUT, import)
        .await
        .map_err(|_| ImageError::Timeout {
            what: format!("importing {image}"),
            secs: IMPORT_TIMEOUT.as_secs(),
        })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmdebstrap_gets_the_packages_suite_and_output() {
        let args = mmdebstrap_args(
            &["python3".to_string(), "bandit".to_string()],
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
        let args = mmdebstrap_args(&[], Suite::Bullseye, Path::new("r.tar"), Archives::Default);
        assert_eq!(args.len(), 3);
        assert_eq!(args[1], "bullseye");
    }

    #[test]
    fn main_only_names_the_suites_main_archive_and_nothing_else() {
        let args = mmdebstrap_args(&[], Suite::Bullseye, Path::new("r.tar"), Archives::MainOnly);
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

    #[test]
    fn finds_only_executables_on_the_path() {
        use std::os::unix::fs::PermissionsExt;
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        let plain = first.path().join("tool");
        std::fs::write(&plain, "not executable").unwrap();
        let runnable = second.path().join("tool");
        std::fs::write(&runnable, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&runnable, std::fs::Permissions::from_mode(0o755)).unwrap();

        let path = std::env::join_paths([first.path(), second.path()]).unwrap();
        assert_eq!(find_program("tool", Some(&path)), Some(runnable));
        assert_eq!(find_program("other", Some(&path)), None);
        assert_eq!(find_program("tool", None), None);
    }
}
