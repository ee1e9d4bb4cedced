//! The per-repository settings file `.github/ato.yml`, read from the default branch (never from the PR head,
//! which the PR's author controls).
//!
//! Parsing is pure and forgiving: a bad value or an unknown key never stops a run; it becomes a warning that
//! the check run shows, and the default applies.

use serde::Deserialize;

use crate::model::Language;

/// Where the file lives in a repository.
pub const PATH: &str = ".github/ato.yml";

/// How tests are generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Generation {
    Builtin,
    Llm,
    Both,
    /// Run the static checkers only.
    Off,
}

/// When ato writes its PR comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentMode {
    /// Post it, then edit it after every run (`comment: true`, the default).
    Always,
    /// Post or edit it only when the result differs from the previous run's (`comment: on-change`).
    OnChange,
    /// No comment; the check run is always there (`comment: false`).
    Never,
}

impl CommentMode {
    fn parse(value: serde_norway::Value) -> Result<CommentMode, String> {
        match value {
            serde_norway::Value::Bool(true) => Ok(CommentMode::Always),
            serde_norway::Value::Bool(false) => Ok(CommentMode::Never),
            serde_norway::Value::String(s) if s == "on-change" => Ok(CommentMode::OnChange),
            _ => Err("must be true, false or on-change".into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepoConfig {
    /// Only these languages; `None` means all that ato supports.
    pub languages: Option<Vec<Language>>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `None`: the builtin generator, and the model too when the operator configured one.
    pub generate: Option<Generation>,
    pub reruns: u32,
    /// The runner containers' wall clock; `None` keeps the operator's `RUNNER_TIMEOUT_SECS`.
    pub timeout_secs: Option<u64>,
    /// Whether and when to write the PR comment (the check run is always there).
    pub comment: CommentMode,
    /// Whether draft pull requests are tested.
    pub drafts: bool,
}

impl Default for RepoConfig {
    fn default() -> Self {
        RepoConfig {
            languages: None,
            include: Vec::new(),
            exclude: Vec::new(),
            generate: None,
            reruns: 3,
            timeout_secs: None,
            comment: CommentMode::Always,
            drafts: false,
        }
    }
}

const KNOWN_KEYS: [&str; 8] = [
    "languages",
    "include",
    "exclude",
    "generate",
    "reruns",
    "timeout_secs",
    "comment",
    "drafts",
];

/// Parses the file; returns the settings and the warnings to show the repository's maintainers.
pub fn parse(text: &str) -> (RepoConfig, Vec<String>) {
    let mut config = RepoConfig::default();
    let mut warnings = Vec::new();
    let value: serde_norway::Value = match serde_norway::from_str(text) {
        Ok(serde_norway::Value::Null) => return (config, warnings),
        Ok(value) => value,
        Err(err) => {
            warnings.push(format!(
                "{PATH} is not valid YAML ({err}); using the defaults"
            ));
            return (config, warnings);
        }
    };
    let Some(map) = value.as_mapping() else {
        warnings.push(format!(
            "{PATH} must be a mapping of settings; using the defaults"
        ));
        return (config, warnings);
    };
    for (key, value) in map {
        let Some(key) = key.as_str() else {
            warnings.push(format!("{PATH}: ignored a key that is not a string"));
            continue;
        };
        if !KNOWN_KEYS.contains(&key) {
            warnings.push(format!(
                "{PATH}: unknown setting `{key}` ignored (known: {})",
                KNOWN_KEYS.join(", ")
            ));
            continue;
        }
        if let Err(err) = apply(&mut config, key, value.clone()) {
            warnings.push(format!("{PATH}: `{key}` {err}; using the default"));
        }
    }
    (config, warnings)
}

/// `a list of python, javascript, …`: every language, as the file names them.
fn language_list() -> String {
    let names: Vec<String> = Language::ALL
        .iter()
        .filter_map(|language| serde_json::to_value(language).ok())
        .filter_map(|value| value.as_str().map(str::to_string))
        .collect();
    format!("a list of {}", names.join(", "))
}

fn apply(config: &mut RepoConfig, key: &str, value: serde_norway::Value) -> Result<(), String> {
    fn get<T: serde::de::DeserializeOwned>(
        value: serde_norway::Value,
        what: &str,
    ) -> Result<T, String> {
        serde_norway::from_value(value).map_err(|_| format!("must be {what}"))
    }
    match key {
        "languages" => config.languages = Some(get(value, &language_list())?),
        "include" => config.include = get(value, "a list of globs")?,
        "exclude" => config.exclude = get(value, "a list of globs")?,
        "generate" => config.generate = Some(get(value, "one of builtin, llm, both, off")?),
        "reruns" => {
            let reruns: u32 = get(value, "a whole number from 1 to 20")?;
            if !(1..=20).contains(&reruns) {
                return Err("must be a whole number from 1 to 20".into());
            }
            config.reruns = reruns;
        }
        "timeout_secs" => {
            let secs: u64 = get(value, "a whole number of seconds from 10 to 3600")?;
            if !(10..=3600).contains(&secs) {
                return Err("must be a whole number of seconds from 10 to 3600".into());
            }
            config.timeout_secs = Some(secs);
        }
        "comment" => config.comment = CommentMode::parse(value)?,
        "drafts" => config.drafts = get(value, "true or false")?,
        _ => unreachable!("keys are checked against KNOWN_KEYS first"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        assert_eq!(parse(""), (RepoConfig::default(), vec![]));
    }

    #[test]
    fn every_setting_is_read() {
        let (config, warnings) = parse(
            "languages: [python, java]\ninclude: ['src/**']\nexclude: ['src/legacy/**']\ngenerate: both\nreruns: 5\ntimeout_secs: 120\ncomment: false\ndrafts: true\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            config,
            RepoConfig {
                languages: Some(vec![Language::Python, Language::Java]),
                include: vec!["src/**".into()],
                exclude: vec!["src/legacy/**".into()],
                generate: Some(Generation::Both),
                reruns: 5,
                timeout_secs: Some(120),
                comment: CommentMode::Never,
                drafts: true,
            }
        );
    }

    #[test]
    fn comment_is_true_false_or_on_change() {
        for (text, mode) in [
            ("comment: true", CommentMode::Always),
            ("comment: false", CommentMode::Never),
            ("comment: on-change", CommentMode::OnChange),
        ] {
            assert_eq!(
                parse(text),
                (
                    RepoConfig {
                        comment: mode,
                        ..RepoConfig::default()
                    },
                    vec![]
                )
            );
        }
        let (config, warnings) = parse("comment: sometimes");
        assert_eq!(config.comment, CommentMode::Always);
        assert!(
            warnings[0].contains("`comment` must be true, false or on-change"),
            "{warnings:?}"
        );
    }

    #[test]
    fn unknown_keys_are_reported_not_ignored_silently() {
        let (config, warnings) = parse("reruns: 4\nrerun: 5\n");
        assert_eq!(config.reruns, 4);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("unknown setting `rerun`"),
            "{warnings:?}"
        );
    }

    #[test]
    fn bad_values_fall_back_to_the_default_with_a_warning() {
        let (config, warnings) =
            parse("reruns: 0\ngenerate: sometimes\nlanguages: cobol\ntimeout_secs: 1\n");
        assert_eq!(config, RepoConfig::default());
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("`generate` must be one of builtin"))
        );
        assert!(
            warnings.iter().any(|w| w
                .contains("`languages` must be a list of python, javascript, typescript, java;")),
            "{warnings:?}"
        );
    }

    #[test]
    fn broken_yaml_and_non_mappings_are_warnings() {
        let (config, warnings) = parse("reruns: [\n");
        assert_eq!(config, RepoConfig::default());
        assert!(warnings[0].contains("not valid YAML"));
        let (_, warnings) = parse("- a\n- b\n");
        assert!(warnings[0].contains("must be a mapping"));
    }
}
