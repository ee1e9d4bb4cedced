//! Python's dependencies: what the project declares anywhere ([`python_deps`]: requirement files with their
//! includes, `pyproject.toml`, `setup.cfg`, `setup.py` read statically, `Pipfile`, tox), its runtime and test
//! requirements written into one requirements file with the pip options the project's files set, installed
//! with `pip install --target`, from the configured index and the wheels and sdists the repository vendors;
//! what pip could not install is named requirement by requirement, at the file and line that asked for it,
//! with the cause its own probe showed; the others are installed without it ([`pip_script`]). Pure.
//!
//! The project itself is not installed: its code under test is imported from the tree of each side, and a
//! copy of the head's in the shared cache would shadow the base's.

use super::declared::python_deps::{PyRequirement, PythonDeps, python_deps};
use super::pip_script::{self, PROBE_END, PROBE_PREFIX};
use crate::declared::FnTree;
use crate::deps::{
    ContentDigest, Detection, Ended, HeadFiles, Install, MISSING_PREFIX, Manifest, UNBUILT_PREFIX,
    cause_in, problem, why_missing, why_missing_because,
};
use crate::model::{Problem, Runner};

/// Folders a project keeps its wheels and sdists in by convention, used as `--find-links` when they hold
/// any (besides the ones a requirements file names itself).
const VENDOR_DIRS: &[&str] = &["vendor", "vendored", "wheels", "wheelhouse", "third_party"];
/// Words of the extras and groups that are the project's tooling, not a feature its code imports: their
/// requirements are never installed. Every other optional extra is tried with the rest, and left out when the
/// whole cannot be installed.
const TOOLING_WORDS: &[&str] = &[
    "doc",
    "docs",
    "documentation",
    "lint",
    "linting",
    "linters",
    "typing",
    "types",
    "mypy",
    "style",
    "format",
    "formatting",
    "release",
    "build",
    "publish",
    "bench",
    "benchmark",
    "benchmarks",
    "perf",
    "profiling",
    "coverage",
    "pre-commit",
    "sphinx",
];
/// What pip can install from a `--find-links` folder.
const PYTHON_ARCHIVES: &[&str] = &[".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"];

/// `pip install --target /deps/python -r ato-deps/requirements.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pip {
    /// The pip options the project's files set, one a line (also read by each probe).
    options: String,
    /// Each requirement to install, one a line, after the options.
    requirements: String,
    /// The optional extras' requirements that may be features of the code (not tooling), one a line:
    /// installed with the rest when the whole can be, else left out.
    extras: String,
    /// `-c` pins, when the project has any.
    constraints: Option<String>,
    /// Each requirement that needs an index or a vendored archive, probed alone when the install fails.
    probes: Vec<PyRequirement>,
}

/// The Python manifest of the head tree.
pub(super) fn detect(files: &HeadFiles) -> Detection {
    let tree = FnTree::new(
        |path| files.manifest(path),
        files.manifests.keys().chain(files.digests.keys()),
    );
    let deps = python_deps(&tree);
    let wanted: Vec<&PyRequirement> = deps.runtime.iter().chain(&deps.test).collect();
    let Some(first) = wanted.first() else {
        return Detection::None;
    };
    let source = first.file.clone();
    let mut find_links: Vec<String> = Vec::new();
    let mut options = String::new();
    for option in &deps.pip_options {
        if option.option == "--find-links"
            && let Some(value) = &option.value
        {
            if !value.contains("://") && !files.exists(value) {
                continue;
            }
            find_links.push(value.clone());
        }
        options.push_str(&option_line(&option.option, option.value.as_deref()));
    }
    for dir in VENDOR_DIRS {
        let has_archives = files.files_under(dir, PYTHON_ARCHIVES).next().is_some();
        if has_archives && !find_links.iter().any(|link| link.trim_matches('/') == *dir) {
            find_links.push((*dir).to_string());
            options.push_str(&option_line("--find-links", Some(dir)));
        }
    }
    let requirements: String = wanted
        .iter()
        .map(|requirement| format!("{}\n", requirement.requirement.replace('\n', " ")))
        .collect();
    let extras: String = feature_extras(&deps)
        .map(|requirement| format!("{}\n", requirement.requirement.replace('\n', " ")))
        .collect();
    let constraints = (!deps.constraints.is_empty()).then(|| {
        deps.constraints
            .iter()
            .map(|c| format!("{}\n", c.requirement))
            .collect::<String>()
    });
    let mut digest = ContentDigest::default();
    // Every Python declaration as written (what the readers made of them follows), so any edit of one is a
    // new fill, as it was when only requirement files were read.
    for (path, bytes) in &files.manifests {
        if is_python_declaration(path) {
            digest.add(path, bytes);
        }
    }
    digest.add("options", options.as_bytes());
    digest.add("requirements", requirements.as_bytes());
    digest.add("extras", extras.as_bytes());
    digest.add(
        "constraints",
        constraints.as_deref().unwrap_or("").as_bytes(),
    );
    for link in &find_links {
        for (path, sha) in files.files_under(link, PYTHON_ARCHIVES) {
            digest.add(path, sha.as_bytes());
        }
    }
    // A requirement that is a folder of the repository installs what is in it.
    for requirement in wanted.iter().filter(|r| r.local) {
        let dir = requirement.requirement.trim_start_matches("./");
        for (path, sha) in files.files_under(dir, &[""]) {
            digest.add(path, sha.as_bytes());
        }
        for (path, bytes) in files.manifests.range(format!("{dir}/")..) {
            if !path.starts_with(&format!("{dir}/")) {
                break;
            }
            digest.add(path, bytes);
        }
    }
    let probes = wanted
        .iter()
        .filter(|r| !r.local)
        .cloned()
        .cloned()
        .collect();
    Detection::Found(Manifest {
        runner: Runner::Python,
        source,
        install: Box::new(Pip {
            options,
            requirements,
            extras,
            constraints,
            probes,
        }),
        content_digest: digest.finish(),
        notes: declaration_notes(&deps),
    })
}

/// The optional requirements that may be features the code imports: from an extra or group whose name is
/// not tooling ([`TOOLING_WORDS`]), not a folder of the repository.
fn feature_extras(deps: &PythonDeps) -> impl Iterator<Item = &PyRequirement> {
    deps.optional.iter().filter(|requirement| {
        let tooling = requirement.group.as_deref().is_none_or(|group| {
            let group = group.to_ascii_lowercase();
            TOOLING_WORDS.contains(&group.as_str())
                || group
                    .split(['-', '_', '.'])
                    .any(|word| TOOLING_WORDS.contains(&word))
        });
        !tooling && !requirement.local
    })
}

/// The declarations the Python readers read (not `package.json`, poms or CI workflows).
fn is_python_declaration(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".txt")
        || matches!(
            name,
            "pyproject.toml" | "setup.py" | "setup.cfg" | "tox.ini" | "tox.toml" | "Pipfile"
        )
}

fn option_line(option: &str, value: Option<&str>) -> String {
    match value {
        Some(value) => format!("{option} {value}\n"),
        None => format!("{option}\n"),
    }
}

/// The notes of what could not be read, for the report.
fn declaration_notes(deps: &PythonDeps) -> Vec<String> {
    deps.notes
        .iter()
        .map(|note| format!("dependencies: {note}"))
        .collect()
}

impl Install for Pip {
    /// Installs; on failure, names what cannot be had and installs the rest without it ([`pip_script`]).
    fn script(&self, network: bool) -> String {
        pip_script::install_script(self.constraints.is_some(), network)
    }

    /// The options, the requirements, the constraints when any, the probes (one requirement a line) and,
    /// line for line, the normalised name of each probe (empty when it has none) that the script matches
    /// pip's build failures to.
    fn inputs(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![
            ("options.txt".to_string(), self.options.clone().into_bytes()),
            (
                "requirements.txt".to_string(),
                self.requirements.clone().into_bytes(),
            ),
            ("extras.txt".to_string(), self.extras.clone().into_bytes()),
        ];
        if let Some(constraints) = &self.constraints {
            files.push(("constraints.txt".into(), constraints.clone().into_bytes()));
        }
        let probes: String = self
            .probes
            .iter()
            .map(|requirement| format!("{}\n", requirement.requirement.replace('\n', " ")))
            .collect();
        let names: String = self
            .probes
            .iter()
            .map(|requirement| {
                format!(
                    "{}\n",
                    requirement.name.as_deref().map(name_of).unwrap_or_default()
                )
            })
            .collect();
        files.push(("probes.txt".into(), probes.into_bytes()));
        files.push(("names.txt".into(), names.into_bytes()));
        files
    }

    /// The requirements the probes named, those whose build failed, and a missing dependency of a dependency
    /// that only pip's own error names; each once, at the file and line that asked for it.
    fn missing(&self, source: &str, ended: &Ended<'_>) -> Vec<Problem> {
        let named = |prefix: &'static str| {
            ended
                .stdout
                .lines()
                .filter_map(move |line| line.strip_prefix(prefix))
                .map(str::trim)
        };
        let unbuilt = named(UNBUILT_PREFIX).map(|text| (text, Left::Unbuilt));
        let probed = named(MISSING_PREFIX).map(|text| (text, Left::Missing));
        let from_pip = ended.stderr.lines().filter_map(|line| {
            let (_, rest) = line.split_once("No matching distribution found for ")?;
            Some((rest.trim(), Left::Missing))
        });
        let mut seen: Vec<String> = Vec::new();
        let mut problems = Vec::new();
        for (text, left) in unbuilt.chain(probed).chain(from_pip) {
            let key = name_of(text);
            if text.is_empty() || seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let declared = self
                .probes
                .iter()
                .find(|r| r.requirement == text || r.name.as_deref() == Some(key.as_str()));
            let why = match left {
                Left::Missing => match probe_output(ended.stderr, text) {
                    Some(output) => {
                        why_missing_because(cause_in(output, ended.refused).as_ref(), ended)
                    }
                    None => why_missing(ended),
                },
                Left::Unbuilt => {
                    "pip failed to build its wheel, so the install went on without it (the \
                                   installer's output says why)"
                        .to_string()
                }
            };
            let mut problem = problem(
                declared.map_or(source, |r| r.file.as_str()),
                format!("dependency `{text}` could not be installed: {why}"),
            );
            problem.line = declared.and_then(|r| r.line);
            problems.push(problem);
        }
        problems
    }
}

/// Why a requirement was left out.
#[derive(Clone, Copy)]
enum Left {
    /// It cannot be had (its probe failed, or pip said so).
    Missing,
    /// It could be had but its build failed.
    Unbuilt,
}

/// The output of the probe of `requirement` that failed, as the script wrote it on stderr.
fn probe_output<'a>(stderr: &'a str, requirement: &str) -> Option<&'a str> {
    let start = format!("{PROBE_PREFIX}{requirement}\n");
    let (_, rest) = stderr.split_once(&start)?;
    Some(
        rest.split_once(&format!("{PROBE_END}\n"))
            .map_or(rest, |(output, _)| output),
    )
}

/// The PEP 503 name a requirement starts with.
fn name_of(text: &str) -> String {
    let name: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let mut normalised = String::new();
    for c in name.to_ascii_lowercase().chars() {
        let c = if matches!(c, '_' | '.') { '-' } else { c };
        if !(c == '-' && normalised.ends_with('-')) {
            normalised.push(c);
        }
    }
    normalised
}

#[cfg(test)]
#[path = "pip_tests.rs"]
mod tests;
