//! Java outline, from tokens: classes, interfaces, enums and records (nested ones qualified `Outer.Inner`), their
//! methods and constructors.
//!
//! A type is public when it is declared `public` (a nested one also needs a public outer type); a method when
//! its type is public and the method is `public`, or it is an interface method that is not `private`.
//! Constructors count as their class. Annotations belong to what they annotate.

use crate::lang::OutlineSymbol;
use crate::lang::clike::{Dialect, Kind, Token, lex, matching};
use crate::model::SymbolKind;

const MODIFIERS: [&str; 14] = [
    "public",
    "protected",
    "private",
    "static",
    "final",
    "abstract",
    "sealed",
    "strictfp",
    "default",
    "synchronized",
    "native",
    "transient",
    "volatile",
    "non",
];

/// The type whose body is being read.
struct TypeCtx {
    name: String,
    simple: String,
    public: bool,
    interface: bool,
}

/// What precedes a declaration.
#[derive(Default)]
struct Prefix {
    public: bool,
    private: bool,
}

pub(in crate::lang) fn outline(source: &str) -> Vec<OutlineSymbol> {
    let tokens = lex(source, Dialect::Java);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let next = declaration(&tokens, i, None, &mut out);
        i = next.max(i + 1);
    }
    out
}

fn is(t: &[Token], i: usize, text: &str) -> bool {
    t.get(i).is_some_and(|x| x.is(text))
}

fn word(t: &[Token], i: usize) -> Option<&str> {
    t.get(i).and_then(Token::word)
}

fn line(t: &[Token], i: usize) -> u32 {
    t.get(i).or(t.last()).map_or(1, |x| x.line)
}

fn end_line(t: &[Token], i: usize) -> u32 {
    t.get(i).or(t.last()).map_or(1, |x| x.end_line)
}

/// Skips annotations and modifiers from `i`; returns where the declaration proper starts.
fn prefix(t: &[Token], mut i: usize) -> (usize, Prefix) {
    let mut found = Prefix::default();
    loop {
        if is(t, i, "@") && !is(t, i + 1, "interface") {
            i += 1;
            while word(t, i).is_some() {
                i += 1;
                if is(t, i, ".") {
                    i += 1;
                } else {
                    break;
                }
            }
            if is(t, i, "(") {
                i = matching(t, i) + 1;
            }
        } else if let Some(w) = word(t, i).filter(|w| MODIFIERS.contains(w)) {
            found.public |= w == "public";
            found.private |= w == "private";
            i += if w == "non" && is(t, i + 1, "-") {
                3
            } else {
                1
            };
        } else {
            return (i, found);
        }
    }
}

/// Skips to after the `;` that ends a statement or field, at bracket depth 0.
fn skip_to_semicolon(t: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(token) = t.get(i) {
        if token.is("{") || token.is("(") || token.is("[") {
            depth += 1;
        } else if token.is("}") || token.is(")") || token.is("]") {
            if depth == 0 {
                return i; // the end of the enclosing body
            }
            depth -= 1;
        } else if token.is(";") && depth == 0 {
            return i + 1;
        }
        i += 1;
    }
    i
}

/// One declaration at `i`, at top level (`ctx` = None) or in the body of a type; returns where the next starts.
fn declaration(
    t: &[Token],
    i: usize,
    ctx: Option<&TypeCtx>,
    out: &mut Vec<OutlineSymbol>,
) -> usize {
    if is(t, i, ";") {
        return i + 1;
    }
    let start = line(t, i);
    let (mut j, prefix) = prefix(t, i);
    if is(t, j, "@") && is(t, j + 1, "interface") {
        j += 1;
    }
    if let Some(kind) =
        word(t, j).filter(|w| matches!(*w, "class" | "interface" | "enum" | "record"))
    {
        return type_declaration(t, j, kind, start, &prefix, ctx, out);
    }
    let Some(ctx) = ctx else {
        return skip_to_semicolon(t, j); // package, import, or something not understood
    };
    if is(t, j, "{") {
        return matching(t, j) + 1; // initializer block
    }
    if is(t, j, "<") {
        j = matching(t, j) + 1;
    }
    // Up to the first `(`, `=`, `;` or `{`: a method or constructor, a field, or a compact constructor.
    let mut k = j;
    while let Some(token) = t.get(k) {
        if token.is("(") || token.is("=") || token.is(";") || token.is("{") || token.is("}") {
            break;
        }
        k = if token.is("<") || token.is("[") {
            matching(t, k).max(k) + 1
        } else {
            k + 1
        };
    }
    let name = k.checked_sub(1).and_then(|p| word(t, p)).unwrap_or("");
    let constructor = name == ctx.simple;
    let body = if is(t, k, "(") {
        let mut b = matching(t, k) + 1;
        while t
            .get(b)
            .is_some_and(|x| !x.is("{") && !x.is(";") && !x.is("}"))
        {
            b += 1;
        }
        b
    } else if is(t, k, "{") && constructor {
        k // a record's compact constructor
    } else if is(t, k, "}") {
        return k; // the end of the body
    } else {
        return skip_to_semicolon(t, k);
    };
    if !is(t, body, "{") {
        return body + 1; // abstract or interface method without a body
    }
    let end = matching(t, body);
    let public = ctx.public && (prefix.public || (ctx.interface && !prefix.private));
    out.push(OutlineSymbol {
        name: format!("{}.{name}", ctx.name),
        kind: SymbolKind::Method,
        start_line: start,
        end_line: end_line(t, end),
        public: public && !constructor,
        part_of_class: constructor,
    });
    end + 1
}

/// `class|interface|enum|record Name … { body }` at `j`.
fn type_declaration(
    t: &[Token],
    j: usize,
    kind: &str,
    start: u32,
    prefix: &Prefix,
    ctx: Option<&TypeCtx>,
    out: &mut Vec<OutlineSymbol>,
) -> usize {
    let Some(simple) = word(t, j + 1).map(str::to_string) else {
        return j + 1;
    };
    let mut open = j + 2;
    while t.get(open).is_some_and(|x| !x.is("{") && !x.is(";")) {
        open = if is(t, open, "<") || is(t, open, "(") {
            matching(t, open).max(open) + 1
        } else {
            open + 1
        };
    }
    if !is(t, open, "{") {
        return open + 1;
    }
    let close = matching(t, open);
    let public = match ctx {
        None => prefix.public,
        Some(outer) => outer.public && (prefix.public || (outer.interface && !prefix.private)),
    };
    let inner = TypeCtx {
        name: ctx.map_or_else(
            || simple.clone(),
            |outer| format!("{}.{simple}", outer.name),
        ),
        simple,
        public,
        interface: kind == "interface",
    };
    out.push(OutlineSymbol {
        name: inner.name.clone(),
        kind: SymbolKind::Class,
        start_line: start,
        end_line: end_line(t, close),
        public,
        part_of_class: false,
    });
    let mut m = open + 1;
    if kind == "enum" {
        m = enum_constants_end(t, m, close);
    }
    while m < close {
        m = declaration(t, m, Some(&inner), out).max(m + 1);
    }
    close + 1
}

/// Past the constants of an enum body (`A, B(1), C { … };`): after their `;`, or at the body's end.
fn enum_constants_end(t: &[Token], mut m: usize, close: usize) -> usize {
    while m < close {
        match &t[m].kind {
            Kind::Punct(p) if p == ";" => return m + 1,
            Kind::Punct(p) if p == "{" || p == "(" => m = matching(t, m) + 1,
            _ => m += 1,
        }
    }
    close
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(source: &str) -> Vec<(String, SymbolKind, u32, u32, bool, bool)> {
        let mut symbols = outline(source);
        symbols.sort_by_key(|s| (s.start_line, s.name.clone()));
        symbols
            .into_iter()
            .map(|s| {
                (
                    s.name,
                    s.kind,
                    s.start_line,
                    s.end_line,
                    s.public,
                    s.part_of_class,
                )
            })
            .collect()
    }

    const CALC: &str = "package com.example;\n\nimport java.util.List;\n\n/** Calculator. */\npublic class Calc {\n    private int total = 0;\n\n    public Calc(int start) {\n        total = start;\n    }\n\n    @Override\n    public String toString() {\n        return \"}\" + total;\n    }\n\n    public static <T> List<T> wrap(T x) {\n        return List.of(x);\n    }\n\n    int packagePrivate() { return 1; }\n\n    private void hidden() {\n        Runnable r = () -> { total++; };\n    }\n}\n";

    #[test]
    fn public_class_methods_and_constructor() {
        let s = shape(CALC);
        let row = |n: &str| {
            s.iter()
                .find(|x| x.0 == n)
                .unwrap_or_else(|| panic!("{n} in {s:?}"))
                .clone()
        };
        assert_eq!(
            row("Calc"),
            ("Calc".into(), SymbolKind::Class, 6, 27, true, false)
        );
        assert_eq!(
            row("Calc.Calc"),
            ("Calc.Calc".into(), SymbolKind::Method, 9, 11, false, true)
        );
        assert_eq!(
            row("Calc.toString"),
            (
                "Calc.toString".into(),
                SymbolKind::Method,
                13,
                16,
                true,
                false
            )
        );
        assert_eq!(
            row("Calc.wrap"),
            ("Calc.wrap".into(), SymbolKind::Method, 18, 20, true, false)
        );
        assert!(!row("Calc.packagePrivate").4);
        assert!(!row("Calc.hidden").4);
        assert_eq!(s.len(), 6);
    }

    #[test]
    fn nested_types_interfaces_enums_and_records() {
        let src = "public class Outer {\n    public static class Inner {\n        public void run() {}\n    }\n    private static class Secret {\n        public void run() {}\n    }\n    public interface Shape {\n        double area();\n        default String name() {\n            return \"shape\";\n        }\n    }\n    public enum Color {\n        RED(1) { int f() { return 1; } }, GREEN(2);\n        Color(int v) {}\n        public int code() { return 0; }\n    }\n    public record Point(int x, int y) {\n        public Point {\n            if (x < 0) throw new IllegalArgumentException();\n        }\n        public int sum() { return x + y; }\n    }\n}\nclass PackageLevel {\n    public void m() {}\n}\n";
        let public: Vec<String> = shape(src)
            .into_iter()
            .filter(|x| x.4)
            .map(|x| x.0)
            .collect();
        assert_eq!(
            public,
            vec![
                "Outer",
                "Outer.Inner",
                "Outer.Inner.run",
                "Outer.Shape",
                "Outer.Shape.name",
                "Outer.Color",
                "Outer.Color.code",
                "Outer.Point",
                "Outer.Point.sum",
            ]
        );
        let s = shape(src);
        assert!(
            s.iter()
                .any(|x| x.0 == "Outer.Point.Point" && x.5 && x.2 == 20 && x.3 == 22)
        );
        assert!(s.iter().any(|x| x.0 == "Outer.Color.Color" && x.5));
    }

    #[test]
    fn annotations_and_generics_in_signatures() {
        let src = "@Service\npublic final class Repo<T extends Comparable<T>> implements Iterable<T> {\n    @Inject\n    public Repo(@Named(\"x\") Map<String, List<T>> m) throws IOException {\n    }\n    public Map<String, int[]> index(int[] xs, String... ys)\n            throws IOException {\n        return null;\n    }\n    public abstract void later();\n}\n";
        let s = shape(src);
        assert_eq!(s[0], ("Repo".into(), SymbolKind::Class, 1, 11, true, false));
        assert_eq!(s[1].0, "Repo.Repo");
        assert_eq!((s[1].2, s[1].3, s[1].5), (3, 5, true));
        assert_eq!(
            s[2],
            ("Repo.index".into(), SymbolKind::Method, 6, 9, true, false)
        );
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn garbage_never_panics() {
        for src in [
            "public class",
            "class X {",
            "class X { void f( }",
            "enum E { A(",
            "@",
            "public @interface A { int v() default 1; }",
            "}}}",
        ] {
            let _ = outline(src);
        }
    }
}
