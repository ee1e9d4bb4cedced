//! Test generation by a language model: everything that talks to the model or shapes what it sees.
//!
//! [`config`] reads the endpoint from the environment, [`client`] calls an OpenAI-compatible
//! chat-completions API with deadlines and bounded retries, [`prompt`] builds the messages (after [`redact`]
//! has taken the secrets out of every part), and [`answer`] finds the test code in what the model said.
//! Only [`client`] does I/O; the rest is pure and unit-tested.

pub(crate) mod answer;
pub(crate) mod client;
pub(crate) mod config;
pub(crate) mod prompt;
pub(crate) mod redact;
mod retry;
pub(crate) mod text;

pub use client::{Completion, LlmClient, LlmError, Message};
pub use config::LlmConfig;
