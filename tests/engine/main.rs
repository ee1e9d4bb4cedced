//! `ato run` end to end, one module per language or concern: real git repositories, the real binary, real
//! runner containers on the real Docker engine (`python`, `node`, `java`), what is blamed on the change and
//! what on the environment (`blame`), hostile pull requests
//! (`hostile`), the dependency phase and its cache (`deps`), and tests written by a fake model (`llm`).
//!
//! Run one language with `cargo test --test engine python::` (or `node::`, `java::`, `hostile::`, `deps::`,
//! `llm::`).

#[path = "../support/mod.rs"]
mod support;

mod blame;
mod deps;
mod hostile;
mod java;
mod llm;
mod node;
mod python;
