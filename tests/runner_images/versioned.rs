//! The images of older runtimes: built from their Debian suite's package list, carrying that suite's
//! interpreter, and tagged by that list alone.

use ato::model::Runner;
use ato::runners::{self, BASE_LABEL, RECIPE_LABEL, Recipe, RecipeFile, Runtime, Suite};

use super::common::{Lines, docker, inspect, run_in};

fn python39() -> Runtime {
    Runtime::parse("python3.9").expect("python3.9 is a runtime")
}

#[tokio::test]
async fn the_python_39_image_is_made_from_bullseye_and_runs_python_39_offline() {
    let docker = docker().await;
    let runtime = python39();
    assert_eq!(runtime.suite, Suite::Bullseye);
    let recipe = Recipe::embedded_runtime(runtime).expect("the python recipe has a bullseye list");
    let lines = Lines::default();
    let image = runners::ensure_runtime(&docker, runtime, &lines.sink())
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(image, recipe.image_ref());
    assert!(image.starts_with("ato-runner-python3.9:"), "{image}");
    for line in lines.take() {
        // A build, when there was one, says which runtime it is for.
        if line.starts_with("building") {
            assert!(line.contains("for Python 3.9"), "{line}");
        }
    }

    let labels = inspect(&docker, &image).await.labels;
    assert_eq!(labels.get(RECIPE_LABEL), Some(&recipe.hash()));
    let base = labels.get(BASE_LABEL).cloned().unwrap_or_default();
    assert!(
        base == recipe.base_image_ref() || base == "debian:bullseye-slim",
        "{base}"
    );
    assert!(
        recipe
            .base_image_ref()
            .starts_with("ato-base-python-bullseye:"),
        "{}",
        recipe.base_image_ref()
    );

    let (code, output) = run_in(
        &docker,
        &image,
        "python3 --version && python3 -c 'import pytest, hypothesis, coverage, bandit; \
         print(pytest.__version__, coverage.__version__)' && python3 -c 'import ato_harness.main'",
    )
    .await;
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("Python 3.9."), "{output}");
    assert!(output.contains("6.0"), "bullseye's pytest: {output}");
}

#[test]
fn a_versioned_tag_follows_its_suites_package_list_only() {
    let runtime = python39();
    let real = Recipe::embedded_runtime(runtime).unwrap();
    let default = Recipe::embedded(Runner::Python).unwrap();
    assert_ne!(real.image_ref()[..20], default.image_ref()[..20]);

    // The default recipe plus a bullseye list that differs by one package.
    let list = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/runners/python/packages-bullseye.txt"
    ))
    .unwrap();
    let with_list = |text: String| {
        let mut files = default.files.clone();
        files.push(RecipeFile {
            path: "packages-bullseye.txt".to_string(),
            contents: text.into_bytes(),
        });
        Recipe::from_parts(Runner::Python, files, default.shared.clone()).unwrap()
    };
    let same = with_list(list.clone()).on_suite(Suite::Bullseye).unwrap();
    assert_eq!(same.image_ref(), real.image_ref());
    assert_eq!(same.base_image_ref(), real.base_image_ref());
    let edited = with_list(format!("{list}python3-yaml\n"))
        .on_suite(Suite::Bullseye)
        .unwrap();
    assert_ne!(edited.image_ref(), real.image_ref());
    assert_ne!(edited.base_image_ref(), real.base_image_ref());
    assert_eq!(
        with_list(format!("{list}python3-yaml\n"))
            .on_suite(Suite::Trixie)
            .unwrap()
            .image_ref(),
        default.image_ref(),
        "another suite's list never changes the default image"
    );
}
