//! Rebuilds the crate when anything under `runners/` changes. The recipes are embedded with
//! `include_dir!`, which on stable Rust notices edits to the files it saw but not added or removed ones,
//! so a new harness file would otherwise be missing from the binary (and from its recipe hash).
fn main() {
    println!("cargo:rerun-if-changed=runners");
}
