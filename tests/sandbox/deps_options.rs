//! The two sandbox options only the dependency phase uses, on real containers: an extra named volume
//! (writable for the fill, read-only for the tests) and a network (off unless asked).

use std::process::Command;

use ato::sandbox::{Network, VolumeMount};

use crate::support::sandbox::{self, require_sandbox, run_clean, sh_job, unique_run_id};

struct RemoveVolume(String);

impl Drop for RemoveVolume {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["volume", "rm", "-f", &self.0])
            .output();
    }
}

/// The test image with a `/deps` folder owned by the job user, as the runner images have: an empty volume
/// mounted there takes that owner.
fn image_with_deps_folder() -> String {
    let base = sandbox::ensure_test_image();
    let image = "ato-test-busybox-deps:1".to_string();
    let dockerfile = format!("FROM {base}\nRUN mkdir -p /deps && chown 65534:65534 /deps\n");
    let mut child = Command::new("docker")
        .args(["build", "-q", "-t", &image, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("docker build runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dockerfile.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    image
}

#[tokio::test]
async fn a_volume_is_written_through_a_writable_mount_and_only_read_through_a_read_only_one() {
    let sandbox = require_sandbox().await;
    let image = image_with_deps_folder();
    let run_id = unique_run_id("deps-volume");
    let volume = format!("ato-deps-test-{}", std::process::id());
    let _remove = RemoveVolume(volume.clone());
    let mount = |read_only| VolumeMount {
        volume: volume.clone(),
        target: "/deps".into(),
        read_only,
    };

    let mut write = sh_job(&run_id, "echo filled > /deps/marker && echo wrote");
    write.image = image.clone();
    write.volumes = vec![mount(false)];
    let finished = run_clean(&sandbox, write).await.unwrap();
    assert_eq!(finished.stdout.trim(), "wrote", "{}", finished.stderr);

    let mut read = sh_job(
        &run_id,
        "cat /deps/marker; touch /deps/other 2>/dev/null && echo wrote || echo refused",
    );
    read.image = image;
    read.volumes = vec![mount(true)];
    let finished = run_clean(&sandbox, read).await.unwrap();
    assert_eq!(finished.stdout, "filled\nrefused\n", "{}", finished.stderr);
}

#[tokio::test]
async fn a_job_has_no_network_unless_it_asks_for_one() {
    let sandbox = require_sandbox().await;
    let run_id = unique_run_id("deps-network");
    let interfaces = "ls /sys/class/net | tr '\\n' ' '";

    let finished = run_clean(&sandbox, sh_job(&run_id, interfaces))
        .await
        .unwrap();
    assert_eq!(finished.stdout.trim(), "lo", "{}", finished.stderr);

    let mut online = sh_job(&run_id, interfaces);
    online.network = Network::Bridge;
    let finished = run_clean(&sandbox, online).await.unwrap();
    let names: Vec<&str> = finished.stdout.split_whitespace().collect();
    assert!(
        names.contains(&"lo") && names.len() > 1,
        "a bridge interface: {names:?}"
    );
}
