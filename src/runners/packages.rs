//! `packages.txt`: the Debian packages a runner image is made of, checked because they end up on
//! mmdebstrap's command line and in apt's configuration.
//!
//! An older suite's list may take some packages from a newer suite with one line,
//! `from <suite>: <pattern>…`: that suite's main archive is added, and the packages whose names match a
//! pattern (apt's, `*` for any characters) are installed from it, every other package from the list's own
//! suite. The Java 17 and 11 images take the pure-Java tools (Maven, JUnit, JaCoCo and the Java libraries
//! they need) from trixie this way, so every JDK runs the same tools.

use super::runtime::Suite;

/// The main archive of Debian's suites, where a borrowed suite's packages come from.
pub const DEBIAN_MIRROR: &str = "http://deb.debian.org/debian";

/// What a `packages.txt` says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackageList {
    /// The packages to install, each once, in the list's order.
    pub names: Vec<String>,
    /// The packages taken from another suite, if the list says so.
    pub borrowed: Option<Borrowed>,
}

/// `from <suite>: <pattern>…`: packages matching the patterns come from `suite`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Borrowed {
    pub suite: Suite,
    pub patterns: Vec<String>,
}

impl Borrowed {
    /// The apt source line of the borrowed suite's main archive.
    pub fn source_line(&self) -> String {
        format!("deb {DEBIAN_MIRROR} {} main", self.suite.name())
    }

    /// An apt preferences file: the matching packages from the borrowed suite (990 beats the list's own
    /// suite, 500), any other package from it only when no other suite has it (100).
    pub fn preferences(&self) -> String {
        let suite = self.suite.name();
        format!(
            "# Written by ato from packages.txt's `from {suite}:` line.\n\
             Package: {}\nPin: release n={suite}\nPin-Priority: 990\n\n\
             Package: *\nPin: release n={suite}\nPin-Priority: 100\n",
            self.patterns.join(" ")
        )
    }
}

/// One Debian package name per line, or one `from <suite>: <pattern>…` line; `#` starts a comment. Names
/// and patterns are checked against Debian's rules because they end up on mmdebstrap's command line.
pub fn parse_packages(text: &str) -> Result<PackageList, String> {
    let mut list = PackageList::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let at = || format!("packages.txt line {}", index + 1);
        if let Some(rest) = line.strip_prefix("from ") {
            let borrowed = parse_from(rest).map_err(|why| format!("{}: {why}", at()))?;
            match &mut list.borrowed {
                Some(known) if known.suite != borrowed.suite => {
                    return Err(format!(
                        "{}: packages come from one other suite at most",
                        at()
                    ));
                }
                Some(known) => known.patterns.extend(borrowed.patterns),
                None => list.borrowed = Some(borrowed),
            }
            continue;
        }
        if !is_debian_package_name(line) {
            return Err(format!("{}: {line:?} is not a Debian package name", at()));
        }
        if !list.names.iter().any(|known| known == line) {
            list.names.push(line.to_string());
        }
    }
    Ok(list)
}

/// `<suite>: <pattern>…` of a `from` line.
fn parse_from(rest: &str) -> Result<Borrowed, String> {
    let (suite, patterns) = rest
        .split_once(':')
        .ok_or("a `from` line is `from <suite>: <package pattern>…`")?;
    let suite = Suite::parse(suite.trim())
        .ok_or_else(|| format!("{:?} is not a Debian suite ato knows", suite.trim()))?;
    let patterns: Vec<String> = patterns.split_whitespace().map(str::to_string).collect();
    if patterns.is_empty() {
        return Err(format!("`from {}:` names no package", suite.name()));
    }
    if let Some(bad) = patterns
        .iter()
        .find(|p| !is_debian_package_name(&p.replace('*', "x")))
    {
        return Err(format!("{bad:?} is not a package name or pattern"));
    }
    Ok(Borrowed { suite, patterns })
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

    #[test]
    fn packages_skip_comments_blanks_and_duplicates() {
        let parsed = parse_packages("# top\npython3\n\n  black  # formatter\npython3\n").unwrap();
        assert_eq!(parsed.names, ["python3", "black"]);
        assert_eq!(parsed.borrowed, None);
    }

    #[test]
    fn packages_reject_what_is_not_a_package_name() {
        for bad in [
            "--include=evil",
            "Python3",
            "a b",
            "x",
            "pkg;rm",
            "lib*-java",
        ] {
            let err = parse_packages(&format!("python3\n{bad}\n")).unwrap_err();
            assert!(err.contains("line 2"), "{bad}: {err}");
        }
        assert!(parse_packages("libstdc++6\npython3.13\n").is_ok());
    }

    #[test]
    fn a_from_line_borrows_matching_packages_from_another_suite() {
        let text = "default-jdk-headless\nmaven\nfrom trixie: maven lib*-java # tools\nfrom trixie: junit5\n";
        let parsed = parse_packages(text).unwrap();
        assert_eq!(parsed.names, ["default-jdk-headless", "maven"]);
        let borrowed = parsed.borrowed.unwrap();
        assert_eq!(borrowed.suite, Suite::Trixie);
        assert_eq!(borrowed.patterns, ["maven", "lib*-java", "junit5"]);
        assert_eq!(
            borrowed.source_line(),
            "deb http://deb.debian.org/debian trixie main"
        );
        let preferences = borrowed.preferences();
        assert!(
            preferences.contains(
                "Package: maven lib*-java junit5\nPin: release n=trixie\nPin-Priority: 990\n"
            ),
            "{preferences}"
        );
        assert!(
            preferences.ends_with("Package: *\nPin: release n=trixie\nPin-Priority: 100\n"),
            "{preferences}"
        );
    }

    #[test]
    fn a_from_line_needs_a_known_suite_and_safe_patterns() {
        for bad in [
            "from sid: maven",
            "from trixie maven",
            "from trixie:",
            "from trixie: maven;rm",
            "from trixie: */x",
            "from trixie: maven\nfrom bookworm: junit5",
        ] {
            let err = parse_packages(&format!("python3\n{bad}\n")).unwrap_err();
            assert!(err.contains("packages.txt line"), "{bad}: {err}");
        }
    }
}
