//! Progress for a person at a terminal: every line says how long the run has taken so far; a phase that
//! starts (a line ending in `…`) is shown on one line that the next phase replaces, and what a phase found
//! stays. Written to a file or a pipe, every line is kept, plain. Pure: it only says what to write.

use std::time::Duration;

/// What is on the terminal: whether the last thing written is a line the next one replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    terminal: bool,
    open: bool,
}

/// Clears the terminal's current line.
const CLEAR: &str = "\r\x1b[2K";

impl Progress {
    /// `terminal`: stderr is a terminal (updating lines), else plain lines.
    pub fn new(terminal: bool) -> Progress {
        Progress {
            terminal,
            open: false,
        }
    }

    /// The text to write for `line`, `elapsed` into the run.
    pub fn line(&mut self, line: &str, elapsed: Duration) -> String {
        let text = format!("ato: [{:>6.1} s] {line}", elapsed.as_secs_f64());
        if !self.terminal {
            return text + "\n";
        }
        let clear = if self.open { CLEAR } else { "" };
        // A line of more than one row could not be replaced: it is kept.
        self.open = line.ends_with('…') && !line.contains('\n');
        if self.open {
            format!("{clear}{text}")
        } else {
            format!("{clear}{text}\n")
        }
    }

    /// What to write before anything else goes to the terminal (the summary): the open line cleared.
    pub fn finish(&mut self) -> &'static str {
        let clear = if self.open { CLEAR } else { "" };
        self.open = false;
        clear
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_gets_one_updating_line_per_phase_and_keeps_the_findings() {
        let mut p = Progress::new(true);
        let s = Duration::from_millis;
        assert_eq!(p.line("planning…", s(0)), "ato: [   0.0 s] planning…");
        assert_eq!(
            p.line("running the python runner…", s(1_250)),
            "\r\x1b[2Kato: [   1.2 s] running the python runner…"
        );
        assert_eq!(
            p.line("python: 3 tests (4.0 s)", s(5_250)),
            "\r\x1b[2Kato: [   5.2 s] python: 3 tests (4.0 s)\n"
        );
        assert_eq!(
            p.line("note", s(6_000)),
            "ato: [   6.0 s] note\n",
            "nothing to clear"
        );
        assert_eq!(p.finish(), "");
        p.line("writing the report…", s(7_000));
        assert_eq!(p.finish(), "\r\x1b[2K");
    }

    #[test]
    fn elsewhere_every_line_is_kept_plain() {
        let mut p = Progress::new(false);
        assert_eq!(
            p.line("planning…", Duration::from_secs(62)),
            "ato: [  62.0 s] planning…\n"
        );
        assert_eq!(p.finish(), "");
    }
}
