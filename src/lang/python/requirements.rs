//! Python requirements: what `requirements.txt` or `pyproject.toml`'s `[project].dependencies` asks for.
//!
//! Only what the dependency phase needs is read: each requirement (its name, for the report of what is
//! missing, and its text, to probe it alone), and the `--find-links` folders the file names, where a project
//! vendors its wheels and sdists. pip itself reads the file for the install.

/// One requirement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The PEP 503 normalised name (`Foo_Bar` → `foo-bar`), when the line has one.
    pub name: Option<String>,
    /// The requirement as written, without comment or continuation.
    pub text: String,
    /// 1-based line in its file; `None` for `pyproject.toml`.
    pub line: Option<u32>,
}

/// What a requirements file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequirementsFile {
    pub requirements: Vec<Requirement>,
    /// `--find-links` / `-f` values, as written.
    pub find_links: Vec<String>,
    /// `-r` / `-c` files it includes, as written.
    pub includes: Vec<String>,
}

/// Options whose value is the next word (or follows `=`); the ones that matter here are kept.
const OPTIONS_WITH_VALUE: &[&str] = &[
    "-f",
    "--find-links",
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-e",
    "--editable",
    "--trusted-host",
    "--hash",
];

/// Parses a pip requirements file. Never fails: a line pip would refuse is left for pip to report.
pub fn parse_requirements(text: &str) -> RequirementsFile {
    let mut parsed = RequirementsFile::default();
    for (line_no, line) in logical_lines(text) {
        let line = strip_comment(&line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('-') {
            read_option(line, &mut parsed);
            continue;
        }
        // Per-requirement options (`--hash=…`) follow the requirement itself.
        let text = match line.find(" --") {
            Some(at) => line[..at].trim(),
            None => line,
        };
        parsed.requirements.push(Requirement {
            name: requirement_name(text),
            text: text.to_string(),
            line: Some(line_no),
        });
    }
    parsed
}

/// `[project].dependencies` of a `pyproject.toml`; `Ok(None)` when it declares none, `Err` when the file
/// is not TOML (the message says where).
pub fn parse_pyproject(text: &str) -> Result<Option<Vec<Requirement>>, String> {
    let value: toml::Table = toml::from_str(text).map_err(|err| err.to_string())?;
    let Some(deps) = value
        .get("project")
        .and_then(|project| project.get("dependencies"))
    else {
        return Ok(None);
    };
    let deps = deps
        .as_array()
        .ok_or("[project].dependencies is not an array")?;
    let mut requirements = Vec::new();
    for dep in deps {
        let text = dep
            .as_str()
            .ok_or("[project].dependencies holds something other than strings")?
            .trim();
        if text.is_empty() {
            continue;
        }
        requirements.push(Requirement {
            name: requirement_name(text),
            text: text.to_string(),
            line: None,
        });
    }
    Ok((!requirements.is_empty()).then_some(requirements))
}

/// The normalised name at the start of a PEP 508 requirement (`requests[socks]>=2; python_version>"3"`);
/// `None` for a bare path or URL.
pub fn requirement_name(text: &str) -> Option<String> {
    let text = text.trim();
    if text.starts_with('.')
        || text.starts_with('/')
        || (text.contains("://") && !text.contains('@'))
    {
        return None;
    }
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(text.len());
    let name = &text[..end];
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    valid.then(|| normalise_name(name))
}

/// PEP 503: lower case, runs of `-`, `_` and `.` become one `-`.
pub fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
            continue;
        }
        if separator && !out.is_empty() {
            out.push('-');
        }
        separator = false;
        out.push(c.to_ascii_lowercase());
    }
    out
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
fn strip_comment(line: &str) -> String {
    let bytes = line.as_bytes();
    for (at, &b) in bytes.iter().enumerate() {
        if b == b'#' && (at == 0 || bytes[at - 1].is_ascii_whitespace()) {
            return line[..at].to_string();
        }
    }
    line.to_string()
}

fn read_option(line: &str, parsed: &mut RequirementsFile) {
    let (option, value) = match line.split_once(|c: char| c == '=' || c.is_whitespace()) {
        Some((option, value)) => (option, value.trim().to_string()),
        None => (line, String::new()),
    };
    // `-fvendor` is pip's short form too.
    let (option, value) = match (option, value.is_empty()) {
        (short, true) if short.len() > 2 && !short.starts_with("--") => {
            (&short[..2], short[2..].to_string())
        }
        _ => (option, value),
    };
    if !OPTIONS_WITH_VALUE.contains(&option) || value.is_empty() {
        return;
    }
    match option {
        "-f" | "--find-links" => parsed.find_links.push(value),
        "-r" | "--requirement" | "-c" | "--constraint" => parsed.includes.push(value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_options_comments_and_continuations() {
        let text = "# pinned\nrequests[socks]>=2.0 ; python_version > '3.8'  # http\n\
                    --find-links vendor\n-f=wheels\n-fthird_party\n-r more.txt\n\
                    Foo_Bar.baz==1.0 \\\n    --hash=sha256:abc\n\n./local/pkg\nhttps://x.test/a.whl#egg=a\n\
                    --no-index\n-e .\n";
        let parsed = parse_requirements(text);
        let names: Vec<_> = parsed
            .requirements
            .iter()
            .map(|r| (r.name.clone(), r.line))
            .collect();
        assert_eq!(
            names,
            vec![
                (Some("requests".to_string()), Some(2)),
                (Some("foo-bar-baz".to_string()), Some(7)),
                (None, Some(10)),
                (None, Some(11)),
            ]
        );
        assert_eq!(parsed.requirements[1].text, "Foo_Bar.baz==1.0");
        assert_eq!(parsed.find_links, vec!["vendor", "wheels", "third_party"]);
        assert_eq!(parsed.includes, vec!["more.txt"]);
    }

    #[test]
    fn names_are_normalised_and_urls_named_by_their_at() {
        assert_eq!(
            normalise_name("Django_REST..framework"),
            "django-rest-framework"
        );
        assert_eq!(
            requirement_name("pkg @ https://x.test/pkg.whl").as_deref(),
            Some("pkg")
        );
        assert_eq!(requirement_name("/abs/path"), None);
        assert_eq!(requirement_name("-x"), None);
        assert_eq!(requirement_name("tiny-dep"), Some("tiny-dep".to_string()));
    }

    #[test]
    fn pyproject_dependencies() {
        let text = "[build-system]\nrequires=['setuptools']\n[project]\nname = 'p'\n\
                    dependencies = [\n  \"attrs>=21\",\n  'Tiny_Dep',\n]\n";
        let deps = parse_pyproject(text).unwrap().unwrap();
        let names: Vec<_> = deps.iter().filter_map(|r| r.name.clone()).collect();
        assert_eq!(names, vec!["attrs", "tiny-dep"]);
        assert_eq!(parse_pyproject("[project]\nname='p'\n").unwrap(), None);
        assert_eq!(parse_pyproject("[tool.x]\na=1\n").unwrap(), None);
        assert!(parse_pyproject("[project\n").is_err());
        assert!(parse_pyproject("[project]\ndependencies = 'x'\n").is_err());
    }
}
