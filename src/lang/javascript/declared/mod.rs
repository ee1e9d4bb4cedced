//! What a Node project declares, read without running anything: the Node version it needs
//! ([`node_runtime`]: `engines`, `.nvmrc`, `.node-version`, CI matrices), with npm's ranges read by
//! [`npm_semver`].

pub mod node_runtime;
pub mod npm_semver;
