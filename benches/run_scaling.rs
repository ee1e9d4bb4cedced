//! `ato run` wall time on the doctest fixture, and how it grows with the number of changed files.
//!
//! For N in 1, 10 and 50 (or `ATO_BENCH_FILES`, comma-separated) it makes a git repository whose head adds a
//! typed function with a doctest to each of N modules, runs the real `ato run` binary on it
//! `ATO_BENCH_REPEAT` times (default 3) with the runner image already built, and prints the median.
//! Run with `cargo bench --bench run_scaling` (`--profile dev` is fine: the time is the container's).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::ato_run::ato_run;
use support::docker::require_docker;
use support::git_repo::Repo;

fn main() {
    require_docker();
    let sizes: Vec<usize> = std::env::var("ATO_BENCH_FILES")
        .unwrap_or_else(|_| "1,10,50".into())
        .split(',')
        .map(|n| n.trim().parse().expect("ATO_BENCH_FILES: whole numbers"))
        .collect();
    let repeat: usize = std::env::var("ATO_BENCH_REPEAT")
        .ok()
        .map(|n| n.parse().expect("ATO_BENCH_REPEAT: a whole number"))
        .unwrap_or(3);
    // One unmeasured run builds the image if needed and warms the caches.
    run_once(&fixture(1));
    println!("changed files | median wall time | per file");
    for files in sizes {
        let repo = fixture(files);
        let mut times: Vec<Duration> = (0..repeat).map(|_| run_once(&repo)).collect();
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "{files:>13} | {:>13.2} s | {:>6.2} s",
            median.as_secs_f64(),
            median.as_secs_f64() / files as f64
        );
    }
}

fn run_once(repo: &Repo) -> Duration {
    let started = Instant::now();
    let run = ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], &[]);
    let elapsed = started.elapsed();
    assert_eq!(run.exit_code, 0, "ato run failed:\n{}", run.stderr);
    elapsed
}

/// N modules; the head adds a typed, doctested function to each.
fn fixture(files: usize) -> Repo {
    let repo = Repo::new();
    for i in 0..files {
        repo.write(
            &format!("pkg/mod_{i}.py"),
            "def base(a: int) -> int:\n    return a\n",
        );
    }
    repo.write("pkg/__init__.py", "").commit("base");
    for i in 0..files {
        repo.write(
            &format!("pkg/mod_{i}.py"),
            &format!(
                "def base(a: int) -> int:\n    return a\n\n\ndef scaled_{i}(a: int, b: int) -> int:\n    \"\"\"Scale.\n\n    >>> scaled_{i}(2, 3)\n    {}\n    \"\"\"\n    return a * b + {i}\n",
                6 + i
            ),
        );
    }
    repo.commit("head");
    repo
}
