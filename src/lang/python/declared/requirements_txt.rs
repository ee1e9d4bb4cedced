//! pip requirement files: the usual names (`requirements.txt`, `requirements/*.txt`,
//! `requirements-dev.txt`, `test-requirements.txt`, `tests/requirements.txt`…), what each is for (by its
//! name), and their `-r`/`-c` includes, read relative to the including file, each file once per walk.
//! The options pip needs (`--find-links`, `--index-url`, `--extra-index-url`, `--no-index`…) are kept.

use super::requirement_list::{Collected, Group, Origin, PipOption, group_of};
use crate::declared::Tree;

/// File-name words that mean "what the code needs".
const RUNTIME_WORDS: &[&str] = &[
    "base",
    "default",
    "prod",
    "production",
    "main",
    "common",
    "install",
    "runtime",
    "core",
];

/// Options kept for pip; the first group takes a value.
const KEPT_WITH_VALUE: &[&str] = &[
    "--find-links",
    "--index-url",
    "--extra-index-url",
    "--trusted-host",
    "--no-binary",
    "--only-binary",
];
const KEPT_FLAGS: &[&str] = &["--no-index", "--pre", "--prefer-binary"];

/// Reads every requirement file of the tree, runtime ones first.
pub(super) fn read_all(tree: &dyn Tree, deps: &mut Collected) {
    let mut files: Vec<(Group, &str)> = tree
        .paths()
        .into_iter()
        .filter_map(|path| classify(path).map(|group| (group, path)))
        .collect();
    let rank = |group: &Group| *group as u8;
    files.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then(a.1.cmp(b.1)));
    for (group, path) in files {
        read_file(tree, path, group, deps);
    }
}

/// Reads a requirement file another file names (setuptools' `file:` and dynamic dependencies).
pub(super) fn read_included(tree: &dyn Tree, path: &str, group: Group, deps: &mut Collected) {
    read_file(tree, path, group, deps);
}

/// What a requirement file is for, by its place and name; `None` when it is not one.
pub(super) fn classify(path: &str) -> Option<Group> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = name.strip_suffix(".txt")?;
    let words: Vec<&str> = stem
        .split(['-', '_', '.'])
        .filter(|word| !word.is_empty() && !matches!(*word, "requirements" | "reqs"))
        .collect();
    let named = stem.contains("requirements");
    let place_fits = match dir {
        "" => named,
        "requirements" => true,
        "tests" | "test" => return (named && words.is_empty()).then_some(Group::Test),
        _ => false,
    };
    if !place_fits {
        return None;
    }
    let name = words.join("-");
    if group_of(&name) == Group::Test {
        return Some(Group::Test);
    }
    if words.is_empty() || words.iter().any(|word| RUNTIME_WORDS.contains(word)) {
        return Some(Group::Runtime);
    }
    Some(Group::Optional)
}

/// Reads `path` into `group`, following its includes; a file already read into that group (an include
/// cycle, or two files including the same one) is not read again.
fn read_file(tree: &dyn Tree, path: &str, group: Group, deps: &mut Collected) {
    if !deps.first_reading(path, group) {
        return;
    }
    let Some(text) = tree.text(path) else {
        return deps.note(path, "its contents were not available");
    };
    let mut hashes_dropped = false;
    for (line_no, line) in logical_lines(&text) {
        let line = strip_comment(&line);
        if line.is_empty() {
            continue;
        }
        let at = Origin {
            file: path,
            line: Some(line_no),
            group: None,
        };
        if !line.starts_with('-') {
            let requirement = match line.find(" --") {
                Some(cut) => {
                    hashes_dropped |= line[cut..].contains("--hash");
                    &line[..cut]
                }
                None => line,
            };
            deps.add_text(group, requirement, at, false);
            continue;
        }
        let (option, value) = split_option(line);
        match option.as_str() {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                let target = if matches!(option.as_str(), "-c" | "--constraint") {
                    Group::Constraint
                } else {
                    group
                };
                if value.contains("://") {
                    deps.note(
                        path,
                        format!("line {line_no}: {option} {value}: a remote file is not read"),
                    );
                    continue;
                }
                let include = join(path, &value);
                if tree.read(&include).is_none() && !tree.exists(&include) {
                    deps.note(
                        path,
                        format!("line {line_no}: {option} {value}: no such file in the repository"),
                    );
                    continue;
                }
                read_file(tree, &include, target, deps);
            }
            "-e" | "--editable" => deps.add_text(group, &value, at, true),
            "-f" | "--find-links" => {
                let local = join(path, &value);
                let value = if !value.contains("://") && tree.exists(&local) {
                    local
                } else {
                    value
                };
                keep(deps, "--find-links", Some(value), path, line_no);
            }
            "-i" | "--index-url" => keep(deps, "--index-url", Some(value), path, line_no),
            option if KEPT_WITH_VALUE.contains(&option) => {
                keep(deps, option, Some(value), path, line_no)
            }
            option if KEPT_FLAGS.contains(&option) => keep(deps, option, None, path, line_no),
            option => deps.note(
                path,
                format!("line {line_no}: option {option} is not passed on"),
            ),
        }
    }
    if hashes_dropped {
        deps.note(
            path,
            "--hash options are not passed on (the requirements are kept without them)",
        );
    }
}

fn keep(deps: &mut Collected, option: &str, value: Option<String>, file: &str, line: u32) {
    deps.deps.pip_options.push(PipOption {
        option: option.to_string(),
        value,
        file: file.to_string(),
        line,
    });
}

/// `--opt=value`, `--opt value`, `-o value`, `-ovalue` → (`--opt`/`-o`, value).
pub(super) fn split_option(line: &str) -> (String, String) {
    let (option, value) = match line.split_once(|c: char| c == '=' || c.is_whitespace()) {
        Some((option, value)) => (option, value.trim()),
        None => (line, ""),
    };
    if value.is_empty() && !option.starts_with("--") && option.len() > 2 {
        return (option[..2].to_string(), option[2..].trim().to_string());
    }
    (option.to_string(), value.to_string())
}

/// `relative` from the folder of `file`, with `.` and `..` resolved (an absolute path stays as it is).
pub(super) fn join(file: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return relative.to_string();
    }
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Joins `\`-continued lines, keeping the number of the first physical line of each.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut lines = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for (index, physical) in text.lines().enumerate() {
        let (start, mut joined) = current.take().unwrap_or((index as u32 + 1, String::new()));
        match physical.strip_suffix('\\') {
            Some(part) => {
                joined.push_str(part);
                current = Some((start, joined));
            }
            None => {
                joined.push_str(physical);
                lines.push((start, joined));
            }
        }
    }
    lines.extend(current);
    lines
}

/// pip's rule: `#` starts a comment at the start of a line or after whitespace (a URL fragment is kept).
fn strip_comment(line: &str) -> &str {
    crate::declared::ini::strip_inline_comment(line)
}

#[cfg(test)]
mod tests;
