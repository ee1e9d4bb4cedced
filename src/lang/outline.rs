//! What every language's outline gives the planner: one function, class or method of a file, with its lines.
//!
//! The outlines are deliberately light scanners, not parsers: they must cope with code that does not compile
//! (a PR may be half-way) and never fail. What they get wrong costs a symbol in the plan, not a crash.

use crate::model::SymbolKind;

/// One function, class or method of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineSymbol {
    /// Qualified within the file: `parse`, `Parser.parse`, `Outer.Inner`.
    pub name: String,
    pub kind: SymbolKind,
    /// First line, decorators and annotations included (1-based).
    pub start_line: u32,
    /// Last line of the body (1-based, inclusive).
    pub end_line: u32,
    /// Part of the file's public interface (exported, `public`, no leading underscore…).
    pub public: bool,
    /// A constructor or dunder method: its lines count as its class's own lines, and it is never listed alone.
    pub part_of_class: bool,
}

impl OutlineSymbol {
    /// The class this symbol is a member of, by name (`Parser` for `Parser.parse`).
    pub fn parent(&self) -> Option<&str> {
        self.name.rsplit_once('.').map(|(parent, _)| parent)
    }

    pub fn contains(&self, line: u32) -> bool {
        self.start_line <= line && line <= self.end_line
    }
}
