//! Tests of the JDK choice.

use super::*;
use crate::declared::fixtures::{SPRING_POM, tree};

fn jdks() -> Vec<Version> {
    [11, 17, 21].iter().map(|m| Version::new(&[*m])).collect()
}

fn ranked(files: &[(&str, &str)]) -> (Vec<u64>, Vec<Choice>) {
    let choices = choose_jdk(&jdks(), &java_constraints(&tree(files)));
    (choices.iter().map(|c| c.version.major()).collect(), choices)
}

fn pom_with(properties: &str) -> String {
    format!(
        "<project><modelVersion>4.0.0</modelVersion><properties>{properties}</properties></project>"
    )
}

#[test]
fn a_spring_project_gets_its_own_release_first() {
    let (order, choices) = ranked(&[("pom.xml", SPRING_POM)]);
    assert_eq!(order, [17, 21, 11]);
    assert_eq!(
        choices[0].reason,
        "JDK 17: the release the build targets (pom.xml: java.version 17; pom.xml: maven-compiler-plugin \
         <release> ${java.version} = 17)"
    );
    assert_eq!(
        choices[1].reason,
        "JDK 21: also compiles release 17 (javac --release 17)"
    );
    assert_eq!(choices[2].fit, Fit::Outside);
    assert!(
        choices[2].reason.contains("older than release 17"),
        "{}",
        choices[2].reason
    );
}

#[test]
fn an_older_release_gets_the_lowest_jdk_that_compiles_it_and_says_so() {
    let pom = pom_with(
        "<maven.compiler.source>1.8</maven.compiler.source><maven.compiler.target>1.8</maven.compiler.target>",
    );
    let (order, choices) = ranked(&[("pom.xml", &pom)]);
    assert_eq!(order, [11, 17, 21]);
    assert_eq!(
        choices[0].reason,
        "JDK 11: the lowest available that compiles release 8 (javac --release 8; pom.xml: \
         maven.compiler.source 1.8; pom.xml: maven.compiler.target 1.8)"
    );
    assert!(choices.iter().all(|c| c.fit == Fit::Allowed));
}

#[test]
fn a_gradle_toolchain_and_the_ci_that_tests_it() {
    let gradle = "java {\n    toolchain {\n        languageVersion.set(JavaLanguageVersion.of(21))\n    }\n}\n";
    let workflow = "jobs:\n  b:\n    steps:\n      - uses: actions/setup-java@v4\n        with:\n          java-version: '21'\n          distribution: temurin\n";
    let (order, choices) = ranked(&[
        ("build.gradle.kts", gradle),
        (".github/workflows/build.yml", workflow),
    ]);
    assert_eq!(order, [21, 17, 11]);
    assert_eq!(choices[0].fit, Fit::Tested);
    assert!(
        choices[1].reason.contains("older than release 21"),
        "{}",
        choices[1].reason
    );
}

#[test]
fn a_release_newer_than_every_jdk_gets_the_nearest() {
    let pom = pom_with("<maven.compiler.release>22</maven.compiler.release>");
    let (order, choices) = ranked(&[("pom.xml", &pom)]);
    assert_eq!(order, [21, 17, 11]);
    assert!(choices.iter().all(|c| c.fit == Fit::Outside));
    assert_eq!(
        choices[0].reason,
        "JDK 21: no available JDK compiles release 22: it is older than release 22 (pom.xml: \
         maven.compiler.release 22); 21 is the nearest"
    );
}

#[test]
fn a_release_too_old_for_the_newer_javacs() {
    let gradle = "sourceCompatibility = 1.6\ntargetCompatibility = 1.6\n";
    let (order, choices) = ranked(&[("build.gradle", gradle)]);
    assert_eq!(order, [11, 17, 21]);
    assert_eq!(choices[0].fit, Fit::Allowed);
    assert_eq!(
        choices[1].reason,
        "JDK 17: its javac no longer compiles release 6 (its oldest is 7); a last resort"
    );
}

#[test]
fn without_a_target_the_tested_then_the_newest() {
    let workflow = "jobs:\n  b:\n    strategy:\n      matrix:\n        java: [11, 17]\n    steps:\n      - uses: actions/setup-java@v4\n        with:\n          java-version: ${{ matrix.java }}\n";
    let (order, choices) = ranked(&[(".github/workflows/ci.yml", workflow)]);
    assert_eq!(order, [17, 11, 21]);
    assert!(
        choices[0].reason.contains("java-version 11, 17"),
        "{}",
        choices[0].reason
    );
    let (order, _) = ranked(&[(".sdkmanrc", "# sdk env\njava=11.0.21-tem\n")]);
    assert_eq!(order, [11, 17, 21], "then the nearest to what it uses");
    let (order, _) = ranked(&[(".java-version", "1.8\n")]);
    assert_eq!(order, [11, 17, 21]);
    let (order, choices) = ranked(&[]);
    assert_eq!(order, [21, 17, 11]);
    assert_eq!(
        choices[0].reason,
        "JDK 21: the project declares no JDK version; newest first"
    );
}

#[test]
fn an_unreadable_pom_is_noted() {
    let declared = java_constraints(&tree(&[("pom.xml", "<project>")]));
    assert_eq!(declared.notes.len(), 1);
    assert!(
        declared.notes[0]
            .to_string()
            .starts_with("pom.xml: not XML Maven can read")
    );
}
