//! PEP 440 version specifiers (`>=3.8,<3.12`, `~=3.9`, `==3.9.*`, `!=3.10.*`) and Poetry's constraints
//! (`^3.8`, `~3.8`, `3.8.*`, `>=3.8 <4`, `^2.7 || ^3.6`), read as [`Ranges`] so a version can be tested
//! against them, and Poetry's written back as PEP 440 for pip.

use crate::declared::ranges::{Ranges, SpecError, Version, excl, incl};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Compatible,
    Arbitrary,
    Eq,
    Ne,
    Le,
    Ge,
    Lt,
    Gt,
    Caret,
    Tilde,
}

/// Longest first, so `~=` is not read as `~`.
const OPERATORS: &[(&str, Op)] = &[
    ("===", Op::Arbitrary),
    ("~=", Op::Compatible),
    ("==", Op::Eq),
    ("!=", Op::Ne),
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("^", Op::Caret),
    ("~", Op::Tilde),
    ("=", Op::Eq),
];

/// One `op version` of a specifier; `version` is `None` for `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    op: Op,
    version: Option<Version>,
    wildcard: bool,
}

/// The versions a PEP 440 specifier set or a Poetry constraint allows. An empty text allows everything.
pub fn parse(text: &str) -> Result<Ranges, SpecError> {
    let mut allowed = Ranges::none();
    for alternative in alternatives(text)? {
        let mut set = Ranges::all();
        for clause in &alternative {
            set = set.intersect(&clause_ranges(clause, text)?);
        }
        allowed = allowed.union(&set);
    }
    Ok(allowed)
}

/// A Poetry constraint as a PEP 440 specifier set pip accepts (`^1.2` → `>=1.2,<2`, `*` → ``). Alternatives
/// (`^1 || ^2`) have no PEP 440 form: their hull is returned, and `false` says it is wider than written.
pub fn poetry_to_pep440(text: &str) -> Result<(String, bool), SpecError> {
    let alternatives = alternatives(text)?;
    if alternatives.len() > 1 {
        let hull = hull(&parse(text)?);
        return Ok((hull, false));
    }
    let mut parts = Vec::new();
    for clause in alternatives.iter().flatten() {
        let Some(version) = &clause.version else {
            continue;
        };
        let star = if clause.wildcard { ".*" } else { "" };
        match clause.op {
            Op::Caret | Op::Tilde => {
                let ranges = clause_ranges(clause, text)?;
                parts.push(hull(&ranges));
            }
            op => {
                let symbol = OPERATORS
                    .iter()
                    .find(|(_, o)| *o == op)
                    .map_or("==", |(symbol, _)| symbol);
                parts.push(format!("{symbol}{version}{star}"));
            }
        }
    }
    Ok((parts.join(","), true))
}

/// `>=low,<high` around everything the set allows (empty for everything).
fn hull(ranges: &Ranges) -> String {
    let intervals = ranges.intervals();
    let mut parts = Vec::new();
    if let Some(low) = intervals.first().and_then(|first| first.low.as_ref()) {
        let op = if low.inclusive { ">=" } else { ">" };
        parts.push(format!("{op}{}", low.version));
    }
    if let Some(high) = intervals.last().and_then(|last| last.high.as_ref()) {
        let op = if high.inclusive { "<=" } else { "<" };
        parts.push(format!("{op}{}", high.version));
    }
    parts.join(",")
}

fn error(text: &str, reason: impl Into<String>) -> SpecError {
    SpecError {
        text: text.to_string(),
        reason: reason.into(),
    }
}

/// `a || b` (Poetry; `|` too) into alternatives, each a list of clauses separated by commas or spaces.
fn alternatives(text: &str) -> Result<Vec<Vec<Clause>>, SpecError> {
    let mut out = Vec::new();
    for alternative in text.split("||").flat_map(|part| part.split('|')) {
        let mut clauses = Vec::new();
        let mut pending_op: Option<&str> = None;
        for word in alternative.split(|c: char| c == ',' || c.is_whitespace()) {
            if word.is_empty() {
                continue;
            }
            let is_bare_op = OPERATORS.iter().any(|(symbol, _)| *symbol == word);
            match (pending_op.take(), is_bare_op) {
                (Some(op), false) => clauses.push(clause(&format!("{op}{word}"), text)?),
                (_, true) => pending_op = Some(word),
                (None, false) => clauses.push(clause(word, text)?),
            }
        }
        if let Some(op) = pending_op {
            return Err(error(text, format!("{op} is not followed by a version")));
        }
        if clauses.is_empty() && !alternative.trim().is_empty() {
            return Err(error(text, "no version in it"));
        }
        out.push(clauses);
    }
    Ok(out)
}

fn clause(word: &str, text: &str) -> Result<Clause, SpecError> {
    let (op, rest) = OPERATORS
        .iter()
        .find_map(|(symbol, op)| word.strip_prefix(symbol).map(|rest| (*op, rest)))
        .unwrap_or((Op::Eq, word));
    if rest == "*" {
        return Ok(Clause {
            op,
            version: None,
            wildcard: true,
        });
    }
    let (rest, wildcard) = match rest.strip_suffix(".*") {
        Some(rest) => (rest, true),
        None => (rest, false),
    };
    let version = Version::parse_prefix(rest)
        .ok_or_else(|| error(text, format!("{word:?} is not a version")))?;
    if wildcard && !matches!(op, Op::Eq | Op::Ne) {
        return Err(error(text, format!("{word:?}: only == and != take .*")));
    }
    if op == Op::Compatible && version.0.len() < 2 {
        return Err(error(text, format!("{word:?}: ~= needs two numbers")));
    }
    Ok(Clause {
        op,
        version: Some(version),
        wildcard,
    })
}

fn clause_ranges(clause: &Clause, text: &str) -> Result<Ranges, SpecError> {
    let Some(v) = clause.version.clone() else {
        return match clause.op {
            Op::Eq => Ok(Ranges::all()),
            _ => Err(error(text, "* only stands alone")),
        };
    };
    let segments = v.0.len();
    Ok(match clause.op {
        Op::Eq if clause.wildcard => Ranges::series(&v),
        Op::Ne if clause.wildcard => Ranges::series(&v).complement(),
        Op::Eq | Op::Arbitrary => Ranges::exactly(v),
        Op::Ne => Ranges::exactly(v).complement(),
        Op::Ge => Ranges::interval(Some(incl(v)), None),
        Op::Gt => Ranges::interval(Some(excl(v)), None),
        Op::Le => Ranges::interval(None, Some(incl(v))),
        Op::Lt => Ranges::interval(None, Some(excl(v))),
        Op::Compatible => {
            let high = v.bump(segments - 2);
            Ranges::between(v, high)
        }
        Op::Caret => {
            let first_non_zero = v.0.iter().position(|s| *s != 0);
            let high = v.bump(first_non_zero.unwrap_or(segments - 1));
            Ranges::between(v, high)
        }
        Op::Tilde => {
            let high = v.bump(if segments >= 2 { 1 } else { 0 });
            Ranges::between(v, high)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(spec: &str, series: &str) -> bool {
        parse(spec)
            .unwrap()
            .allows_series(&Version::parse_prefix(series).unwrap())
    }

    fn allowed(spec: &str) -> Vec<&'static str> {
        [
            "2.7", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "4.0",
        ]
        .into_iter()
        .filter(|series| allows(spec, series))
        .collect()
    }

    #[test]
    fn pep440_operators() {
        assert_eq!(
            allowed(">=3.8"),
            ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "4.0"]
        );
        assert_eq!(allowed(">=3.8,<3.12"), ["3.8", "3.9", "3.10", "3.11"]);
        assert_eq!(allowed(">=3.8, <3.12"), allowed(">=3.8,<3.12"));
        assert_eq!(allowed("~=3.9"), ["3.9", "3.10", "3.11", "3.12", "3.13"]);
        assert_eq!(allowed("~=3.9.2"), ["3.9"]);
        assert_eq!(allowed("==3.9.*"), ["3.9"]);
        assert_eq!(allowed("== 3.10"), ["3.10"]);
        assert_eq!(
            allowed("<4"),
            ["2.7", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
        );
        assert_eq!(allowed(">3.7,<3.10"), ["3.7", "3.8", "3.9"]);
        assert_eq!(
            allowed(">=3.7,!=3.10.*,<3.13"),
            ["3.7", "3.8", "3.9", "3.11", "3.12"]
        );
        assert_eq!(
            allowed(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*, <4"),
            ["2.7", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
        );
        assert_eq!(
            allowed(">=3.8.1"),
            ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "4.0"]
        );
        assert_eq!(allowed("<=3.9"), ["2.7", "3.7", "3.8", "3.9"]);
        assert_eq!(allowed(""), allowed("*"));
        assert!(allows("===3.9.1", "3.9") && !allows("===3.9.1", "3.10"));
    }

    #[test]
    fn a_full_version_is_tested_exactly() {
        let spec = parse(">=3.9.5").unwrap();
        assert!(!spec.contains(&Version::new(&[3, 9, 2])));
        assert!(spec.contains(&Version::new(&[3, 9, 7])));
        assert!(spec.allows_series(&Version::new(&[3, 9])));
    }

    #[test]
    fn poetry_caret_tilde_wildcards_and_alternatives() {
        assert_eq!(allowed("^3.8"), allowed(">=3.8,<4.0"));
        assert_eq!(allowed("~3.8"), ["3.8"]);
        assert_eq!(allowed("~3"), allowed(">=3,<4"));
        assert_eq!(allowed("3.9.*"), ["3.9"]);
        assert_eq!(allowed(">=3.8 <3.11"), ["3.8", "3.9", "3.10"]);
        assert_eq!(
            allowed("^2.7 || ^3.9"),
            ["2.7", "3.9", "3.10", "3.11", "3.12", "3.13"]
        );
        assert_eq!(
            allowed(">=3.7,<3.9 | >=3.11"),
            allowed(">=3.7,<3.9 || >=3.11")
        );
        assert_eq!(allowed("3.10"), ["3.10"]);
        assert_eq!(parse("^0.2.3").unwrap(), parse(">=0.2.3,<0.3").unwrap());
        assert_eq!(parse("^0.0.3").unwrap(), parse(">=0.0.3,<0.0.4").unwrap());
        assert_eq!(parse("^0").unwrap(), parse(">=0,<1").unwrap());
        assert_eq!(parse("~1.2.3").unwrap(), parse(">=1.2.3,<1.3").unwrap());
    }

    #[test]
    fn poetry_constraints_become_pep440() {
        let pep = |text: &str| poetry_to_pep440(text).unwrap();
        assert_eq!(pep("^1.2.3"), (">=1.2.3,<2".to_string(), true));
        assert_eq!(pep("~1.2"), (">=1.2,<1.3".to_string(), true));
        assert_eq!(pep("*"), (String::new(), true));
        assert_eq!(pep("1.2.*"), ("==1.2.*".to_string(), true));
        assert_eq!(pep("2.0.1"), ("==2.0.1".to_string(), true));
        assert_eq!(pep(">=1.2 <2"), (">=1.2,<2".to_string(), true));
        assert_eq!(pep(">=1.2,!=1.4"), (">=1.2,!=1.4".to_string(), true));
        assert_eq!(pep("^1.0 || ^2.0"), (">=1.0,<3".to_string(), false));
    }

    #[test]
    fn nonsense_is_an_error_that_says_what() {
        for bad in [">=", "python3", "~=3", ">=3.*", "^*"] {
            let error = parse(bad).unwrap_err();
            assert!(error.to_string().contains(bad), "{error}");
        }
    }
}
