//! `packages.txt`: the Debian packages a runner image is made of, checked because they end up on
//! mmdebstrap's command line.

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
}
