//! The Java release a build targets: Maven's `pom.xml` (properties `maven.compiler.release`,
//! `maven.compiler.source`/`target`, `java.version`, and `maven-compiler-plugin`'s `<release>`, `<source>`,
//! `<target>`, with `${property}` references resolved within the pom) and Gradle's build scripts
//! (toolchains, `jvmToolchain(17)`, `sourceCompatibility`/`targetCompatibility`, `options.release`).

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::Event;
use regex::Regex;

/// One declaration of a target release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub file: String,
    /// What the file says (`maven.compiler.release = 17`, `sourceCompatibility = JavaVersion.VERSION_1_8`).
    pub said: String,
    /// The release as a major (`1.8` → 8).
    pub release: u64,
}

/// `8`, `1.8`, `11`, `17.0.2`, `VERSION_1_8`, `21-ea` → the major.
pub fn java_major(text: &str) -> Option<u64> {
    let text = text.trim().trim_matches(['"', '\'']);
    let text = text
        .rsplit("VERSION_")
        .next()
        .unwrap_or(text)
        .replace('_', ".");
    let mut parts = text.split(['.', '-', '+']);
    let first: u64 = parts.next()?.parse().ok()?;
    if first == 1 {
        return parts.next()?.parse().ok();
    }
    Some(first)
}

/// A tiny element tree: enough to walk a pom.
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn path(&self, path: &[&str]) -> Option<&Element> {
        path.iter()
            .try_fold(self, |element, name| element.child(name))
    }
}

fn parse_xml(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    let mut stack = vec![Element::default()];
    loop {
        let event = reader.read_event().map_err(|err| err.to_string())?;
        match event {
            Event::Start(e) => stack.push(Element {
                name: e.local_name().into_inner().to_string(),
                ..Element::default()
            }),
            Event::Empty(e) => {
                let element = Element {
                    name: e.local_name().into_inner().to_string(),
                    ..Element::default()
                };
                if let Some(top) = stack.last_mut() {
                    top.children.push(element);
                }
            }
            Event::End(_) => {
                let done = stack.pop().ok_or("unbalanced tags")?;
                stack
                    .last_mut()
                    .ok_or("unbalanced tags")?
                    .children
                    .push(done);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let document = stack.pop().ok_or("empty document")?;
    if !stack.is_empty() {
        return Err("an element is not closed".into());
    }
    document
        .children
        .into_iter()
        .find(|e| e.name == "project")
        .ok_or_else(|| "no <project> element".to_string())
}

/// The releases a pom declares, and what could not be read in it.
pub fn pom_targets(file: &str, text: &str) -> (Vec<Target>, Vec<String>) {
    let project = match parse_xml(text) {
        Ok(project) => project,
        Err(err) => return (Vec::new(), vec![format!("not XML Maven can read: {err}")]),
    };
    let properties: BTreeMap<String, String> = project
        .child("properties")
        .map(|p| {
            p.children
                .iter()
                .map(|c| (c.name.clone(), c.text.trim().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let mut found: Vec<(String, String)> = Vec::new();
    for key in [
        "maven.compiler.release",
        "maven.compiler.source",
        "maven.compiler.target",
        "java.version",
    ] {
        if let Some(value) = properties.get(key) {
            found.push((key.to_string(), value.clone()));
        }
    }
    let plugin_lists = [
        project.path(&["build", "plugins"]),
        project.path(&["build", "pluginManagement", "plugins"]),
    ];
    for plugin in plugin_lists
        .into_iter()
        .flatten()
        .flat_map(|p| p.children_named("plugin"))
    {
        let is_compiler = plugin
            .child("artifactId")
            .is_some_and(|a| a.text.trim() == "maven-compiler-plugin");
        let Some(configuration) = plugin.child("configuration").filter(|_| is_compiler) else {
            continue;
        };
        for key in ["release", "source", "target"] {
            if let Some(value) = configuration.child(key) {
                found.push((
                    format!("maven-compiler-plugin <{key}>"),
                    value.text.trim().to_string(),
                ));
            }
        }
    }
    let mut targets = Vec::new();
    let mut notes = Vec::new();
    for (key, value) in found {
        let resolved = resolve(&value, &properties);
        match java_major(&resolved) {
            Some(release) => {
                let said = if resolved == value {
                    format!("{key} {value}")
                } else {
                    format!("{key} {value} = {resolved}")
                };
                targets.push(Target {
                    file: file.to_string(),
                    said,
                    release,
                });
            }
            None => notes.push(format!("{key} {value} is not a Java release")),
        }
    }
    (targets, notes)
}

/// `${name}` replaced from the pom's properties, a few levels deep.
fn resolve(value: &str, properties: &BTreeMap<String, String>) -> String {
    let mut value = value.to_string();
    for _ in 0..5 {
        let Some(start) = value.find("${") else {
            break;
        };
        let Some(end) = value[start..].find('}').map(|at| start + at) else {
            break;
        };
        let Some(replacement) = properties.get(&value[start + 2..end]) else {
            break;
        };
        value.replace_range(start..=end, replacement);
    }
    value
}

/// The releases a Gradle build script declares (Groovy or Kotlin), ignoring `//` comment lines.
pub fn gradle_targets(file: &str, text: &str) -> Vec<Target> {
    let code: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect();
    let code = code.join("\n");
    let patterns = [
        r"JavaLanguageVersion\.of\(\s*[\x22']?(\d+)[\x22']?\s*\)",
        r"jvmToolchain\(\s*(\d+)\s*\)",
        r"(?:source|target)Compatibility\s*=\s*(?:JavaVersion\.)?[\x22']?((?:VERSION_)?[\d._]+)[\x22']?",
        r"options\.release(?:\.set\(\s*(\d+)\s*\)|\s*=\s*(\d+))",
    ];
    let mut targets = Vec::new();
    for pattern in patterns {
        let Ok(regex) = Regex::new(pattern) else {
            continue;
        };
        for captures in regex.captures_iter(&code) {
            let value = captures.iter().skip(1).flatten().next();
            let (Some(whole), Some(value)) = (captures.get(0), value) else {
                continue;
            };
            if let Some(release) = java_major(value.as_str()) {
                targets.push(Target {
                    file: file.to_string(),
                    said: whole
                        .as_str()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    release,
                });
            }
        }
    }
    targets
}

#[cfg(test)]
mod tests;
