//! PEP 508 requirement strings (`Requests[socks] >= 2.0 ; python_version < "3.10"`, `pkg @ https://…`),
//! split into their parts and written back with the name normalised (PEP 503), and the other things pip
//! takes where a requirement goes (a local path, an archive URL with `#egg=`).

/// A requirement split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pep508 {
    /// PEP 503 normalised.
    pub name: String,
    pub extras: Vec<String>,
    /// The version specifiers, without parentheses or spaces (`>=2.0,<3`); empty for any version.
    pub version: String,
    pub url: Option<String>,
    pub marker: Option<String>,
}

impl Pep508 {
    /// Reads a requirement; `None` when `text` is not one (a path, a bare URL, nonsense).
    pub fn parse(text: &str) -> Option<Pep508> {
        let text = text.trim();
        let (body, marker) = split_marker(text);
        let end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(body.len());
        let name = &body[..end];
        let valid_name = name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid_name {
            return None;
        }
        let mut rest = body[end..].trim_start();
        let mut extras = Vec::new();
        if let Some(after) = rest.strip_prefix('[') {
            let (inside, after) = after.split_once(']')?;
            extras = inside
                .split(',')
                .map(|extra| normalise_name(extra.trim()))
                .filter(|extra| !extra.is_empty())
                .collect();
            rest = after.trim_start();
        }
        if let Some(url) = rest.strip_prefix('@') {
            let url = url.trim();
            if url.is_empty() || url.contains(char::is_whitespace) {
                return None;
            }
            return Some(Pep508 {
                name: normalise_name(name),
                extras,
                version: String::new(),
                url: Some(url.to_string()),
                marker,
            });
        }
        let version = rest
            .trim()
            .strip_prefix('(')
            .and_then(|inner| inner.strip_suffix(')'))
            .unwrap_or(rest)
            .replace(char::is_whitespace, "");
        let looks_like_versions = version.is_empty()
            || version.split(',').all(|part| {
                let number = part.trim_start_matches(['<', '>', '=', '!', '~']);
                number.len() < part.len()
                    && !number.is_empty()
                    && number.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '+' | '!' | '-' | '_')
                    })
            });
        looks_like_versions.then(|| Pep508 {
            name: normalise_name(name),
            extras,
            version,
            url: None,
            marker,
        })
    }

    /// How much it pins: an exact pin or a URL (3), some specifier (2), a bare name (1); extras break ties.
    pub fn specificity(&self) -> (u8, usize) {
        let exact = self.url.is_some()
            || self.version.starts_with("===")
            || (self.version.starts_with("==")
                && !self.version.contains(',')
                && !self.version.ends_with('*'));
        let level = match (exact, self.version.is_empty()) {
            (true, _) => 3,
            (false, false) => 2,
            (false, true) => 1,
        };
        (level, self.extras.len())
    }

    /// Adds `marker` to the requirement's own (`and`).
    pub fn and_marker(mut self, marker: Option<&str>) -> Pep508 {
        let Some(extra) = marker.map(str::trim).filter(|m| !m.is_empty()) else {
            return self;
        };
        self.marker = Some(match self.marker.take() {
            Some(own) => format!("({own}) and ({extra})"),
            None => extra.to_string(),
        });
        self
    }
}

impl std::fmt::Display for Pep508 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if !self.extras.is_empty() {
            write!(f, "[{}]", self.extras.join(","))?;
        }
        match &self.url {
            Some(url) => write!(f, " @ {url}")?,
            None => f.write_str(&self.version)?,
        }
        if let Some(marker) = &self.marker {
            // After a URL the `;` needs a space before it.
            let space = if self.url.is_some() { " " } else { "" };
            write!(f, "{space}; {marker}")?;
        }
        Ok(())
    }
}

/// `body ; marker` (the marker trimmed, `None` when absent).
fn split_marker(text: &str) -> (&str, Option<String>) {
    match text.split_once(';') {
        Some((body, marker)) if !marker.trim().is_empty() => {
            (body.trim(), Some(marker.trim().to_string()))
        }
        Some((body, _)) => (body.trim(), None),
        None => (text, None),
    }
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

/// True for what pip reads as a path rather than a name: `.`, `./x`, `../x`, `/x`, `file:`, `C:\x`, a
/// path to an archive (`vendor/a-1.0-py3-none-any.whl`).
pub fn is_path(text: &str) -> bool {
    let text = text.trim();
    let archive = [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"]
        .iter()
        .any(|ext| text.ends_with(ext));
    text.starts_with('.')
        || text.starts_with('/')
        || text.starts_with("file:")
        || text.get(1..3) == Some(":\\")
        || (archive && !text.contains("://"))
        || (text.contains('/') && !text.contains("://") && !text.contains('@'))
}

/// The project name a path or URL names, when it does: `#egg=name`, or an archive's file name
/// (`pkg_name-1.0-py3-none-any.whl`, `pkg-name-1.0.tar.gz`).
pub fn name_of_location(text: &str) -> Option<String> {
    if let Some((_, fragment)) = text.split_once("#egg=") {
        let name = fragment.split(['&', '[']).next().unwrap_or("");
        return (!name.is_empty()).then(|| normalise_name(name));
    }
    let file = text.rsplit(['/', '\\']).next().unwrap_or(text);
    let stem = [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))?;
    let name: Vec<&str> = stem
        .split('-')
        .take_while(|part| !part.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    (!name.is_empty()).then(|| normalise_name(&name.join("-")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        Pep508::parse(text)
            .map(|r| r.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn requirements_are_written_back_normalised() {
        assert_eq!(
            round_trip("Django_REST..framework"),
            "django-rest-framework"
        );
        assert_eq!(
            round_trip("Requests [Socks, security] >= 2.0 , <3 ; python_version < '3.10'"),
            "requests[socks,security]>=2.0,<3; python_version < '3.10'"
        );
        assert_eq!(
            round_trip("PySocks (>=1.5.6, !=1.5.7)"),
            "pysocks>=1.5.6,!=1.5.7"
        );
        assert_eq!(
            round_trip("pkg @ https://x.test/pkg-1.0.whl ; sys_platform == 'linux'"),
            "pkg @ https://x.test/pkg-1.0.whl ; sys_platform == 'linux'"
        );
        assert_eq!(round_trip("zope.interface~=5.0"), "zope-interface~=5.0");
        for not_one in [
            "./pkg",
            "-e .",
            "pkg 1.0",
            "https://x.test/a.whl",
            "[x]",
            "pkg @",
            "python_version>=\"3.9\" =",
            "pkg>=",
        ] {
            assert_eq!(Pep508::parse(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn specificity_orders_pins_over_ranges_over_names() {
        let level = |text: &str| Pep508::parse(text).unwrap().specificity();
        assert_eq!(level("a==1.0"), (3, 0));
        assert_eq!(level("a==1.*"), (2, 0));
        assert_eq!(level("a>=1,<2"), (2, 0));
        assert_eq!(level("a[x]"), (1, 1));
        assert_eq!(level("a @ git+https://x.test/a"), (3, 0));
    }

    #[test]
    fn markers_combine() {
        let req = Pep508::parse("a; os_name == 'nt'").unwrap();
        let req = req.and_marker(Some("python_version < \"3.8\""));
        assert_eq!(
            req.to_string(),
            "a; (os_name == 'nt') and (python_version < \"3.8\")"
        );
        let plain = Pep508::parse("b").unwrap().and_marker(Some("extra == 'x'"));
        assert_eq!(plain.to_string(), "b; extra == 'x'");
    }

    #[test]
    fn paths_and_the_names_they_carry() {
        for path in [
            ".",
            "./libs/a",
            "../a",
            "/abs/a",
            "file:libs/a",
            "vendor/a-1.0-py3-none-any.whl",
        ] {
            assert!(is_path(path), "{path}");
        }
        for not_path in [
            "requests",
            "git+https://x.test/a.git#egg=a",
            "a @ https://x.test/a/b",
        ] {
            assert!(!is_path(not_path), "{not_path}");
        }
        assert_eq!(
            name_of_location("git+https://x.test/a.git@v1#egg=My_Pkg").as_deref(),
            Some("my-pkg")
        );
        assert_eq!(
            name_of_location("vendor/tiny_dep-1.0-py3-none-any.whl").as_deref(),
            Some("tiny-dep")
        );
        assert_eq!(
            name_of_location("dist/my-pkg-2.1.tar.gz").as_deref(),
            Some("my-pkg")
        );
        assert_eq!(name_of_location("./libs/a"), None);
    }
}
