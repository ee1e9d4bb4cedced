//! `ato run` end to end on Java pull requests: real git repositories, the real binary, real containers of the
//! Java runner (JDK, JUnit 5, JaCoCo, FindBugs).

use ato::model::{
    Observation, ProblemKind, RunnerResult, SandboxOutcome, TestKind, TestStatus, Verdict,
};

use crate::support::ato_run::{AtoRun, ato_run};
use crate::support::docker::{ato_containers, require_docker};
use crate::support::git_repo::Repo;

const CALC: &str = "src/main/java/com/example/Calc.java";

/// `Calc.java` with `body` inside the class.
fn calc(body: &str) -> String {
    format!("package com.example;\n\npublic class Calc {{\n{body}}}\n")
}

const CLAMP_AND_DIVIDE_BASE: &str = "    public static int clamp(int x) {
        return Math.max(0, x);
    }

    public static int divide(int a, int b) {
        return a / b;
    }
";

const CLAMP_AND_DIVIDE_HEAD: &str = "    public static int clamp(int x) {
        return Math.max(0, Math.min(x, 100));
    }

    public static int divide(int a, int b) {
        return b == 0 ? 0 : a / b;
    }
";

/// Runs `ato run` on the last commit of `repo` and returns the run and its single (Java) runner.
fn run_head(repo: &Repo) -> (AtoRun, RunnerResult) {
    let run = ato_run(repo.path(), &["--base", "HEAD~1", "--head", "HEAD"], &[]);
    assert_ne!(run.exit_code, 2, "ato said:\n{}", run.stderr);
    let results = run.results();
    assert_eq!(results.runners.len(), 1, "one runner: {results:#?}");
    let java = results.runners[0].clone();
    assert_eq!(
        java.outcome,
        SandboxOutcome::Completed { exit_code: 0 },
        "the runner completed; stderr:\n{}",
        java.logs.stderr
    );
    assert!(
        ato_containers(Some(&results.run_id)).is_empty(),
        "no container of this run is left"
    );
    (run, java)
}

#[test]
fn changed_results_and_exceptions_are_behaviour_changes_with_the_call_and_both_observations() {
    require_docker();
    let repo = Repo::new();
    repo.write(CALC, &calc(CLAMP_AND_DIVIDE_BASE))
        .commit("base");
    repo.write(CALC, &calc(CLAMP_AND_DIVIDE_HEAD))
        .commit("cap at 100, no division by zero");

    let (run, java) = run_head(&repo);
    assert_eq!(
        run.exit_code, 1,
        "a behaviour change fails the run; ato said:\n{}",
        run.stderr
    );
    assert_eq!(run.results().verdict, Verdict::Failure);

    let clamp = java
        .behaviour_changes
        .iter()
        .find(|c| c.symbol == "Calc.clamp")
        .unwrap_or_else(|| panic!("a behaviour change of clamp: {:#?}", java.behaviour_changes));
    assert_eq!(clamp.file, CALC);
    assert!(clamp.input.starts_with("Calc.clamp("), "{clamp:?}");
    let (Observation::Returned { value: base }, Observation::Returned { value: head }) =
        (&clamp.base, &clamp.head)
    else {
        panic!("both sides return: {clamp:?}");
    };
    let argument: i64 = clamp.input["Calc.clamp(".len()..clamp.input.len() - 1]
        .parse()
        .expect("an int argument");
    assert!(argument > 100, "only inputs above 100 changed: {clamp:?}");
    assert_eq!(base, &argument.to_string(), "base returned its input");
    assert_eq!(head, "100");

    let divide = java
        .behaviour_changes
        .iter()
        .find(|c| c.symbol == "Calc.divide")
        .unwrap_or_else(|| {
            panic!(
                "a behaviour change of divide: {:#?}",
                java.behaviour_changes
            )
        });
    assert!(
        divide.input.ends_with(", 0)"),
        "divided by zero: {divide:?}"
    );
    assert_eq!(
        divide.base,
        Observation::Raised {
            error: "java.lang.ArithmeticException".into(),
            message: "/ by zero".into()
        }
    );
    assert_eq!(divide.head, Observation::Returned { value: "0".into() });
    let report = run.read("report.md");
    assert!(report.contains("Calc.clamp("), "the report shows the input");
}

#[test]
fn a_new_method_gets_regression_tests_that_run_pass_every_time_and_cover_it() {
    require_docker();
    let repo = Repo::new();
    let base = "    public static int add(int a, int b) {\n        return a + b;\n    }\n";
    repo.write(CALC, &calc(base)).commit("base");
    let mul = "\n    public static long mul(int a, int b) {\n        return (long) a * b;\n    }\n";
    repo.write(CALC, &calc(&format!("{base}{mul}")))
        .commit("add mul");

    let (run, java) = run_head(&repo);
    assert_eq!(run.exit_code, 0, "ato said:\n{}", run.stderr);
    assert_eq!(
        run.results().verdict,
        Verdict::Success,
        "{}",
        run.results().summary
    );
    let regressions: Vec<_> = java
        .tests
        .iter()
        .filter(|t| t.kind == TestKind::Regression)
        .collect();
    assert!(
        regressions.len() >= 3,
        "several recorded calls of mul: {:#?}",
        java.tests
    );
    for test in &regressions {
        assert!(
            test.target.as_deref() == Some(&format!("{CALC}::Calc.mul") as &str),
            "{test:?}"
        );
        assert_eq!(test.status, TestStatus::Passed, "{test:#?}");
        assert_eq!(test.runs.len(), 3, "three runs by default: {test:?}");
    }
    assert!(
        java.tests
            .iter()
            .any(|t| t.kind == TestKind::Smoke && t.status == TestStatus::Passed),
        "smoke tests ran too: {:#?}",
        java.tests
    );
    assert!(
        java.tests.iter().all(|t| t.status == TestStatus::Passed),
        "{:#?}",
        java.tests
    );

    let coverage = java
        .coverage
        .iter()
        .find(|c| c.path == CALC)
        .unwrap_or_else(|| panic!("coverage of Calc.java: {:#?}", java.coverage));
    assert!(
        coverage.covered.contains(&9),
        "the body of mul ran: {coverage:?}"
    );
    assert!(
        coverage.missed.is_empty(),
        "every changed line ran: {coverage:?}"
    );

    let generated = &java.generated_files[0];
    assert_eq!(
        generated.repo_path,
        "src/test/java/com/example/AtoCalcTest.java"
    );
    assert!(generated.in_patch, "{generated:?}");
    let patch = run.read("ato-tests.patch");
    assert!(
        patch.contains("+++ b/src/test/java/com/example/AtoCalcTest.java"),
        "{patch}"
    );
    assert!(patch.contains("Calc.mul("), "the patch pins calls of mul");
}

#[test]
fn a_findbugs_finding_on_a_changed_line_is_reported_and_an_old_one_is_not_annotated() {
    require_docker();
    let repo = Repo::new();
    let base = "    public static boolean isYes(String s) {\n        return s == \"yes\";\n    }\n";
    repo.write(CALC, &calc(base)).commit("base");
    let added = "\n    public static double ratio(int a, int b) {\n        return a / b;\n    }\n";
    repo.write(CALC, &calc(&format!("{base}{added}")))
        .commit("add ratio");

    let (_run, java) = run_head(&repo);
    let findbugs: Vec<_> = java
        .findings
        .iter()
        .filter(|f| f.tool == "findbugs")
        .collect();
    let ratio = findbugs
        .iter()
        .find(|f| f.rule == "ICAST_IDIV_CAST_TO_DOUBLE")
        .unwrap_or_else(|| panic!("integer division cast to double is found: {findbugs:#?}"));
    assert_eq!(ratio.path, CALC);
    assert_eq!(ratio.line, 9);
    assert!(ratio.on_changed_line, "{ratio:?}");
    let old = findbugs
        .iter()
        .find(|f| f.rule == "ES_COMPARING_PARAMETER_STRING_WITH_EQ")
        .unwrap_or_else(|| panic!("the old == on strings is found too: {findbugs:#?}"));
    assert_eq!(old.line, 5);
    assert!(!old.on_changed_line, "line 5 did not change: {old:?}");
    assert!(
        java.notes.iter().any(|n| n.contains("FindBugs")),
        "the report says FindBugs stands in for SpotBugs: {:?}",
        java.notes
    );
}

#[test]
fn a_compile_error_is_a_syntax_error_problem_with_file_and_line_not_a_crash() {
    require_docker();
    let repo = Repo::new();
    let base = "    public static int twice(int x) {\n        return x * 2;\n    }\n";
    repo.write(CALC, &calc(base)).commit("base");
    let broken = "    public static int twice(int x) {\n        return x * 2\n    }\n";
    repo.write(CALC, &calc(broken)).commit("broken");

    let (run, java) = run_head(&repo);
    let problem = java
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::SyntaxError)
        .unwrap_or_else(|| panic!("a syntax error problem: {:#?}", java.problems));
    assert_eq!(problem.path.as_deref(), Some(CALC));
    assert_eq!(problem.line, Some(5));
    assert!(problem.message.contains("';' expected"), "{problem:?}");
    assert!(java.tests.is_empty(), "nothing ran: {:#?}", java.tests);
    // Base compiles: the change broke it, and the run fails for it.
    assert_eq!(problem.same_on_base, Some(false), "{problem:?}");
    assert_eq!(run.exit_code, 1, "{}", run.stderr);
}

#[test]
fn a_maven_dependency_that_cannot_be_resolved_is_named_and_the_sources_compiled_with_javac() {
    require_docker();
    let repo = Repo::new();
    let pom = "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n  \
        <groupId>com.example</groupId><artifactId>calc</artifactId><version>1</version>\n  \
        <properties><guava.version>33.0-jre</guava.version></properties>\n  <dependencies>\n    \
        <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId>\
        <version>${guava.version}</version></dependency>\n    \
        <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>\
        <version>5.10.0</version><scope>test</scope></dependency>\n  </dependencies>\n</project>\n";
    repo.write("pom.xml", pom)
        .write(
            CALC,
            &calc("    public static int one() {\n        return 1;\n    }\n"),
        )
        .commit("base");
    let uses_guava = "import com.google.common.base.Strings;\n\n";
    let head = calc("    public static String pad(String s) {\n        return Strings.padStart(s, 3, '0');\n    }\n")
        .replacen("\npublic class", &format!("\n{uses_guava}public class"), 1);
    repo.write(CALC, &head).commit("pad with guava");

    let (_run, java) = run_head(&repo);
    let dependencies = java
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::Dependencies && p.path.as_deref() == Some("pom.xml"))
        .unwrap_or_else(|| panic!("a dependencies problem of pom.xml: {:#?}", java.problems));
    assert!(
        dependencies
            .message
            .contains("`com.google.guava:guava:33.0-jre`"),
        "the dependency phase names the artifact Maven could not resolve, its version resolved: \
         {dependencies:?}"
    );
    // By default only Maven Central is reachable, through the allow-list proxy; where it cannot be reached
    // (as on a machine without it), that is the cause said.
    assert!(
        dependencies.message.contains("could not be reached")
            || dependencies.message.contains("ATO_DEPS_NETWORK"),
        "and says why: {dependencies:?}"
    );
    assert!(
        java.notes.iter().any(
            |n| n.contains("compiled with javac without them: com.google.guava:guava:33.0-jre")
        ),
        "the test phase says how it compiled instead: {:#?}",
        java.notes
    );
    assert!(
        java.problems
            .iter()
            .any(|p| p.kind == ProblemKind::Dependencies && p.path.as_deref() == Some(CALC)),
        "the compile errors it causes are dependency problems at their lines: {:#?}",
        java.problems
    );
}

#[test]
fn hostile_methods_become_problems_and_notes_while_the_runner_completes() {
    require_docker();
    let repo = Repo::new();
    repo.write(
        CALC,
        &calc("    public static int one() {\n        return 1;\n    }\n"),
    )
    .commit("base");
    let hostile = "    public static int one() {
        return 1;
    }

    public static int spin(int n) {
        while (n > 5) {
            n = n + 1 - 1;
        }
        return n;
    }

    public static void quit(int n) {
        if (n == 2) {
            System.exit(3);
        }
    }

    public static long[] hog(int n) {
        return new long[Integer.MAX_VALUE - 8];
    }

    public static int twice(int x) {
        return 2 * x;
    }
";
    repo.write(CALC, &calc(hostile)).commit("hostile methods");

    let (run, java) = run_head(&repo);
    assert_ne!(run.exit_code, 2, "{}", run.stderr);
    let timeout = java
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::Timeout)
        .unwrap_or_else(|| {
            panic!(
                "the endless loop is a timeout problem: {:#?}",
                java.problems
            )
        });
    assert_eq!(timeout.path.as_deref(), Some(CALC));
    assert!(timeout.message.contains("Calc.spin("), "{timeout:?}");
    assert!(
        java.notes
            .iter()
            .any(|n| n.contains("Calc.quit(2)") && n.contains("ended the JVM")),
        "System.exit is noted with its input: {:?}",
        java.notes
    );
    let twice: Vec<_> = java
        .tests
        .iter()
        .filter(|t| {
            t.kind == TestKind::Regression
                && t.target
                    .as_deref()
                    .is_some_and(|s| s.ends_with("Calc.twice"))
        })
        .collect();
    assert!(
        !twice.is_empty(),
        "the harmless method still gets tests: {:#?}",
        java.tests
    );
    assert!(
        twice.iter().all(|t| t.status == TestStatus::Passed),
        "{twice:#?}"
    );
    assert!(
        !java.tests.iter().any(
            |t| t.target.as_deref().is_some_and(|s| s.ends_with("Calc.hog"))
                && t.kind == TestKind::Regression
        ),
        "an out-of-memory error is the sandbox's limit, never pinned: {:#?}",
        java.tests
    );
}
