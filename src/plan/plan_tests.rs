//! Tests of [`super::plan`] on diffs and file contents given as strings.

use std::collections::HashMap;

use super::*;
use crate::model::{Language, SymbolKind};

struct Files(HashMap<&'static str, &'static str>);

impl Files {
    fn get(&self, path: &str) -> Option<String> {
        self.0.get(path).map(|s| s.to_string())
    }
}

fn run(
    diff: &str,
    head: &[(&'static str, &'static str)],
    base: &[(&'static str, &'static str)],
) -> Plan {
    run_with(diff, head, base, &PlanConfig::default())
}

fn run_with(
    diff: &str,
    head: &[(&'static str, &'static str)],
    base: &[(&'static str, &'static str)],
    config: &PlanConfig,
) -> Plan {
    let head = Files(head.iter().copied().collect());
    let base = Files(base.iter().copied().collect());
    plan(diff, &|p| head.get(p), &|p| base.get(p), config).expect("valid config")
}

fn reasons(plan: &Plan) -> Vec<(&str, &str)> {
    plan.skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect()
}

const CALC_BASE: &str = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n";
const CALC_HEAD: &str = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return b - a\n\n\ndef mul(a, b):\n    return a * b\n";
const CALC_DIFF: &str = "diff --git a/pkg/calc.py b/pkg/calc.py\nindex 1..2 100644\n--- a/pkg/calc.py\n+++ b/pkg/calc.py\n\
@@ -6 +6,5 @@ def sub(a, b):\n-    return a - b\n+    return b - a\n+\n+\n+def mul(a, b):\n+    return a * b\n";

#[test]
fn a_modified_python_file_with_changed_and_new_functions() {
    let plan = run(
        CALC_DIFF,
        &[("pkg/calc.py", CALC_HEAD)],
        &[("pkg/calc.py", CALC_BASE)],
    );
    assert!(plan.skipped.is_empty());
    assert_eq!(plan.targets.len(), 1);
    let target = &plan.targets[0];
    assert_eq!(target.path, "pkg/calc.py");
    assert_eq!(target.language, Language::Python);
    assert_eq!(target.changed_lines, vec![6, 7, 8, 9, 10]);
    let symbols: Vec<(&str, SymbolKind, u32, u32, bool)> = target
        .symbols
        .iter()
        .map(|s| (s.name.as_str(), s.kind, s.start_line, s.end_line, s.is_new))
        .collect();
    assert_eq!(
        symbols,
        vec![
            ("sub", SymbolKind::Function, 5, 6, false),
            ("mul", SymbolKind::Function, 9, 10, true),
        ]
    );
}

#[test]
fn every_kind_of_skip_has_its_reason() {
    let diff = "\
diff --git a/gone.py b/gone.py\ndeleted file mode 100644\nindex 1..0\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n\
diff --git a/img.py b/img.py\nindex 1..2 100644\nBinary files a/img.py and b/img.py differ\n\
diff --git a/README.md b/README.md\nindex 1..2 100644\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-a\n+b\n\
diff --git a/tests/test_calc.py b/tests/test_calc.py\nindex 1..2 100644\n--- a/tests/test_calc.py\n+++ b/tests/test_calc.py\n@@ -1 +1 @@\n-a\n+b\n\
diff --git a/vendor/lib.py b/vendor/lib.py\nindex 1..2 100644\n--- a/vendor/lib.py\n+++ b/vendor/lib.py\n@@ -1 +1 @@\n-a\n+b\n\
diff --git a/api/x_pb2.py b/api/x_pb2.py\nindex 1..2 100644\n--- a/api/x_pb2.py\n+++ b/api/x_pb2.py\n@@ -1 +1 @@\n-a\n+b\n\
diff --git a/gen.py b/gen.py\nindex 1..2 100644\n--- a/gen.py\n+++ b/gen.py\n@@ -2 +2 @@\n-a\n+b\n\
diff --git a/link.py b/link.py\nnew file mode 120000\nindex 0..1\n--- /dev/null\n+++ b/link.py\n@@ -0,0 +1 @@\n+gen.py\n\
diff --git a/run.py b/run.py\nold mode 100644\nnew mode 100755\n\
diff --git a/missing.py b/missing.py\nindex 1..2 100644\n--- a/missing.py\n+++ b/missing.py\n@@ -1 +1 @@\n-a\n+b\n";
    let plan = run(diff, &[("gen.py", "# @generated\nx = 1\n")], &[]);
    assert!(plan.targets.is_empty(), "{:?}", plan.targets);
    assert_eq!(
        reasons(&plan),
        vec![
            ("README.md", "unsupported language"),
            ("api/x_pb2.py", "generated code"),
            ("gen.py", "generated code (marked '@generated')"),
            ("gone.py", "deleted"),
            ("img.py", "binary file"),
            ("link.py", "symbolic link"),
            ("missing.py", "could not be read at head"),
            ("run.py", "no content change"),
            ("tests/test_calc.py", "test file"),
            ("vendor/lib.py", "vendored code"),
        ]
    );
}

#[test]
fn a_file_without_changed_public_symbols_is_still_a_target() {
    let base = "import os\n\n\ndef _helper():\n    return 1\n";
    let head = "import os\nimport sys\n\n\ndef _helper():\n    return 1\n";
    let diff = "diff --git a/m.py b/m.py\nindex 1..2 100644\n--- a/m.py\n+++ b/m.py\n@@ -1,0 +2 @@\n+import sys\n";
    let plan = run(diff, &[("m.py", head)], &[("m.py", base)]);
    assert_eq!(plan.targets.len(), 1);
    assert_eq!(plan.targets[0].changed_lines, vec![2]);
    assert!(plan.targets[0].symbols.is_empty());
}

#[test]
fn a_renamed_file_reads_its_base_under_the_old_name() {
    let diff = "diff --git a/old/calc.py b/new/calc.py\nsimilarity index 90%\nrename from old/calc.py\nrename to new/calc.py\n\
index 1..2 100644\n--- a/old/calc.py\n+++ b/new/calc.py\n@@ -6 +6,5 @@\n-    return a - b\n+    return b - a\n+\n+\n+def mul(a, b):\n+    return a * b\n";
    let plan = run(
        diff,
        &[("new/calc.py", CALC_HEAD)],
        &[("old/calc.py", CALC_BASE)],
    );
    let names: Vec<(&str, bool)> = plan.targets[0]
        .symbols
        .iter()
        .map(|s| (s.name.as_str(), s.is_new))
        .collect();
    assert_eq!(names, vec![("sub", false), ("mul", true)]);
    assert_eq!(plan.targets[0].path, "new/calc.py");
}

#[test]
fn a_pure_rename_is_a_target_without_symbols() {
    let diff =
        "diff --git a/a.py b/b.py\nsimilarity index 100%\nrename from a.py\nrename to b.py\n";
    let plan = run(diff, &[("b.py", CALC_BASE)], &[("a.py", CALC_BASE)]);
    assert_eq!(plan.targets.len(), 1);
    assert!(plan.targets[0].symbols.is_empty());
    assert!(plan.targets[0].changed_lines.is_empty());
}

#[test]
fn config_filters_apply() {
    let diff = format!(
        "{CALC_DIFF}diff --git a/web/app.ts b/web/app.ts\nindex 1..2 100644\n--- a/web/app.ts\n+++ b/web/app.ts\n@@ -1 +1 @@\n-a\n+b\n"
    );
    let config = PlanConfig {
        include: vec![],
        exclude: vec!["pkg/".into()],
        languages: Some(vec![Language::Python]),
    };
    let plan = run_with(
        &diff,
        &[("pkg/calc.py", CALC_HEAD), ("web/app.ts", "x\n")],
        &[],
        &config,
    );
    assert!(plan.targets.is_empty());
    assert_eq!(
        reasons(&plan),
        vec![
            ("pkg/calc.py", "excluded by .github/ato.yml"),
            ("web/app.ts", "TypeScript is not enabled in .github/ato.yml"),
        ]
    );
}

#[test]
fn an_invalid_glob_is_an_error() {
    let config = PlanConfig {
        include: vec!["{".into()],
        ..PlanConfig::default()
    };
    let err = plan("", &|_| None, &|_| None, &config).unwrap_err();
    assert!(
        matches!(
            err,
            PlanError::InvalidGlob {
                list: "include",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn an_empty_diff_plans_nothing() {
    assert_eq!(run("", &[], &[]), Plan::default());
}

#[test]
fn typescript_and_java_files_are_planned_with_their_outlines() {
    const TS_BASE: &str = "export class Cart {\n  total(): number {\n    return 0;\n  }\n}\n";
    const TS_HEAD: &str = "export class Cart {\n  total(): number {\n    return 1;\n  }\n}\n";
    const JAVA_BASE: &str = "public class Calc {\n    public int add(int a, int b) {\n        return a + b;\n    }\n}\n";
    const JAVA_HEAD: &str = "public class Calc {\n    public int add(int a, int b) {\n        return a + b;\n    }\n    public int neg(int a) {\n        return -a;\n    }\n}\n";
    let diff = "diff --git a/web/cart.ts b/web/cart.ts\nindex 1..2 100644\n--- a/web/cart.ts\n+++ b/web/cart.ts\n\
@@ -3 +3 @@\n-    return 0;\n+    return 1;\n\
diff --git a/src/main/java/Calc.java b/src/main/java/Calc.java\nindex 1..2 100644\n--- a/src/main/java/Calc.java\n+++ b/src/main/java/Calc.java\n\
@@ -4,0 +5,3 @@\n+    public int neg(int a) {\n+        return -a;\n+    }\n";
    let plan = run(
        diff,
        &[
            ("web/cart.ts", TS_HEAD),
            ("src/main/java/Calc.java", JAVA_HEAD),
        ],
        &[
            ("web/cart.ts", TS_BASE),
            ("src/main/java/Calc.java", JAVA_BASE),
        ],
    );
    type Row<'a> = (&'a str, Language, Vec<(&'a str, bool)>);
    let got: Vec<Row> = plan
        .targets
        .iter()
        .map(|t| {
            let symbols = t
                .symbols
                .iter()
                .map(|s| (s.name.as_str(), s.is_new))
                .collect();
            (t.path.as_str(), t.language, symbols)
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "src/main/java/Calc.java",
                Language::Java,
                vec![("Calc.neg", true)]
            ),
            (
                "web/cart.ts",
                Language::TypeScript,
                vec![("Cart.total", false)]
            ),
        ]
    );
}
