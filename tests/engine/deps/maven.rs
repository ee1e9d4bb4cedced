//! The Java dependency phase end to end: a Maven project whose code imports a jar from an in-project `file://`
//! repository, resolved once by Maven into the cache, then built by Maven itself, offline (on JDK 17: the pom
//! asks for release 17).

use ato::model::{Observation, ProblemKind, Runner, RunnerResult, SandboxOutcome};

use super::{OFFLINE, assert_nothing_left};
use crate::support::ato_run::{run_last_commit, runner_result};
use crate::support::deps::{
    HttpServer, bridge_gateway, cache_entry, cleanup, deps_phase, nonce, vendor_maven_jar,
    volumes_named_in,
};
use crate::support::docker::{ato_containers, require_docker, runner_image};
use crate::support::git_repo::Repo;

const SHOUT: &str = "package com.example.text;

public final class Shout {
    public static String shout(String s) {
        return s.toUpperCase() + \"!\";
    }
}
";

const CALC: &str = "src/main/java/com/example/Calc.java";

const CALC_BASE: &str = "package com.example;

public class Calc {
    public static String greet(String name) {
        return \"hello \" + name;
    }

    public static String interfaces() {
        return \"unknown\";
    }
}
";

/// Shouts through the vendored library, and says which network interfaces the test container has.
const CALC_HEAD: &str = "package com.example;

import com.example.text.Shout;

public class Calc {
    public static String greet(String name) {
        return Shout.shout(\"hello \" + name);
    }

    public static String interfaces() {
        String[] names = new java.io.File(\"/sys/class/net\").list();
        if (names == null) {
            return \"none\";
        }
        java.util.Arrays.sort(names);
        return String.join(\",\", names);
    }
}
";

/// A pom whose one dependency comes from the in-project repository `repo/`; `nonce` makes its digest new.
fn maven_pom(nonce: &str) -> String {
    format!(
        r#"<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>calc</artifactId>
  <version>1.0</version>
  <description>{nonce}</description>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <repositories>
    <repository>
      <id>in-project</id>
      <url>file://${{project.basedir}}/repo</url>
    </repository>
  </repositories>
  <dependencies>
    <dependency>
      <groupId>com.example.text</groupId>
      <artifactId>shout</artifactId>
      <version>1.0</version>
    </dependency>
  </dependencies>
</project>
"#
    )
}

fn change_of<'a>(java: &'a RunnerResult, symbol: &str) -> (&'a str, &'a str) {
    let change = java
        .behaviour_changes
        .iter()
        .find(|c| c.symbol == symbol)
        .unwrap_or_else(|| {
            panic!(
                "a behaviour change of {symbol}: {:#?}",
                java.behaviour_changes
            )
        });
    match (&change.base, &change.head) {
        (Observation::Returned { value: base }, Observation::Returned { value: head }) => {
            (base, head)
        }
        _ => panic!("both sides return: {change:?}"),
    }
}

#[test]
fn java_maven_dependency_from_an_in_project_repository_is_resolved_once_then_built_by_maven() {
    require_docker();
    // The vendored jar is compiled in the Java image.
    runner_image("java");
    let repo = Repo::new();
    vendor_maven_jar(
        repo.path(),
        ("com.example.text", "shout", "1.0"),
        "com/example/text/Shout.java",
        SHOUT,
    );
    repo.write("pom.xml", &maven_pom(&nonce()))
        .write(CALC, CALC_BASE)
        .commit("base");
    repo.write(CALC, CALC_HEAD)
        .commit("shout, and list the interfaces");

    let first = run_last_commit(&repo, OFFLINE);
    let entry = cache_entry(&repo, Runner::Java);
    let mut volumes = cleanup(&entry);
    volumes.0.extend(volumes_named_in(&first));
    let java = runner_result(first.results(), Runner::Java);
    assert_eq!(
        java.outcome,
        SandboxOutcome::Completed { exit_code: 0 },
        "{}\n{}",
        first.stderr,
        java.logs.stderr
    );
    assert!(
        !java.problems.iter().any(|p| matches!(
            p.kind,
            ProblemKind::Dependencies | ProblemKind::SyntaxError | ProblemKind::Tool
        )),
        "the vendored artifact resolves and Maven builds the project: {:#?}\n{:#?}",
        java.problems,
        java.notes
    );
    assert!(
        java.notes
            .iter()
            .any(|n| n.contains("head tree was built by Maven, offline")),
        "{:#?}",
        java.notes
    );
    // The pom's release 17 picks JDK 17's image, whose Maven (trixie's 3.9) fills and reads the cache.
    assert!(
        java.image.starts_with("ato-runner-java17:"),
        "{}",
        java.image
    );
    let (base, head) = change_of(java, "Calc.greet");
    assert!(
        base.contains("hello ") && head.contains("HELLO ") && head.ends_with("!\""),
        "base {base}, head {head}"
    );
    let (_, interfaces) = change_of(java, "Calc.interfaces");
    assert_eq!(interfaces, "\"lo\"", "the test container has no network");
    let (what, fill_ms) = deps_phase(&first, "java");
    assert_eq!(what, "installed");

    let second = run_last_commit(&repo, OFFLINE);
    volumes.0.extend(volumes_named_in(&second));
    let java = runner_result(second.results(), Runner::Java);
    assert!(
        java.notes.iter().any(|n| n.contains("reused the cache")),
        "{:#?}",
        java.notes
    );
    assert_eq!(change_of(java, "Calc.greet").1, head, "the same build");
    let (what, hit_ms) = deps_phase(&second, "java");
    assert_eq!(what, "cache hit");
    eprintln!("java dependency phase: fill {fill_ms} ms, cache hit {hit_ms} ms");
    assert!(hit_ms * 10 <= fill_ms.max(1), "{hit_ms} ms vs {fill_ms} ms");
    for run in [&first, &second] {
        assert!(
            ato_containers(Some(&run.results().run_id)).is_empty(),
            "no container left"
        );
    }
}

#[test]
fn java_maven_dependency_from_the_configured_mirror_through_the_proxy() {
    require_docker();
    runner_image("java");
    // The artifact is compiled in the Java image, then served by the test as a Maven repository.
    let served = tempfile::tempdir().unwrap();
    vendor_maven_jar(
        served.path(),
        ("com.example.text", "shout", "1.0"),
        "com/example/text/Shout.java",
        SHOUT,
    );
    let folder = "com/example/text/shout/1.0";
    let file =
        |name: &str| std::fs::read(served.path().join("repo").join(folder).join(name)).unwrap();
    let server = HttpServer::start(vec![
        (
            format!("/maven2/{folder}/shout-1.0.pom"),
            "text/xml",
            file("shout-1.0.pom"),
        ),
        (
            format!("/maven2/{folder}/shout-1.0.jar"),
            "application/java-archive",
            file("shout-1.0.jar"),
        ),
    ]);
    let mirror = format!("http://{}:{}/maven2/", bridge_gateway(), server.port);
    // The pom names no repository: Maven Central, which the mirror stands for.
    let pom = maven_pom(&nonce()).replace(
        "  <repositories>\n    <repository>\n      <id>in-project</id>\n      <url>file://${project.basedir}/repo</url>\n    </repository>\n  </repositories>\n",
        "",
    );
    assert!(!pom.contains("<repositories>"), "{pom}");
    let repo = Repo::new();
    repo.write("pom.xml", &pom)
        .write(CALC, CALC_BASE)
        .commit("base");
    repo.write(CALC, CALC_HEAD).commit("shout");

    let env = [
        ("ATO_DEPS_NETWORK", "registries"),
        ("ATO_MAVEN_MIRROR", mirror.as_str()),
    ];
    let run = run_last_commit(&repo, &env);
    let _volumes = crate::support::deps::RemoveVolumes(volumes_named_in(&run));
    let java = runner_result(run.results(), Runner::Java);
    assert!(
        !java
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::Dependencies | ProblemKind::SyntaxError)),
        "the artifact came from the mirror: {:#?}\n{:#?}\n{}",
        java.problems,
        java.notes,
        run.stderr
    );
    let (base, head) = change_of(java, "Calc.greet");
    assert!(
        base.contains("hello ") && head.contains("HELLO "),
        "base {base}, head {head}"
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.starts_with(&format!("GET /maven2/{folder}/shout-1.0.jar"))),
        "Maven fetched the jar from the mirror: {:?}",
        server.requests()
    );
    assert_eq!(deps_phase(&run, "java").0, "installed");
    assert_nothing_left(&run);
}
