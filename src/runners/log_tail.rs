//! The last lines of a long build output, kept for error messages.

use std::collections::VecDeque;

/// Keeps the last `max_lines` lines written to it, each cut to `max_line_chars` characters, so an error
/// message stays readable however much apt or Docker printed.
#[derive(Debug, Clone)]
pub struct LogTail {
    lines: VecDeque<String>,
    max_lines: usize,
    max_line_chars: usize,
    /// A line that has not seen its newline yet (Docker streams output in arbitrary chunks).
    partial: String,
}

impl LogTail {
    pub fn new(max_lines: usize, max_line_chars: usize) -> Self {
        LogTail {
            lines: VecDeque::with_capacity(max_lines),
            max_lines,
            max_line_chars,
            partial: String::new(),
        }
    }

    /// Adds a chunk of output, which may hold several lines or part of one.
    pub fn push(&mut self, chunk: &str) {
        let mut rest = chunk;
        while let Some(end) = rest.find('\n') {
            self.partial.push_str(&rest[..end]);
            let line = std::mem::take(&mut self.partial);
            self.push_line(line);
            rest = &rest[end + 1..];
        }
        self.partial.push_str(rest);
        // Bound the unfinished line too: a tool may print megabytes without a newline.
        if self.partial.len() > self.max_line_chars * 4 {
            let line = std::mem::take(&mut self.partial);
            self.push_line(line);
        }
    }

    fn push_line(&mut self, line: String) {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            return;
        }
        let line = cut_chars(line, self.max_line_chars);
        if self.lines.len() == self.max_lines {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    /// The kept lines, oldest first, including an unfinished last line.
    pub fn render(&self) -> String {
        let mut out: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        let partial = self.partial.trim();
        if !partial.is_empty() {
            out.push(partial);
        }
        out.join("\n")
    }
}

fn cut_chars(line: &str, max: usize) -> String {
    match line.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_last_lines() {
        let mut tail = LogTail::new(2, 100);
        tail.push("one\ntwo\nthree\n");
        assert_eq!(tail.render(), "two\nthree");
    }

    #[test]
    fn joins_lines_split_across_chunks() {
        let mut tail = LogTail::new(5, 100);
        tail.push("Step 1/5 : FR");
        tail.push("OM base\nStep 2");
        assert_eq!(tail.render(), "Step 1/5 : FROM base\nStep 2");
    }

    #[test]
    fn cuts_long_lines_on_a_char_boundary() {
        let mut tail = LogTail::new(5, 3);
        tail.push("ééééé\n");
        assert_eq!(tail.render(), "ééé…");
    }

    #[test]
    fn skips_blank_lines_and_carriage_returns() {
        let mut tail = LogTail::new(5, 100);
        tail.push("a\r\n\n   \nb\n");
        assert_eq!(tail.render(), "a\nb");
    }

    #[test]
    fn bounds_a_line_without_newline() {
        let mut tail = LogTail::new(5, 10);
        tail.push(&"x".repeat(1000));
        assert!(tail.render().chars().count() <= 11, "{}", tail.render());
    }
}
