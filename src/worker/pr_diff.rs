//! A git-style unified diff assembled from `GET /pulls/{n}/files`, so the planner reads a pull request's
//! change exactly as it reads a local one.

use crate::github::PrFile;

/// The whole diff. Files whose patch GitHub left out (binary or very large) appear as binary changes, which
/// the planner skips with a reason.
pub fn assemble(files: &[PrFile]) -> String {
    let mut out = String::new();
    for file in files {
        let old = file.previous_filename.as_deref().unwrap_or(&file.filename);
        let new = &file.filename;
        out.push_str(&format!("diff --git a/{old} b/{new}\n"));
        let (from, to) = match file.status.as_str() {
            "added" => {
                out.push_str("new file mode 100644\n");
                ("/dev/null".to_string(), format!("b/{new}"))
            }
            "removed" => {
                out.push_str("deleted file mode 100644\n");
                (format!("a/{old}"), "/dev/null".to_string())
            }
            "renamed" => {
                out.push_str(&format!("rename from {old}\nrename to {new}\n"));
                (format!("a/{old}"), format!("b/{new}"))
            }
            _ => (format!("a/{old}"), format!("b/{new}")),
        };
        match file.patch.as_deref() {
            Some(patch) if !patch.is_empty() => {
                out.push_str(&format!("--- {from}\n+++ {to}\n"));
                out.push_str(patch);
                if !patch.ends_with('\n') {
                    out.push('\n');
                }
            }
            // A pure rename has no hunks; anything else without a patch is binary or too large to show.
            _ if file.status == "renamed" && file.additions == 0 && file.deletions == 0 => {}
            _ => out.push_str(&format!("Binary files {from} and {to} differ\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{PlanConfig, plan};

    fn file(name: &str, status: &str, patch: Option<&str>) -> PrFile {
        PrFile {
            filename: name.into(),
            status: status.into(),
            previous_filename: None,
            additions: 1,
            deletions: 0,
            patch: patch.map(str::to_string),
        }
    }

    #[test]
    fn a_modified_file_becomes_a_hunk_the_planner_reads() {
        let files = [file(
            "calc.py",
            "modified",
            Some(
                "@@ -1,2 +1,5 @@\n def add(a, b):\n     return a + b\n+\n+def mul(a, b):\n+    return a * b",
            ),
        )];
        let diff = assemble(&files);
        assert!(
            diff.starts_with("diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@")
        );
        let head = "def add(a, b):\n    return a + b\n\ndef mul(a, b):\n    return a * b\n";
        let base = "def add(a, b):\n    return a + b\n";
        let plan = plan(
            &diff,
            &|_| Some(head.to_string()),
            &|_| Some(base.to_string()),
            &PlanConfig::default(),
        )
        .unwrap();
        assert_eq!(plan.targets.len(), 1);
        assert_eq!(plan.targets[0].changed_lines, vec![3, 4, 5]);
        assert_eq!(plan.targets[0].symbols[0].name, "mul");
        assert!(plan.targets[0].symbols[0].is_new);
    }

    #[test]
    fn added_removed_renamed_and_binary_files_keep_their_status() {
        let mut renamed = file("new.py", "renamed", None);
        renamed.previous_filename = Some("old.py".into());
        renamed.additions = 0;
        let files = [
            file("a.py", "added", Some("@@ -0,0 +1 @@\n+x = 1")),
            file("gone.py", "removed", Some("@@ -1 +0,0 @@\n-x = 1")),
            renamed,
            file("logo.png", "added", None),
        ];
        let diff = assemble(&files);
        assert!(diff.contains("new file mode 100644\n--- /dev/null\n+++ b/a.py\n"));
        assert!(diff.contains("deleted file mode 100644\n--- a/gone.py\n+++ /dev/null\n"));
        assert!(
            diff.contains("diff --git a/old.py b/new.py\nrename from old.py\nrename to new.py\n")
        );
        assert!(diff.contains("Binary files /dev/null and b/logo.png differ\n"));
        let plan = plan(
            &diff,
            &|_| Some("x = 1\n".into()),
            &|_| None,
            &PlanConfig::default(),
        )
        .unwrap();
        let skipped: Vec<_> = plan
            .skipped
            .iter()
            .map(|s| (s.path.as_str(), s.reason.as_str()))
            .collect();
        assert!(skipped.contains(&("gone.py", "deleted")), "{skipped:?}");
        assert!(
            skipped.contains(&("logo.png", "binary file")),
            "{skipped:?}"
        );
        assert!(plan.targets.iter().any(|t| t.path == "a.py"));
    }
}
