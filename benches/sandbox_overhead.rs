//! The sandbox's overhead against a plain `docker run --rm` with the same hardening.
//!
//! N pairs (`ATO_BENCH_PAIRS`, default 10), alternating which goes first, each running the same trivial
//! command in the same image with the same limits: once through `Sandbox::run`, once through the Docker CLI.
//! Prints the median of each and their ratio (goal: at most 1.1).
//!
//! Image: `ATO_BENCH_IMAGE`, else the Python runner image (`ato runners image python`) when present (command `python3 -c pass`), else
//! the busybox test image (command `true`). `ATO_BENCH_COMMAND` (split on spaces) overrides the command.
//! Run with `cargo bench --bench sandbox_overhead` (add `--profile dev` to skip a release build: the time is
//! Docker's, not ours).

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ato::sandbox::{Job, Limits, Outcome, Sandbox};
use tokio_util::sync::CancellationToken;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(bench());
}

async fn bench() {
    let sandbox = support::sandbox::require_sandbox().await;
    let pairs: usize = std::env::var("ATO_BENCH_PAIRS")
        .ok()
        .map(|n| n.parse().expect("ATO_BENCH_PAIRS must be a whole number"))
        .unwrap_or(10);
    let (image, command) = image_and_command();
    let limits = Limits::default();
    println!("image {image}, command {command:?}, {pairs} pairs");

    // One unmeasured run of each warms the image and page caches.
    sandboxed(&sandbox, &image, &command, &limits).await;
    cli(&image, &command, &limits);

    let mut ours = Vec::with_capacity(pairs);
    let mut theirs = Vec::with_capacity(pairs);
    for pair in 0..pairs {
        if pair % 2 == 0 {
            ours.push(sandboxed(&sandbox, &image, &command, &limits).await);
            theirs.push(cli(&image, &command, &limits));
        } else {
            theirs.push(cli(&image, &command, &limits));
            ours.push(sandboxed(&sandbox, &image, &command, &limits).await);
        }
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!("Sandbox::run   median {:>8.1} ms", ms(ours));
    println!("docker run CLI median {:>8.1} ms", ms(theirs));
    println!("ratio {:.2} (goal <= 1.10)", ms(ours) / ms(theirs));
}

fn image_and_command() -> (String, Vec<String>) {
    let python = ato::runners::image_ref(ato::model::Runner::Python).unwrap_or_default();
    let (image, default_command) = match std::env::var("ATO_BENCH_IMAGE") {
        Ok(image) => (image, "true"),
        Err(_) if image_exists(&python) => (python, "python3 -c pass"),
        Err(_) => (support::sandbox::ensure_test_image().to_string(), "true"),
    };
    let command =
        std::env::var("ATO_BENCH_COMMAND").unwrap_or_else(|_| default_command.to_string());
    (
        image,
        command.split_whitespace().map(str::to_string).collect(),
    )
}

async fn sandboxed(
    sandbox: &Sandbox,
    image: &str,
    command: &[String],
    limits: &Limits,
) -> Duration {
    let run_id = support::sandbox::unique_run_id("bench");
    let mut job = Job::new(&run_id, image, Vec::new(), limits.clone());
    job.command = Some(command.to_vec());
    let begun = Instant::now();
    let finished = sandbox
        .run(job, &CancellationToken::new())
        .await
        .expect("a sandboxed run");
    let took = begun.elapsed();
    assert_eq!(
        finished.outcome,
        Outcome::Exited { code: 0 },
        "{}",
        finished.stderr
    );
    took
}

/// `docker run --rm` with the sandbox's hardening and limits.
fn cli(image: &str, command: &[String], limits: &Limits) -> Duration {
    let tmpfs = format!("/tmp:rw,nosuid,nodev,size={},mode=1777", limits.tmp_bytes);
    let memory = limits.memory_bytes.to_string();
    let nofile = format!("nofile={0}:{0}", limits.nofile);
    let begun = Instant::now();
    let status = Command::new("docker")
        .args([
            "run",
            "--rm",
            "--network",
            "none",
            "--read-only",
            "--tmpfs",
            &tmpfs,
        ])
        .args([
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges:true",
            "--user",
            "65534:65534",
        ])
        .args([
            "--pids-limit",
            &limits.pids.to_string(),
            "--memory",
            &memory,
            "--memory-swap",
            &memory,
        ])
        .args(["--cpus", &limits.cpus.to_string(), "--ulimit", &nofile])
        .args([
            "--log-opt",
            "max-size=1m",
            "--label",
            "ato=bench-cli",
            "--env",
            "HOME=/tmp",
        ])
        .args(["--entrypoint", &command[0], image])
        .args(&command[1..])
        .stdout(Stdio::null())
        .status()
        .expect("running docker");
    let took = begun.elapsed();
    assert!(status.success(), "docker run failed");
    took
}

fn image_exists(image: &str) -> bool {
    Command::new("docker")
        .args(["image", "inspect", image])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
