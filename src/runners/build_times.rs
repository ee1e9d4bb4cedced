//! How long the last build of each runner image took, so the next build's progress line gives an estimate
//! from it rather than a fixed guess. Kept in the user's cache folder (`$XDG_CACHE_HOME/ato/build-times/`,
//! else `~/.cache/ato/build-times/`), one file per image name; losing it only loses the estimate.

use std::path::PathBuf;
use std::time::Duration;

fn folder() -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("ato").join("build-times"))
}

fn file_name(image_name: &str) -> String {
    image_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The last build's duration of `image_name` (`ato-runner-python`), when one was recorded.
pub(crate) fn last(image_name: &str) -> Option<Duration> {
    let text = std::fs::read_to_string(folder()?.join(file_name(image_name))).ok()?;
    text.trim().parse().ok().map(Duration::from_secs)
}

/// Records a build's duration; failing to write only loses the next estimate.
pub(crate) fn record(image_name: &str, took: Duration) {
    let Some(dir) = folder() else { return };
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(
            dir.join(file_name(image_name)),
            format!("{}\n", took.as_secs()),
        );
    }
}

/// The estimate a progress line gives: from the last build, else a first build's usual range.
pub(crate) fn estimate(last: Option<Duration>) -> String {
    match last.map(|d| d.as_secs()) {
        Some(secs) if secs < 90 => format!("about {} s, as the last build", secs.max(1)),
        Some(secs) => format!("about {} min, as the last build", secs.div_ceil(60)),
        None => "no earlier build to go by: a few minutes".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_comes_from_the_last_build() {
        assert_eq!(
            estimate(Some(Duration::from_secs(42))),
            "about 42 s, as the last build"
        );
        assert_eq!(
            estimate(Some(Duration::from_secs(200))),
            "about 4 min, as the last build"
        );
        assert_eq!(estimate(None), "no earlier build to go by: a few minutes");
        assert_eq!(
            file_name("ato-runner-python3.9/../x"),
            "ato-runner-python3.9_.._x"
        );
    }
}
