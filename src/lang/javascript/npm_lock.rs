//! npm projects: what `package.json` declares and where `package-lock.json` says each package comes from.
//!
//! `npm ci` reads the lock itself; this only tells apart the packages that can be installed without a
//! network (a `file:` tarball or folder in the repository, a workspace link) from those that need a
//! registry, so a failed offline install can name every package it lacked, not just npm's first error.

use serde_json::Value;

/// A package of the lock that must be downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePackage {
    pub name: String,
    /// Where the lock says it comes from (a registry URL, a git URL…), or the version when it says nothing.
    pub source: String,
}

/// The names of the dependencies `package.json` declares (all four kinds npm installs by default), sorted;
/// `Err` when it is not a JSON object.
pub fn declared_dependencies(package_json: &[u8]) -> Result<Vec<String>, String> {
    let value: Value = serde_json::from_slice(package_json).map_err(|err| err.to_string())?;
    let object = value
        .as_object()
        .ok_or("package.json is not a JSON object")?;
    let mut names = Vec::new();
    for field in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        if let Some(map) = object.get(field).and_then(Value::as_object) {
            names.extend(map.keys().cloned());
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// Every package of a lock (versions 1, 2 and 3) that is not in the repository; `Err` when the lock is not
/// JSON.
pub fn remote_packages(lock: &[u8]) -> Result<Vec<RemotePackage>, String> {
    let value: Value = serde_json::from_slice(lock).map_err(|err| err.to_string())?;
    let mut remote = Vec::new();
    if let Some(packages) = value.get("packages").and_then(Value::as_object) {
        // v2/v3: keys are install paths; "" is the project itself.
        for (key, entry) in packages {
            let Some(at) = key.rfind("node_modules/") else {
                continue;
            };
            let name = entry
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&key[at + "node_modules/".len()..]);
            if let Some(source) = remote_source(entry) {
                remote.push(RemotePackage {
                    name: name.to_string(),
                    source,
                });
            }
        }
    } else if let Some(dependencies) = value.get("dependencies").and_then(Value::as_object) {
        collect_v1(dependencies, &mut remote);
    }
    remote.sort_by(|a, b| a.name.cmp(&b.name).then(a.source.cmp(&b.source)));
    remote.dedup();
    Ok(remote)
}

fn collect_v1(dependencies: &serde_json::Map<String, Value>, out: &mut Vec<RemotePackage>) {
    for (name, entry) in dependencies {
        if let Some(source) = remote_source(entry) {
            out.push(RemotePackage {
                name: name.clone(),
                source,
            });
        }
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            collect_v1(nested, out);
        }
    }
}

/// `None` for an entry installed from the repository (a link, a `file:` source, a bundled package).
fn remote_source(entry: &Value) -> Option<String> {
    if entry.get("link").and_then(Value::as_bool) == Some(true)
        || entry.get("inBundle").and_then(Value::as_bool) == Some(true)
        || entry.get("bundled").and_then(Value::as_bool) == Some(true)
    {
        return None;
    }
    let resolved = entry.get("resolved").and_then(Value::as_str);
    let version = entry.get("version").and_then(Value::as_str).unwrap_or("");
    match resolved {
        Some(resolved) if resolved.starts_with("file:") => None,
        Some(resolved) => Some(resolved.to_string()),
        // v1 puts `file:` sources in `version`.
        None if version.starts_with("file:") || version.is_empty() => None,
        None => Some(version.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_dependencies_of_every_kind() {
        let json = br#"{"name":"p","dependencies":{"b":"1"},"devDependencies":{"a":"2","b":"1"}}"#;
        assert_eq!(declared_dependencies(json).unwrap(), vec!["a", "b"]);
        assert_eq!(declared_dependencies(b"{}").unwrap(), Vec::<String>::new());
        assert!(declared_dependencies(b"[1]").is_err());
        assert!(declared_dependencies(b"{").is_err());
    }

    #[test]
    fn lock_v3_tells_vendored_from_registry_packages() {
        let lock = br#"{"lockfileVersion":3,"packages":{
            "":{"name":"p","dependencies":{"tiny":"file:vendor/tiny-1.0.0.tgz","left-pad":"^1"}},
            "node_modules/tiny":{"version":"1.0.0","resolved":"file:vendor/tiny-1.0.0.tgz"},
            "node_modules/left-pad":{"version":"1.3.0","resolved":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"},
            "node_modules/tiny/node_modules/@scope/x":{"version":"2.0.0","resolved":"https://r.test/x.tgz"},
            "node_modules/ws":{"resolved":"packages/ws","link":true}
        }}"#;
        let remote = remote_packages(lock).unwrap();
        let names: Vec<_> = remote.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["@scope/x", "left-pad"]);
        assert!(remote[1].source.contains("registry.npmjs.org"));
    }

    #[test]
    fn lock_v1_nested_dependencies() {
        let lock = br#"{"lockfileVersion":1,"dependencies":{
            "a":{"version":"1.0.0","resolved":"https://r.test/a.tgz","dependencies":{"b":{"version":"2.0.0"}}},
            "c":{"version":"file:vendor/c.tgz"}
        }}"#;
        let names: Vec<_> = remote_packages(lock)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, vec!["a", "b"]);
        assert!(remote_packages(b"not json").is_err());
    }
}
