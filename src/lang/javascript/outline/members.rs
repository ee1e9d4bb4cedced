//! Classes and their members, for the JavaScript/TypeScript outline.

use super::scan::Scan;
use super::{Decl, MODIFIERS};
use crate::lang::clike::{Kind, matching};
use crate::model::SymbolKind;

impl Scan<'_> {
    /// `class Name<T> extends Base implements I { members }`.
    pub(super) fn class(
        &mut self,
        i: usize,
        start: u32,
        exported: bool,
        default: bool,
        name: Option<&str>,
    ) -> usize {
        let mut j = i + 1;
        let own = self
            .word(j)
            .filter(|w| !matches!(*w, "extends" | "implements"))
            .map(str::to_string);
        if own.is_some() {
            j += 1;
        }
        let name = match (name, own, default) {
            (Some(n), _, _) => n.to_string(),
            (None, Some(n), _) => n,
            (None, None, true) => "default".into(),
            (None, None, false) => return self.skip_statement(i),
        };
        while j < self.t.len() && !self.is(j, "{") {
            j = if self.is(j, "(") || self.is(j, "<") {
                matching(self.t, j) + 1
            } else {
                j + 1
            };
        }
        if j >= self.t.len() {
            return j;
        }
        let close = matching(self.t, j);
        self.push(&name, SymbolKind::Class, start, close, exported);
        self.members(&name, j + 1, close);
        close + 1
    }

    /// The members of a class body between `from` and the closing brace `to`.
    pub(super) fn members(&mut self, class: &str, from: usize, to: usize) {
        let mut j = from;
        while j < to {
            if self.is(j, ";") || self.is(j, ",") {
                j += 1;
                continue;
            }
            let start = self.line(j);
            while self.is(j, "@") {
                j = self.skip_decorator(j);
            }
            let mut visible = true;
            while j + 1 < to
                && (self.word(j).is_some_and(|w| MODIFIERS.contains(&w)) || self.is(j, "*"))
            {
                let next = &self.t[j + 1];
                let is_name = matches!(next.kind, Kind::Word(_) | Kind::Literal)
                    || next.is("[")
                    || next.is("#")
                    || next.is("*");
                if !is_name {
                    break;
                }
                if self.is(j, "private") || self.is(j, "protected") {
                    visible = false;
                }
                j += 1;
            }
            if self.is(j, "#") {
                visible = false;
                j += 1;
            }
            let name = match &self.t.get(j).map(|t| &t.kind) {
                Some(Kind::Word(w)) => Some(w.clone()),
                Some(Kind::Punct(p)) if p == "[" => {
                    j = matching(self.t, j);
                    None
                }
                _ => None,
            };
            j += 1;
            while self.is(j, "?") || self.is(j, "!") {
                j += 1;
            }
            let end = if self.is(j, "(") || self.is(j, "<") {
                let end = self.function_body(j);
                if let (Some(end), Some(name)) = (end, &name) {
                    self.member(class, name, start, end, visible);
                }
                end.map_or_else(|| self.member_end(j, to), |e| e + 1)
            } else {
                let value = if self.is(j, ":") {
                    self.skip_return_type(j)
                } else {
                    j
                };
                let fun = if self.is(value, "=") {
                    self.function_value(value + 1)
                } else {
                    None
                };
                if let (Some(end), Some(name)) = (fun, &name) {
                    self.member(class, name, start, end, visible);
                }
                fun.map_or_else(|| self.member_end(j, to), |e| e + 1)
            };
            j = end.max(j);
        }
    }

    pub(super) fn member(
        &mut self,
        class: &str,
        name: &str,
        start: u32,
        end: usize,
        visible: bool,
    ) {
        self.decls.push(Decl {
            name: name.to_string(),
            kind: SymbolKind::Method,
            start,
            end: self.end_line(end),
            exported: false,
            member_of: Some((class.to_string(), visible, name == "constructor")),
        });
    }

    /// The end of a field declaration: after `;`, or before a member that begins a new line.
    pub(super) fn member_end(&self, j: usize, to: usize) -> usize {
        let mut depth = 0usize;
        let mut k = j;
        while k < to {
            let token = &self.t[k];
            if depth == 0 && k > j {
                let prev = &self.t[k - 1];
                let open =
                    matches!(&prev.kind, Kind::Punct(p) if !matches!(p.as_str(), ")" | "]" | "}"));
                if token.line > prev.end_line
                    && !open
                    && !matches!(&token.kind, Kind::Punct(p) if p != "@" && p != "#" && p != "[" && p != "*")
                {
                    return k;
                }
            }
            if token.is("{") || token.is("(") || token.is("[") {
                depth += 1;
            } else if token.is("}") || token.is(")") || token.is("]") {
                depth = depth.saturating_sub(1);
            } else if token.is(";") && depth == 0 {
                return k + 1;
            }
            k += 1;
        }
        to
    }
}
