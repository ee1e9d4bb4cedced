//! What the tests of this binary share: the Docker client, progress lines caught, image inspection and
//! removal, a script run in an image as the sandbox would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ato::model::Runner;
use ato::runners;
use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    LogsOptionsBuilder, RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder,
};
use futures_util::StreamExt;

/// Tests that remove or rebuild the python image must not overlap.
pub static IMAGE_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn docker() -> Docker {
    let docker = Docker::connect_with_defaults().unwrap_or_else(|err| {
        panic!("these tests need a Docker engine (DOCKER_HOST or /var/run/docker.sock): {err}")
    });
    // The engine here speaks API 1.41; bollard defaults to a newer one.
    docker.negotiate_version().await.unwrap_or_else(|err| {
        panic!("these tests need a running Docker engine, and it did not answer: {err}")
    })
}

/// Collects progress lines so a test can check what a user would have seen.
#[derive(Clone, Default)]
pub struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    pub fn sink(&self) -> impl Fn(&str) + Send + Sync + use<> {
        let lines = self.0.clone();
        move |line: &str| lines.lock().unwrap().push(line.to_string())
    }

    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

pub struct Inspected {
    pub id: String,
    pub user: String,
    pub labels: HashMap<String, String>,
}

pub async fn inspect(docker: &Docker, image: &str) -> Inspected {
    let inspect = docker
        .inspect_image(image)
        .await
        .unwrap_or_else(|err| panic!("inspect {image}: {err}"));
    let config = inspect.config.unwrap_or_default();
    Inspected {
        id: inspect.id.unwrap_or_default(),
        user: config.user.unwrap_or_default(),
        labels: config.labels.unwrap_or_default(),
    }
}

pub fn is_missing<T>(result: &Result<T, bollard::errors::Error>) -> bool {
    matches!(
        result,
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        })
    )
}

pub async fn remove_image(docker: &Docker, image: &str) {
    let options = RemoveImageOptionsBuilder::new().force(true).build();
    let removed = docker.remove_image(image, Some(options), None).await;
    if !is_missing(&removed) {
        removed.unwrap_or_else(|err| panic!("remove {image}: {err}"));
    }
}

/// Runs `script` with sh in a locked-down container of `image` (no network, read-only root) and
/// returns its exit code and output. Only `/tmp` is writable, as in the sandbox. The container is removed on every path.
pub async fn run_in(docker: &Docker, image: &str, script: &str) -> (i64, String) {
    let body = ContainerCreateBody {
        image: Some(image.to_string()),
        cmd: Some(vec!["sh".into(), "-c".into(), script.into()]),
        labels: Some(HashMap::from([(
            "org.ato.test".to_string(),
            "runner_images".to_string(),
        )])),
        host_config: Some(HostConfig {
            network_mode: Some("none".into()),
            readonly_rootfs: Some(true),
            tmpfs: Some(HashMap::from([(
                "/tmp".to_string(),
                "size=64m".to_string(),
            )])),
            ..Default::default()
        }),
        ..Default::default()
    };
    let id = docker
        .create_container(None, body)
        .await
        .expect("create container")
        .id;
    let outcome = async {
        docker.start_container(&id, None).await?;
        let code = match docker.wait_container(&id, None).next().await {
            Some(Ok(done)) => done.status_code,
            Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code,
            Some(Err(err)) => return Err(err),
            None => -1,
        };
        let mut output = String::new();
        let options = LogsOptionsBuilder::new().stdout(true).stderr(true).build();
        let mut logs = docker.logs(&id, Some(options));
        while let Some(chunk) = logs.next().await {
            output.push_str(&chunk?.to_string());
        }
        Ok((code, output))
    };
    let outcome = tokio::time::timeout(Duration::from_secs(120), outcome).await;
    let remove = RemoveContainerOptionsBuilder::new().force(true).build();
    docker
        .remove_container(&id, Some(remove))
        .await
        .expect("remove container");
    outcome
        .expect("container did not finish in 120 s")
        .expect("run container")
}

pub async fn ensure_python(docker: &Docker) -> String {
    runners::ensure(docker, Runner::Python, &|_: &str| {})
        .await
        .unwrap_or_else(|err| panic!("{err}"))
}
