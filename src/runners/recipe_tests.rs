//! Tests of the recipes: hashing, the build context, and the embedded recipes against the files on disk.

use super::ImageError;
use super::recipe::*;
use crate::model::Runner;

fn file(path: &str, contents: &str) -> RecipeFile {
    RecipeFile {
        path: path.to_string(),
        contents: contents.as_bytes().to_vec(),
    }
}

fn sample() -> Vec<RecipeFile> {
    vec![
        file("Dockerfile", "FROM x\n"),
        file("packages.txt", "python3\n"),
        file("harness/ato_harness/__main__.py", "print(1)\n"),
    ]
}

#[test]
fn hash_is_stable_and_independent_of_order() {
    let mut reversed = sample();
    reversed.reverse();
    assert_eq!(hash_files(&sample()), hash_files(&sample()));
    assert_eq!(hash_files(&sample()), hash_files(&reversed));
    assert_eq!(hash_files(&sample()).len(), 64);
}

#[test]
fn hash_changes_when_any_file_changes() {
    let original = hash_files(&sample());
    for index in 0..sample().len() {
        let mut changed = sample();
        changed[index].contents.push(b' ');
        assert_ne!(hash_files(&changed), original, "editing file {index}");
    }
    let mut renamed = sample();
    renamed[2].path = "harness/ato_harness/main.py".into();
    assert_ne!(hash_files(&renamed), original, "renaming a file");
    let mut added = sample();
    added.push(file("extra.txt", ""));
    assert_ne!(hash_files(&added), original, "adding an empty file");
}

#[test]
fn hash_separates_names_from_contents() {
    let a = vec![file("ab", "c")];
    let b = vec![file("a", "bc")];
    assert_ne!(hash_files(&a), hash_files(&b));
}

#[test]
fn recipe_ignores_python_caches() {
    let mut files = sample();
    let clean = Recipe::from_files(Runner::Python, files.clone())
        .unwrap()
        .hash();
    files.push(file(
        "harness/ato_harness/__pycache__/x.cpython-313.pyc",
        "junk",
    ));
    let with_cache = Recipe::from_files(Runner::Python, files).unwrap();
    assert_eq!(with_cache.hash(), clean);
    assert_eq!(with_cache.files.len(), 3);
}

#[test]
fn recipe_needs_a_dockerfile() {
    let err = Recipe::from_files(Runner::Python, vec![file("packages.txt", "python3")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("no Dockerfile"), "{err}");
}

#[test]
fn base_image_follows_packages_only() {
    let recipe = Recipe::from_files(Runner::Python, sample()).unwrap();
    let base = recipe.base_image_ref();
    assert!(base.starts_with("ato-base-python:"), "{base}");
    assert_eq!(base.len(), "ato-base-python:".len() + 12);

    let mut other_harness = sample();
    other_harness[2].contents = b"print(2)\n".to_vec();
    let same = Recipe::from_files(Runner::Python, other_harness).unwrap();
    assert_eq!(same.base_image_ref(), base);
    assert_ne!(same.hash(), recipe.hash());

    let mut more_packages = sample();
    more_packages[1].contents = b"python3\nblack\n".to_vec();
    let changed = Recipe::from_files(Runner::Python, more_packages).unwrap();
    assert_ne!(changed.base_image_ref(), base);
}

fn shared() -> Vec<RecipeFile> {
    vec![
        file("common/docker/prepare-image.sh", "set -eu\n"),
        file("contract/plan.json", "{}\n"),
    ]
}

fn paths_in(tar_bytes: &[u8]) -> Vec<String> {
    let mut archive = tar::Archive::new(tar_bytes);
    let mut paths: Vec<String> = archive
        .entries()
        .unwrap()
        .map(|entry| {
            entry
                .unwrap()
                .path()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn context_tar_holds_every_file_and_is_reproducible() {
    let recipe = Recipe::from_files(Runner::Python, sample()).unwrap();
    let bytes = recipe.context_tar().unwrap();
    assert_eq!(bytes, recipe.context_tar().unwrap());
    assert_eq!(
        paths_in(&bytes),
        [
            "python/Dockerfile",
            "python/harness/ato_harness/__main__.py",
            "python/packages.txt"
        ]
    );
    assert_eq!(recipe.dockerfile(), "python/Dockerfile");
}

#[test]
fn shared_files_are_in_the_context_and_the_hash() {
    let alone = Recipe::from_files(Runner::Python, sample()).unwrap();
    let recipe = Recipe::from_parts(Runner::Python, sample(), shared()).unwrap();
    assert_eq!(
        paths_in(&recipe.context_tar().unwrap()),
        [
            "common/docker/prepare-image.sh",
            "contract/plan.json",
            "python/Dockerfile",
            "python/harness/ato_harness/__main__.py",
            "python/packages.txt"
        ]
    );
    assert_ne!(recipe.hash(), alone.hash());
    let mut edited = shared();
    edited[1].contents.push(b' ');
    let edited = Recipe::from_parts(Runner::Python, sample(), edited).unwrap();
    assert_ne!(edited.hash(), recipe.hash(), "editing shared code rebuilds");
    assert_eq!(edited.base_image_ref(), recipe.base_image_ref());
}

#[test]
fn a_shared_file_cannot_stand_in_for_an_own_one() {
    let err = Recipe::from_parts(
        Runner::Python,
        sample(),
        vec![file("python/Dockerfile", "FROM evil\n")],
    )
    .unwrap_err();
    assert!(err.to_string().contains("inside its own folder"), "{err}");
}

#[test]
fn embedded_python_recipe_is_complete() {
    let recipe = Recipe::embedded(Runner::Python).unwrap();
    assert!(recipe.file("Dockerfile").is_some());
    let packages = recipe.packages().unwrap().names;
    for needed in ["python3", "python3-pytest", "python3-hypothesis", "bandit"] {
        assert!(packages.iter().any(|p| p == needed), "{needed} missing");
    }
    assert!(recipe.files.iter().all(|f| !f.path.starts_with("python/")));
    for shared in ["common/python/ato_runner/plan.py", "contract/manifest.json"] {
        assert!(
            recipe.shared.iter().any(|f| f.path == shared),
            "{shared} missing"
        );
    }
}

#[test]
fn every_embedded_recipe_shares_the_common_step_and_the_contract() {
    for runner in Runner::ALL {
        let recipe = Recipe::embedded(runner).unwrap();
        let folders = recipe.shared_folders().unwrap();
        for needed in ["common/docker", "contract"] {
            assert!(
                folders.iter().any(|f| f == needed),
                "{runner:?}: {folders:?}"
            );
        }
        let dockerfile =
            String::from_utf8_lossy(&recipe.file("Dockerfile").unwrap().contents).into_owned();
        assert!(
            dockerfile.contains("common/docker/prepare-image.sh"),
            "{runner:?} does not run the common step"
        );
    }
}

fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<RecipeFile>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, root, out);
        } else {
            let relative = path.strip_prefix(root).unwrap().to_string_lossy();
            out.push(RecipeFile {
                path: relative.replace('\\', "/"),
                contents: std::fs::read(&path).unwrap(),
            });
        }
    }
}

/// The binary must embed the recipes as they are on disk (build.rs makes cargo rebuild on any change).
#[test]
fn embedded_recipes_match_the_files_on_disk() {
    let runners = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runners");
    for runner in Runner::ALL {
        let own_root = runners.join(runner.name());
        let mut own = Vec::new();
        walk(&own_root, &own_root, &mut own);
        let own = Recipe::from_files(runner, own).unwrap();
        let mut shared = Vec::new();
        for folder in own.shared_folders().unwrap() {
            walk(&runners.join(&folder), &runners, &mut shared);
        }
        let on_disk = Recipe::from_parts(runner, own.files, shared).unwrap();
        for suite in Recipe::embedded_suites(runner) {
            let runtime = super::Runtime { runner, suite };
            let on_disk = on_disk.clone().on_suite(suite).unwrap();
            let embedded = Recipe::embedded_runtime(runtime).unwrap();
            assert_eq!(embedded.files, on_disk.files, "{runtime:?}");
            assert_eq!(embedded.shared, on_disk.shared, "{runtime:?}");
            assert_eq!(embedded.hash(), on_disk.hash(), "{runtime:?}");
        }
    }
}

fn with_suite_lists(bullseye: &str) -> Recipe {
    Recipe::from_files(
        Runner::Python,
        vec![
            file("Dockerfile", "FROM scratch\n"),
            file("packages.txt", "python3\npython3-pytest\n"),
            file("packages-bookworm.txt", "python3\npython3-pytest\n"),
            file("packages-bullseye.txt", bullseye),
        ],
    )
    .unwrap()
}

#[test]
fn a_suite_recipe_builds_from_that_suites_list_alone() {
    use super::Suite;
    let recipe = with_suite_lists("python3\n");
    let trixie = recipe.clone().on_suite(Suite::Trixie).unwrap();
    let bookworm = recipe.clone().on_suite(Suite::Bookworm).unwrap();
    let bullseye = recipe.clone().on_suite(Suite::Bullseye).unwrap();
    assert_eq!(bullseye.packages().unwrap().names, ["python3"]);
    assert_eq!(
        trixie.packages().unwrap().names,
        ["python3", "python3-pytest"]
    );
    for suite_recipe in [&trixie, &bookworm, &bullseye] {
        let paths: Vec<&str> = suite_recipe.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["Dockerfile", "packages.txt"]);
    }
    // The same list on two suites still makes two images; names say the version and the suite.
    assert_ne!(trixie.hash(), bookworm.hash());
    assert!(
        bullseye.image_ref().starts_with("ato-runner-python3.9:"),
        "{}",
        bullseye.image_ref()
    );
    assert!(trixie.image_ref().starts_with("ato-runner-python:"));
    assert!(
        bullseye
            .base_image_ref()
            .starts_with("ato-base-python-bullseye:")
    );
    assert!(trixie.base_image_ref().starts_with("ato-base-python:"));
    // A base is named by its list: the same list gives the same tag, under the suite's name.
    assert_eq!(
        trixie.base_image_ref()[16..],
        bookworm.base_image_ref()[25..]
    );
}

#[test]
fn editing_one_suites_list_changes_that_suites_image_only() {
    use super::Suite;
    let before = with_suite_lists("python3\n");
    let after = with_suite_lists("python3\nbandit\n");
    let hash = |recipe: &Recipe, suite| recipe.clone().on_suite(suite).unwrap().hash();
    assert_ne!(
        hash(&before, Suite::Bullseye),
        hash(&after, Suite::Bullseye)
    );
    assert_eq!(hash(&before, Suite::Trixie), hash(&after, Suite::Trixie));
    assert_eq!(
        hash(&before, Suite::Bookworm),
        hash(&after, Suite::Bookworm)
    );
    let base = |recipe: &Recipe| {
        recipe
            .clone()
            .on_suite(Suite::Bullseye)
            .unwrap()
            .base_image_ref()
    };
    assert_ne!(base(&before), base(&after));
}

#[test]
fn a_suite_without_a_list_is_not_available_and_a_bad_list_is_refused() {
    use super::Suite;
    let recipe = Recipe::from_files(
        Runner::Python,
        vec![
            file("Dockerfile", "FROM scratch\n"),
            file("packages.txt", "python3\n"),
        ],
    )
    .unwrap();
    let err = recipe.on_suite(Suite::Bullseye).unwrap_err();
    assert!(matches!(err, ImageError::NotAvailable { .. }), "{err:?}");
    let bad = with_suite_lists("python3\n--include=evil\n");
    assert!(bad.on_suite(Suite::Bullseye).is_err());
    let own = with_suite_lists("python3\nfrom bullseye: python3\n");
    let err = own.on_suite(Suite::Bullseye).unwrap_err();
    assert!(err.to_string().contains("its own suite"), "{err}");
}

#[test]
fn the_older_jdks_take_the_java_tools_from_trixie() {
    use super::Suite;
    for suite in [Suite::Bookworm, Suite::Bullseye] {
        let runtime = super::Runtime {
            runner: Runner::Java,
            suite,
        };
        let list = Recipe::embedded_runtime(runtime)
            .unwrap()
            .packages()
            .unwrap();
        let borrowed = list.borrowed.expect("the Java tools come from trixie");
        assert_eq!(borrowed.suite, Suite::Trixie, "{suite:?}");
        for tool in ["maven", "junit5", "lib*-java"] {
            assert!(
                borrowed.patterns.iter().any(|p| p == tool),
                "{suite:?}: {tool}"
            );
        }
        assert!(list.names.iter().any(|p| p == "default-jdk-headless"));
    }
    let trixie = Recipe::embedded(Runner::Java).unwrap().packages().unwrap();
    assert_eq!(trixie.borrowed, None);
}

#[test]
fn a_runner_without_a_folder_is_not_available_yet() {
    // A runner whose folder is missing must say so, not fail obscurely.
    let runners = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runners");
    for runner in Runner::ALL {
        if !runners.join(runner.name()).is_dir() {
            let err = Recipe::embedded(runner).unwrap_err();
            assert!(matches!(err, ImageError::NotAvailable { .. }), "{err:?}");
            assert!(err.to_string().contains("not available yet"), "{err}");
        } else {
            assert!(Recipe::embedded(runner).is_ok(), "{runner:?}");
        }
    }
}
