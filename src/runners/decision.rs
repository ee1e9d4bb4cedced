//! The two choices a build makes, kept pure so they can be tested without Docker.

/// Label on every runner image: the hash of the recipe it was built from.
pub const RECIPE_LABEL: &str = "org.ato.recipe";

/// Whether the runner image must be (re)built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildDecision {
    /// The image exists and was built from this very recipe.
    UpToDate,
    /// There is no image under that name.
    Missing,
    /// The image was built from another recipe (or carries no recipe label at all).
    Stale { found: Option<String> },
    /// The caller asked for a rebuild.
    Forced,
}

impl BuildDecision {
    pub fn needs_build(&self) -> bool {
        !matches!(self, BuildDecision::UpToDate)
    }
}

/// Decides from what `docker image inspect` found: `None` when the image is missing, otherwise the
/// value of its [`RECIPE_LABEL`] (itself `None` when the label is absent).
pub fn decide(found: Option<Option<&str>>, recipe_hash: &str, force: bool) -> BuildDecision {
    match found {
        _ if force => BuildDecision::Forced,
        None => BuildDecision::Missing,
        Some(Some(label)) if label == recipe_hash => BuildDecision::UpToDate,
        Some(label) => BuildDecision::Stale {
            found: label.map(str::to_string),
        },
    }
}

/// Where the base of a runner image comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseSource {
    /// The base made from `packages.txt` is already there.
    Present,
    /// Make it with mmdebstrap from Debian's archive, then import it.
    Mmdebstrap,
    /// No mmdebstrap: let the Dockerfile start from its default `BASE`, which needs a registry.
    DockerfileDefault,
}

pub fn choose_base(base_present: bool, mmdebstrap_installed: bool) -> BaseSource {
    match (base_present, mmdebstrap_installed) {
        (true, _) => BaseSource::Present,
        (false, true) => BaseSource::Mmdebstrap,
        (false, false) => BaseSource::DockerfileDefault,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "3f2a";

    #[test]
    fn a_matching_label_skips_the_build() {
        let decision = decide(Some(Some(HASH)), HASH, false);
        assert_eq!(decision, BuildDecision::UpToDate);
        assert!(!decision.needs_build());
    }

    #[test]
    fn a_changed_recipe_hash_rebuilds() {
        let decision = decide(Some(Some("old")), HASH, false);
        assert_eq!(
            decision,
            BuildDecision::Stale {
                found: Some("old".into())
            }
        );
        assert!(decision.needs_build());
    }

    #[test]
    fn an_image_without_label_is_stale() {
        assert_eq!(
            decide(Some(None), HASH, false),
            BuildDecision::Stale { found: None }
        );
    }

    #[test]
    fn a_missing_image_is_built() {
        assert_eq!(decide(None, HASH, false), BuildDecision::Missing);
    }

    #[test]
    fn force_always_builds() {
        assert_eq!(decide(Some(Some(HASH)), HASH, true), BuildDecision::Forced);
        assert!(decide(None, HASH, true).needs_build());
    }

    #[test]
    fn base_comes_from_what_is_there() {
        assert_eq!(choose_base(true, false), BaseSource::Present);
        assert_eq!(choose_base(true, true), BaseSource::Present);
        assert_eq!(choose_base(false, true), BaseSource::Mmdebstrap);
        assert_eq!(choose_base(false, false), BaseSource::DockerfileDefault);
    }
}
