//! The INI dialect of `setup.cfg` and `tox.ini` (Python's configparser): `[section]`, `key = value` or
//! `key: value`, values continued on indented lines, whole-line `#`/`;` comments. Keys are compared
//! lower-cased with `-` read as `_`, as setuptools does.

/// One `key = value`, with the line of each part of its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub line: u32,
    /// The value's non-empty lines (the one after `=`, then the continuations), trimmed, with their line.
    pub parts: Vec<(u32, String)>,
}

impl Entry {
    /// The whole value, lines joined with `\n`.
    pub fn value(&self) -> String {
        let lines: Vec<&str> = self.parts.iter().map(|(_, part)| part.as_str()).collect();
        lines.join("\n")
    }

    /// The value's lines without trailing ` # comments`, empty ones dropped.
    pub fn lines(&self) -> Vec<(u32, String)> {
        self.parts
            .iter()
            .map(|(line, part)| (*line, strip_inline_comment(part).to_string()))
            .filter(|(_, part)| !part.is_empty())
            .collect()
    }
}

/// A parsed file: sections in order, each with its entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ini {
    pub sections: Vec<(String, Vec<Entry>)>,
}

impl Ini {
    pub fn section(&self, name: &str) -> Option<&[Entry]> {
        self.sections
            .iter()
            .find(|(section, _)| section == name)
            .map(|(_, entries)| entries.as_slice())
    }

    pub fn get(&self, section: &str, key: &str) -> Option<&Entry> {
        let key = normalise_key(key);
        self.section(section)?
            .iter()
            .find(|entry| normalise_key(&entry.key) == key)
    }
}

fn normalise_key(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace('-', "_")
}

/// `a  # comment` → `a`; a `#` not after whitespace (a URL fragment) is kept.
pub fn strip_inline_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    let cut = (0..bytes.len())
        .find(|&at| bytes[at] == b'#' && (at == 0 || bytes[at - 1].is_ascii_whitespace()));
    text[..cut.unwrap_or(text.len())].trim()
}

/// Reads the whole text; lines it cannot place (a key outside any section) are ignored.
pub fn parse(text: &str) -> Ini {
    let mut ini = Ini::default();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u32 + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented
            && let Some(entry) = ini
                .sections
                .last_mut()
                .and_then(|(_, entries)| entries.last_mut())
        {
            entry.parts.push((line_no, trimmed.to_string()));
            continue;
        }
        if let Some(name) = trimmed
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
            .map(|(name, _)| name.trim().to_string())
        {
            ini.sections.push((name, Vec::new()));
            continue;
        }
        let Some((_, entries)) = ini.sections.last_mut() else {
            continue;
        };
        let split = trimmed.find(['=', ':']);
        let (key, value) = match split {
            Some(at) => (&trimmed[..at], trimmed[at + 1..].trim()),
            None => (trimmed, ""),
        };
        let mut parts = Vec::new();
        if !value.is_empty() {
            parts.push((line_no, value.to_string()));
        }
        entries.push(Entry {
            key: key.trim().to_string(),
            line: line_no,
            parts,
        });
    }
    ini
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_and_continued_values() {
        let text = "[metadata]\nname = pkg\n\n[options]\n# a comment\npython_requires = >=3.8\n\
                    install_requires =\n    requests>=2.0  # http\n    ; skipped\n\n    click\n\
                    [options.extras_require]\ntest: pytest\n";
        let ini = parse(text);
        assert_eq!(
            ini.get("options", "python-requires").unwrap().value(),
            ">=3.8"
        );
        let install = ini.get("options", "install_requires").unwrap();
        assert_eq!(install.line, 7);
        assert_eq!(
            install.lines(),
            vec![(8, "requests>=2.0".to_string()), (11, "click".to_string())]
        );
        assert_eq!(
            ini.get("options.extras_require", "test").unwrap().value(),
            "pytest"
        );
        assert!(ini.get("options", "missing").is_none());
        assert!(ini.section("nowhere").is_none());
    }

    #[test]
    fn inline_comments_need_whitespace_before_them() {
        assert_eq!(strip_inline_comment("a # b"), "a");
        assert_eq!(
            strip_inline_comment("https://x.test/a#egg=a"),
            "https://x.test/a#egg=a"
        );
        assert_eq!(strip_inline_comment("# all"), "");
    }
}
