//! The lines of a unified diff (`git diff`, or the patches GitHub lists for a pull request), per file and
//! hunk, for the page to show. Hunk bodies are read by their line counts, never by their look, and nothing
//! here panics on malformed input: what cannot be understood is dropped.

/// What a diff line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Context,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub kind: Kind,
    /// Its number on base (context and removed lines).
    pub old: Option<u32>,
    /// Its number on head (context and added lines).
    pub new: Option<u32>,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FileLines {
    /// The head path (the base path for a deleted file).
    pub path: String,
    /// Hunks, each a run of lines.
    pub hunks: Vec<Vec<Line>>,
}

/// `-12,3 +14,5` → (12, 3, 14, 5); a missing count is 1.
fn hunk_header(line: &str) -> Option<(u32, u32, u32, u32)> {
    let rest = line.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(u32, u32)> {
        match r.split_once(',') {
            Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let ((a, b), (c, d)) = (range(old)?, range(new)?);
    Some((a, b, c, d))
}

/// The path a `+++ b/x` or `--- a/x` line names, or `None` for `/dev/null`.
fn side_path(line: &str, prefix: &str) -> Option<String> {
    let path = line.get(4..)?.trim_end();
    let path = path.split('\t').next().unwrap_or(path);
    (path != "/dev/null").then(|| path.strip_prefix(prefix).unwrap_or(path).to_string())
}

/// Every file of `diff` with its hunks, in order.
pub(crate) fn parse(diff: &str) -> Vec<FileLines> {
    let mut files: Vec<FileLines> = Vec::new();
    let mut lines = diff.lines().peekable();
    let mut old_path: Option<String> = None;
    while let Some(line) = lines.next() {
        if line.starts_with("diff --git ") {
            files.push(FileLines::default());
            old_path = None;
        } else if line.starts_with("--- ") {
            old_path = side_path(line, "a/");
        } else if line.starts_with("+++ ") {
            if files.is_empty() {
                files.push(FileLines::default());
            }
            let path = side_path(line, "b/")
                .or(old_path.take())
                .unwrap_or_default();
            if let Some(file) = files.last_mut() {
                file.path = path;
            }
        } else if let Some((old_start, old_count, new_start, new_count)) = hunk_header(line) {
            let (mut old, mut new) = (old_start, new_start);
            let (mut old_left, mut new_left) = (old_count, new_count);
            let mut hunk = Vec::new();
            while old_left > 0 || new_left > 0 {
                let Some(body) = lines.next() else { break };
                let (kind, text) = match body.chars().next() {
                    Some('+') if new_left > 0 => (Kind::Added, &body[1..]),
                    Some('-') if old_left > 0 => (Kind::Removed, &body[1..]),
                    Some('\\') => continue,
                    Some(' ') | None if old_left > 0 && new_left > 0 => {
                        (Kind::Context, body.get(1..).unwrap_or(""))
                    }
                    _ => break,
                };
                let (o, n) = match kind {
                    Kind::Added => (None, Some(new)),
                    Kind::Removed => (Some(old), None),
                    Kind::Context => (Some(old), Some(new)),
                };
                if o.is_some() {
                    old += 1;
                    old_left -= 1;
                }
                if n.is_some() {
                    new += 1;
                    new_left -= 1;
                }
                hunk.push(Line {
                    kind,
                    old: o,
                    new: n,
                    text: text.to_string(),
                });
            }
            if let Some(file) = files.last_mut() {
                file.hunks.push(hunk);
            }
        }
    }
    files.retain(|f| !f.path.is_empty());
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "diff --git a/pkg/m.py b/pkg/m.py\nindex 1..2 100644\n--- a/pkg/m.py\n+++ b/pkg/m.py\n\
@@ -2,3 +2,4 @@ def f():\n ctx\n-old\n+new\n+-- also new\n ctx2\n\\ No newline at end of file\n\
diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n";

    #[test]
    fn files_hunks_and_line_numbers_are_read_by_counts() {
        let files = parse(DIFF);
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].path, "pkg/m.py");
        let hunk = &files[0].hunks[0];
        let kinds: Vec<(Kind, Option<u32>, Option<u32>, &str)> = hunk
            .iter()
            .map(|l| (l.kind, l.old, l.new, l.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::Context, Some(2), Some(2), "ctx"),
                (Kind::Removed, Some(3), None, "old"),
                (Kind::Added, None, Some(3), "new"),
                (Kind::Added, None, Some(4), "-- also new"),
                (Kind::Context, Some(4), Some(5), "ctx2"),
            ]
        );
        assert_eq!(files[1].path, "gone.py");
        assert_eq!(files[1].hunks[0][0].kind, Kind::Removed);
    }

    #[test]
    fn malformed_input_never_panics() {
        for text in [
            "@@ -1,5 +1,5 @@\n+x",
            "+++ b/x\n@@ -a +b @@\n",
            "diff --git\n@@ -0,0 +1,2 @@\n",
        ] {
            let _ = parse(text);
        }
        assert_eq!(parse("+++ b/x\n@@ -0,0 +1,2 @@\n+a\n")[0].hunks[0].len(), 1);
    }
}
