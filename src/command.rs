//! The `/ato` commands as values: what the webhook's parser ([`crate::webhook::command`]) finds in a comment,
//! the store keeps with the job and the worker acts on. Here, below all three, so that none of them imports
//! another for it. The serde forms are those stored in the job table.

/// A command ato understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Run the pull request's tests again on its current head.
    Rerun,
}

/// A `/ato` line ato does not understand. `Display` is the reply posted back to the commenter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[serde(tag = "error", content = "subcommand", rename_all = "snake_case")]
pub enum CommandError {
    #[error("`/ato` needs a subcommand. {HELP}")]
    MissingSubcommand,
    #[error("I don't know the command `/ato {0}`. {HELP}")]
    UnknownSubcommand(String),
}

const HELP: &str =
    "The command I understand is `/ato rerun` (run the generated tests again on the current head).";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_are_stable() {
        let known = serde_json::to_string(&Command::Rerun).unwrap();
        assert_eq!(known, r#""rerun""#);
        let unknown = serde_json::to_string(&CommandError::UnknownSubcommand("x".into())).unwrap();
        assert_eq!(
            unknown,
            r#"{"error":"unknown_subcommand","subcommand":"x"}"#
        );
        let missing = serde_json::to_string(&CommandError::MissingSubcommand).unwrap();
        assert_eq!(missing, r#"{"error":"missing_subcommand"}"#);
    }
}
