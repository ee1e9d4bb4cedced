//! Recipes: the folders under `runners/`, embedded in the binary so `ato` can build its images anywhere.
//!
//! A recipe is its own folder, `runners/<name>/`, plus the shared folders its `shared.txt` names (the common
//! Dockerfile step, the shared Python package, the contract's example files). `packages.txt` lists the
//! default suite's (trixie's) Debian packages; `packages-<suite>.txt` another suite's, for the image of an
//! older runtime ([`Runtime`]): that recipe's `packages.txt` is the suite's list, so its hash and its base
//! follow that list alone. The build context is laid out
//! as `runners/` is, so the same Dockerfile builds with a plain `docker build -f <name>/Dockerfile runners`.
//!
//! Everything here is pure: reading the embedded files, hashing them, listing the Debian packages and
//! packing the Docker build context.

use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};

use super::error::ImageError;
use super::packages::{PackageList, parse_packages};
use super::runtime::{Runtime, Suite};
use super::shared_folders::parse_shared;
use crate::model::Runner;

/// `runners/` as it was when this binary was compiled.
static RUNNERS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/runners");

/// `packages-<suite>.txt` names a suite's list; `None` for any other file.
fn suite_list_of(path: &str) -> Option<&str> {
    path.strip_prefix("packages-")?.strip_suffix(".txt")
}

/// Files that appear when the harness is run or edited locally and are no part of a recipe.
fn is_noise(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "__pycache__" || part == ".pytest_cache" || part == ".DS_Store")
        || path.ends_with(".pyc")
        || path.ends_with('~')
}

/// One file of a recipe: its path (with `/`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeFile {
    pub path: String,
    pub contents: Vec<u8>,
}

/// What a runner image is built from: `runners/<name>/` and the shared folders it uses.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub runner: Runner,
    /// The Debian suite the image is made from (the default unless [`Recipe::on_suite`] said otherwise).
    pub suite: Suite,
    /// The recipe folder's own files, relative to it, sorted by path.
    pub files: Vec<RecipeFile>,
    /// Files of the shared folders, relative to `runners/`, sorted by path.
    pub shared: Vec<RecipeFile>,
}

impl Recipe {
    /// The recipe of the runner's default runtime embedded in this binary, or
    /// [`ImageError::NotAvailable`] when it has none for `runner`.
    pub fn embedded(runner: Runner) -> Result<Recipe, ImageError> {
        Recipe::embedded_runtime(Runtime::default_for(runner))
    }

    /// The embedded recipe of one runtime: [`ImageError::NotAvailable`] when the runner has no recipe, or
    /// no package list for the runtime's suite.
    pub fn embedded_runtime(runtime: Runtime) -> Result<Recipe, ImageError> {
        Recipe::embedded_all(runtime.runner)?.on_suite(runtime.suite)
    }

    /// The recipe with every suite's package list, as `runners/<name>/` holds it.
    fn embedded_all(runner: Runner) -> Result<Recipe, ImageError> {
        let dir = RUNNERS
            .get_dir(runner.name())
            .ok_or(ImageError::NotAvailable {
                runner: runner.name(),
            })?;
        let mut files = Vec::new();
        collect_files(dir, Some(runner.name()), &mut files);
        let own = Recipe::from_files(runner, files)?;
        let mut shared = Vec::new();
        for folder in own.shared_folders()? {
            let dir = RUNNERS.get_dir(&folder).ok_or_else(|| {
                own.broken(format!(
                    "shared.txt names {folder}, which runners/ does not have"
                ))
            })?;
            collect_files(dir, None, &mut shared);
        }
        Recipe::from_parts(runner, own.files, shared)
    }

    /// A recipe of its own files only; checks that it has what a build needs.
    pub fn from_files(runner: Runner, files: Vec<RecipeFile>) -> Result<Recipe, ImageError> {
        Recipe::from_parts(runner, files, Vec::new())
    }

    /// A recipe from its own files and the shared ones (paths relative to `runners/`).
    pub fn from_parts(
        runner: Runner,
        mut files: Vec<RecipeFile>,
        mut shared: Vec<RecipeFile>,
    ) -> Result<Recipe, ImageError> {
        for list in [&mut files, &mut shared] {
            list.retain(|file| !is_noise(&file.path));
            list.sort_by(|a, b| a.path.cmp(&b.path));
        }
        let recipe = Recipe {
            runner,
            suite: Suite::DEFAULT,
            files,
            shared,
        };
        if recipe.file("Dockerfile").is_none() {
            return Err(recipe.broken("it has no Dockerfile"));
        }
        let own_prefix = format!("{}/", runner.name());
        if let Some(clash) = recipe
            .shared
            .iter()
            .find(|f| f.path.starts_with(&own_prefix))
        {
            let path = &clash.path;
            return Err(recipe.broken(format!("the shared file {path} is inside its own folder")));
        }
        recipe.packages()?;
        Ok(recipe)
    }

    /// The recipe for one suite: its `packages.txt` is `packages-<suite>.txt` (the default suite keeps its
    /// own), and no other suite's list stays, so editing one suite's list rebuilds that suite's image only.
    pub fn on_suite(mut self, suite: Suite) -> Result<Recipe, ImageError> {
        if suite != Suite::DEFAULT {
            let wanted = format!("packages-{}.txt", suite.name());
            let list = self
                .file(&wanted)
                .cloned()
                .ok_or_else(|| ImageError::NotAvailable {
                    runner: self.runner.name(),
                })?;
            self.files.retain(|file| file.path != "packages.txt");
            self.files.push(RecipeFile {
                path: "packages.txt".to_string(),
                contents: list.contents,
            });
        }
        self.files
            .retain(|file| suite_list_of(&file.path).is_none());
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.suite = suite;
        self.packages()?;
        Ok(self)
    }

    /// The suites the embedded recipe of `runner` has a package list for: the default's `packages.txt` and
    /// each `packages-<suite>.txt` (none without a recipe).
    pub fn embedded_suites(runner: Runner) -> Vec<Suite> {
        let Ok(recipe) = Recipe::embedded_all(runner) else {
            return Vec::new();
        };
        Runtime::all(runner)
            .into_iter()
            .map(|runtime| runtime.suite)
            .filter(|suite| {
                *suite == Suite::DEFAULT
                    || recipe
                        .file(&format!("packages-{}.txt", suite.name()))
                        .is_some()
            })
            .collect()
    }

    /// The runtime this recipe builds.
    pub fn runtime(&self) -> Runtime {
        Runtime {
            runner: self.runner,
            suite: self.suite,
        }
    }

    /// One of the recipe folder's own files, by its path in the folder.
    pub fn file(&self, path: &str) -> Option<&RecipeFile> {
        self.files.iter().find(|file| file.path == path)
    }

    /// The hash the image is labelled with: it changes when any file of the recipe changes, its own or a
    /// shared one.
    pub fn hash(&self) -> String {
        let mut files = self.context_files();
        if self.suite != Suite::DEFAULT {
            // Two suites with the same list still make different images.
            files.push(RecipeFile {
                path: String::new(),
                contents: self.suite.name().as_bytes().to_vec(),
            });
        }
        hash_files(&files)
    }

    /// The Debian packages of `packages.txt` (none when the recipe has no such file), and those it takes
    /// from another suite than the recipe's own.
    pub fn packages(&self) -> Result<PackageList, ImageError> {
        let Some(text) = self.text_of("packages.txt")? else {
            return Ok(PackageList::default());
        };
        let list = parse_packages(text).map_err(|reason| self.broken(reason))?;
        if let Some(borrowed) = &list.borrowed
            && borrowed.suite == self.suite
        {
            let suite = self.suite.name();
            return Err(self.broken(format!(
                "packages.txt takes packages `from {suite}:`, its own suite"
            )));
        }
        Ok(list)
    }

    /// The shared folders `shared.txt` names (none when the recipe has no such file).
    pub fn shared_folders(&self) -> Result<Vec<String>, ImageError> {
        self.lines_of("shared.txt", parse_shared)
    }

    fn lines_of(
        &self,
        name: &str,
        parse: fn(&str) -> Result<Vec<String>, String>,
    ) -> Result<Vec<String>, ImageError> {
        match self.text_of(name)? {
            None => Ok(Vec::new()),
            Some(text) => parse(text).map_err(|reason| self.broken(reason)),
        }
    }

    fn text_of(&self, name: &str) -> Result<Option<&str>, ImageError> {
        self.file(name)
            .map(|file| {
                std::str::from_utf8(&file.contents)
                    .map_err(|_| self.broken(format!("{name} is not UTF-8")))
            })
            .transpose()
    }

    /// The runner image built from this recipe: `ato-runner-<runtime>:<12 hex of its hash>`
    /// (`ato-runner-python:…` for the default runtime, `ato-runner-python3.9:…` for another).
    pub fn image_ref(&self) -> String {
        format!(
            "ato-runner-{}:{}",
            self.runtime().name(),
            &self.hash()[..12]
        )
    }

    /// The name of the base image made from `packages.txt`: `ato-base-<name>:<12 hex of its hash>` for the
    /// default suite, `ato-base-<name>-<suite>:<…>` for another.
    pub fn base_image_ref(&self) -> String {
        let packages = self
            .file("packages.txt")
            .map(|file| file.contents.as_slice())
            .unwrap_or_default();
        let digest = hex::encode(Sha256::digest(packages));
        let name = if self.suite == Suite::DEFAULT {
            self.runner.name().to_string()
        } else {
            format!("{}-{}", self.runner.name(), self.suite.name())
        };
        format!("ato-base-{name}:{}", &digest[..12])
    }

    /// The Dockerfile's path in the build context: `<name>/Dockerfile`.
    pub fn dockerfile(&self) -> String {
        format!("{}/Dockerfile", self.runner.name())
    }

    /// Every file of the build context, relative to `runners/`: the own files under `<name>/`, then the
    /// shared ones where they are.
    pub fn context_files(&self) -> Vec<RecipeFile> {
        let own = self.files.iter().map(|file| RecipeFile {
            path: format!("{}/{}", self.runner.name(), file.path),
            contents: file.contents.clone(),
        });
        own.chain(self.shared.iter().cloned()).collect()
    }

    /// The Docker build context: a tar laid out as `runners/` is, of this recipe's files only, with fixed
    /// owners and times, so the same recipe always gives the same bytes.
    pub fn context_tar(&self) -> Result<Vec<u8>, ImageError> {
        let mut builder = tar::Builder::new(Vec::new());
        for file in self.context_files() {
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

/// Every file under `dir`, with its path relative to `runners/`, or to `runners/<strip>/` when given.
fn collect_files(dir: &Dir<'static>, strip: Option<&str>, out: &mut Vec<RecipeFile>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let relative = strip
            .and_then(|root| path.strip_prefix(root))
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(&path)
            .to_string();
        out.push(RecipeFile {
            path: relative,
            contents: file.contents().to_vec(),
        });
    }
    for sub in dir.dirs() {
        collect_files(sub, strip, out);
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
