//! Support for the dependency-phase tests: vendored packages made on the spot (a wheel, an npm tarball), the
//! cache entry a run uses, and the removal of cache volumes when a test ends.

use std::path::Path;
use std::process::Command;

use ato::deps::{CacheEntry, Detection, HeadFiles};
use ato::lang;
use ato::model::Runner;
use sha2::Digest;

use super::ato_run::AtoRun;
use super::git_repo::Repo;

/// A token that makes this test's manifests (so its cache digest) its own: the first run is a real fill.
pub fn nonce() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    format!("{}-{}", std::process::id(), now.as_nanos())
}

/// Milliseconds of the dependency phase from the progress line `<runner> dependencies: <what> (<n> ms)`.
pub fn deps_phase(run: &AtoRun, runner: &str) -> (String, u128) {
    let prefix = format!("{runner} dependencies: ");
    let line = run
        .stderr
        .lines()
        .filter_map(progress_text)
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no dependency phase line; ato said:\n{}", run.stderr));
    let (what, ms) = line.rsplit_once(" (").expect("a duration");
    let ms = ms.trim_end_matches(" ms)").parse().expect("milliseconds");
    (what.to_string(), ms)
}

/// The text of a progress line, `ato: [  12.3 s] <text>`, without its prefix and elapsed time.
fn progress_text(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("ato: [")?;
    Some(rest.split_once(" s] ")?.1)
}

/// The cache entry ato uses for the head of `repo`, computed the way the engine does.
pub fn cache_entry(repo: &Repo, which: Runner) -> CacheEntry {
    let tar = Command::new("git")
        .arg("-C")
        .arg(repo.path())
        .args(["archive", "--format=tar", "--prefix=head/", "HEAD"])
        .output()
        .expect("git archive")
        .stdout;
    let family = lang::family(which);
    let files =
        HeadFiles::from_workspace_tar(&tar, &|path| family.is_manifest(path)).expect("a tar");
    let Detection::Found(manifest) = family.detect(&files) else {
        panic!("no manifest found in the fixture")
    };
    let image = ato::runners::image_ref(which).expect("the recipe is embedded");
    let id = Command::new("docker")
        .args(["image", "inspect", "--format", "{{.Id}}", &image])
        .output()
        .expect("docker image inspect");
    let id = String::from_utf8_lossy(&id.stdout).trim().to_string();
    CacheEntry::new(which, &manifest.cache_digest(&id))
}

pub fn volume_exists(name: &str) -> bool {
    Command::new("docker")
        .args(["volume", "inspect", name])
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false)
}

/// Removes a test's cache volumes when the test ends, however it ends.
pub struct RemoveVolumes(pub Vec<String>);

impl Drop for RemoveVolumes {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = Command::new("docker")
                .args(["volume", "rm", "-f", name])
                .output();
        }
    }
}

/// The cache volumes a run's notes name (a rebuild of the runner image between two runs gives a second
/// digest, which the test must remove too).
pub fn volumes_named_in(run: &AtoRun) -> Vec<String> {
    let Some(results) = &run.results else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for note in results.runners.iter().flat_map(|r| &r.notes) {
        for word in note.split_whitespace() {
            if word.starts_with("ato-deps-") {
                names.push(format!("{word}-complete"));
                names.push(word.to_string());
            }
        }
    }
    names
}

pub fn cleanup(entry: &CacheEntry) -> RemoveVolumes {
    RemoveVolumes(vec![entry.marker.clone(), entry.data.clone()])
}

/// A minimal wheel of `tinydep` 1.0 (`double(x)`), written as pip expects: a zip with its dist-info.
pub fn write_wheel(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let script = r#"
import base64, hashlib, sys, zipfile
files = {
    "tinydep/__init__.py": b"def double(x):\n    return 2 * x\n",
    "tinydep-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n",
    "tinydep-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: ato-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for name, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{name},sha256={digest},{len(data)}")
record.append("tinydep-1.0.dist-info/RECORD,,")
files["tinydep-1.0.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
    for name, data in files.items():
        wheel.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("tinydep-1.0-py3-none-any.whl"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An sdist `<name>-<version>.tar.gz` in `dir` whose `setup.py` is `setup_py` (pip reads its metadata
/// from it, and builds its wheel with it).
pub fn write_sdist(dir: &Path, name: &str, version: &str, setup_py: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let root = format!("{name}-{version}");
    let pkg_info = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
    let file = std::fs::File::create(dir.join(format!("{root}.tar.gz"))).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    {
        let mut builder = tar::Builder::new(&mut gz);
        for (path, body) in [("setup.py", setup_py), ("PKG-INFO", pkg_info.as_str())] {
            let mut header = tar::Header::new_gnu();
            header.set_size(body.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, format!("{root}/{path}"), body.as_bytes())
                .unwrap();
        }
        builder.finish().unwrap();
    }
    gz.finish().unwrap();
}

/// An npm tarball of `tiny` 1.0.0 (`double(x)`, CommonJS) and its sha512 integrity.
pub fn npm_tarball() -> (Vec<u8>, String) {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    {
        let mut builder = tar::Builder::new(&mut gz);
        for (path, body) in [
            (
                "package/package.json",
                r#"{"name":"tiny","version":"1.0.0","main":"index.js"}"#,
            ),
            ("package/index.js", "exports.double = (x) => 2 * x;\n"),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_size(body.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, path, body.as_bytes())
                .unwrap();
        }
        builder.finish().unwrap();
    }
    let bytes = gz.finish().unwrap();
    use base64::Engine;
    let integrity = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&bytes))
    );
    (bytes, integrity)
}

/// Vendors `group:artifact:version` into the in-project Maven repository `repo/` of `dir`: its pom and a jar
/// of the one class `source` (`package_path` like `com/example/text/Shout.java`), compiled by the Java
/// runner image's javac with no network.
pub fn vendor_maven_jar(
    dir: &Path,
    coordinate: (&str, &str, &str),
    package_path: &str,
    source: &str,
) {
    use std::io::Write;
    let (group, artifact, version) = coordinate;
    let script = format!(
        "set -e; cd /tmp; mkdir -p src/$(dirname {package_path}) out; cat > src/{package_path}; \
         javac --release 17 -d out src/{package_path} >&2; cd out; jar cf /tmp/a.jar . >&2; cat /tmp/a.jar"
    );
    let mut child = Command::new("docker")
        .args(["run", "--rm", "-i", "--network", "none"])
        .arg(ato::runners::image_ref(Runner::Java).expect("the java recipe is embedded"))
        .args(["sh", "-c", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("docker runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.starts_with(b"PK"),
        "javac in the Java image: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let folder = dir
        .join("repo")
        .join(group.replace('.', "/"))
        .join(artifact)
        .join(version);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join(format!("{artifact}-{version}.jar")),
        &out.stdout,
    )
    .unwrap();
    let pom = format!(
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n  \
         <groupId>{group}</groupId>\n  <artifactId>{artifact}</artifactId>\n  <version>{version}</version>\n</project>\n"
    );
    std::fs::write(folder.join(format!("{artifact}-{version}.pom")), pom).unwrap();
}

/// The networks labelled with a run's id (the dependency phase's internal networks).
pub fn ato_networks(run_id: &str) -> Vec<String> {
    let out = Command::new("docker")
        .args(["network", "ls", "-q", "--filter"])
        .arg(format!("label=ato={run_id}"))
        .output()
        .expect("docker network ls");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The address the host has on Docker's default bridge, where a container on it reaches a server of the
/// test.
pub fn bridge_gateway() -> String {
    let out = Command::new("docker")
        .args([
            "network",
            "inspect",
            "bridge",
            "--format",
            "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
        ])
        .output()
        .expect("docker network inspect");
    let gateway = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if gateway.is_empty() {
        // Docker leaves the gateway out of the IPAM config when it chose it itself.
        "172.17.0.1".to_string()
    } else {
        gateway
    }
}

/// A plain HTTP server on every address of the host that answers every request with `routes` (path →
/// content type and body; 404 otherwise) and counts the requests it got.
pub struct HttpServer {
    pub port: u16,
    pub requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl HttpServer {
    pub fn start(routes: Vec<(String, &'static str, Vec<u8>)>) -> HttpServer {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("0.0.0.0:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let routes = routes.clone();
                let seen = seen.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    loop {
                        let mut header = String::new();
                        match reader.read_line(&mut header) {
                            Ok(0) | Err(_) => break,
                            Ok(_) if header.trim().is_empty() => break,
                            Ok(_) => {}
                        }
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    seen.lock().unwrap().push(line.trim().to_string());
                    let found = routes.iter().find(|(p, _, _)| *p == path);
                    let (status, kind, body) = match found {
                        Some((_, kind, body)) => ("200 OK", *kind, body.clone()),
                        None => ("404 Not Found", "text/plain", b"not found".to_vec()),
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&body);
                });
            }
        });
        HttpServer { port, requests }
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}
