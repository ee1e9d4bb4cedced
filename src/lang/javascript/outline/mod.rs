//! JavaScript and TypeScript outline, from tokens.
//!
//! Finds top-level functions, classes and function-valued `const`/`let`/`var` (arrow functions and function
//! expressions), the methods of classes (arrow-function properties included), and which of them the module
//! exports: `export` on the declaration, `export { a, b as c }`, `export default name`, and CommonJS
//! `module.exports = { a, b }` / `exports.name = …`. Only exported symbols are public; members marked
//! `private`/`protected`, `#names` and `_names` are not; `constructor` counts as its class.

mod members;
mod scan;

use std::collections::HashSet;

use crate::lang::OutlineSymbol;
use crate::lang::clike::{Dialect, lex, matching};
use crate::model::SymbolKind;
use scan::Scan;

/// Words that start a statement when they begin a line: a statement without `;` ends before them.
const STATEMENT_WORDS: [&str; 24] = [
    "export",
    "import",
    "function",
    "class",
    "const",
    "let",
    "var",
    "async",
    "interface",
    "type",
    "enum",
    "declare",
    "abstract",
    "module",
    "namespace",
    "exports",
    "if",
    "for",
    "while",
    "return",
    "switch",
    "try",
    "throw",
    "do",
];

/// Member modifiers (when followed by the member's name rather than by `(`, `=`…).
const MODIFIERS: [&str; 12] = [
    "static",
    "async",
    "get",
    "set",
    "public",
    "private",
    "protected",
    "readonly",
    "abstract",
    "override",
    "declare",
    "accessor",
];

pub(super) struct Decl {
    pub name: String,
    pub kind: SymbolKind,
    pub start: u32,
    pub end: u32,
    pub exported: bool,
    /// For a method: (class name, visible member, constructor).
    pub member_of: Option<(String, bool, bool)>,
}

pub(in crate::lang) fn outline(source: &str) -> Vec<OutlineSymbol> {
    let tokens = lex(source, Dialect::JavaScript);
    let mut scan = Scan {
        t: &tokens,
        decls: Vec::new(),
        exported: HashSet::new(),
    };
    let mut i = 0;
    while i < tokens.len() {
        let next = scan.statement(i);
        i = next.max(i + 1);
    }
    let Scan {
        decls, exported, ..
    } = scan;
    let class_public: HashSet<String> = decls
        .iter()
        .filter(|d| d.member_of.is_none() && (d.exported || exported.contains(&d.name)))
        .map(|d| d.name.clone())
        .collect();
    decls
        .into_iter()
        .map(|d| {
            let (public, part_of_class, name) = match &d.member_of {
                None => (class_public.contains(&d.name), false, d.name.clone()),
                Some((class, visible, constructor)) => (
                    class_public.contains(class) && *visible && !d.name.starts_with('_'),
                    *constructor,
                    format!("{class}.{}", d.name),
                ),
            };
            OutlineSymbol {
                name,
                kind: d.kind,
                start_line: d.start,
                end_line: d.end.max(d.start),
                public,
                part_of_class,
            }
        })
        .collect()
}

impl Scan<'_> {
    /// One top-level statement starting at `i`; returns where the next one starts.
    fn statement(&mut self, mut i: usize) -> usize {
        let start = self.line(i);
        while self.is(i, "@") {
            i = self.skip_decorator(i);
        }
        let mut exported = false;
        let mut default = false;
        if self.is(i, "export") {
            exported = true;
            i += 1;
            if self.is(i, "default") {
                default = true;
                i += 1;
            }
        }
        if exported && self.is(i, "{") {
            let close = matching(self.t, i);
            if !self.is(close + 1, "from") {
                self.export_list(i + 1, close);
            }
            return self.skip_statement(close + 1);
        }
        while self.is(i, "async") || self.is(i, "abstract") {
            i += 1;
        }
        match self.word(i) {
            Some("function") => self.function(i, start, exported, default),
            Some("class") => self.class(i, start, exported, default, None),
            Some("const" | "let" | "var") if !default => self.variable(i, start, exported),
            Some("module") if self.is(i + 1, ".") && self.word(i + 2) == Some("exports") => {
                self.commonjs(i + 3, start)
            }
            Some("exports") if self.is(i + 1, ".") => self.commonjs(i + 1, start),
            Some(name)
                if default
                    && self
                        .t
                        .get(i + 1)
                        .is_none_or(|t| t.is(";") || t.line > self.line(i)) =>
            {
                self.exported.insert(name.to_string());
                self.skip_statement(i)
            }
            _ => self.skip_statement(i),
        }
    }

    /// `export { a, b as c }`: marks the local names.
    fn export_list(&mut self, from: usize, to: usize) {
        let mut expect_name = true;
        for j in from..to {
            if self.is(j, ",") {
                expect_name = true;
            } else if expect_name && let Some(name) = self.word(j) {
                self.exported.insert(name.to_string());
                expect_name = false;
            }
        }
    }

    /// `function name<T>(…): R { … }`; an overload signature without a body declares nothing.
    fn function(&mut self, i: usize, start: u32, exported: bool, default: bool) -> usize {
        let mut j = i + 1;
        if self.is(j, "*") {
            j += 1;
        }
        let name = match self.word(j) {
            Some(name) => {
                j += 1;
                name.to_string()
            }
            None if default => "default".to_string(),
            None => return self.skip_statement(i),
        };
        match self.function_body(j) {
            Some(end) => {
                self.push(&name, SymbolKind::Function, start, end, exported);
                end + 1
            }
            None => self.skip_statement(i),
        }
    }

    /// `const name: T = <function>` (or a class expression); other values declare nothing.
    fn variable(&mut self, i: usize, start: u32, exported: bool) -> usize {
        let Some(name) = self.word(i + 1).map(str::to_string) else {
            return self.skip_statement(i);
        };
        let mut j = i + 2;
        if self.is(j, ":") {
            j = self.skip_variable_type(j + 1);
        }
        if !self.is(j, "=") {
            return self.skip_statement(i);
        }
        if self.is(j + 1, "class") {
            return self.class(j + 1, start, exported, false, Some(&name));
        }
        match self.function_value(j + 1) {
            Some(end) => {
                self.push(&name, SymbolKind::Function, start, end, exported);
                if self.is(end + 1, ";") {
                    end + 2
                } else {
                    end + 1
                }
            }
            None => self.skip_statement(i),
        }
    }

    /// After `module.exports` (at `j`) or at `exports` `.`: records what is exported.
    fn commonjs(&mut self, j: usize, start: u32) -> usize {
        if self.is(j, "=") {
            if let Some(name) = self.word(j + 1).filter(|_| !self.is(j + 2, "(")) {
                self.exported.insert(name.to_string());
            } else if self.is(j + 1, "{") {
                let close = matching(self.t, j + 1);
                self.object_exports(j + 2, close);
            }
            return self.skip_statement(j);
        }
        // `.name = value`
        let (Some(name), true) = (self.word(j + 1).map(str::to_string), self.is(j + 2, "=")) else {
            return self.skip_statement(j);
        };
        if let Some(end) = self.function_value(j + 3) {
            self.push(&name, SymbolKind::Function, start, end, true);
            return end + 1;
        }
        if let Some(local) = self.word(j + 3) {
            self.exported.insert(local.to_string());
        }
        self.skip_statement(j)
    }

    /// `{ a, b: c, … }` of `module.exports`: marks `a` and `c`.
    fn object_exports(&mut self, from: usize, to: usize) {
        let mut depth = 0usize;
        let mut j = from;
        while j < to {
            let at_key = depth == 0 && (j == from || self.is(j - 1, ","));
            if at_key && let Some(key) = self.word(j) {
                if self.is(j + 1, ",") || j + 1 == to {
                    self.exported.insert(key.to_string());
                } else if self.is(j + 1, ":")
                    && let Some(value) = self.word(j + 2)
                    && (self.is(j + 3, ",") || j + 3 == to)
                {
                    self.exported.insert(value.to_string());
                }
            }
            if self.is(j, "{") || self.is(j, "(") || self.is(j, "[") {
                depth += 1;
            } else if self.is(j, "}") || self.is(j, ")") || self.is(j, "]") {
                depth = depth.saturating_sub(1);
            }
            j += 1;
        }
    }
}

#[cfg(test)]
mod tests;
