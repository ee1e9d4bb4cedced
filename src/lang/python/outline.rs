//! Python outline, from indentation.
//!
//! A small line lexer first marks which physical lines start a logical line (not inside a bracket, a
//! triple-quoted string or after a backslash), so strings that contain `def` and multi-line signatures do not
//! confuse the scan. Then a stack of open `def`/`class` scopes is closed by dedents.

use crate::lang::OutlineSymbol;
use crate::model::SymbolKind;

/// What one physical line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    Code,
    /// Inside a logical line that started earlier.
    Continuation,
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    kind: LineKind,
    indent: usize,
    text: &'a str,
}

/// Classifies every physical line.
fn lex(source: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut depth: usize = 0;
    let mut string: Option<(char, bool)> = None; // quote, triple
    let mut backslash = false;
    for raw in source.split('\n') {
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        let continuation = depth > 0 || string.is_some() || backslash;
        let trimmed = text.trim_start();
        let kind = if continuation {
            LineKind::Continuation
        } else if trimmed.is_empty() {
            LineKind::Blank
        } else if trimmed.starts_with('#') {
            LineKind::Comment
        } else {
            LineKind::Code
        };
        lines.push(Line {
            kind,
            indent: indent_width(text),
            text: trimmed,
        });
        backslash = scan_line(text, &mut depth, &mut string);
    }
    lines
}

/// Advances the lexer state over one line; returns whether the line ends in a joining backslash.
fn scan_line(text: &str, depth: &mut usize, string: &mut Option<(char, bool)>) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match *string {
            Some((quote, triple)) => {
                if c == '\\' {
                    if i + 1 == chars.len() {
                        return false; // the string goes on on the next line
                    }
                    i += 2;
                    continue;
                }
                if c == quote {
                    if !triple {
                        *string = None;
                    } else if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                        *string = None;
                        i += 2;
                    }
                }
            }
            None => match c {
                '#' => break,
                '\'' | '"' => {
                    let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
                    *string = Some((c, triple));
                    if triple {
                        i += 2;
                    }
                }
                '(' | '[' | '{' => *depth += 1,
                ')' | ']' | '}' => *depth = depth.saturating_sub(1),
                '\\' if i + 1 == chars.len() => return true,
                _ => {}
            },
        }
        i += 1;
    }
    // A one-quote string cannot span lines without a backslash: recover at the end of the line.
    if matches!(*string, Some((_, false))) {
        *string = None;
    }
    false
}

fn indent_width(text: &str) -> usize {
    let mut width = 0;
    for c in text.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width = (width / 8 + 1) * 8,
            '\x0c' => width = 0,
            _ => break,
        }
    }
    width
}

/// `def name`, `async def name` or `class name` at the start of a logical line.
fn definition(text: &str) -> Option<(SymbolKind, &str)> {
    let after = |keyword: &str| -> Option<&str> {
        let rest = text.strip_prefix(keyword)?;
        rest.starts_with([' ', '\t']).then(|| rest.trim_start())
    };
    let (kind, rest) = if let Some(rest) = after("def") {
        (SymbolKind::Function, rest)
    } else if let Some(rest) = after("async").and_then(|r| {
        let r = r.strip_prefix("def")?;
        r.starts_with([' ', '\t']).then(|| r.trim_start())
    }) {
        (SymbolKind::Function, rest)
    } else if let Some(rest) = after("class") {
        (SymbolKind::Class, rest)
    } else {
        return None;
    };
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some((kind, name))
}

struct Scope {
    indent: usize,
    symbol: OutlineSymbol,
}

/// Whether a name is a dunder (`__init__`), which belongs to its class.
fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

pub(in crate::lang) fn outline(source: &str) -> Vec<OutlineSymbol> {
    let lines = lex(source);
    let mut done = Vec::new();
    let mut open: Vec<Scope> = Vec::new();
    let mut decorator_start: Option<u32> = None;
    for (index, line) in lines.iter().enumerate() {
        let number = index as u32 + 1;
        match line.kind {
            LineKind::Blank => continue,
            LineKind::Continuation => extend(&mut open, number, usize::MAX),
            LineKind::Comment => extend(&mut open, number, line.indent),
            LineKind::Code => {
                while open.last().is_some_and(|s| s.indent >= line.indent) {
                    done.push(open.pop().expect("checked").symbol);
                }
                extend(&mut open, number, usize::MAX);
                if line.text.starts_with('@') {
                    decorator_start.get_or_insert(number);
                    continue;
                }
                let start = decorator_start.take().unwrap_or(number);
                let Some((kind, name)) = definition(line.text) else {
                    continue;
                };
                let parent = open.last().map(|s| &s.symbol);
                if parent.is_some_and(|p| p.kind != SymbolKind::Class) {
                    continue; // defined inside a function: part of that function
                }
                let (name, kind) = match (parent, kind) {
                    (Some(p), SymbolKind::Function) => {
                        (format!("{}.{name}", p.name), SymbolKind::Method)
                    }
                    (Some(p), _) => (format!("{}.{name}", p.name), kind),
                    (None, _) => (name.to_string(), kind),
                };
                let dunder =
                    kind == SymbolKind::Method && is_dunder(name.rsplit('.').next().unwrap_or(""));
                let public = !dunder && name.split('.').all(|part| !part.starts_with('_'));
                open.push(Scope {
                    indent: line.indent,
                    symbol: OutlineSymbol {
                        name,
                        kind,
                        start_line: start,
                        end_line: number,
                        public,
                        part_of_class: dunder,
                    },
                });
            }
        }
    }
    done.extend(open.into_iter().map(|s| s.symbol));
    done
}

/// Extends every open scope indented less than `indent` to line `number`.
fn extend(open: &mut [Scope], number: u32, indent: usize) {
    for scope in open.iter_mut().filter(|s| s.indent < indent) {
        scope.symbol.end_line = number;
    }
}

#[cfg(test)]
#[path = "outline_tests.rs"]
mod tests;
