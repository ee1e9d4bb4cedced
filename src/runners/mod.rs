//! Runner images: built from the recipes under `runners/` (embedded in the binary), labelled with the
//! hash of their recipe, and rebuilt only when that hash changes.
//!
//! Without a container registry the base comes from Debian's archive: mmdebstrap makes a rootfs of the
//! recipe's `packages.txt`, imported as `ato-base-<name>:<hash>`, and the recipe's Dockerfile is built on
//! it with `BASE` pointing there. With a registry but no mmdebstrap, the Dockerfile's own default base is
//! used. See `runners/README.md`.
//!
//! Each family has an image per runtime version ([`Runtime`]), made from the Debian suite that packages it:
//! runs use Python 3.13/3.11/3.9, Java 21/17/11 and Node.js 20/18 ([`runtimes`]: every one that builds,
//! [`buildable`], unless its harness cannot do its job there). A run builds only the ones it uses.

mod base_image;
mod build_times;
mod decision;
mod docker_build;
mod error;
mod log_tail;
mod mmdebstrap;
mod packages;
mod recipe;
#[cfg(test)]
mod recipe_tests;
mod runtime;
mod shared_folders;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use bollard::Docker;

pub(crate) use base_image::find_program;
pub use decision::RECIPE_LABEL;
pub(crate) use decision::{BaseSource, BuildDecision, choose_base, decide};
pub use error::ImageError;
pub use recipe::{Recipe, RecipeFile};
pub use runtime::{Runtime, Suite, family_label};

use crate::model::Runner;

/// Label naming the runner family, so every ato image can be listed with one filter.
pub const RUNNER_LABEL: &str = "org.ato.runner";
/// Label recording which base image a runner image was built on.
pub const BASE_LABEL: &str = "org.ato.base";
/// The Dockerfiles' default `BASE`, used when there is no mmdebstrap; it needs a registry.
pub const DEFAULT_BASE: &str = "debian:trixie-slim";

/// Builds are serialised within a process: two runs starting at once must not build the same image
/// twice. The second waits, then finds the image up to date.
static BUILD_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A progress callback: one short line per step, for a person watching (the CLI prints them).
/// `Send + Sync` so that `ensure` can run inside a spawned task.
pub type Progress<'a> = &'a (dyn Fn(&str) + Send + Sync);

/// The image a runner's containers run: `ato-runner-<name>:<12 hex of the recipe hash>`. The tag names the
/// recipe, so two versions of ato on one engine (an upgrade, a second checkout) each keep their own image
/// instead of rebuilding each other's.
pub fn image_ref(runner: Runner) -> Result<String, ImageError> {
    Ok(Recipe::embedded(runner)?.image_ref())
}

/// The image of one runtime (`ato-runner-python3.9:<12 hex>`).
pub fn runtime_image_ref(runtime: Runtime) -> Result<String, ImageError> {
    Ok(Recipe::embedded_runtime(runtime)?.image_ref())
}

/// The runtimes of `runner` a run may use, newest first: those this binary has a recipe for and whose
/// harness works there (none when it has no recipe).
pub fn runtimes(runner: Runner) -> Vec<Runtime> {
    buildable(runner)
        .into_iter()
        .filter(|runtime| runtime.not_offered().is_none())
        .collect()
}

/// The runtimes of `runner` whose image this binary can build (`ato runners build java17`), offered to
/// runs or not.
pub fn buildable(runner: Runner) -> Vec<Runtime> {
    let suites = Recipe::embedded_suites(runner);
    Runtime::all(runner)
        .into_iter()
        .filter(|runtime| suites.contains(&runtime.suite))
        .collect()
}

/// The runners this binary has a recipe for.
pub fn available() -> Vec<Runner> {
    Runner::ALL
        .into_iter()
        .filter(|runner| Recipe::embedded(*runner).is_ok())
        .collect()
}

/// Makes sure the runner image exists and matches this binary's recipe, building it when not, and
/// returns its reference. Fast when it is up to date: one `docker image inspect`.
pub async fn ensure(
    docker: &Docker,
    runner: Runner,
    progress: Progress<'_>,
) -> Result<String, ImageError> {
    ensure_runtime(docker, Runtime::default_for(runner), progress).await
}

/// [`ensure`] for one runtime's image: builds it (and its base) only when missing or stale.
pub async fn ensure_runtime(
    docker: &Docker,
    runtime: Runtime,
    progress: Progress<'_>,
) -> Result<String, ImageError> {
    build_if_needed(docker, runtime, false, Wording::FirstRun, progress).await
}

/// `ato runners build`: builds the runtime's image unless it already matches its recipe; `force` rebuilds
/// anyway (the base made from `packages.txt` is reused when present).
pub async fn build(
    docker: &Docker,
    runtime: Runtime,
    force: bool,
    progress: Progress<'_>,
) -> Result<String, ImageError> {
    build_if_needed(docker, runtime, force, Wording::Explicit, progress).await
}

/// How progress lines are worded: `ato run` explains why it is suddenly slow, `ato runners build` not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wording {
    FirstRun,
    Explicit,
}

/// Where the tools a build may need are found.
#[derive(Debug, Clone, Default)]
pub struct BuildTools {
    /// mmdebstrap, to make base images without a registry; `None` falls back to the Dockerfile's default
    /// base.
    pub mmdebstrap: Option<PathBuf>,
}

impl BuildTools {
    /// Looks the tools up on `PATH`.
    pub fn from_env() -> BuildTools {
        BuildTools {
            mmdebstrap: find_program("mmdebstrap", std::env::var_os("PATH").as_deref()),
        }
    }
}

async fn build_if_needed(
    docker: &Docker,
    runtime: Runtime,
    force: bool,
    wording: Wording,
    progress: Progress<'_>,
) -> Result<String, ImageError> {
    let recipe = Recipe::embedded_runtime(runtime)?;
    let image = recipe.image_ref();
    let tools = BuildTools::from_env();
    build_recipe_as(docker, &recipe, &image, force, wording, &tools, progress).await?;
    Ok(image)
}

/// Builds any recipe as `image` unless an image of that name already carries its hash: what [`ensure`]
/// and [`build`] do for the embedded recipes, open to other recipes and tools (tests use it to prove
/// the fallback and failure paths).
pub async fn build_recipe(
    docker: &Docker,
    recipe: &Recipe,
    image: &str,
    force: bool,
    tools: &BuildTools,
    progress: Progress<'_>,
) -> Result<(), ImageError> {
    build_recipe_as(
        docker,
        recipe,
        image,
        force,
        Wording::Explicit,
        tools,
        progress,
    )
    .await
}

async fn build_recipe_as(
    docker: &Docker,
    recipe: &Recipe,
    image: &str,
    force: bool,
    wording: Wording,
    tools: &BuildTools,
    progress: Progress<'_>,
) -> Result<(), ImageError> {
    let hash = recipe.hash();
    let found = inspect(docker, image).await?;
    if !decide(found.as_ref().map(|f| f.label.as_deref()), &hash, force).needs_build() {
        if wording == Wording::Explicit {
            progress(&format!("{image} is up to date"));
        }
        return Ok(());
    }

    let _guard = BUILD_LOCK.lock().await;
    // Another task may have built it while this one waited for the lock.
    let found = inspect(docker, image).await?;
    let decision = decide(found.as_ref().map(|f| f.label.as_deref()), &hash, force);
    if !decision.needs_build() {
        return Ok(());
    }
    let name = image.split(':').next().unwrap_or(image);
    let runtime = recipe.runtime().label();
    let estimate = build_times::estimate(build_times::last(name));
    progress(&match (&decision, wording) {
        (BuildDecision::Missing, Wording::FirstRun) => {
            format!("building runner image {name} for {runtime} (first run only; {estimate})…")
        }
        (BuildDecision::Stale { .. }, _) => {
            format!(
                "rebuilding runner image {name} for {runtime}: its recipe changed ({estimate})…"
            )
        }
        _ => format!("building runner image {name} for {runtime} ({estimate})…"),
    });
    tracing::info!(image, ?decision, recipe = %hash, "building runner image");

    let started = Instant::now();
    build_image(docker, recipe, image, &hash, tools, progress).await?;
    if let Some(old) = found.and_then(|f| f.id) {
        remove_replaced(docker, image, &old).await;
    }
    build_times::record(name, started.elapsed());
    progress(&format!(
        "runner image {image} ready ({} s)",
        started.elapsed().as_secs()
    ));
    Ok(())
}

async fn build_image(
    docker: &Docker,
    recipe: &Recipe,
    image: &str,
    hash: &str,
    tools: &BuildTools,
    progress: Progress<'_>,
) -> Result<(), ImageError> {
    let base = recipe.base_image_ref();
    let base_present = inspect(docker, &base).await?.is_some();
    let source = choose_base(base_present, tools.mmdebstrap.is_some());
    let suite = recipe.suite;
    if let (BaseSource::Mmdebstrap, Some(mmdebstrap)) = (source, &tools.mmdebstrap) {
        progress(&format!(
            "making base image {base} from Debian {} packages with mmdebstrap…",
            suite.name()
        ));
        base_image::make_base(
            docker,
            mmdebstrap,
            &recipe.packages()?,
            suite,
            &base,
            progress,
        )
        .await?;
    }
    let local_base = source != BaseSource::DockerfileDefault;
    let registry_base = suite.registry_base();

    let mut labels = HashMap::from([
        (RECIPE_LABEL.to_string(), hash.to_string()),
        (RUNNER_LABEL.to_string(), recipe.runner.name().to_string()),
    ]);
    let used_base = if local_base {
        base.as_str()
    } else {
        registry_base.as_str()
    };
    labels.insert(BASE_LABEL.to_string(), used_base.to_string());

    let request = docker_build::BuildRequest {
        image,
        context: recipe.context_tar()?,
        dockerfile: recipe.dockerfile(),
        base: Some(used_base),
        labels,
        offline: local_base,
    };
    let Err(failure) = docker_build::build(docker, request).await else {
        return Ok(());
    };
    // Without a local base, a build that could not even get the default base means no registry: say
    // what to install rather than showing Docker's pull error alone.
    if !local_base && inspect(docker, &registry_base).await?.is_none() {
        return Err(ImageError::NoBase {
            image: image.to_string(),
            default_base: registry_base,
            log_tail: format!("{}\n{}", failure.reason, failure.log_tail),
        });
    }
    Err(ImageError::BuildFailed {
        image: image.to_string(),
        reason: failure.reason,
        log_tail: failure.log_tail,
    })
}

/// What `docker image inspect` says about an image that exists.
struct Found {
    id: Option<String>,
    label: Option<String>,
}

async fn inspect(docker: &Docker, image: &str) -> Result<Option<Found>, ImageError> {
    match docker.inspect_image(image).await {
        Ok(inspect) => Ok(Some(Found {
            id: inspect.id,
            label: inspect
                .config
                .and_then(|config| config.labels)
                .and_then(|mut labels| labels.remove(RECIPE_LABEL)),
        })),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(None),
        Err(err) => Err(ImageError::docker(format!("inspect image {image}"), err)),
    }
}

/// Drops the image a rebuild replaced, so rebuilds do not pile up untagged images. Best effort: an
/// image still used by a container stays.
async fn remove_replaced(docker: &Docker, image: &str, old_id: &str) {
    match inspect(docker, image).await {
        Ok(Some(Found { id: Some(new), .. })) if new == old_id => return,
        Ok(_) => {}
        Err(err) => {
            tracing::debug!(image, %err, "could not check the rebuilt image");
            return;
        }
    }
    if let Err(err) = docker
        .remove_image(
            old_id,
            None::<bollard::query_parameters::RemoveImageOptions>,
            None,
        )
        .await
    {
        tracing::debug!(image, old_id, %err, "kept the replaced image");
    }
}
