//! Which Node a project needs. Required (filters): `package.json` `engines.node` (an npm range). Tested
//! (ranks): `.nvmrc`, `.node-version`, `package.json` `volta.node`, CI `node-version`s. nvm's names are
//! understood: `lts/hydrogen` is 18, `lts/*` any LTS, `node` the newest. [`choose_node`] ranks the
//! available majors.

use super::npm_semver;
use crate::declared::Note;
use crate::declared::Tree;
use crate::declared::chooser::{Choice, Constraint, Declarations, Strength, choose};
use crate::declared::ci_workflows::ci_values;
use crate::declared::ranges::{Ranges, Version};

/// nvm's LTS code names and their majors.
const LTS_NAMES: &[(&str, u64)] = &[
    ("argon", 4),
    ("boron", 6),
    ("carbon", 8),
    ("dubnium", 10),
    ("erbium", 12),
    ("fermium", 14),
    ("gallium", 16),
    ("hydrogen", 18),
    ("iron", 20),
    ("jod", 22),
    ("krypton", 24),
];

pub fn node_constraints(tree: &dyn Tree) -> Declarations {
    let mut out = Declarations::default();
    if let Some(text) = tree.text("package.json") {
        package_json(&text, &mut out);
    }
    for file in [".nvmrc", ".node-version"] {
        let Some(text) = tree.text(file) else {
            continue;
        };
        let line = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
            .find(|line| !line.is_empty());
        if let Some(line) = line {
            tested(&mut out, file, line, &[line]);
        }
    }
    let (workflows, notes) = ci_values(tree, "node-version", "actions/setup-node");
    out.notes.extend(notes);
    for workflow in workflows {
        let values: Vec<&str> = workflow.values.iter().map(String::as_str).collect();
        let said = format!("node-version {}", values.join(", "));
        tested(&mut out, &workflow.file, &said, &values);
    }
    out
}

/// [`choose`] for Node: `available` are majors (`12`, `18`, `20`).
pub fn choose_node(available: &[Version], declared: &Declarations) -> Vec<Choice> {
    choose("Node", available, &declared.constraints)
}

/// What a version name of nvm, `.node-version` or setup-node means: `18`, `v16.14.0`, `18.x`, `>=18`,
/// `lts/iron`, `lts/*`, `node`/`latest`/`current`. `None` for anything else.
pub fn node_version(text: &str) -> Option<Ranges> {
    let text = text.trim().to_ascii_lowercase();
    match text.as_str() {
        "node" | "latest" | "current" | "stable" | "*" => return Some(Ranges::all()),
        "lts/*" | "lts" | "lts/latest" => {
            // Even majors are the LTS lines.
            let even = (2..=30).map(|half| Ranges::series(&Version::new(&[half * 2])));
            return Some(even.fold(Ranges::none(), |all, major| all.union(&major)));
        }
        _ => {}
    }
    if let Some(name) = text.strip_prefix("lts/") {
        let major = LTS_NAMES
            .iter()
            .find(|(code, _)| *code == name)
            .map(|(_, major)| *major)?;
        return Some(Ranges::series(&Version::new(&[major])));
    }
    let parsed = npm_semver::parse(&text).ok()?;
    (!parsed.is_all() && !parsed.is_empty()).then_some(parsed)
}

fn tested(out: &mut Declarations, file: &str, said: &str, values: &[&str]) {
    let mut allows = Ranges::none();
    for value in values {
        match node_version(value) {
            Some(range) => allows = allows.union(&range),
            None => out
                .notes
                .push(Note::new(file, format!("{value:?} is not a Node version"))),
        }
    }
    if !allows.is_empty() {
        out.constraints.push(Constraint {
            file: file.to_string(),
            said: said.to_string(),
            strength: Strength::Tested,
            allows,
        });
    }
}

fn package_json(text: &str, out: &mut Declarations) {
    let file = "package.json";
    let json: serde_json::Value = match serde_json::from_str(text) {
        Ok(json) => json,
        Err(err) => {
            out.notes.push(Note::new(file, format!("not JSON: {err}")));
            return;
        }
    };
    if let Some(range) = json.pointer("/engines/node").and_then(|v| v.as_str()) {
        match npm_semver::parse(range) {
            Ok(allows) => out.constraints.push(Constraint {
                file: file.to_string(),
                said: format!("engines.node {range:?}"),
                strength: Strength::Required,
                allows,
            }),
            Err(err) => out.notes.push(Note::new(file, err.to_string())),
        }
    }
    if let Some(pin) = json.pointer("/volta/node").and_then(|v| v.as_str()) {
        tested(out, file, &format!("volta.node {pin:?}"), &[pin]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declared::Fit;
    use crate::declared::fixtures::{MATRIX_WORKFLOW, tree};

    fn majors() -> Vec<Version> {
        [12, 18, 20].iter().map(|m| Version::new(&[*m])).collect()
    }

    fn order(files: &[(&str, &str)]) -> (Vec<String>, Vec<Choice>) {
        let choices = choose_node(&majors(), &node_constraints(&tree(files)));
        (
            choices.iter().map(|c| c.version.to_string()).collect(),
            choices,
        )
    }

    #[test]
    fn nvm_names() {
        let majors_of = |text: &str| -> Vec<u64> {
            let range = node_version(text).unwrap();
            (4..=24)
                .filter(|m| range.allows_series(&Version::new(&[*m])))
                .collect()
        };
        assert_eq!(majors_of("18"), [18]);
        assert_eq!(majors_of("v16.14.0"), [16]);
        assert_eq!(majors_of("lts/hydrogen"), [18]);
        assert_eq!(majors_of("lts/iron"), [20]);
        assert_eq!(majors_of("lts/gallium"), [16]);
        assert_eq!(majors_of("lts/fermium"), [14]);
        assert_eq!(majors_of("lts/erbium"), [12]);
        assert_eq!(majors_of("20.x"), [20]);
        assert_eq!(
            majors_of("lts/*"),
            [4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]
        );
        assert_eq!(majors_of("node").len(), 21);
        assert_eq!(node_version("lts/unknown"), None);
        assert_eq!(node_version("system"), None);
    }

    #[test]
    fn engines_filter_and_nvmrc_ranks() {
        let package = r#"{"name": "app", "engines": {"node": ">=14 <21", "npm": ">=8"}}"#;
        let (order, choices) = order(&[("package.json", package), (".nvmrc", "lts/hydrogen\n")]);
        assert_eq!(order, ["18", "20", "12"]);
        assert_eq!(choices[0].fit, Fit::Tested);
        assert_eq!(
            choices[0].reason,
            "Node 18: the project tests on it (lts/hydrogen (.nvmrc)), and engines.node \">=14 <21\" \
             (package.json) allows it"
        );
        assert_eq!(choices[2].fit, Fit::Outside);
    }

    #[test]
    fn no_declaration_means_the_newest() {
        let (order, choices) = order(&[("package.json", r#"{"name": "x"}"#)]);
        assert_eq!(order, ["20", "18", "12"]);
        assert!(choices[0].reason.contains("declares no Node version"));
    }

    #[test]
    fn node_version_files_volta_and_ci() {
        let package = r#"{"volta": {"node": "16.20.2"}}"#;
        let (order, _) = order(&[
            ("package.json", package),
            (".node-version", "v12.22.12\n"),
            (".github/workflows/ci.yml", MATRIX_WORKFLOW),
        ]);
        // The CI names 20, .node-version 12, volta 16 (not available): 20 is the newest tested.
        assert_eq!(order, ["20", "12", "18"]);
    }

    #[test]
    fn nothing_satisfies_engines() {
        let package = r#"{"engines": {"node": "^22.0.0"}}"#;
        let (order, choices) = order(&[("package.json", package)]);
        assert_eq!(order, ["20", "18", "12"]);
        assert!(choices.iter().all(|c| c.fit == Fit::Outside));
        assert_eq!(
            choices[0].reason,
            "Node 20: no available version satisfies engines.node \"^22.0.0\" (package.json); 20 is the nearest"
        );
    }

    #[test]
    fn unreadable_declarations_are_noted() {
        let declared = node_constraints(&tree(&[
            ("package.json", r#"{"engines": {"node": "> banana"}}"#),
            (".nvmrc", "system\n"),
        ]));
        let notes: Vec<String> = declared.notes.iter().map(ToString::to_string).collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].starts_with("package.json: cannot read the version constraint"),
            "{}",
            notes[0]
        );
        assert_eq!(notes[1], ".nvmrc: \"system\" is not a Node version");
        assert!(declared.constraints.is_empty());
        let broken = node_constraints(&tree(&[("package.json", "{")]));
        assert!(broken.notes[0].message.starts_with("not JSON"));
    }
}
