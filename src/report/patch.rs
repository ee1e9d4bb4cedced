//! The patch of "tests you can add": a git-style patch that creates each generated test file that passed
//! every run, for `git apply` in the reviewer's checkout.

/// A patch creating each `(repo_path, contents)` file. Paths are written the way git writes them (C-quoted
/// when they hold quotes, backslashes, controls or non-ASCII), so an odd name cannot forge a patch line.
pub fn patch(files: &[(String, String)]) -> String {
    let mut out = String::new();
    for (path, contents) in files {
        let a = quote_path(&format!("a/{path}"));
        let b = quote_path(&format!("b/{path}"));
        out.push_str(&format!("diff --git {a} {b}\nnew file mode 100644\n"));
        if contents.is_empty() {
            // git writes no hunk for an empty file, only the blob id of the empty blob.
            out.push_str("index 0000000..e69de29\n");
            continue;
        }
        let ends_with_newline = contents.ends_with('\n');
        let lines: Vec<&str> = contents
            .strip_suffix('\n')
            .unwrap_or(contents)
            .split('\n')
            .collect();
        out.push_str(&format!(
            "--- /dev/null\n+++ {b}\n@@ -0,0 +1,{} @@\n",
            lines.len()
        ));
        for line in &lines {
            out.push('+');
            out.push_str(line);
            out.push('\n');
        }
        if !ends_with_newline {
            out.push_str("\\ No newline at end of file\n");
        }
    }
    out
}

/// Quotes a path as git does (`core.quotePath`): in double quotes with C escapes, non-ASCII bytes in octal.
fn quote_path(path: &str) -> String {
    let needs_quotes = path
        .bytes()
        .any(|b| b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b));
    if !needs_quotes {
        return path.to_string();
    }
    let mut out = String::from("\"");
    for b in path.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_becomes_a_new_file_hunk() {
        let p = patch(&[(
            "tests/ato/test_a.py".into(),
            "import a\n\ndef test():\n    pass\n".into(),
        )]);
        assert_eq!(
            p,
            "diff --git a/tests/ato/test_a.py b/tests/ato/test_a.py\nnew file mode 100644\n--- /dev/null\n\
             +++ b/tests/ato/test_a.py\n@@ -0,0 +1,4 @@\n+import a\n+\n+def test():\n+    pass\n"
        );
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        let p = patch(&[("t.js".into(), "a\nb".into())]);
        assert!(
            p.ends_with("@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file\n"),
            "{p}"
        );
    }

    #[test]
    fn odd_names_are_quoted_like_git() {
        assert_eq!(quote_path("a/tests/x y.py"), "a/tests/x y.py");
        assert_eq!(quote_path("b/é\"\\\n.py"), "\"b/\\303\\251\\\"\\\\\\n.py\"");
    }
}
