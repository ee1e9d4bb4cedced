//! `shared.txt`: the folders of `runners/` besides its own that a recipe's image is built with (the common
//! Dockerfile step, the shared Python package, the contract's example files).
//!
//! They are part of the recipe: sent in the build context at their place under `runners/`, and covered by
//! the recipe hash, so editing shared code rebuilds exactly the images that use it.

/// The folders `shared.txt` names, one per line (`#` starts a comment): relative paths under `runners/`,
/// without `.` or `..` parts.
pub fn parse_shared(text: &str) -> Result<Vec<String>, String> {
    let mut folders: Vec<String> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let folder = line
            .split('#')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_end_matches('/');
        if folder.is_empty() {
            continue;
        }
        let plain = folder.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        });
        if !plain {
            return Err(format!(
                "shared.txt line {}: {folder:?} is not a folder under runners/",
                index + 1
            ));
        }
        if !folders.iter().any(|known| known == folder) {
            folders.push(folder.to_string());
        }
    }
    Ok(folders)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_folders_skip_comments_blanks_duplicates_and_trailing_slashes() {
        let parsed =
            parse_shared("# what\ncommon/docker\n\ncontract/  # examples\ncommon/docker\n");
        assert_eq!(parsed.unwrap(), ["common/docker", "contract"]);
    }

    #[test]
    fn shared_folders_stay_under_runners() {
        for bad in [
            "../src",
            "/etc",
            "common/../..",
            "a b",
            "./common",
            "common//x",
        ] {
            let err = parse_shared(&format!("contract\n{bad}\n")).unwrap_err();
            assert!(err.contains("line 2"), "{bad}: {err}");
        }
    }
}
