//! Sets of versions as unions of intervals: what PEP 440 specifiers, Poetry constraints and npm ranges all
//! turn into, so one chooser can test them. Versions are release numbers only (`3.11`, `16.14.0`);
//! pre-releases are not modelled. The order is dense (between `3.9` and `3.9.1` lies `3.9.0.1`), so an
//! open interval is empty only when its ends meet.

use std::cmp::Ordering;
use std::fmt;

/// A constraint that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the version constraint {text:?}: {reason}")]
pub struct SpecError {
    pub text: String,
    pub reason: String,
}

/// A release number; missing trailing segments are zeros (`3.9` == `3.9.0`).
#[derive(Debug, Clone, Eq)]
pub struct Version(pub Vec<u64>);

impl Version {
    pub fn new(segments: &[u64]) -> Version {
        Version(segments.to_vec())
    }

    /// Reads the leading `N(.N)*` of `text` (after an optional `v`); `None` when it starts with no number.
    pub fn parse_prefix(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text
            .strip_prefix('v')
            .or_else(|| text.strip_prefix('V'))
            .unwrap_or(text);
        let mut segments = Vec::new();
        for part in text.split('.') {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                break;
            }
            segments.push(digits.parse().ok()?);
            if digits.len() != part.len() {
                break;
            }
        }
        (!segments.is_empty()).then_some(Version(segments))
    }

    /// The first version after every version that starts with `self`'s segments: `3.9` → `3.10`.
    pub fn next_series(&self) -> Version {
        self.bump(self.0.len().saturating_sub(1))
    }

    /// Segment `index` plus one, the later ones dropped: `bump(1.2.3, 0)` → `2`.
    pub fn bump(&self, index: usize) -> Version {
        let mut segments: Vec<u64> = self.0.iter().take(index + 1).copied().collect();
        segments.resize(index + 1, 0);
        segments[index] += 1;
        Version(segments)
    }

    pub fn major(&self) -> u64 {
        self.0.first().copied().unwrap_or(0)
    }

    /// The first `n` segments, padded with zeros.
    pub fn truncate(&self, n: usize) -> Version {
        let mut segments: Vec<u64> = self.0.iter().take(n).copied().collect();
        segments.resize(n, 0);
        Version(segments)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        let len = self.0.len().max(other.0.len());
        (0..len)
            .map(|i| {
                let a = self.0.get(i).copied().unwrap_or(0);
                let b = other.0.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|order| order.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.cmp(other).is_eq()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// One end of an interval; `None` in [`Interval`] means unbounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    pub version: Version,
    pub inclusive: bool,
}

/// The versions between two ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    pub low: Option<Bound>,
    pub high: Option<Bound>,
}

impl Interval {
    fn is_empty(&self) -> bool {
        match (&self.low, &self.high) {
            (Some(low), Some(high)) => match low.version.cmp(&high.version) {
                Ordering::Less => false,
                Ordering::Equal => !(low.inclusive && high.inclusive),
                Ordering::Greater => true,
            },
            _ => false,
        }
    }
}

/// Lower ends in order: unbounded first; at the same version, inclusive before exclusive.
fn cmp_low(a: &Option<Bound>, b: &Option<Bound>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a
            .version
            .cmp(&b.version)
            .then(b.inclusive.cmp(&a.inclusive)),
    }
}

/// Upper ends in order: at the same version, exclusive before inclusive; unbounded last.
fn cmp_high(a: &Option<Bound>, b: &Option<Bound>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => a
            .version
            .cmp(&b.version)
            .then(a.inclusive.cmp(&b.inclusive)),
    }
}

/// A set of versions: sorted, disjoint intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranges(Vec<Interval>);

impl Ranges {
    pub fn all() -> Ranges {
        Ranges(vec![Interval {
            low: None,
            high: None,
        }])
    }

    pub fn none() -> Ranges {
        Ranges(Vec::new())
    }

    pub fn interval(low: Option<Bound>, high: Option<Bound>) -> Ranges {
        Ranges::from_intervals(vec![Interval { low, high }])
    }

    /// `>= low, < high`.
    pub fn between(low: Version, high: Version) -> Ranges {
        Ranges::interval(Some(incl(low)), Some(excl(high)))
    }

    /// Every version that starts with `prefix`'s segments: `3.9` → `>=3.9, <3.10`.
    pub fn series(prefix: &Version) -> Ranges {
        Ranges::between(prefix.clone(), prefix.next_series())
    }

    pub fn exactly(version: Version) -> Ranges {
        Ranges::interval(Some(incl(version.clone())), Some(incl(version)))
    }

    pub fn intervals(&self) -> &[Interval] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn is_all(&self) -> bool {
        self == &Ranges::all()
    }

    pub fn union(&self, other: &Ranges) -> Ranges {
        Ranges::from_intervals(self.0.iter().chain(&other.0).cloned().collect())
    }

    pub fn intersect(&self, other: &Ranges) -> Ranges {
        let mut out = Vec::new();
        for a in &self.0 {
            for b in &other.0 {
                let low = match cmp_low(&a.low, &b.low) {
                    Ordering::Less => b.low.clone(),
                    _ => a.low.clone(),
                };
                let high = match cmp_high(&a.high, &b.high) {
                    Ordering::Greater => b.high.clone(),
                    _ => a.high.clone(),
                };
                out.push(Interval { low, high });
            }
        }
        Ranges::from_intervals(out)
    }

    /// Everything not in `self`.
    pub fn complement(&self) -> Ranges {
        let mut out = Vec::new();
        let mut low: Option<Bound> = None;
        for interval in &self.0 {
            if let Some(start) = &interval.low {
                let high = Some(Bound {
                    version: start.version.clone(),
                    inclusive: !start.inclusive,
                });
                out.push(Interval {
                    low: low.clone(),
                    high,
                });
            }
            low = interval.high.as_ref().map(|end| Bound {
                version: end.version.clone(),
                inclusive: !end.inclusive,
            });
            if interval.high.is_none() {
                return Ranges::from_intervals(out);
            }
        }
        out.push(Interval { low, high: None });
        Ranges::from_intervals(out)
    }

    /// True when some version of the series `prefix` (`3.9` → every `3.9.x`) is in the set.
    pub fn allows_series(&self, prefix: &Version) -> bool {
        !self.intersect(&Ranges::series(prefix)).is_empty()
    }

    #[cfg(test)]
    pub fn contains(&self, version: &Version) -> bool {
        !self.intersect(&Ranges::exactly(version.clone())).is_empty()
    }

    /// How far the series `prefix` is from the set, in steps of its last segment (0 when allowed): a
    /// rough measure to pick the nearest available version when none is allowed.
    pub fn distance(&self, prefix: &Version) -> u64 {
        if self.allows_series(prefix) {
            return 0;
        }
        let depth = prefix.0.len().max(1);
        let scalar = |v: &Version| {
            v.truncate(depth)
                .0
                .iter()
                .fold(0u64, |acc, s| acc.saturating_mul(1000).saturating_add(*s))
        };
        let at = scalar(prefix);
        self.0
            .iter()
            .map(|interval| match (&interval.low, &interval.high) {
                (Some(low), _) if low.version > *prefix => scalar(&low.version).saturating_sub(at),
                (_, Some(high)) => {
                    at.saturating_sub(scalar(&high.version)) + u64::from(!high.inclusive)
                }
                _ => 0,
            })
            .min()
            .unwrap_or(u64::MAX)
    }

    fn from_intervals(mut intervals: Vec<Interval>) -> Ranges {
        intervals.retain(|interval| !interval.is_empty());
        intervals.sort_by(|a, b| cmp_low(&a.low, &b.low));
        let mut merged: Vec<Interval> = Vec::new();
        for interval in intervals {
            if let Some(last) = merged.last_mut()
                && touches(last, &interval)
            {
                if cmp_high(&interval.high, &last.high).is_gt() {
                    last.high = interval.high;
                }
                continue;
            }
            merged.push(interval);
        }
        Ranges(merged)
    }
}

/// True when `next` (which starts no earlier than `last`) overlaps or adjoins `last`.
fn touches(last: &Interval, next: &Interval) -> bool {
    match (&last.high, &next.low) {
        (None, _) | (_, None) => true,
        (Some(high), Some(low)) => match low.version.cmp(&high.version) {
            Ordering::Less => true,
            Ordering::Equal => high.inclusive || low.inclusive,
            Ordering::Greater => false,
        },
    }
}

pub fn incl(version: Version) -> Bound {
    Bound {
        version,
        inclusive: true,
    }
}

pub fn excl(version: Version) -> Bound {
    Bound {
        version,
        inclusive: false,
    }
}

impl fmt::Display for Ranges {
    /// PEP 440-like: `>=3.8, <4 || ==2.7`; `*` for everything, `(none)` for nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(none)");
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|interval| match (&interval.low, &interval.high) {
                (None, None) => "*".to_string(),
                (Some(low), Some(high)) if low.version == high.version => {
                    format!("=={}", low.version)
                }
                (low, high) => {
                    let mut ends = Vec::new();
                    if let Some(low) = low {
                        let op = if low.inclusive { ">=" } else { ">" };
                        ends.push(format!("{op}{}", low.version));
                    }
                    if let Some(high) = high {
                        let op = if high.inclusive { "<=" } else { "<" };
                        ends.push(format!("{op}{}", high.version));
                    }
                    ends.join(", ")
                }
            })
            .collect();
        f.write_str(&parts.join(" || "))
    }
}

#[cfg(test)]
mod tests;
