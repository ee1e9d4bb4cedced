//! Which symbols of a file a change touches.
//!
//! A symbol is touched when an added line falls in its range, when lines were deleted strictly inside it, or
//! when the same-named symbol on the base side lost lines (that catches a deleted first or last line, whose
//! position on the head side sits on the symbol's edge). A class counts as changed only through its own lines
//! (its constructor and dunders included), not through a method's, so a method change lists the method alone.

use std::collections::BTreeSet;

use super::diff::FileDiff;
use super::outline::OutlineSymbol;
use crate::model::{Symbol, SymbolKind};

/// One side of a change: the file's text and its outline.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub source: &'a str,
    pub outline: &'a [OutlineSymbol],
}

/// The public symbols of `head` that the change in `diff` touches. `base` is `None` when the file is new (every
/// symbol is then new). Added or removed blank lines touch nothing.
pub fn changed_symbols(diff: &FileDiff, head: Side<'_>, base: Option<Side<'_>>) -> Vec<Symbol> {
    let added: BTreeSet<u32> = not_blank(&diff.added_lines, head.source);
    let removed: BTreeSet<u32> =
        base.map_or_else(BTreeSet::new, |b| not_blank(&diff.removed_lines, b.source));
    let (head, base) = (head.outline, base.map(|b| b.outline));
    let mut changed = Vec::new();
    for symbol in head.iter().filter(|s| s.public && !s.part_of_class) {
        let own = |line: u32| symbol.contains(line) && !in_member(symbol, head, line);
        let by_addition = added.iter().any(|&line| own(line));
        // Deleted lines sit between head lines `c` and `c + 1`: inside the symbol when both are.
        let by_deletion = diff
            .deletions
            .iter()
            .any(|&c| own(c) && c < symbol.end_line && own(c + 1));
        let by_base = base.is_some_and(|base| {
            base.iter().filter(|b| b.name == symbol.name).any(|b| {
                removed
                    .iter()
                    .any(|&line| b.contains(line) && !in_member(b, base, line))
            })
        });
        if by_addition || by_deletion || by_base {
            let is_new = base.is_none_or(|base| !base.iter().any(|b| b.name == symbol.name));
            changed.push(Symbol {
                name: symbol.name.clone(),
                kind: symbol.kind,
                start_line: symbol.start_line,
                end_line: symbol.end_line,
                is_new,
            });
        }
    }
    changed
}

/// The lines of `lines` that are not blank in `source`.
fn not_blank(lines: &[u32], source: &str) -> BTreeSet<u32> {
    let text: Vec<&str> = source.split('\n').collect();
    lines
        .iter()
        .copied()
        .filter(|&n| {
            let line = (n as usize).checked_sub(1).and_then(|i| text.get(i));
            let line = line.copied().unwrap_or("?");
            !line.trim().is_empty()
        })
        .collect()
}

/// Whether `line` of a class belongs to one of its members that is listed on its own (a method or a nested
/// class) rather than to the class itself. Constructors and dunders are the class's own lines.
fn in_member(symbol: &OutlineSymbol, all: &[OutlineSymbol], line: u32) -> bool {
    if symbol.kind != SymbolKind::Class {
        return false;
    }
    let prefix = format!("{}.", symbol.name);
    all.iter().any(|member| {
        member.name.starts_with(&prefix) && !member.part_of_class && member.contains(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;
    use crate::plan::diff::parse_diff;
    use crate::plan::outline::outline;

    const BASE: &str = "\
class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)
        return x

    def _grow(self):
        pass


def add(a, b):
    return a + b
";

    fn diff_of(hunks: &str) -> FileDiff {
        let text =
            format!("diff --git a/s.py b/s.py\nindex 1..2 100644\n--- a/s.py\n+++ b/s.py\n{hunks}");
        parse_diff(&text).remove(0)
    }

    fn changed(head: &str, hunks: &str, base: Option<&str>) -> Vec<(String, bool)> {
        let head_outline = outline(Language::Python, head);
        let base_outline = base.map(|b| outline(Language::Python, b));
        let head_side = Side {
            source: head,
            outline: &head_outline,
        };
        let base_side = base
            .zip(base_outline.as_deref())
            .map(|(source, outline)| Side { source, outline });
        changed_symbols(&diff_of(hunks), head_side, base_side)
            .into_iter()
            .map(|s| (s.name, s.is_new))
            .collect()
    }

    #[test]
    fn a_method_change_lists_the_method_not_the_class() {
        let head = BASE.replace("        return x\n", "        return None\n");
        let got = changed(
            &head,
            "@@ -7 +7 @@\n-        return x\n+        return None\n",
            Some(BASE),
        );
        assert_eq!(got, vec![("Stack.push".into(), false)]);
    }

    #[test]
    fn a_constructor_change_lists_the_class() {
        let head = BASE.replace("self.items = []", "self.items = [0]");
        let got = changed(&head, "@@ -3 +3 @@\n-x\n+x\n", Some(BASE));
        assert_eq!(got, vec![("Stack".into(), false)]);
    }

    #[test]
    fn a_private_method_change_lists_nothing() {
        let got = changed(BASE, "@@ -10 +10 @@\n-x\n+x\n", Some(BASE));
        assert!(got.is_empty());
    }

    #[test]
    fn a_deletion_inside_a_function() {
        // Line 6 (`self.items.append(x)`) removed from push: it now sits between head lines 5 and 6.
        let head = BASE.replace("        self.items.append(x)\n", "");
        let got = changed(
            &head,
            "@@ -6 +5,0 @@\n-        self.items.append(x)\n",
            Some(BASE),
        );
        assert_eq!(got, vec![("Stack.push".into(), false)]);
    }

    #[test]
    fn deleting_the_last_line_of_a_function_is_found_through_the_base() {
        let base = "def f():\n    a = 1\n    return a\n\n\ndef g():\n    pass\n";
        let head = "def f():\n    a = 1\n\n\ndef g():\n    pass\n";
        let got = changed(head, "@@ -3 +2,0 @@\n-    return a\n", Some(base));
        assert_eq!(got, vec![("f".into(), false)]);
    }

    #[test]
    fn deleting_blank_lines_between_functions_touches_nothing() {
        let base = "def f():\n    return 1\n\n\n\ndef g():\n    pass\n";
        let head = "def f():\n    return 1\n\n\ndef g():\n    pass\n";
        assert!(changed(head, "@@ -5 +4,0 @@\n-\n", Some(base)).is_empty());
    }

    #[test]
    fn new_function_is_new_and_old_one_is_not() {
        let head = format!("{BASE}\n\ndef mul(a, b):\n    return a * b\n");
        let got = changed(
            &head,
            "@@ -14,0 +15,4 @@\n+\n+\n+def mul(a, b):\n+    return a * b\n",
            Some(BASE),
        );
        assert_eq!(got, vec![("mul".into(), true)]);
    }

    #[test]
    fn everything_is_new_in_a_new_file() {
        let got = changed(
            "def f():\n    pass\n",
            "@@ -0,0 +1,2 @@\n+def f():\n+    pass\n",
            None,
        );
        assert_eq!(got, vec![("f".into(), true)]);
    }

    #[test]
    fn a_decorator_change_touches_its_function() {
        let head = "@cache\ndef f():\n    pass\n";
        let base = "def f():\n    pass\n";
        let got = changed(head, "@@ -0,0 +1 @@\n+@cache\n", Some(base));
        assert_eq!(got, vec![("f".into(), false)]);
    }

    #[test]
    fn a_new_method_in_an_old_class() {
        let head = BASE.replace(
            "    def _grow",
            "    def peek(self):\n        return 1\n\n    def _grow",
        );
        let got = changed(
            &head,
            "@@ -8,0 +9,3 @@\n+    def peek(self):\n+        return 1\n+\n",
            Some(BASE),
        );
        assert_eq!(got, vec![("Stack.peek".into(), true)]);
    }
}
