//! The token cursor of the JavaScript/TypeScript outline: statement boundaries, types and function values.

use std::collections::HashSet;

use super::Decl;
use super::STATEMENT_WORDS;
use crate::lang::clike::{Kind, Token, matching};
use crate::model::SymbolKind;

pub(super) struct Scan<'t> {
    pub t: &'t [Token],
    pub decls: Vec<Decl>,
    pub exported: HashSet<String>,
}

impl Scan<'_> {
    pub(super) fn is(&self, i: usize, text: &str) -> bool {
        self.t.get(i).is_some_and(|t| t.is(text))
    }

    pub(super) fn word(&self, i: usize) -> Option<&str> {
        self.t.get(i).and_then(Token::word)
    }

    pub(super) fn line(&self, i: usize) -> u32 {
        self.t.get(i).or(self.t.last()).map_or(1, |t| t.line)
    }

    pub(super) fn end_line(&self, i: usize) -> u32 {
        self.t.get(i).or(self.t.last()).map_or(1, |t| t.end_line)
    }

    /// `@name.path(args)`: returns the index after it.
    pub(super) fn skip_decorator(&self, mut i: usize) -> usize {
        i += 1;
        while self.word(i).is_some() {
            i += 1;
            if self.is(i, ".") {
                i += 1;
            } else {
                break;
            }
        }
        if self.is(i, "(") {
            i = matching(self.t, i) + 1;
        }
        i
    }

    /// Skips to the start of the next statement: after a `;` at depth 0, or before a statement word that begins a
    /// new line after a token that cannot continue an expression.
    pub(super) fn skip_statement(&self, i: usize) -> usize {
        let mut depth = 0usize;
        let mut j = i;
        while j < self.t.len() {
            let token = &self.t[j];
            if depth == 0 && j > i && self.new_statement(j) {
                return j;
            }
            match &token.kind {
                Kind::Punct(p) if matches!(p.as_str(), "{" | "(" | "[") => depth += 1,
                Kind::Punct(p) if matches!(p.as_str(), "}" | ")" | "]") => {
                    if depth == 0 {
                        return j + 1;
                    }
                    depth -= 1;
                }
                Kind::Punct(p) if p == ";" && depth == 0 => return j + 1,
                _ => {}
            }
            j += 1;
        }
        j
    }

    /// Whether token `j` starts a new statement (it begins a line, is a statement word or `@`, and the token
    /// before it does not leave an expression open).
    pub(super) fn new_statement(&self, j: usize) -> bool {
        let token = &self.t[j];
        let prev = &self.t[j - 1];
        let starts = token.is("@") || token.word().is_some_and(|w| STATEMENT_WORDS.contains(&w));
        let open =
            matches!(&prev.kind, Kind::Punct(p) if !matches!(p.as_str(), ")" | "]" | "}" | ";"));
        starts && token.line > prev.end_line && !open
    }

    pub(super) fn push(
        &mut self,
        name: &str,
        kind: SymbolKind,
        start: u32,
        end_token: usize,
        exported: bool,
    ) {
        self.decls.push(Decl {
            name: name.to_string(),
            kind,
            start,
            end: self.end_line(end_token),
            exported,
            member_of: None,
        });
    }

    /// From type parameters or the parameter list of a function to its body: the index of the body's `}`.
    pub(super) fn function_body(&self, mut j: usize) -> Option<usize> {
        if self.is(j, "<") {
            j = matching(self.t, j) + 1;
        }
        if !self.is(j, "(") {
            return None;
        }
        let j = self.skip_return_type(matching(self.t, j) + 1);
        self.is(j, "{").then(|| matching(self.t, j))
    }

    /// Skips a `: Type` annotation (object types, generics and function types included).
    pub(super) fn skip_return_type(&self, mut j: usize) -> usize {
        if !self.is(j, ":") {
            return j;
        }
        j += 1;
        while let Some(token) = self.t.get(j) {
            if token.is("{") {
                let prev = &self.t[j - 1];
                let in_type = [":", "|", "&", "<", ",", "(", "=>", "[", "?"]
                    .iter()
                    .any(|p| prev.is(p))
                    || prev.is("typeof")
                    || prev.is("keyof");
                if !in_type {
                    break;
                }
                j = matching(self.t, j) + 1;
            } else if token.is("(") || token.is("[") || token.is("<") {
                j = matching(self.t, j) + 1;
            } else if token.is(";") || token.is("=>") || token.is("=") {
                break;
            } else {
                j += 1;
            }
        }
        j
    }

    /// Skips the type of a variable, which ends at its `=` (function types inside may hold `=>`).
    pub(super) fn skip_variable_type(&self, mut j: usize) -> usize {
        while let Some(token) = self.t.get(j) {
            if token.is("=") || token.is(";") {
                break;
            }
            let opens = token.is("(") || token.is("[") || token.is("{") || token.is("<");
            j = if opens {
                matching(self.t, j).max(j) + 1
            } else {
                j + 1
            };
        }
        j
    }

    /// When the expression at `j` is a function (`function …`, `async (…) => …`, `x => …`, `<T>(…) => …`), the
    /// index of its last token.
    pub(super) fn function_value(&self, mut j: usize) -> Option<usize> {
        if self.is(j, "async") {
            j += 1;
        }
        if self.is(j, "function") {
            j += 1;
            if self.is(j, "*") {
                j += 1;
            }
            if self.word(j).is_some() {
                j += 1;
            }
            return self.function_body(j);
        }
        let arrow = if self.word(j).is_some() && self.is(j + 1, "=>") {
            j + 1
        } else {
            if self.is(j, "<") {
                j = matching(self.t, j) + 1;
            }
            if !self.is(j, "(") {
                return None;
            }
            let after = self.skip_return_type(matching(self.t, j) + 1);
            if !self.is(after, "=>") {
                return None;
            }
            after
        };
        if self.is(arrow + 1, "{") {
            Some(matching(self.t, arrow + 1))
        } else {
            Some(self.expression_end(arrow + 1))
        }
    }

    /// The last token of an expression body: before its `;` or where a new statement begins.
    pub(super) fn expression_end(&self, j: usize) -> usize {
        let next = self.skip_statement(j);
        let last = next
            .saturating_sub(1)
            .max(j)
            .min(self.t.len().saturating_sub(1));
        if self.is(last, ";") || self.is(last, ",") {
            last.saturating_sub(1).max(j)
        } else {
            last
        }
    }
}
