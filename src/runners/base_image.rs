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
use super::mmdebstrap::{Archives, mmdebstrap_args, security_archive_failed, setup_files};
use super::packages::PackageList;
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

/// Makes the rootfs with `mmdebstrap` and imports it as `image` (`repo:tag`). When the security archive
/// fails, the main archive alone is tried once, and `progress` says so.
pub async fn make_base(
    docker: &Docker,
    mmdebstrap: &Path,
    packages: &PackageList,
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
    write_setup_files(packages, workdir.path())?;
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

/// Writes the [`setup_files`] into `folder`, whose path goes into mmdebstrap's `upload` hooks (which split
/// on white space).
fn write_setup_files(list: &PackageList, folder: &Path) -> Result<(), ImageError> {
    let files = setup_files(list);
    if !files.is_empty() && folder.to_string_lossy().contains(char::is_whitespace) {
        return Err(ImageError::io(
            format!("use {} for mmdebstrap's setup hooks", folder.display()),
            std::io::Error::other("the temporary folder's path has white space (set TMPDIR)"),
        ));
    }
    for file in files {
        let path = folder.join(file.name);
        std::fs::write(&path, &file.contents)
            .map_err(|err| ImageError::io(format!("write {}", path.display()), err))?;
    }
    Ok(())
}

async fn run_mmdebstrap(
    mmdebstrap: &Path,
    packages: &PackageList,
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

    fn list(text: &str) -> PackageList {
        crate::runners::packages::parse_packages(text).unwrap()
    }

    #[test]
    fn setup_files_are_written_beside_the_rootfs() {
        let folder = tempfile::tempdir().unwrap();
        write_setup_files(&list("maven\nfrom trixie: maven\n"), folder.path()).unwrap();
        let pref = std::fs::read_to_string(folder.path().join("ato-borrowed.pref")).unwrap();
        assert!(pref.contains("Pin: release n=trixie"), "{pref}");
        assert!(folder.path().join("ato-borrowed.list").is_file());
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
