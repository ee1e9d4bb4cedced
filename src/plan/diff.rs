//! Parsing the unified diff git prints (`git diff --unified=0 --find-renames`) into per-file changes.
//!
//! Hunk bodies are read by their line counts, never by their look: a removed line `-- x` prints as `--- x`,
//! and an added line may read `+diff --git …`. Nothing here panics on malformed input; what cannot be
//! understood is dropped.

/// How a file changed between base and head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Added,
    Modified,
    Renamed,
    Deleted,
}

/// The changes to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    /// Path on the base side; `None` for an added file.
    pub old_path: Option<String>,
    /// Path on the head side; `None` for a deleted file.
    pub new_path: Option<String>,
    pub status: FileStatus,
    /// Git found the content binary (`Binary files … differ`).
    pub binary: bool,
    /// The head side is a symbolic link (mode 120000).
    pub symlink: bool,
    /// The path is a submodule (mode 160000).
    pub submodule: bool,
    /// Added or modified line numbers on the head side, 1-based, sorted.
    pub added_lines: Vec<u32>,
    /// Removed line numbers on the base side, 1-based, sorted.
    pub removed_lines: Vec<u32>,
    /// Where pure deletions sit on the head side: lines were removed just after this head line (0 = at the top).
    pub deletions: Vec<u32>,
}

impl FileDiff {
    fn new(old_path: Option<String>, new_path: Option<String>) -> Self {
        FileDiff {
            old_path,
            new_path,
            status: FileStatus::Modified,
            binary: false,
            symlink: false,
            submodule: false,
            added_lines: Vec::new(),
            removed_lines: Vec::new(),
            deletions: Vec::new(),
        }
    }

    /// The path that names the file in a report: the head path, or the base path of a deleted file.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or("")
    }
}

/// Parses a whole `git diff` output.
pub fn parse_diff(text: &str) -> Vec<FileDiff> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut files = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(rest) = lines[i].strip_prefix("diff --git ") else {
            i += 1;
            continue;
        };
        let (old, new) = header_paths(trim_cr(rest)).unwrap_or_default();
        let mut file = FileDiff::new(Some(old), Some(new));
        i = parse_file(&lines, i + 1, &mut file);
        finish(&mut file);
        if !file.path().is_empty() {
            files.push(file);
        }
    }
    files
}

/// Parses the extended headers and hunks of one file, from line `i`; returns the line after them.
fn parse_file(lines: &[&str], mut i: usize, file: &mut FileDiff) -> usize {
    while i < lines.len() {
        let line = trim_cr(lines[i]);
        if line.starts_with("diff --git ") {
            break;
        }
        i += 1;
        if let Some(mode) = line.strip_prefix("new file mode ") {
            file.status = FileStatus::Added;
            file.old_path = None;
            note_mode(file, mode);
        } else if let Some(mode) = line.strip_prefix("deleted file mode ") {
            file.status = FileStatus::Deleted;
            file.new_path = None;
            note_mode(file, mode);
        } else if let Some(mode) = line.strip_prefix("new mode ") {
            note_mode(file, mode);
        } else if let Some(mode) = line.strip_prefix("index ") {
            // `index abc..def 100644`: the mode of an unchanged-mode file.
            if let Some((_, mode)) = mode.split_once(' ') {
                note_mode(file, mode);
            }
        } else if let Some(path) = line.strip_prefix("rename from ") {
            file.old_path = Some(unquote(path));
            file.status = FileStatus::Renamed;
        } else if let Some(path) = line.strip_prefix("rename to ") {
            file.new_path = Some(unquote(path));
            file.status = FileStatus::Renamed;
        } else if let Some(path) = line.strip_prefix("copy to ") {
            file.new_path = Some(unquote(path));
            file.status = FileStatus::Added;
        } else if line.starts_with("Binary files ") || line == "GIT binary patch" {
            file.binary = true;
        } else if let Some(path) = line.strip_prefix("--- ") {
            if let Some(p) = side_path(path, "a/") {
                file.old_path = Some(p);
            }
        } else if let Some(path) = line.strip_prefix("+++ ") {
            if let Some(p) = side_path(path, "b/") {
                file.new_path = Some(p);
            }
        } else if let Some(header) = line.strip_prefix("@@ ") {
            i = parse_hunk(lines, i, header, file);
        }
    }
    i
}

fn note_mode(file: &mut FileDiff, mode: &str) {
    match mode.trim() {
        "120000" => file.symlink = true,
        "160000" => file.submodule = true,
        _ => {}
    }
}

/// Reads one hunk's body by its counts; `i` is the line after the `@@` header.
fn parse_hunk(lines: &[&str], mut i: usize, header: &str, file: &mut FileDiff) -> usize {
    let Some((old_start, old_count, new_start, new_count)) = hunk_ranges(header) else {
        return i;
    };
    if old_count > 0 && new_count == 0 {
        file.deletions.push(new_start);
    }
    let (mut old_line, mut new_line) = (old_start, new_start);
    let (mut old_left, mut new_left) = (old_count, new_count);
    while i < lines.len() && (old_left > 0 || new_left > 0) {
        let line = lines[i];
        match line.as_bytes().first() {
            Some(b'+') if new_left > 0 => {
                file.added_lines.push(new_line);
                new_line += 1;
                new_left -= 1;
            }
            Some(b'-') if old_left > 0 => {
                file.removed_lines.push(old_line);
                old_line += 1;
                old_left -= 1;
            }
            Some(b' ') if old_left > 0 && new_left > 0 => {
                old_line += 1;
                new_line += 1;
                old_left -= 1;
                new_left -= 1;
            }
            Some(b'\\') => {} // "\ No newline at end of file"
            _ => break, // a truncated or malformed hunk: stop rather than misread what follows
        }
        i += 1;
    }
    // The marker may follow the last line of the hunk.
    if lines.get(i).is_some_and(|l| l.starts_with('\\')) {
        i += 1;
    }
    i
}

/// `-a[,b] +c[,d] @@ …` → (a, b, c, d); an omitted count is 1.
fn hunk_ranges(header: &str) -> Option<(u32, u32, u32, u32)> {
    let mut parts = header.split(' ');
    let old = parts.next()?.strip_prefix('-')?;
    let new = parts.next()?.strip_prefix('+')?;
    let range = |s: &str| -> Option<(u32, u32)> {
        match s.split_once(',') {
            Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (a, b) = range(old)?;
    let (c, d) = range(new)?;
    Some((a, b, c, d))
}

/// Sorts and de-duplicates the line lists; a file without hunks keeps empty lists.
fn finish(file: &mut FileDiff) {
    for list in [
        &mut file.added_lines,
        &mut file.removed_lines,
        &mut file.deletions,
    ] {
        list.sort_unstable();
        list.dedup();
    }
}

/// The path of a `---`/`+++` line, without its `a/`/`b/` prefix; `None` for `/dev/null`.
fn side_path(raw: &str, prefix: &str) -> Option<String> {
    // Git ends the name with a tab when it contains a space.
    let raw = raw.strip_suffix('\t').unwrap_or(raw);
    if raw == "/dev/null" {
        return None;
    }
    let path = unquote(raw);
    Some(path.strip_prefix(prefix).unwrap_or(&path).to_string())
}

/// The two paths of `diff --git a/X b/Y`, quoted or not.
fn header_paths(rest: &str) -> Option<(String, String)> {
    let (old, new) = if rest.starts_with('"') {
        let (old, used) = unquote_prefix(rest)?;
        (old, unquote(rest[used..].trim_start()))
    } else if let Some(split) = symmetric_split(rest) {
        split
    } else {
        let at = rest.find(" b/").or_else(|| rest.find(" \"b/"))?;
        (rest[..at].to_string(), unquote(&rest[at + 1..]))
    };
    let old = old.strip_prefix("a/").unwrap_or(&old).to_string();
    let new = new.strip_prefix("b/").unwrap_or(&new).to_string();
    Some((old, new))
}

/// `a/P b/P` with the same P on both sides (any spaces inside P): split in the middle.
fn symmetric_split(rest: &str) -> Option<(String, String)> {
    if rest.len() < 5 || !(rest.len() - 1).is_multiple_of(2) {
        return None;
    }
    let half = (rest.len() - 1) / 2;
    let (old, new) = (rest.get(..half)?, rest.get(half + 1..)?);
    (rest.as_bytes()[half] == b' ' && old.get(2..) == new.get(2..))
        .then(|| (old.to_string(), new.to_string()))
}

fn trim_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// Undoes git's C-style quoting of a path (`"a/tab\there"`); an unquoted path is returned as is.
pub(crate) fn unquote(raw: &str) -> String {
    match unquote_prefix(raw) {
        Some((path, _)) => path,
        None => raw.to_string(),
    }
}

/// Reads one quoted string at the start of `raw`: the text and the bytes it used.
fn unquote_prefix(raw: &str) -> Option<(String, usize)> {
    let bytes = raw.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), i + 1)),
            b'\\' => {
                let next = *bytes.get(i + 1)?;
                i += 2;
                match next {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    b'0'..=b'7' => {
                        let digits = raw.get(i - 1..(i + 2).min(raw.len()))?;
                        out.push(u8::from_str_radix(digits, 8).ok()?);
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    None
}
