//! The dependency cache: the dependency phase of a project run twice, first filling the cache (a dependency
//! container installs the vendored packages), then finding it. Prints both and their ratio (goal: the second
//! at most a tenth of the first).
//!
//! Python: `ATO_BENCH_WHEELS` (default 8) small vendored wheels in `requirements.txt`. Node: a lock with as
//! many vendored `file:` tarballs. Java: a pom with as many dependencies in an in-project Maven repository
//! (Maven resolves them and the plugins of `compile`; the jars are empty archives). Each round uses a fresh digest (a comment in the manifest), so the first
//! run is always a real fill; the cache volumes are removed at the end. `ATO_BENCH_ROUNDS` (default 3).
//! Run with `cargo bench --bench deps_cache` (add `--profile dev` to skip a release build: the time is
//! Docker's and pip's, not ours).

use std::process::Command;
use std::time::Duration;

use ato::deps::{CacheUse, DepsNetwork, DepsSettings, prepare};
use ato::model::Runner;
use ato::runners;
use ato::sandbox::{Limits, Sandbox};
use sha2::Digest;
use tokio_util::sync::CancellationToken;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(bench());
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|n| {
            n.parse()
                .unwrap_or_else(|_| panic!("{name} must be a whole number"))
        })
        .unwrap_or(default)
}

async fn bench() {
    let sandbox = Sandbox::connect()
        .await
        .expect("this benchmark needs a running Docker engine");
    let packages = setting("ATO_BENCH_WHEELS", 8);
    let rounds = setting("ATO_BENCH_ROUNDS", 3);
    let progress = |line: &str| println!("{line}");
    for runner in [Runner::Python, Runner::Node, Runner::Java] {
        let image = runners::ensure(sandbox.docker(), runner, &progress)
            .await
            .expect("the runner image builds");
        let mut fills = Vec::new();
        let mut hits = Vec::new();
        let mut volumes = Vec::new();
        for round in 0..rounds {
            let workspace = match runner {
                Runner::Python => python_workspace(packages, round),
                Runner::Node => node_workspace(packages, round),
                Runner::Java => java_workspace(packages, round),
            };
            let (first, first_use, volume) = phase(&sandbox, runner, &image, &workspace).await;
            let (second, second_use, _) = phase(&sandbox, runner, &image, &workspace).await;
            assert_eq!(first_use, CacheUse::Filled, "the first run fills the cache");
            assert_eq!(second_use, CacheUse::Hit, "the second run finds it");
            volumes.extend(volume);
            fills.push(first);
            hits.push(second);
        }
        let (fill, hit) = (median(fills), median(hits));
        println!(
            "{:<6} {packages} packages: first run (fill) median {:>8.1} ms, second run (hit) median {:>6.1} ms, \
             ratio {:.3} (goal <= 0.100)",
            runner.name(),
            ms(fill),
            ms(hit),
            ms(hit) / ms(fill)
        );
        for volume in volumes {
            for name in [format!("{volume}-complete"), volume] {
                let _ = Command::new("docker")
                    .args(["volume", "rm", "-f", &name])
                    .output();
            }
        }
    }
}

async fn phase(
    sandbox: &Sandbox,
    runner: Runner,
    image: &str,
    workspace: &[u8],
) -> (Duration, CacheUse, Option<String>) {
    let prepared = prepare(
        sandbox,
        "bench-deps-cache",
        ato::lang::family(runner),
        image,
        workspace,
        &Limits::default(),
        &DepsSettings {
            network: DepsNetwork::Off,
            ..DepsSettings::default()
        },
        &CancellationToken::new(),
    )
    .await
    .expect("the dependency phase runs");
    assert!(prepared.problems.is_empty(), "{:#?}", prepared.problems);
    (
        prepared.duration,
        prepared.cache,
        prepared.mount.map(|mount| mount.volume),
    )
}

fn nonce(round: usize) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}-{}-{round}", std::process::id(), now.as_nanos())
}

/// A runner workspace (`head/…`) with `n` vendored wheels and a `requirements.txt` naming them.
fn python_workspace(n: usize, round: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = r#"
import base64, hashlib, sys, zipfile
name = sys.argv[2]
files = {
    f"{name}/__init__.py": b"def double(x):\n    return 2 * x\n",
    f"{name}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
    f"{name}-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: ato-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = [f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}" for p, d in files.items()]
files[f"{name}-1.0.dist-info/RECORD"] = ("\n".join(record + [f"{name}-1.0.dist-info/RECORD,,"]) + "\n").encode()
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
    for p, d in files.items():
        wheel.writestr(p, d)
"#;
    let mut files = Vec::new();
    let mut requirements = format!("# bench {}\n", nonce(round));
    for i in 0..n {
        let name = format!("benchdep{i}");
        let path = dir.path().join(format!("{name}-1.0-py3-none-any.whl"));
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(&path)
            .arg(&name)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        files.push((
            format!("vendor/{name}-1.0-py3-none-any.whl"),
            std::fs::read(&path).unwrap(),
        ));
        requirements.push_str(&format!("{name}==1.0\n"));
    }
    files.push(("requirements.txt".into(), requirements.into_bytes()));
    workspace(&files)
}

/// A runner workspace with `n` vendored npm tarballs and the lock that names them.
fn node_workspace(n: usize, round: usize) -> Vec<u8> {
    use base64::Engine;
    let mut files = Vec::new();
    let mut deps = Vec::new();
    let mut locked = Vec::new();
    for i in 0..n {
        let name = format!("benchdep{i}");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        {
            let mut builder = tar::Builder::new(&mut gz);
            let package = format!(r#"{{"name":"{name}","version":"1.0.0","main":"index.js"}}"#);
            for (path, body) in [
                ("package/package.json", package.as_str()),
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
        let integrity =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&bytes));
        let spec = format!("file:vendor/{name}-1.0.0.tgz");
        deps.push(format!(r#""{name}":"{spec}""#));
        locked.push(format!(
            r#""node_modules/{name}":{{"version":"1.0.0","resolved":"{spec}","integrity":"sha512-{integrity}"}}"#
        ));
        files.push((format!("vendor/{name}-1.0.0.tgz"), bytes));
    }
    let deps = deps.join(",");
    let package = format!(
        r#"{{"name":"bench","version":"1.0.0","description":"{}","dependencies":{{{deps}}}}}"#,
        nonce(round)
    );
    let lock = format!(
        r#"{{"name":"bench","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{{"":{{"name":"bench","version":"1.0.0","dependencies":{{{deps}}}}},{}}}}}"#,
        locked.join(",")
    );
    files.push(("package.json".into(), package.into_bytes()));
    files.push(("package-lock.json".into(), lock.into_bytes()));
    workspace(&files)
}

/// A runner workspace with a pom naming `n` artifacts of its in-project repository `repo/`.
fn java_workspace(n: usize, round: usize) -> Vec<u8> {
    // An empty zip archive: Maven resolves a jar without opening it.
    let mut empty_jar = b"PK\x05\x06".to_vec();
    empty_jar.resize(22, 0);
    let mut files = Vec::new();
    let mut deps = String::new();
    for i in 0..n {
        let name = format!("benchdep{i}");
        let folder = format!("repo/bench/{name}/1.0");
        files.push((format!("{folder}/{name}-1.0.jar"), empty_jar.clone()));
        let pom = format!(
            "<project><modelVersion>4.0.0</modelVersion><groupId>bench</groupId>\
             <artifactId>{name}</artifactId><version>1.0</version></project>\n"
        );
        files.push((format!("{folder}/{name}-1.0.pom"), pom.into_bytes()));
        deps.push_str(&format!(
            "<dependency><groupId>bench</groupId><artifactId>{name}</artifactId><version>1.0</version></dependency>"
        ));
    }
    let pom = format!(
        "<project><modelVersion>4.0.0</modelVersion><groupId>bench</groupId><artifactId>app</artifactId>\
         <version>1.0</version><description>{}</description>\
         <repositories><repository><id>in-project</id><url>file://${{project.basedir}}/repo</url></repository>\
         </repositories><dependencies>{deps}</dependencies></project>\n",
        nonce(round)
    );
    files.push(("pom.xml".into(), pom.into_bytes()));
    workspace(&files)
}

fn workspace(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for dir in ["head/", "head/vendor/"] {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Directory);
        header.set_size(0);
        header.set_mode(0o755);
        header.set_cksum();
        builder
            .append_data(&mut header, dir, std::io::empty())
            .unwrap();
    }
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("head/{path}"), bytes.as_slice())
            .unwrap();
    }
    builder.into_inner().unwrap()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
