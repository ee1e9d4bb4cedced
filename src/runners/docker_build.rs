//! `docker build` of a recipe through the Docker API.

use std::collections::HashMap;
use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::BuildImageOptionsBuilder;
use futures_util::StreamExt;

use super::log_tail::LogTail;

/// A build that installs packages from a registry's base can take several minutes on a slow mirror.
const BUILD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What to build and how.
pub struct BuildRequest<'a> {
    /// `repo:tag` to give the result.
    pub image: &'a str,
    /// The recipe as a tar, laid out as `runners/` is.
    pub context: Vec<u8>,
    /// The Dockerfile's path in the context (`<name>/Dockerfile`).
    pub dockerfile: String,
    /// Value of the Dockerfile's `BASE` build-arg; `None` keeps the Dockerfile's default.
    pub base: Option<&'a str>,
    pub labels: HashMap<String, String>,
    /// Build with no network: right when the base already holds every package, and proof that it does.
    pub offline: bool,
}

/// Why a build failed, with the last lines of its output.
#[derive(Debug)]
pub struct BuildFailure {
    pub reason: String,
    pub log_tail: String,
}

/// Runs the build, streaming its output to the debug log.
pub async fn build(docker: &Docker, request: BuildRequest<'_>) -> Result<(), BuildFailure> {
    let mut options = BuildImageOptionsBuilder::new()
        .dockerfile(&request.dockerfile)
        .t(request.image)
        .rm(true)
        .forcerm(true)
        .labels(&request.labels);
    if let Some(base) = request.base {
        options = options.buildargs(&HashMap::from([("BASE".to_string(), base.to_string())]));
    }
    if request.offline {
        options = options.networkmode("none");
    }
    let docker = docker.clone().with_timeout(BUILD_TIMEOUT);
    let mut tail = LogTail::new(40, 400);
    let image = request.image;
    let run = async {
        let mut stream = docker.build_image(
            options.build(),
            None,
            Some(bollard::body_full(request.context.into())),
        );
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    for text in [info.stream, info.status].into_iter().flatten() {
                        tracing::debug!(target: "ato::runners::build", image, "{}", text.trim_end());
                        tail.push(&text);
                    }
                }
                // Docker's own words ("The command … returned a non-zero code: 3") say it best.
                Err(bollard::errors::Error::DockerStreamError { error }) => return Err(error),
                Err(err) => return Err(err.to_string()),
            }
        }
        Ok(())
    };
    let outcome = tokio::time::timeout(BUILD_TIMEOUT, run).await;
    let reason = match outcome {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(reason)) => reason,
        Err(_) => format!("it did not finish within {} s", BUILD_TIMEOUT.as_secs()),
    };
    Err(BuildFailure {
        reason,
        log_tail: tail.render(),
    })
}
