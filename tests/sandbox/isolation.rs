//! What a hostile job cannot do: reach the network, write outside `/work` and `/tmp`, hold capabilities or
//! root, see the host's environment, exceed its pids, memory, CPU and file limits, or pile up zombies.

use std::time::{Duration, Instant};

use ato::sandbox::{Job, Outcome};

use crate::support::sandbox::{
    ensure_test_image, require_sandbox, run_clean, sh_job, test_limits, unique_run_id, workspace,
};

#[tokio::test]
async fn the_workspace_belongs_to_the_job_user_and_is_a_small_tmpfs() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("owner");
    let mut job = sh_job(
        &run_id,
        "stat -c '%u:%g' head/a.py; pwd; touch head/new.py && echo writable; grep ' /work ' /proc/mounts",
    );
    job.workspace_tar = workspace(&[("head/a.py", "x = 1\n")]);
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(
        finished.outcome,
        Outcome::Exited { code: 0 },
        "{}",
        finished.stderr
    );
    let lines: Vec<&str> = finished.stdout.lines().collect();
    assert_eq!(lines[..3], ["65534:65534", "/work", "writable"]);
    assert!(lines[3].starts_with("tmpfs /work tmpfs"), "{}", lines[3]);
    assert!(lines[3].contains("size=65536k"), "{}", lines[3]);
    assert_eq!(finished.results_tar, None, "no out/ directory was made");
}

#[tokio::test]
async fn a_fork_bomb_is_contained_by_the_pids_limit() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("forkbomb");
    // The subshell forks until the limit stops it (a failed fork ends it); counting /proc with a glob
    // needs no fork, so the parent can still do it while every pid is taken.
    let mut job = sh_job(
        &run_id,
        "(n=0; while [ $n -lt 300 ]; do sleep 60 >/dev/null 2>&1 & n=$((n+1)); done); \
         set -- /proc/[0-9]*; echo procs=$#",
    );
    job.limits.pids = 40;
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(
        finished.outcome,
        Outcome::Exited { code: 0 },
        "{}",
        finished.stderr
    );
    assert!(
        finished.stderr.contains("fork"),
        "forks should have failed: {}",
        finished.stderr
    );
    let procs: usize = finished
        .stdout
        .trim()
        .strip_prefix("procs=")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (20..=40).contains(&procs),
        "{procs} processes in the container"
    );
}

#[tokio::test]
async fn there_is_no_network() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("network");
    let job = sh_job(
        &run_id,
        "wget -q -T 5 -O- http://1.1.1.1/ 2>&1; echo wget=$?; nc -w 3 1.1.1.1 53 </dev/null 2>&1; echo nc=$?; \
         tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
    );
    let begun = Instant::now();
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert!(
        begun.elapsed() < Duration::from_secs(10),
        "the network calls did not fail at once"
    );
    assert!(
        finished.stdout.contains("unreachable"),
        "{}",
        finished.stdout
    );
    assert!(finished.stdout.contains("wget=1"), "{}", finished.stdout);
    assert!(finished.stdout.contains("nc=1"), "{}", finished.stdout);
    let interfaces: Vec<&str> = finished
        .stdout
        .lines()
        .rev()
        .take_while(|l| !l.contains('='))
        .collect();
    assert_eq!(interfaces, ["lo"], "only loopback: {}", finished.stdout);
}

#[tokio::test]
async fn the_root_filesystem_is_read_only_but_tmp_and_work_are_writable() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("readonly");
    let job = sh_job(
        &run_id,
        "touch /tmp/t && touch /work/w && echo ok; touch /usr/x; echo usr=$?; echo $HOME",
    );
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(finished.stdout, "ok\nusr=1\n/tmp\n");
    assert!(
        finished.stderr.contains("Read-only file system"),
        "{}",
        finished.stderr
    );
}

#[tokio::test]
async fn the_job_runs_as_nobody_without_capabilities_or_new_privileges() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("nonroot");
    let job = sh_job(
        &run_id,
        "id -u; id -g; grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status",
    );
    let finished = run_clean(&sandbox, job).await.unwrap();
    let lines: Vec<String> = finished
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        lines,
        [
            "65534",
            "65534",
            "CapEff: 0000000000000000",
            "CapBnd: 0000000000000000",
            "NoNewPrivs: 1",
            "Seccomp: 2"
        ]
    );
}

#[tokio::test]
async fn the_environment_is_only_the_jobs() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("env");
    let mut job = Job::new(&run_id, ensure_test_image(), Vec::new(), test_limits());
    job.command = Some(vec!["env".into()]);
    job.env = vec![("ATO_SEED".into(), "1234".into())];
    let finished = run_clean(&sandbox, job).await.unwrap();
    let mut names: Vec<&str> = finished
        .stdout
        .lines()
        .filter_map(|l| l.split('=').next())
        .collect();
    names.sort();
    // PATH comes from the image, HOSTNAME from Docker; nothing from this process's environment.
    assert_eq!(
        names,
        ["ATO_SEED", "HOME", "HOSTNAME", "PATH"],
        "{}",
        finished.stdout
    );
    assert!(finished.stdout.contains("HOME=/tmp\n"));
    assert!(finished.stdout.contains("ATO_SEED=1234\n"));
    assert!(std::env::vars().any(|(name, _)| name == "CARGO_MANIFEST_DIR" || name == "PWD"));
}

#[tokio::test]
async fn orphaned_processes_are_reaped() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("orphans");
    // Each subshell exits before its `sleep`, which is reparented to PID 1 and must be reaped there, or
    // its zombie would hold a pid until the container is removed.
    let job = sh_job(
        &run_id,
        "for i in 1 2 3 4 5 6 7 8 9 10; do (sleep 0.1 &); done; sleep 1; z=0; \
         for p in /proc/[0-9]*; do read -r l < $p/stat 2>/dev/null; case \"$l\" in *') Z '*) z=$((z+1));; esac; done; \
         echo zombies=$z",
    );
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(finished.stdout, "zombies=0\n", "{}", finished.stderr);
}

#[tokio::test]
async fn the_resource_limits_reach_the_kernel() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("limits");
    // cgroup v1 paths first (this machine), then the unified v2 ones.
    let mut job = sh_job(
        &run_id,
        "ulimit -n; g=/sys/fs/cgroup; \
         cat $g/pids/pids.max 2>/dev/null || cat $g/pids.max; \
         cat $g/memory/memory.limit_in_bytes 2>/dev/null || cat $g/memory.max; \
         cat $g/memory/memory.memsw.limit_in_bytes 2>/dev/null || echo swap=$(cat $g/memory.swap.max); \
         cat $g/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 $g/cpu.max",
    );
    job.limits.pids = 77;
    job.limits.cpus = 0.5;
    let finished = run_clean(&sandbox, job).await.unwrap();
    let lines: Vec<&str> = finished.stdout.lines().collect();
    let memory = (256u64 << 20).to_string();
    assert_eq!(
        lines[..3],
        ["1024", "77", memory.as_str()],
        "{}",
        finished.stdout
    );
    assert!(
        lines[3] == memory || lines[3] == "swap=0",
        "swap allowed: {}",
        lines[3]
    );
    assert_eq!(lines[4], "50000", "half a CPU per 100 ms period");
}
