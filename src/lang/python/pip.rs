//! Python's dependencies: `requirements.txt` (else `pyproject.toml`'s `[project].dependencies`) installed with
//! `pip install --target`, from the wheels and sdists the repository vendors; what pip could not find is named
//! requirement by requirement. Pure.

use super::requirements::{self, Requirement, requirement_name};
use crate::deps::{
    ContentDigest, DEPS_DIR, Detection, Ended, HeadFiles, INSTALL_FAILED_EXIT, INSTALLED_LINE,
    Install, MISSING_PREFIX, Manifest, SCRIPT_DIR, problem, sh_quote, why_missing,
};
use crate::model::{Problem, Runner};

/// Folders a project keeps its wheels and sdists in by convention, used as `--find-links` when they hold
/// any (besides the ones `requirements.txt` names itself).
const VENDOR_DIRS: &[&str] = &["vendor", "vendored", "wheels", "wheelhouse", "third_party"];
/// What pip can install from a `--find-links` folder.
const PYTHON_ARCHIVES: &[&str] = &[".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"];

/// `pip install --target /deps/python -r <file>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pip {
    /// Relative to the head tree.
    requirements_file: String,
    /// The file's contents when ato writes it (from `pyproject.toml`); else the file is the repository's own.
    generated: Option<String>,
    find_links: Vec<String>,
    /// Each requirement, to probe one by one when the install fails.
    requirements: Vec<Requirement>,
}

/// The Python manifest of the head tree.
pub(super) fn detect(files: &HeadFiles) -> Detection {
    if let Some(bytes) = files.manifest("requirements.txt") {
        let text = String::from_utf8_lossy(bytes);
        let parsed = requirements::parse_requirements(&text);
        if parsed.requirements.is_empty() && parsed.includes.is_empty() {
            return Detection::None;
        }
        let mut digest = ContentDigest::default();
        // Included requirement files are manifests too; all of them are hashed, included or not.
        for (path, bytes) in &files.manifests {
            if path.ends_with(".txt") {
                digest.add(path, bytes);
            }
        }
        let mut find_links: Vec<String> = parsed
            .find_links
            .iter()
            .filter(|link| link.contains("://") || files.exists(link))
            .cloned()
            .collect();
        add_vendor_dirs(files, &mut find_links);
        hash_archives(files, &find_links, &mut digest);
        let pip = Pip {
            requirements_file: "requirements.txt".into(),
            generated: None,
            find_links,
            requirements: parsed.requirements,
        };
        return found("requirements.txt", pip, digest);
    }
    let Some(bytes) = files.manifest("pyproject.toml") else {
        return Detection::None;
    };
    let requirements = match requirements::parse_pyproject(&String::from_utf8_lossy(bytes)) {
        Ok(Some(requirements)) => requirements,
        Ok(None) => return Detection::None,
        Err(why) => {
            return Detection::Unusable(vec![problem(
                "pyproject.toml",
                format!(
                    "the dependencies of pyproject.toml could not be read, so none were installed: {why}"
                ),
            )]);
        }
    };
    let generated: String = requirements
        .iter()
        .map(|requirement| format!("{}\n", requirement.text))
        .collect();
    let mut digest = ContentDigest::default();
    digest.add("pyproject.toml[project].dependencies", generated.as_bytes());
    let mut find_links = Vec::new();
    add_vendor_dirs(files, &mut find_links);
    hash_archives(files, &find_links, &mut digest);
    let pip = Pip {
        requirements_file: format!("../{SCRIPT_DIR}/requirements.txt"),
        generated: Some(generated),
        find_links,
        requirements,
    };
    found("pyproject.toml", pip, digest)
}

fn found(source: &str, pip: Pip, digest: ContentDigest) -> Detection {
    Detection::Found(Manifest {
        runner: Runner::Python,
        source: source.into(),
        install: Box::new(pip),
        content_digest: digest.finish(),
    })
}

fn add_vendor_dirs(files: &HeadFiles, find_links: &mut Vec<String>) {
    for dir in VENDOR_DIRS {
        let has_archives = files.files_under(dir, PYTHON_ARCHIVES).next().is_some();
        if has_archives && !find_links.iter().any(|link| link.trim_matches('/') == *dir) {
            find_links.push((*dir).to_string());
        }
    }
}

fn hash_archives(files: &HeadFiles, find_links: &[String], digest: &mut ContentDigest) {
    for link in find_links {
        digest.add("find-links", link.as_bytes());
        for (path, sha) in files.files_under(link, PYTHON_ARCHIVES) {
            digest.add(path, sha.as_bytes());
        }
    }
}

impl Install for Pip {
    /// Installs; on failure, probes each requirement alone (pip stops at the first it cannot find) and prints
    /// the ones it could not have.
    fn script(&self, network: bool) -> String {
        let mut options = vec![
            "--no-input",
            "--disable-pip-version-check",
            "--no-cache-dir",
            // Vendored sdists build with the image's setuptools: without a network there is no isolated
            // build environment to fetch.
            "--no-build-isolation",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
        if network {
            options.extend(["--retries", "2", "--timeout", "30"].map(str::to_string));
        } else {
            // Without a network only the vendored archives can be had: say so to pip, which then fails at once
            // instead of retrying an index it cannot reach.
            options.push("--no-index".into());
        }
        for link in &self.find_links {
            options.push("--find-links".into());
            options.push(link.clone());
        }
        let options = options
            .iter()
            .map(|o| sh_quote(o))
            .collect::<Vec<_>>()
            .join(" ");
        let requirements = sh_quote(&self.requirements_file);
        format!(
            r#"set -u
cd /work/head
export PIP_ROOT_USER_ACTION=ignore PYTHONDONTWRITEBYTECODE=1
if python3 -m pip install {options} --no-warn-script-location --target {DEPS_DIR}/python -r {requirements}; then
    echo {INSTALLED_LINE}
    exit 0
fi
# Which requirements could not be had, each on its own (pip stops at the first it cannot find).
while IFS= read -r requirement; do
    [ -n "$requirement" ] || continue
    if ! python3 -m pip download {options} --no-deps --dest /tmp/ato-probe "$requirement" >/dev/null 2>&1; then
        echo "{MISSING_PREFIX}$requirement"
    fi
done < /work/{SCRIPT_DIR}/probes.txt
exit {INSTALL_FAILED_EXIT}
"#
        )
    }

    /// The generated requirements file, when there is one, and the probes (one requirement a line).
    fn inputs(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        if let Some(generated) = &self.generated {
            files.push(("requirements.txt".into(), generated.clone().into_bytes()));
        }
        let probes: String = self
            .requirements
            .iter()
            .map(|requirement| format!("{}\n", requirement.text.replace('\n', " ")))
            .collect();
        files.push(("probes.txt".into(), probes.into_bytes()));
        files
    }

    /// The requirements the probes named, and a missing dependency of a dependency that only pip's own
    /// error names; each once, with its line.
    fn missing(&self, source: &str, ended: &Ended<'_>) -> Vec<Problem> {
        let probed = ended
            .stdout
            .lines()
            .filter_map(|line| line.strip_prefix(MISSING_PREFIX))
            .map(str::trim);
        let from_pip = ended.stderr.lines().filter_map(|line| {
            let (_, rest) = line.split_once("No matching distribution found for ")?;
            Some(rest.trim())
        });
        let mut seen: Vec<String> = Vec::new();
        let mut problems = Vec::new();
        for text in probed.chain(from_pip) {
            let key = requirement_name(text).unwrap_or_else(|| text.to_string());
            if text.is_empty() || seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let line = self
                .requirements
                .iter()
                .find(|r| r.text == text || r.name.as_deref() == Some(key.as_str()))
                .and_then(|r| r.line);
            let mut problem = problem(
                source,
                format!(
                    "dependency `{text}` could not be installed: {}",
                    why_missing(ended.network)
                ),
            );
            problem.line = line;
            problems.push(problem);
        }
        problems
    }
}

#[cfg(test)]
#[path = "pip_tests.rs"]
mod tests;
