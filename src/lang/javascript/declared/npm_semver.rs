//! npm's semver ranges (`>=14`, `^16.14.0`, `~18`, `16.x`, `>=12 <17`, `1.2 - 2`, `||`, `*`), read as
//! [`Ranges`] the way npm reads `engines.node`. Pre-release tags are ignored.

use crate::declared::ranges::{Ranges, SpecError, Version, excl, incl};

const OPERATORS: &[&str] = &[">=", "<=", ">", "<", "=", "^", "~"];

/// The versions an npm range allows. An empty range allows everything.
pub fn parse(text: &str) -> Result<Ranges, SpecError> {
    let mut allowed = Ranges::none();
    for alternative in text.split("||") {
        allowed = allowed.union(&range(alternative.trim(), text)?);
    }
    Ok(allowed)
}

fn error(text: &str, reason: impl Into<String>) -> SpecError {
    SpecError {
        text: text.to_string(),
        reason: reason.into(),
    }
}

/// A version as written: its numbers up to the first `x`, `X` or `*` (`16.x` has one).
struct Partial {
    version: Version,
    given: usize,
}

fn partial(word: &str, text: &str) -> Result<Partial, SpecError> {
    let word = word.trim_start_matches(['v', 'V']);
    let word = word.split(['-', '+']).next().unwrap_or(word);
    let mut segments = Vec::new();
    for part in word.split('.').take(3) {
        if matches!(part, "x" | "X" | "*") {
            break;
        }
        let number = part
            .parse()
            .map_err(|_| error(text, format!("{word:?} is not a version")))?;
        segments.push(number);
    }
    let given = segments.len();
    segments.resize(3, 0);
    Ok(Partial {
        version: Version(segments),
        given,
    })
}

fn range(alternative: &str, text: &str) -> Result<Ranges, SpecError> {
    let words: Vec<&str> = alternative.split_whitespace().collect();
    if let [low, "-", high] = words.as_slice() {
        let low = partial(low, text)?;
        let high = partial(high, text)?;
        let upper = match high.given {
            0 => Ranges::all(),
            3 => Ranges::interval(None, Some(incl(high.version))),
            given => Ranges::interval(None, Some(excl(high.version.bump(given - 1)))),
        };
        return Ok(Ranges::interval(Some(incl(low.version)), None).intersect(&upper));
    }
    let mut set = Ranges::all();
    let mut pending: Option<&str> = None;
    for word in words {
        if OPERATORS.contains(&word) {
            pending = Some(word);
            continue;
        }
        let word = match pending.take() {
            Some(op) => format!("{op}{word}"),
            None => word.to_string(),
        };
        set = set.intersect(&comparator(&word, text)?);
    }
    if let Some(op) = pending {
        return Err(error(text, format!("{op} is not followed by a version")));
    }
    Ok(set)
}

fn comparator(word: &str, text: &str) -> Result<Ranges, SpecError> {
    let op = OPERATORS
        .iter()
        .find(|op| word.starts_with(**op))
        .copied()
        .unwrap_or("");
    let Partial { version, given } = partial(&word[op.len()..], text)?;
    let series_end = |v: &Version| v.bump(given.saturating_sub(1));
    Ok(match (op, given) {
        ("" | "=", 0) | (">=", 0) | ("~" | "^", 0) | ("<=", 0) => Ranges::all(),
        (">" | "<", 0) => Ranges::none(),
        ("" | "=", 3) => Ranges::exactly(version),
        ("" | "=", _) => Ranges::between(version.clone(), series_end(&version)),
        (">=", _) => Ranges::interval(Some(incl(version)), None),
        (">", 3) => Ranges::interval(Some(excl(version)), None),
        (">", _) => Ranges::interval(Some(incl(series_end(&version))), None),
        ("<", _) => Ranges::interval(None, Some(excl(version))),
        ("<=", 3) => Ranges::interval(None, Some(incl(version))),
        ("<=", _) => Ranges::interval(None, Some(excl(series_end(&version)))),
        ("~", _) => {
            let high = version.bump(if given >= 2 { 1 } else { 0 });
            Ranges::between(version, high)
        }
        _ => {
            let first_non_zero = version.0.iter().take(given).position(|s| *s != 0);
            let index = match (first_non_zero, given) {
                (Some(index), _) => index,
                (None, 3) => 2,
                (None, given) => given - 1,
            };
            let high = version.bump(index);
            Ranges::between(version, high)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn majors(range: &str) -> Vec<u64> {
        let set = parse(range).unwrap();
        [10, 12, 14, 16, 17, 18, 20, 22]
            .into_iter()
            .filter(|major| set.allows_series(&Version::new(&[*major])))
            .collect()
    }

    #[test]
    fn engines_node_ranges() {
        assert_eq!(majors(">=14"), [14, 16, 17, 18, 20, 22]);
        assert_eq!(majors("^16.14.0"), [16]);
        assert_eq!(majors("~18"), [18]);
        assert_eq!(majors("16.x"), [16]);
        assert_eq!(majors(">=12 <17"), [12, 14, 16]);
        assert_eq!(majors(">= 12 < 17"), [12, 14, 16]);
        assert_eq!(
            majors("^14.17.0 || ^16.10.0 || >=17.0.0"),
            [14, 16, 17, 18, 20, 22]
        );
        assert_eq!(majors("*"), [10, 12, 14, 16, 17, 18, 20, 22]);
        assert_eq!(majors(""), majors("*"));
        assert_eq!(majors(">16"), [17, 18, 20, 22]);
        assert_eq!(majors(">16.0.0"), [16, 17, 18, 20, 22]);
        assert_eq!(majors("<=16"), [10, 12, 14, 16]);
        assert_eq!(majors("<16"), [10, 12, 14]);
        assert_eq!(majors("12 - 16"), [12, 14, 16]);
        assert_eq!(majors("v18.17.1"), [18]);
        assert_eq!(majors("=20"), [20]);
        assert_eq!(majors(">=18.0.0-rc.1"), [18, 20, 22]);
    }

    #[test]
    fn caret_and_tilde_on_zero_versions_follow_npm() {
        let same = |a: &str, b: &str| assert_eq!(parse(a).unwrap(), parse(b).unwrap(), "{a}");
        same("^0.2.3", ">=0.2.3 <0.3.0");
        same("^0.0.3", ">=0.0.3 <0.0.4");
        same("^0.0", ">=0.0.0 <0.1.0");
        same("^0.x", ">=0.0.0 <1.0.0");
        same("^1.2.x", ">=1.2.0 <2.0.0");
        same("~1.2.3", ">=1.2.3 <1.3.0");
        same("~1", ">=1.0.0 <2.0.0");
        same("1.2.3 - 2.3", ">=1.2.3 <2.4.0");
        same("1.2.3 - 2.3.4", ">=1.2.3 <=2.3.4");
    }

    #[test]
    fn nonsense_is_an_error() {
        assert!(parse("lts/iron").is_err());
        assert!(parse(">=").is_err());
        assert!(parse("latest").is_err());
    }
}
