//! Recipes: the folders under `runners/`, embedded in the binary so `ato` can build its images anywhere.
//!
//! Everything here is pure: reading the embedded files, hashing them, listing the Debian packages and
//! packing the Docker build context.

use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};

use super::error::ImageError;
use crate::model::Runner;

/// `runners/` as it was when this binary was compiled.
static RUNNERS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/runners");

/// Debian release the base images are made from; the Dockerfiles' default `BASE` is its slim image.
pub const DEBIAN_SUITE: &str = "trixie";

/// Files that appear when the harness is run or edited locally and are no part of a recipe.
fn is_noise(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "__pycache__" || part == ".pytest_cache" || part == ".DS_Store")
        || path.ends_with(".pyc")
        || path.ends_with('~')
}

/// One file of a recipe: its path relative to the recipe folder (with `/`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeFile {
    pub path: String,
    pub contents: Vec<u8>,
}

/// Everything in `runners/<name>/`: what a runner image is built from.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub runner: Runner,
    /// Sorted by path.
    pub files: Vec<RecipeFile>,
}

impl Recipe {
    /// The recipe embedded in this binary, or [`ImageError::NotAvailable`] when it has none for `runner`.
    pub fn embedded(runner: Runner) -> Result<Recipe, ImageError> {
        let dir = RUNNERS
            .get_dir(runner.name())
            .ok_or(ImageError::NotAvailable {
                runner: runner.name(),
            })?;
        let mut files = Vec::new();
        collect_files(dir, runner.name(), &mut files);
        Recipe::from_files(runner, files)
    }

    /// A recipe from its files; checks that it has what a build needs.
    pub fn from_files(runner: Runner, mut files: Vec<RecipeFile>) -> Result<Recipe, ImageError> {
        files.retain(|file| !is_noise(&file.path));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let recipe = Recipe { runner, files };
        if recipe.file("Dockerfile").is_none() {
            return Err(recipe.broken("it has no Dockerfile"));
        }
        recipe.packages()?;
        Ok(recipe)
    }

    pub fn file(&self, path: &str) -> Option<&RecipeFile> {
        self.files.iter().find(|file| file.path == path)
    }

    /// The hash the image is labelled with: it changes when any file of the recipe changes.
    pub fn hash(&self) -> String {
        hash_files(&self.files)
    }

    /// The Debian packages of `packages.txt` (none when the recipe has no such file).
    pub fn packages(&self) -> Result<Vec<String>, ImageError> {
        match self.file("packages.txt") {
            None => Ok(Vec::new()),
            Some(file) => {
                let text = std::str::from_utf8(&file.contents)
                    .map_err(|_| self.broken("packages.txt is not UTF-8"))?;
                parse_packages(text).map_err(|reason| self.broken(reason))
            }
        }
    }

    /// The runner image built from this recipe: `ato-runner-<name>:<12 hex of its hash>`.
    pub fn image_ref(&self) -> String {
        format!("ato-runner-{}:{}", self.runner.name(), &self.hash()[..12])
    }

    /// The name of the base image made from `packages.txt`: `ato-base-<name>:<12 hex of its hash>`.
    pub fn base_image_ref(&self) -> String {
        let packages = self
            .file("packages.txt")
            .map(|file| file.contents.as_slice())
            .unwrap_or_default();
        let digest = hex::encode(Sha256::digest(packages));
        format!("ato-base-{}:{}", self.runner.name(), &digest[..12])
    }

    /// The Docker build context: a tar of the recipe folder with fixed owners and times, so the same
    /// recipe always gives the same bytes.
    pub fn context_tar(&self) -> Result<Vec<u8>, ImageError> {
        let mut builder = tar::Builder::new(Vec::new());
        for file in &self.files {
            let mut header = tar::Header::new_gnu();
            header.set_size(file.contents.len() as u64);
            header.set_mode(0o644);
            header.set_uid(0);
            header.set_gid(0);
            header.set_mtime(0);
            header.set_entry_type(tar::EntryType::Regular);
            builder
                .append_data(&mut header, &file.path, file.contents.as_slice())
                .map_err(|err| self.broken(format!("cannot pack {}: {err}", file.path)))?;
        }
        builder
            .into_inner()
            .map_err(|err| self.broken(format!("cannot pack the build context: {err}")))
    }

    fn broken(&self, reason: impl Into<String>) -> ImageError {
        ImageError::BadRecipe {
            runner: self.runner.name(),
            reason: reason.into(),
        }
    }
}

fn collect_files(dir: &Dir<'static>, root: &str, out: &mut Vec<RecipeFile>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let relative = path
            .strip_prefix(root)
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(&path)
            .to_string();
        out.push(RecipeFile {
            path: relative,
            contents: file.contents().to_vec(),
        });
    }
    for sub in dir.dirs() {
        collect_files(sub, root, out);
    }
}

/// sha256 over every (path, bytes) pair in path order, each part length-prefixed so that moving bytes
/// between a name and a body can never give the same hash.
pub fn hash_files(files: &[RecipeFile]) -> String {
    let mut sorted: Vec<&RecipeFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = Sha256::new();
    for file in sorted {
        hasher.update((file.path.len() as u64).to_be_bytes());
        hasher.update(file.path.as_bytes());
        hasher.update((file.contents.len() as u64).to_be_bytes());
        hasher.update(&file.contents);
    }
    hex::encode(hasher.finalize())
}

/// One Debian package name per line; `#` starts a comment. Names are checked against Debian's rules
/// because they end up on mmdebstrap's command line.
pub fn parse_packages(text: &str) -> Result<Vec<String>, String> {
    let mut packages = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if !is_debian_package_name(line) {
            return Err(format!(
                "packages.txt line {}: {line:?} is not a Debian package name",
                index + 1
            ));
        }
        if !packages.iter().any(|known| known == line) {
            packages.push(line.to_string());
        }
    }
    Ok(packages)
}

/// Debian policy 5.6.1: lower-case letters, digits, `+`, `-`, `.`; at least two characters, starting
/// with a letter or digit.
fn is_debian_package_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    first_ok
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn packages_skip_comments_blanks_and_duplicates() {
        let parsed = parse_packages("# top\npython3\n\n  black  # formatter\npython3\n").unwrap();
        assert_eq!(parsed, ["python3", "black"]);
    }

    #[test]
    fn packages_reject_what_is_not_a_package_name() {
        for bad in ["--include=evil", "Python3", "a b", "x", "pkg;rm"] {
            let err = parse_packages(&format!("python3\n{bad}\n")).unwrap_err();
            assert!(err.contains("line 2"), "{bad}: {err}");
        }
        assert!(parse_packages("libstdc++6\npython3.13\n").is_ok());
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

    #[test]
    fn context_tar_holds_every_file_and_is_reproducible() {
        let recipe = Recipe::from_files(Runner::Python, sample()).unwrap();
        let bytes = recipe.context_tar().unwrap();
        assert_eq!(bytes, recipe.context_tar().unwrap());
        let mut archive = tar::Archive::new(bytes.as_slice());
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
        assert_eq!(
            paths,
            [
                "Dockerfile",
                "harness/ato_harness/__main__.py",
                "packages.txt"
            ]
        );
    }

    #[test]
    fn embedded_python_recipe_is_complete() {
        let recipe = Recipe::embedded(Runner::Python).unwrap();
        assert!(recipe.file("Dockerfile").is_some());
        let packages = recipe.packages().unwrap();
        for needed in ["python3", "python3-pytest", "python3-hypothesis", "bandit"] {
            assert!(packages.iter().any(|p| p == needed), "{needed} missing");
        }
        assert!(recipe.files.iter().all(|f| !f.path.starts_with("python/")));
    }

    /// The binary must embed the recipe as it is on disk (build.rs makes cargo rebuild on any change).
    #[test]
    fn embedded_recipe_matches_the_files_on_disk() {
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
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runners/python");
        let mut on_disk = Vec::new();
        walk(&root, &root, &mut on_disk);
        let on_disk = Recipe::from_files(Runner::Python, on_disk).unwrap();
        let embedded = Recipe::embedded(Runner::Python).unwrap();
        assert_eq!(embedded.files, on_disk.files);
        assert_eq!(embedded.hash(), on_disk.hash());
    }

    #[test]
    fn a_runner_without_a_folder_is_not_available_yet() {
        // node and java arrive later; until then their lookup must say so, not fail obscurely.
        for runner in Runner::ALL {
            if RUNNERS.get_dir(runner.name()).is_none() {
                let err = Recipe::embedded(runner).unwrap_err();
                assert!(matches!(err, ImageError::NotAvailable { .. }), "{err:?}");
                assert!(err.to_string().contains("not available yet"), "{err}");
            } else {
                assert!(Recipe::embedded(runner).is_ok(), "{runner:?}");
            }
        }
    }
}
