//! JavaScript and TypeScript, and their family: the `node` runner, tests in `node:test` (or jest for a
//! JavaScript repository on jest), dependencies installed by `npm ci`.
//!
//! Both languages share everything but their extensions, their fences, the files that are generated and
//! the framework. Their tests are named by the `.test.`/`.spec.` infix or live in `__tests__`, conventions the
//! planner applies to every language. [`outline`] finds the symbols and exports, [`imports`] the import
//! header; [`npm_lock`] reads `package.json` and its lock, [`npm`] finds the manifest, writes the install script
//! and names what npm could not have.

pub(crate) mod declared;
mod imports;
mod npm;
mod npm_lock;
mod outline;

use super::{Family, Fences, Framework, Lang, OutlineSymbol, ProjectFiles, TestFile};
use crate::deps::{Detection, Ecosystem, HeadFiles};
use crate::model::Runner;

/// The JavaScript language.
pub struct JavaScript;
/// The TypeScript language: Node runs it unchanged (type annotations stripped).
pub struct TypeScript;
/// The family both run in.
pub struct Node;

const JAVASCRIPT_FENCES: Fences = Fences {
    tag: "javascript",
    tags: &["javascript", "js", "node", "nodejs", "jsx", "mjs", "cjs"],
    suffixes: &[".js", ".mjs", ".cjs", ".jsx"],
};

/// JavaScript is accepted for TypeScript, which runs it unchanged (not the other way).
const TYPESCRIPT_FENCES: Fences = Fences {
    tag: "typescript",
    tags: &[
        "typescript",
        "ts",
        "tsx",
        "mts",
        "cts",
        "javascript",
        "js",
        "jsx",
        "mjs",
    ],
    suffixes: &[".ts", ".tsx", ".mts", ".cts", ".js", ".mjs"],
};

impl Lang for JavaScript {
    fn runner(&self) -> Runner {
        Runner::Node
    }

    fn name(&self) -> &'static str {
        "JavaScript"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["js", "mjs", "cjs", "jsx"]
    }

    fn is_test_name(&self, _file_name: &str) -> bool {
        false
    }

    /// Minified bundles.
    fn generated_reason(&self, file_name: &str) -> Option<&'static str> {
        [".min.js", ".min.mjs", ".min.cjs"]
            .iter()
            .any(|suffix| file_name.ends_with(suffix))
            .then_some("generated code")
    }

    fn outline(&self, source: &str) -> Vec<OutlineSymbol> {
        outline::outline(source)
    }

    fn fences(&self) -> &'static Fences {
        &JAVASCRIPT_FENCES
    }

    fn imports(&self, text: &str) -> Vec<String> {
        imports::imports(text)
    }

    fn module_path(&self, path: &str, _text: &str) -> String {
        beside(path)
    }

    /// jest when the repository tests with it (the image has it), as the Node runner's own tests do;
    /// `node:test` otherwise, vitest included (it is not in every image).
    fn framework(&self, project: &ProjectFiles) -> Framework {
        if project.get("package.json").is_some_and(uses_jest) {
            Framework::Jest
        } else {
            Framework::NodeTest
        }
    }

    fn placement(&self, path: &str, symbol: &str) -> TestFile {
        placement(path, symbol)
    }
}

impl Lang for TypeScript {
    fn runner(&self) -> Runner {
        Runner::Node
    }

    fn name(&self) -> &'static str {
        "TypeScript"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["ts", "tsx", "mts", "cts"]
    }

    fn is_test_name(&self, _file_name: &str) -> bool {
        false
    }

    fn generated_reason(&self, file_name: &str) -> Option<&'static str> {
        [".d.ts", ".d.mts", ".d.cts"]
            .iter()
            .any(|suffix| file_name.ends_with(suffix))
            .then_some("type declarations only")
    }

    fn outline(&self, source: &str) -> Vec<OutlineSymbol> {
        outline::outline(source)
    }

    fn fences(&self) -> &'static Fences {
        &TYPESCRIPT_FENCES
    }

    fn imports(&self, text: &str) -> Vec<String> {
        imports::imports(text)
    }

    fn module_path(&self, path: &str, _text: &str) -> String {
        beside(path)
    }

    /// `node:test`: jest would need a transform for TypeScript.
    fn framework(&self, _project: &ProjectFiles) -> Framework {
        Framework::NodeTest
    }

    fn placement(&self, path: &str, symbol: &str) -> TestFile {
        placement(path, symbol)
    }
}

impl Family for Node {
    fn vendored_folders(&self) -> &'static [&'static str] {
        &["node_modules"]
    }

    fn project_files(&self) -> &'static [&'static str] {
        &["package.json"]
    }
}

impl Ecosystem for Node {
    /// The root's `package.json` and its lock.
    fn is_manifest(&self, path: &str) -> bool {
        matches!(
            path,
            "package.json" | "package-lock.json" | "npm-shrinkwrap.json"
        )
    }

    fn detect(&self, files: &HeadFiles) -> Detection {
        npm::detect(files)
    }
}

/// A relative specifier from a test beside the file: `./calc.js`.
fn beside(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    format!("./{file}")
}

/// `<stem>.<symbol>.llm.test.<ext>` beside the file.
fn placement(path: &str, symbol: &str) -> TestFile {
    let (dir, file) = match path.rsplit_once('/') {
        Some((dir, file)) => (dir, file),
        None => ("", path),
    };
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    let name = format!("{stem}.{}.llm.test.{ext}", symbol.replace('.', "_"));
    let repo_path = if dir.is_empty() {
        name.clone()
    } else {
        format!("{dir}/{name}")
    };
    TestFile { name, repo_path }
}

/// Does a `package.json` name jest (a dependency or the `test` script), and not vitest? The same reading as
/// the Node harness's `repoFramework`.
fn uses_jest(package_json: &str) -> bool {
    let Ok(package) = serde_json::from_str::<serde_json::Value>(package_json) else {
        return false;
    };
    let script = package
        .pointer("/scripts/test")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let names = |tool: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|field| package.get(field).and_then(|d| d.get(tool)).is_some())
            || script
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|word| word == tool)
    };
    names("jest") && !names("vitest")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(package_json: Option<&str>) -> ProjectFiles {
        let mut files = ProjectFiles::default();
        if let Some(text) = package_json {
            files.insert("package.json", text.to_string());
        }
        files
    }

    #[test]
    fn javascript_follows_a_repository_on_jest_and_typescript_does_not() {
        let jest = r#"{"devDependencies":{"jest":"^29.7.0"}}"#;
        let script = r#"{"scripts":{"test":"NODE_ENV=test jest --coverage"}}"#;
        let vitest = r#"{"devDependencies":{"jest":"^29","vitest":"^1"}}"#;
        let framework = |text| JavaScript.framework(&project(text));
        assert_eq!(framework(Some(jest)), Framework::Jest);
        assert_eq!(framework(Some(script)), Framework::Jest);
        assert_eq!(framework(Some(vitest)), Framework::NodeTest);
        assert_eq!(framework(Some("{not json")), Framework::NodeTest);
        assert_eq!(framework(None), Framework::NodeTest);
        assert_eq!(
            framework(Some(r#"{"scripts":{"test":"jestful"}}"#)),
            Framework::NodeTest
        );
        assert_eq!(
            TypeScript.framework(&project(Some(jest))),
            Framework::NodeTest
        );
    }

    #[test]
    fn generated_files_and_fences() {
        assert!(JavaScript.generated_reason("jquery.min.js").is_some());
        assert!(JavaScript.generated_reason("index.js").is_none());
        assert_eq!(
            TypeScript.generated_reason("index.d.ts"),
            Some("type declarations only")
        );
        assert!(TypeScript.generated_reason("index.ts").is_none());
        assert!(TypeScript.fences().accepts("js") && !JavaScript.fences().accepts("ts"));
        assert!(JavaScript.fences().accepts("src/calc.test.mjs"));
    }

    #[test]
    fn tests_import_the_file_beside_them_and_go_beside_it() {
        assert_eq!(TypeScript.module_path("src/calc.ts", ""), "./calc.ts");
        assert_eq!(
            JavaScript.placement("src/calc.mjs", "add").repo_path,
            "src/calc.add.llm.test.mjs"
        );
        assert_eq!(
            TypeScript.placement("calc.ts", "Stack.push"),
            TestFile {
                name: "calc.Stack_push.llm.test.ts".into(),
                repo_path: "calc.Stack_push.llm.test.ts".into()
            }
        );
    }

    #[test]
    fn manifests_are_the_roots_package_and_lock() {
        for path in ["package.json", "package-lock.json", "npm-shrinkwrap.json"] {
            assert!(Node.is_manifest(path), "{path}");
        }
        for path in ["sub/package.json", "yarn.lock", "requirements.txt"] {
            assert!(!Node.is_manifest(path), "{path}");
        }
    }
}
