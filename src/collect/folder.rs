//! Reading a runner's output folder into memory, without trusting it: links and special files are not
//! followed (a link could point anywhere on the host), and big files are not read.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::Path;

use super::CollectError;
use super::manifest::is_safe_relative_path;
use crate::model::GeneratedFile;

/// The largest output file ato reads; anything bigger is reported, not read.
pub const MAX_OUTPUT_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// The most generated files listed from `tests/`.
const MAX_TEST_FILES: usize = 10_000;

/// The raw files of an output folder. Each is optional: a runner writes only what applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunnerOutputs {
    pub manifest: Option<Vec<u8>>,
    /// `junit/run-N.xml`, ordered by N: (file name, contents).
    pub junit_runs: Vec<(String, Vec<u8>)>,
    /// `coverage.json`: ato's coverage file.
    pub coverage: Option<Vec<u8>>,
    /// `findings.json`: ato's findings file.
    pub findings: Option<Vec<u8>>,
    /// Regular files under `tests/`, relative to the output folder (`tests/test_x.py`).
    pub test_files: BTreeSet<String>,
    /// Files that exist but were not read (too big, a link…), with why.
    pub unreadable: Vec<String>,
}

/// Reads the folder's known files. Links and special files are not followed, and big files are not read.
pub fn read_outputs(out_dir: &Path) -> Result<RunnerOutputs, CollectError> {
    let mut outputs = RunnerOutputs::default();
    let mut read = |relative: &str| read_capped(out_dir, relative, &mut outputs.unreadable);
    let manifest = read("manifest.json")?;
    let coverage = read("coverage.json")?;
    let findings = read("findings.json")?;
    let mut numbered = Vec::new();
    for name in list_dir(&out_dir.join("junit"))? {
        let number = name
            .strip_prefix("run-")
            .and_then(|n| n.strip_suffix(".xml"))
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(number) = number {
            numbered.push((number, name));
        }
    }
    numbered.sort();
    for (_, name) in numbered {
        if let Some(bytes) = read(&format!("junit/{name}"))? {
            outputs.junit_runs.push((name, bytes));
        }
    }
    outputs.manifest = manifest;
    outputs.coverage = coverage;
    outputs.findings = findings;
    list_test_files(out_dir, "tests", &mut outputs.test_files)?;
    Ok(outputs)
}

/// Generated test files read back for the report and the patch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// `(repo_path, contents)`, the shape `report::write` takes.
    pub files: Vec<(String, String)>,
    /// Files that were not read, with why.
    pub unreadable: Vec<String>,
}

/// Reads the generated test files from `out_dir` (the runner's output folder) with the same care as its
/// other outputs. A file that cannot be read safely is left out and listed in `unreadable`.
pub fn read_sources(out_dir: &Path, files: &[GeneratedFile]) -> Result<Sources, CollectError> {
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    for file in files {
        if !is_safe_relative_path(&file.path) {
            unreadable.push(format!(
                "{} is not a plain relative path; it was not read.",
                file.path
            ));
            continue;
        }
        if let Some(bytes) = read_capped(out_dir, &file.path, &mut unreadable)? {
            sources.push((
                file.repo_path.clone(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    Ok(Sources {
        files: sources,
        unreadable,
    })
}

fn read_capped(
    out_dir: &Path,
    relative: &str,
    unreadable: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, CollectError> {
    let io = |source| CollectError::Io {
        path: relative.to_string(),
        source,
    };
    // Walk the path one component at a time: a link anywhere on the way could point outside the folder.
    let mut path = out_dir.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let last = i + 1 == parts.len();
        if (last && !meta.is_file()) || (!last && !meta.is_dir()) {
            unreadable.push(format!(
                "{relative} is not a regular file in a folder; it was not read."
            ));
            return Ok(None);
        }
        if last && meta.len() > MAX_OUTPUT_FILE_BYTES {
            unreadable.push(format!(
                "{relative} is larger than {MAX_OUTPUT_FILE_BYTES} bytes; it was not read."
            ));
            return Ok(None);
        }
    }
    let mut bytes = Vec::new();
    fs::File::open(&path)
        .and_then(|f| f.take(MAX_OUTPUT_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(io)?;
    Ok(Some(bytes))
}

/// Names of the entries of a folder, empty when it does not exist.
fn list_dir(dir: &Path) -> Result<Vec<String>, CollectError> {
    let io = |source| CollectError::Io {
        path: dir.display().to_string(),
        source,
    };
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        _ => return Ok(Vec::new()),
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        names.push(
            entry
                .map_err(io)?
                .file_name()
                .to_string_lossy()
                .into_owned(),
        );
    }
    names.sort();
    Ok(names)
}

/// Regular files under `relative`, recursively, without following links, up to [`MAX_TEST_FILES`].
fn list_test_files(
    out_dir: &Path,
    relative: &str,
    found: &mut BTreeSet<String>,
) -> Result<(), CollectError> {
    for name in list_dir(&out_dir.join(relative))? {
        if found.len() >= MAX_TEST_FILES {
            return Ok(());
        }
        let child = format!("{relative}/{name}");
        let meta =
            fs::symlink_metadata(out_dir.join(&child)).map_err(|source| CollectError::Io {
                path: child.clone(),
                source,
            })?;
        if meta.is_dir() {
            list_test_files(out_dir, &child, found)?;
        } else if meta.is_file() {
            found.insert(child);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_outputs_skips_links_and_orders_runs_numerically() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("junit")).unwrap();
        fs::create_dir_all(out.join("tests/sub")).unwrap();
        fs::write(out.join("manifest.json"), br#"{"protocol":2}"#).unwrap();
        for n in [10, 2, 1] {
            fs::write(out.join(format!("junit/run-{n}.xml")), format!("<r{n}/>")).unwrap();
        }
        fs::write(out.join("junit/notes.txt"), "x").unwrap();
        fs::write(out.join("tests/sub/test_a.py"), "x").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", out.join("findings.json")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", out.join("tests/link.py")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", out.join("coverage.json")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", out.join("junit/run-3.xml")).unwrap();
        let outputs = read_outputs(out).unwrap();
        let names: Vec<_> = outputs.junit_runs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["run-1.xml", "run-2.xml", "run-10.xml"]);
        assert_eq!(
            outputs.test_files.iter().collect::<Vec<_>>(),
            vec!["tests/sub/test_a.py"]
        );
        assert_eq!(outputs.coverage, None);
        assert_eq!(outputs.findings, None);
        assert_eq!(outputs.unreadable.len(), 3, "{:?}", outputs.unreadable);
        assert!(outputs.unreadable[0].starts_with("coverage.json"));
        assert!(outputs.unreadable[1].starts_with("findings.json"));
        assert!(outputs.unreadable[2].starts_with("junit/run-3.xml"));
    }

    #[test]
    fn a_link_in_the_middle_of_a_path_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::os::unix::fs::symlink("/etc", out.join("static")).unwrap();
        let mut unreadable = Vec::new();
        assert_eq!(
            read_capped(out, "static/passwd", &mut unreadable).unwrap(),
            None
        );
        assert_eq!(unreadable.len(), 1, "{unreadable:?}");
        assert!(unreadable[0].starts_with("static/passwd is not a regular file in a folder"));
    }

    #[test]
    fn read_sources_reads_generated_files_but_not_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("tests")).unwrap();
        fs::write(out.join("tests/test_a.py"), "def test_a():\n    pass\n").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", out.join("tests/test_b.py")).unwrap();
        let file = |path: &str| GeneratedFile {
            path: path.into(),
            repo_path: format!("r/{path}"),
            in_patch: true,
        };
        let Sources {
            files: sources,
            unreadable,
        } = read_sources(
            out,
            &[
                file("tests/test_a.py"),
                file("tests/test_b.py"),
                file("../x"),
                file("tests/none.py"),
            ],
        )
        .unwrap();
        assert_eq!(
            sources,
            vec![(
                "r/tests/test_a.py".to_string(),
                "def test_a():\n    pass\n".to_string()
            )]
        );
        assert_eq!(unreadable.len(), 2, "{unreadable:?}");
    }
}
