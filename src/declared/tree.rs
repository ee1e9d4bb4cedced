//! The read-only view of a repository the parsers get: file contents by path, and the list of paths (to
//! find `requirements/*.txt` or `.github/workflows/*.yml`). Paths are relative to the root, `/`-separated.

use std::collections::BTreeMap;

/// A repository's files. Only the files [`is_declaration`] names are read, so a view may hold just those.
pub trait Tree {
    /// The bytes of the file at `path`, when the view has it.
    fn read(&self, path: &str) -> Option<&[u8]>;
    /// Every file path of the tree (files whose contents the view does not hold included).
    fn paths(&self) -> Vec<&str>;

    /// The file as text (lossy UTF-8, without a byte-order mark).
    fn text(&self, path: &str) -> Option<String> {
        let bytes = self.read(path)?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        Some(String::from_utf8_lossy(bytes).into_owned())
    }

    /// True when the tree has a file at `path`, or a folder (some file under `path/`).
    fn exists(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        let dir = format!("{path}/");
        self.paths()
            .iter()
            .any(|file| *file == path || file.starts_with(&dir))
    }
}

impl Tree for BTreeMap<String, Vec<u8>> {
    fn read(&self, path: &str) -> Option<&[u8]> {
        self.get(path).map(Vec::as_slice)
    }

    fn paths(&self) -> Vec<&str> {
        self.keys().map(String::as_str).collect()
    }
}

/// A view made of a lookup function and a list of paths, e.g. over the dependency phase's `HeadFiles`:
/// `FnTree::new(|path| head.manifest(path), head.manifests.keys().chain(head.digests.keys()))`.
pub struct FnTree<'a, F> {
    read: F,
    paths: Vec<&'a str>,
}

impl<'a, F> FnTree<'a, F>
where
    F: Fn(&str) -> Option<&'a [u8]>,
{
    pub fn new<S: AsRef<str> + ?Sized + 'a>(
        read: F,
        paths: impl IntoIterator<Item = &'a S>,
    ) -> FnTree<'a, F> {
        FnTree {
            read,
            paths: paths.into_iter().map(AsRef::as_ref).collect(),
        }
    }
}

impl<'a, F> Tree for FnTree<'a, F>
where
    F: Fn(&str) -> Option<&'a [u8]>,
{
    fn read(&self, path: &str) -> Option<&[u8]> {
        (self.read)(path)
    }

    fn paths(&self) -> Vec<&str> {
        self.paths.clone()
    }
}

/// True for the files these parsers read, so a caller that keeps only some files' contents keeps these.
pub fn is_declaration(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let at_root = !path.contains('/');
    // Requirement files include others from anywhere, often from under `requirements/`.
    let in_requirements_dir = path
        .split('/')
        .rev()
        .skip(1)
        .any(|dir| dir.starts_with("requirements"));
    let requirements =
        name.ends_with(".txt") && (name.contains("requirements") || in_requirements_dir);
    let workflow = path.starts_with(".github/workflows/")
        && (name.ends_with(".yml") || name.ends_with(".yaml"));
    let root_file = at_root
        && matches!(
            name,
            "pyproject.toml"
                | "setup.py"
                | "setup.cfg"
                | "tox.ini"
                | "tox.toml"
                | "Pipfile"
                | ".python-version"
                | "runtime.txt"
                | "package.json"
                | ".nvmrc"
                | ".node-version"
                | "build.gradle"
                | "build.gradle.kts"
                | ".java-version"
                | ".sdkmanrc"
        );
    requirements || workflow || root_file || name == "pom.xml"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_and_a_function_are_trees() {
        let mut map = BTreeMap::new();
        map.insert("a/b.txt".to_string(), b"\xEF\xBB\xBFhi".to_vec());
        assert_eq!(map.text("a/b.txt").as_deref(), Some("hi"));
        assert!(map.exists("a") && map.exists("a/") && map.exists("a/b.txt") && !map.exists("a/b"));

        // The shape of the dependency phase's HeadFiles: some contents, more paths.
        let manifests = map.clone();
        let others = ["vendor/x.whl".to_string()];
        let tree = FnTree::new(
            |path: &str| manifests.get(path).map(Vec::as_slice),
            manifests.keys().chain(others.iter()),
        );
        assert_eq!(tree.read("a/b.txt").map(<[u8]>::len), Some(5));
        assert_eq!(tree.paths(), vec!["a/b.txt", "vendor/x.whl"]);
        assert!(tree.exists("vendor") && tree.read("vendor/x.whl").is_none());
    }

    #[test]
    fn the_dependency_phase_head_files_are_a_tree() {
        let mut head = crate::deps::HeadFiles::default();
        head.manifests
            .insert("requirements.txt".into(), b"tiny\n".to_vec());
        head.digests
            .insert("vendor/tiny-1.0.tar.gz".into(), "00".into());
        let tree = FnTree::new(
            |path: &str| head.manifest(path),
            head.manifests.keys().chain(head.digests.keys()),
        );
        assert_eq!(tree.text("requirements.txt").as_deref(), Some("tiny\n"));
        assert!(tree.exists("vendor"));
        let deps = crate::lang::python::declared::python_deps::python_deps(&tree);
        assert_eq!(deps.runtime[0].requirement, "tiny");
    }

    #[test]
    fn the_declaration_files_are_recognised() {
        for path in [
            "pyproject.toml",
            "setup.py",
            "dev-requirements.txt",
            "requirements/base.txt",
            "requirements/extras/redis.txt",
            "tests/requirements.txt",
            ".github/workflows/ci.yaml",
            ".nvmrc",
            "module/pom.xml",
            "build.gradle.kts",
        ] {
            assert!(is_declaration(path), "{path}");
        }
        for path in [
            "src/setup.py",
            "notes.txt",
            ".github/ato.yml",
            "sub/package.json",
        ] {
            assert!(!is_declaration(path), "{path}");
        }
    }
}
