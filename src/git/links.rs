//! Deciding whether a symbolic link stays inside the tree it belongs to.
//!
//! Checking one link's target lexically is not enough: `d/up -> ..` stays inside, and so does
//! `d/x -> up/..` on paper, yet following both leaves the tree. So the decision is made once every link of the
//! tree is known, by resolving each link through the others, component by component, as the kernel would.

use std::collections::HashMap;

/// Longest chain of links followed before giving up (Linux stops at 40).
const MAX_HOPS: usize = 40;

/// Whether the link at `link_path` (relative to the tree's root), resolved through all `links` (path → target),
/// ends inside the tree. Absolute targets, escapes through `..` and loops are all "outside".
pub(crate) fn stays_inside(links: &HashMap<String, String>, link_path: &str) -> bool {
    let Some(target) = links.get(link_path) else {
        return false;
    };
    let mut parent: Vec<String> = split(link_path);
    parent.pop();
    let mut hops = 0;
    resolve(links, parent, target, &mut hops).is_some()
}

/// Resolves `target` relative to the folder `dir`; `None` when it leaves the tree or loops.
fn resolve(
    links: &HashMap<String, String>,
    dir: Vec<String>,
    target: &str,
    hops: &mut usize,
) -> Option<Vec<String>> {
    if target.starts_with('/') || target.is_empty() {
        return None;
    }
    let mut current = dir;
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                current.pop()?;
            }
            name => {
                current.push(name.to_string());
                let joined = current.join("/");
                if let Some(next) = links.get(&joined) {
                    *hops += 1;
                    if *hops > MAX_HOPS {
                        return None;
                    }
                    current.pop();
                    current = resolve(links, current, next, hops)?;
                }
            }
        }
    }
    Some(current)
}

fn split(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn simple_links_inside_are_kept() {
        let l = links(&[("a.py", "b.py"), ("d/x", "../c/y"), ("d/here", ".")]);
        assert!(stays_inside(&l, "a.py"));
        assert!(stays_inside(&l, "d/x"));
        assert!(stays_inside(&l, "d/here"));
    }

    #[test]
    fn absolute_and_parent_escapes_are_refused() {
        let l = links(&[
            ("a", "/etc/passwd"),
            ("b", "../outside"),
            ("d/c", "../../x"),
            ("e", ""),
        ]);
        for name in ["a", "b", "d/c", "e"] {
            assert!(!stays_inside(&l, name), "{name} kept");
        }
    }

    #[test]
    fn escapes_through_another_link_are_refused() {
        let l = links(&[("d/up", ".."), ("d/x", "up/..")]);
        assert!(stays_inside(&l, "d/up"));
        assert!(!stays_inside(&l, "d/x"));
    }

    #[test]
    fn loops_are_refused() {
        let l = links(&[("a", "b"), ("b", "a")]);
        assert!(!stays_inside(&l, "a"));
        let l = links(&[("s", "s/x")]);
        assert!(!stays_inside(&l, "s"));
    }

    #[test]
    fn unknown_link_is_refused() {
        assert!(!stays_inside(&HashMap::new(), "nope"));
    }
}
