//! `ato run` end to end, one module per language or concern: real git repositories, the real binary, real
//! runner containers on the real Docker engine (`python`, `node`, `java`), what is blamed on the change and
//! what on the environment (`blame`), hostile pull requests (`hostile`), the dependency phase and its cache
//! (`deps`), tests written by a fake model (`llm`), the runtime version a project declares, with the
//! fallback when its code does not import there (`runtimes`), and the benchmark scripts (`bench_script`).
//!
//! Run one language with `cargo test --test engine python::` (or `node::`, `java::`, `hostile::`, `deps::`,
//! `llm::`).

#[path = "../support/mod.rs"]
mod support;

mod all;
mod bench_script;
mod blame;
mod deps;
mod hostile;
mod java;
mod llm;
mod node;
mod python;
mod runtimes;
