//! Tests of the unified-diff parser, on diffs as git prints them.

use super::diff::*;

fn one(text: &str) -> FileDiff {
    let files = parse_diff(text);
    assert_eq!(files.len(), 1, "{files:#?}");
    files.into_iter().next().unwrap()
}

#[test]
fn modified_file_with_added_and_changed_lines() {
    let f = one("diff --git a/pkg/calc.py b/pkg/calc.py\n\
index 422c2b7..de98044 100644\n\
--- a/pkg/calc.py\n\
+++ b/pkg/calc.py\n\
@@ -2,0 +3 @@ def add(a, b):\n\
+    c = 1\n\
@@ -10,2 +11,3 @@ class Stack:\n\
-        x\n\
-        y\n\
+        a\n\
+        b\n\
+        c\n");
    assert_eq!(f.status, FileStatus::Modified);
    assert_eq!(f.old_path.as_deref(), Some("pkg/calc.py"));
    assert_eq!(f.new_path.as_deref(), Some("pkg/calc.py"));
    assert_eq!(f.added_lines, vec![3, 11, 12, 13]);
    assert_eq!(f.removed_lines, vec![10, 11]);
    assert!(f.deletions.is_empty());
}

#[test]
fn pure_deletion_records_its_position_on_the_new_side() {
    let f = one(
        "diff --git a/m.py b/m.py\nindex 1..2 100644\n--- a/m.py\n+++ b/m.py\n\
@@ -5,2 +4,0 @@ def f():\n-    a\n-    b\n@@ -1 +0,0 @@\n-import os\n",
    );
    assert!(f.added_lines.is_empty());
    assert_eq!(f.removed_lines, vec![1, 5, 6]);
    assert_eq!(f.deletions, vec![0, 4]);
}

#[test]
fn added_file() {
    let f = one(
        "diff --git a/u.py b/u.py\nnew file mode 100644\nindex 0000000..3e75765\n\
--- /dev/null\n+++ b/u.py\n@@ -0,0 +1,2 @@\n+a\n+b\n",
    );
    assert_eq!(f.status, FileStatus::Added);
    assert_eq!(f.old_path, None);
    assert_eq!(f.path(), "u.py");
    assert_eq!(f.added_lines, vec![1, 2]);
}

#[test]
fn deleted_file() {
    let f = one(
        "diff --git a/old.py b/old.py\ndeleted file mode 100644\nindex 3e75765..0000000\n\
--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n",
    );
    assert_eq!(f.status, FileStatus::Deleted);
    assert_eq!(f.new_path, None);
    assert_eq!(f.path(), "old.py");
}

#[test]
fn empty_added_file_has_its_path_from_the_header() {
    let f = one(
        "diff --git a/pkg/__init__.py b/pkg/__init__.py\nnew file mode 100644\nindex 0000000..e69de29\n",
    );
    assert_eq!(f.status, FileStatus::Added);
    assert_eq!(f.path(), "pkg/__init__.py");
    assert!(f.added_lines.is_empty());
}

#[test]
fn pure_rename() {
    let f =
        one("diff --git a/f.py b/g.py\nsimilarity index 100%\nrename from f.py\nrename to g.py\n");
    assert_eq!(f.status, FileStatus::Renamed);
    assert_eq!(f.old_path.as_deref(), Some("f.py"));
    assert_eq!(f.new_path.as_deref(), Some("g.py"));
}

#[test]
fn rename_with_changes() {
    let f = one(
        "diff --git a/a/x.py b/b/y.py\nsimilarity index 80%\nrename from a/x.py\nrename to b/y.py\n\
index 1..2 100644\n--- a/a/x.py\n+++ b/b/y.py\n@@ -3 +3 @@\n-old\n+new\n",
    );
    assert_eq!(f.status, FileStatus::Renamed);
    assert_eq!(f.old_path.as_deref(), Some("a/x.py"));
    assert_eq!(f.new_path.as_deref(), Some("b/y.py"));
    assert_eq!(f.added_lines, vec![3]);
}

#[test]
fn binary_file() {
    let f = one(
        "diff --git a/bin.py b/bin.py\nnew file mode 100644\nindex 0000000..bdc955b\n\
Binary files /dev/null and b/bin.py differ\n",
    );
    assert!(f.binary);
    assert_eq!(f.status, FileStatus::Added);
}

#[test]
fn symlink_and_submodule_modes() {
    let files = parse_diff(
        "diff --git a/l.py b/l.py\nnew file mode 120000\nindex 0000000..ac38759\n\
--- /dev/null\n+++ b/l.py\n@@ -0,0 +1 @@\n+f.py\n\\ No newline at end of file\n\
diff --git a/sub b/sub\nindex 1111111..2222222 160000\n--- a/sub\n+++ b/sub\n@@ -1 +1 @@\n\
-Subproject commit 1111111\n+Subproject commit 2222222\n",
    );
    assert_eq!(files.len(), 2);
    assert!(files[0].symlink && !files[0].submodule);
    assert_eq!(files[0].added_lines, vec![1]);
    assert!(files[1].submodule);
}

#[test]
fn no_newline_markers_do_not_count_as_lines() {
    let f = one(
        "diff --git a/n.py b/n.py\nindex 1..2 100644\n--- a/n.py\n+++ b/n.py\n\
@@ -1 +1,2 @@\n-x\n\\ No newline at end of file\n+x\n+y\n",
    );
    assert_eq!(f.removed_lines, vec![1]);
    assert_eq!(f.added_lines, vec![1, 2]);
}

#[test]
fn crlf_lines_are_read() {
    let f = one(
        "diff --git a/w.py b/w.py\r\nindex 1..2 100644\r\n--- a/w.py\r\n+++ b/w.py\r\n\
@@ -1,0 +2,2 @@\r\n+a\r\n+b\r\n",
    );
    assert_eq!(f.path(), "w.py");
    assert_eq!(f.added_lines, vec![2, 3]);
}

#[test]
fn hunk_content_that_looks_like_headers_is_content() {
    let files = parse_diff(
        "diff --git a/s.py b/s.py\nindex 1..2 100644\n--- a/s.py\n+++ b/s.py\n\
@@ -1,2 +1,2 @@\n--- not a header\n-diff --git a/x b/x\n++++ also content\n+@@ -1 +1 @@\n\
diff --git a/t.py b/t.py\nindex 1..2 100644\n--- a/t.py\n+++ b/t.py\n@@ -0,0 +1 @@\n+z\n",
    );
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].removed_lines, vec![1, 2]);
    assert_eq!(files[0].added_lines, vec![1, 2]);
    assert_eq!(files[1].path(), "t.py");
    assert_eq!(files[1].added_lines, vec![1]);
}

#[test]
fn paths_with_spaces_and_quotes() {
    let files = parse_diff(
        "diff --git a/my dir/a b.py b/my dir/a b.py\nnew file mode 100644\n\
index 0..1\n--- /dev/null\n+++ b/my dir/a b.py\t\n@@ -0,0 +1 @@\n+x\n\
diff --git \"a/tab\\there.py\" \"b/tab\\there.py\"\nnew file mode 100644\nindex 0000000..e69de29\n\
diff --git \"a/caf\\303\\251.py\" \"b/caf\\303\\251.py\"\nnew file mode 100644\nindex 0000000..e69de29\n",
    );
    let paths: Vec<&str> = files.iter().map(|f| f.path()).collect();
    assert_eq!(paths, vec!["my dir/a b.py", "tab\there.py", "café.py"]);
}

#[test]
fn mode_change_only_has_no_lines() {
    let f = one("diff --git a/run.py b/run.py\nold mode 100644\nnew mode 100755\n");
    assert_eq!(f.status, FileStatus::Modified);
    assert!(f.added_lines.is_empty() && f.removed_lines.is_empty());
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "diff --git ",
        "diff --git a\n@@ -x +y @@\n+a",
        "diff --git a/x b/x\n@@ -1,99999999999 +1 @@\n",
        "diff --git \"a/\\",
        "diff --git \"a/\\3",
        "@@ -1 +1 @@\n+a\n",
        "diff --git a/é b/é\n@@ -1 +1,3 @@\n+a\n",
    ] {
        let _ = parse_diff(text);
    }
}

#[test]
fn truncated_hunk_stops_cleanly() {
    let f = one(
        "diff --git a/x.py b/x.py\nindex 1..2 100644\n--- a/x.py\n+++ b/x.py\n@@ -1 +1,3 @@\n+a\n",
    );
    assert_eq!(f.added_lines, vec![1]);
}
