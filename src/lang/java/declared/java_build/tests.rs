//! Tests of the Maven and Gradle target readers, on the shapes real builds use.

use super::*;
use crate::declared::fixtures::SPRING_POM;

fn said(targets: &[Target]) -> Vec<(String, u64)> {
    targets
        .iter()
        .map(|t| (t.said.clone(), t.release))
        .collect()
}

#[test]
fn majors_in_every_spelling() {
    for (text, major) in [
        ("8", 8),
        ("1.8", 8),
        ("'11'", 11),
        ("VERSION_1_8", 8),
        ("VERSION_17", 17),
        ("17.0.2", 17),
        ("21-ea", 21),
        ("1.7", 7),
    ] {
        assert_eq!(java_major(text), Some(major), "{text}");
    }
    assert_eq!(java_major("${java.version}"), None);
    assert_eq!(java_major("VERSION_HIGHER"), None);
}

#[test]
fn a_spring_pom_resolves_its_property() {
    let (targets, notes) = pom_targets("pom.xml", SPRING_POM);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        said(&targets),
        [
            ("java.version 17".to_string(), 17),
            (
                "maven-compiler-plugin <release> ${java.version} = 17".to_string(),
                17
            ),
        ]
    );
}

#[test]
fn an_old_pom_with_source_and_target_properties() {
    let pom = "<project><properties><maven.compiler.source>1.8</maven.compiler.source>\
               <maven.compiler.target>1.8</maven.compiler.target></properties>\
               <build><pluginManagement><plugins><plugin><artifactId>maven-compiler-plugin</artifactId>\
               <configuration><source>${missing}</source></configuration></plugin></plugins>\
               </pluginManagement></build></project>";
    let (targets, notes) = pom_targets("pom.xml", pom);
    assert_eq!(
        said(&targets),
        [
            ("maven.compiler.source 1.8".to_string(), 8),
            ("maven.compiler.target 1.8".to_string(), 8)
        ]
    );
    assert_eq!(
        notes,
        ["maven-compiler-plugin <source> ${missing} is not a Java release"]
    );
}

#[test]
fn broken_poms_are_noted() {
    let (targets, notes) = pom_targets("pom.xml", "<project><properties></project>");
    assert!(targets.is_empty());
    assert!(notes[0].starts_with("not XML Maven can read"), "{notes:?}");
    let (_, notes) = pom_targets("pom.xml", "<settings/>");
    assert_eq!(notes, ["not XML Maven can read: no <project> element"]);
}

#[test]
fn gradle_groovy_and_kotlin() {
    let groovy = "plugins { id 'java' }\n\njava {\n    toolchain {\n        languageVersion = JavaLanguageVersion.of(17)\n    }\n}\n\
                  // sourceCompatibility = '1.6'\nsourceCompatibility = '11'\ntargetCompatibility = JavaVersion.VERSION_1_8\n\
                  compileJava.options.release = 11\n";
    assert_eq!(
        said(&gradle_targets("build.gradle", groovy)),
        [
            ("JavaLanguageVersion.of(17)".to_string(), 17),
            ("sourceCompatibility = '11'".to_string(), 11),
            (
                "targetCompatibility = JavaVersion.VERSION_1_8".to_string(),
                8
            ),
            ("options.release = 11".to_string(), 11),
        ]
    );
    let kotlin = "java {\n    toolchain {\n        languageVersion.set(JavaLanguageVersion.of(11))\n    }\n}\n\
                  kotlin { jvmToolchain(21) }\njava.sourceCompatibility = JavaVersion.VERSION_17\n\
                  tasks.withType<JavaCompile> { options.release.set(17) }\nval x = 1.8\n";
    assert_eq!(
        said(&gradle_targets("build.gradle.kts", kotlin)),
        [
            ("JavaLanguageVersion.of(11)".to_string(), 11),
            ("jvmToolchain(21)".to_string(), 21),
            (
                "sourceCompatibility = JavaVersion.VERSION_17".to_string(),
                17
            ),
            ("options.release.set(17)".to_string(), 17),
        ]
    );
    assert_eq!(
        gradle_targets("build.gradle", "sourceCompatibility = 1.8\n")[0].release,
        8
    );
}
