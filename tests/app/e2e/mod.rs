//! `ato serve` end to end: the real binary on 127.0.0.1, signed deliveries over HTTP, the fake GitHub (API and
//! codeload) holding a small Python project, real Docker and the real Python runner image.
//!
//! Each test starts its own fake and server (they run in parallel) and bounds every wait; a failed
//! expectation lists what the fake GitHub saw and prints the server's log.

mod blame;
mod first_start;
mod hostile;
mod on_change;
mod pull_request;
mod rerun;
mod restart;
mod retries;
