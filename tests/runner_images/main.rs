//! The runner images against the real Docker engine: built when missing, skipped when up to date,
//! usable offline as a non-root user, and failures that say what to do.
//!
//! Needs Docker; fails (never skips) when it is not reachable. The first run on a fresh machine also
//! makes the Debian base with mmdebstrap (about a minute). A binary of its own: it removes and rebuilds the
//! Python runner image, which no other test of this crate may be using at the time (cargo runs test
//! binaries one after another).

use std::time::{Duration, Instant};

use ato::model::Runner;
use ato::runners::{
    self, BuildTools, DEFAULT_BASE, ImageError, RECIPE_LABEL, RUNNER_LABEL, Recipe, RecipeFile,
};

use common::{IMAGE_LOCK, Lines, docker, ensure_python, inspect, is_missing, remove_image, run_in};

#[tokio::test]
async fn ensure_builds_a_missing_image_then_skips_the_build() {
    let docker = docker().await;
    let _lock = IMAGE_LOCK.lock().await;
    let image = runners::image_ref(Runner::Python).expect("the python recipe is embedded");
    let recipe = runners::Recipe::embedded(Runner::Python).expect("the python recipe is embedded");
    assert_eq!(image, format!("ato-runner-python:{}", &recipe.hash()[..12]));
    remove_image(&docker, &image).await;

    let lines = Lines::default();
    let built = runners::ensure(&docker, Runner::Python, &lines.sink())
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(built, image);
    let seen = lines.take();
    assert!(
        seen[0].contains("building runner image ato-runner-python for Python 3.13 (first run only"),
        "{seen:?}"
    );
    assert!(seen.last().unwrap().contains("ready"), "{seen:?}");

    let first = inspect(&docker, &image).await;
    let recipe = Recipe::embedded(Runner::Python).unwrap();
    assert_eq!(first.labels.get(RECIPE_LABEL), Some(&recipe.hash()));
    assert_eq!(
        first.labels.get(RUNNER_LABEL).map(String::as_str),
        Some("python")
    );
    assert_eq!(first.user, "65534:65534", "the runner must not run as root");

    let started = Instant::now();
    let again = runners::ensure(&docker, Runner::Python, &lines.sink())
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let took = started.elapsed();
    assert_eq!(again, image);
    assert!(
        lines.take().is_empty(),
        "an up-to-date image prints nothing"
    );
    assert!(took < Duration::from_secs(5), "second ensure took {took:?}");
    assert_eq!(
        inspect(&docker, &image).await.id,
        first.id,
        "image was rebuilt"
    );
}

#[tokio::test]
async fn the_image_runs_the_python_tools_offline_as_nobody() {
    let docker = docker().await;
    let _lock = IMAGE_LOCK.lock().await;
    let image = ensure_python(&docker).await;

    let script = r#"
        set -e
        echo "uid=$(id -u) home=$HOME pwd=$(pwd) pythonpath=$PYTHONPATH"
        python3 -c "import pytest, hypothesis, coverage, bandit, black, click, pytest_cov, ato_harness; print('imports ok')"
        python3 -c "from hypothesis.extra import ghostwriter; print('ghostwriter ok')"
        pytest --version
        bandit --version
        echo "work owner=$(stat -c %u /work)"
        touch "$HOME/x" && echo "home writable"
    "#;
    let (code, output) = run_in(&docker, &image, script).await;
    assert_eq!(code, 0, "{output}");
    for expected in [
        "uid=65534 home=/tmp pwd=/work pythonpath=/opt/ato",
        "imports ok",
        "ghostwriter ok",
        "pytest 8",
        "bandit",
        "work owner=65534",
        "home writable",
    ] {
        assert!(
            output.contains(expected),
            "{expected:?} missing in:\n{output}"
        );
    }
}

#[tokio::test]
async fn build_says_up_to_date_and_force_rebuilds() {
    let docker = docker().await;
    let _lock = IMAGE_LOCK.lock().await;
    let image = ensure_python(&docker).await;

    let lines = Lines::default();
    runners::build(
        &docker,
        runners::Runtime::default_for(Runner::Python),
        false,
        &lines.sink(),
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(lines.take(), [format!("{image} is up to date")]);

    runners::build(
        &docker,
        runners::Runtime::default_for(Runner::Python),
        true,
        &lines.sink(),
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
    let seen = lines.take();
    assert!(
        seen[0].starts_with("building runner image ato-runner-python"),
        "{seen:?}"
    );
    assert!(seen.last().unwrap().contains("ready"), "{seen:?}");
    let hash = Recipe::embedded(Runner::Python).unwrap().hash();
    assert_eq!(
        inspect(&docker, &image).await.labels.get(RECIPE_LABEL),
        Some(&hash)
    );
}

/// A recipe with python's packages (so it reuses the python base) whose Dockerfile fails.
fn failing_recipe() -> Recipe {
    let python = Recipe::embedded(Runner::Python).unwrap();
    let packages = python.file("packages.txt").unwrap().clone();
    let dockerfile = "ARG BASE=debian:trixie-slim\nFROM ${BASE}\n\
                      RUN echo ato-marker-before-failure && exit 3\n";
    let dockerfile = RecipeFile {
        path: "Dockerfile".into(),
        contents: dockerfile.as_bytes().to_vec(),
    };
    Recipe::from_files(Runner::Python, vec![packages, dockerfile]).unwrap()
}

#[tokio::test]
async fn a_failing_build_returns_the_tail_of_its_log() {
    let docker = docker().await;
    let _lock = IMAGE_LOCK.lock().await;
    // Makes sure the python base exists, so this build is the local, offline kind.
    ensure_python(&docker).await;

    let image = "ato-test-failing-build:local";
    let tools = BuildTools::from_env();
    let err = runners::build_recipe(&docker, &failing_recipe(), image, false, &tools, &|_| {})
        .await
        .expect_err("the Dockerfile exits 3");
    let ImageError::BuildFailed { ref log_tail, .. } = err else {
        panic!("expected BuildFailed, got {err:?}");
    };
    assert!(log_tail.contains("ato-marker-before-failure"), "{log_tail}");
    let message = err.to_string();
    assert!(
        message.starts_with("building ato-test-failing-build:local failed"),
        "{message}"
    );
    assert!(
        is_missing(&docker.inspect_image(image).await),
        "a failed build must not leave a tagged image"
    );
}

#[tokio::test]
async fn without_mmdebstrap_or_a_registry_the_error_says_what_to_install() {
    let docker = docker().await;
    // A packages.txt unlike any other, so its base image does not exist and cannot be reused.
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let recipe = Recipe::from_files(
        Runner::Python,
        vec![
            RecipeFile {
                path: "packages.txt".into(),
                contents: format!("python3\n# ato test {nonce}\n").into_bytes(),
            },
            RecipeFile {
                path: "Dockerfile".into(),
                contents: b"ARG BASE=debian:trixie-slim\nFROM ${BASE}\nRUN true\n".to_vec(),
            },
        ],
    )
    .unwrap();
    let image = "ato-test-no-base:local";
    let no_mmdebstrap = BuildTools { mmdebstrap: None };
    let outcome =
        runners::build_recipe(&docker, &recipe, image, false, &no_mmdebstrap, &|_| {}).await;
    match outcome {
        // A machine with a registry builds from the Dockerfile's default base instead.
        Ok(()) => {
            let built = inspect(&docker, image).await;
            assert_eq!(
                built.labels.get(runners::BASE_LABEL).map(String::as_str),
                Some(DEFAULT_BASE)
            );
            remove_image(&docker, image).await;
        }
        Err(err) => {
            assert!(matches!(err, ImageError::NoBase { .. }), "{err:?}");
            let message = err.to_string();
            assert!(
                message.contains(
                    "install mmdebstrap (apt-get install mmdebstrap) or give Docker access to a registry"
                ),
                "{message}"
            );
        }
    }
}

#[tokio::test]
async fn runners_without_a_recipe_are_not_available_yet() {
    let docker = docker().await;
    let available = runners::available();
    assert!(available.contains(&Runner::Python));
    for runner in Runner::ALL.into_iter().filter(|r| !available.contains(r)) {
        let future = runners::ensure(&docker, runner, &|_: &str| {});
        assert_send(&future);
        let err = future.await.expect_err("no recipe");
        let expected = format!("the {} runner is not available yet", runner.name());
        assert!(err.to_string().contains(&expected), "{err}");
    }
}

/// `ensure` runs inside spawned tasks (the webhook worker), so its future must be `Send`.
fn assert_send<T: Send>(_: &T) {}

/// The no-registry path end to end, whatever is cached: mmdebstrap makes a fresh base (an empty
/// package list, so it is quick and its name is new), Docker imports it, and the recipe builds on it.
#[tokio::test]
async fn mmdebstrap_makes_and_imports_a_base_image() {
    let docker = docker().await;
    let tools = BuildTools::from_env();
    assert!(
        tools.mmdebstrap.is_some(),
        "this test needs mmdebstrap on PATH (apt-get install mmdebstrap)"
    );
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dockerfile = "ARG BASE=debian:trixie-slim\nFROM ${BASE}\n\
                      RUN test -x /usr/bin/apt-get && grep -q trixie /etc/os-release\n";
    let recipe = Recipe::from_files(
        Runner::Python,
        vec![
            RecipeFile {
                path: "packages.txt".into(),
                contents: format!("# ato test base {nonce}: no packages\n").into_bytes(),
            },
            RecipeFile {
                path: "Dockerfile".into(),
                contents: dockerfile.as_bytes().to_vec(),
            },
        ],
    )
    .unwrap();
    let base = recipe.base_image_ref();
    let image = "ato-test-mmdebstrap:local";

    let lines = Lines::default();
    let outcome =
        runners::build_recipe(&docker, &recipe, image, false, &tools, &lines.sink()).await;
    let built = match &outcome {
        Ok(()) => Some(inspect(&docker, image).await),
        Err(_) => None,
    };
    let base_made = docker.inspect_image(&base).await;
    remove_image(&docker, image).await;
    remove_image(&docker, &base).await;

    outcome.unwrap_or_else(|err| panic!("{err}"));
    let seen = lines.take();
    assert!(
        seen.iter()
            .any(|line| line.contains(&format!("making base image {base}"))),
        "{seen:?}"
    );
    let base_made = base_made.expect("the base image was imported");
    assert_eq!(
        base_made.comment.as_deref(),
        Some("ato: Debian rootfs made by mmdebstrap")
    );
    let built = built.unwrap();
    assert_eq!(
        built.labels.get(runners::BASE_LABEL),
        Some(&base),
        "built on the new base"
    );
    assert_eq!(built.labels.get(RECIPE_LABEL), Some(&recipe.hash()));
}

mod common;
mod versioned;
