//! Tests of the Python outline.

use super::outline;
use crate::model::SymbolKind;

/// (name, kind, start, end, public, part_of_class) of each symbol, in file order.
fn shape(source: &str) -> Vec<(String, SymbolKind, u32, u32, bool, bool)> {
    let mut symbols = outline(source);
    symbols.sort_by_key(|s| s.start_line);
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

fn names(source: &str) -> Vec<(String, u32, u32)> {
    shape(source)
        .into_iter()
        .map(|(n, _, s, e, _, _)| (n, s, e))
        .collect()
}

fn owned(items: &[(&str, u32, u32)]) -> Vec<(String, u32, u32)> {
    items
        .iter()
        .map(|(n, s, e)| (n.to_string(), *s, *e))
        .collect()
}

#[test]
fn top_level_functions_end_at_the_next_dedent() {
    let src = "import os\n\ndef add(a, b):\n    c = a + b\n\n    return c\n\n\ndef sub(a, b):\n    return a - b\nx = 1\n";
    assert_eq!(names(src), owned(&[("add", 3, 6), ("sub", 9, 10)]));
}

#[test]
fn classes_and_methods() {
    let src = "class Stack:\n    \"\"\"A stack.\"\"\"\n\n    def push(self, x):\n        self.items.append(x)\n\n    async def pop(self):\n        return self.items.pop()\n\nTOP = 1\n";
    let s = shape(src);
    assert_eq!(s[0], ("Stack".into(), SymbolKind::Class, 1, 8, true, false));
    assert_eq!(
        s[1],
        ("Stack.push".into(), SymbolKind::Method, 4, 5, true, false)
    );
    assert_eq!(
        s[2],
        ("Stack.pop".into(), SymbolKind::Method, 7, 8, true, false)
    );
    assert_eq!(s.len(), 3);
}

#[test]
fn decorators_belong_to_their_function() {
    let src = "@cache\n@other(1,\n       2)\ndef f():\n    pass\n\nclass A:\n    @property\n    def p(self):\n        return 1\n";
    assert_eq!(
        names(src),
        owned(&[("f", 1, 5), ("A", 7, 10), ("A.p", 8, 10)])
    );
}

#[test]
fn multi_line_signatures() {
    let src =
        "def f(\n    a: int,\n    b: int = (1 +\n2),\n) -> int:\n    return a\ndef g(): return 2\n";
    assert_eq!(names(src), owned(&[("f", 1, 6), ("g", 7, 7)]));
}

#[test]
fn nested_functions_are_part_of_their_parent() {
    let src = "def outer():\n    def inner():\n        class Local:\n            def m(self):\n                pass\n        return 1\n    return inner\n";
    assert_eq!(names(src), owned(&[("outer", 1, 7)]));
}

#[test]
fn strings_containing_def_do_not_confuse_it() {
    let src = "def f():\n    s = \"\"\"\ndef fake():\n    pass\nclass Fake:\n\"\"\"\n    t = 'def also_fake(): pass'\n    return s\n\ndef g():\n    pass\n";
    assert_eq!(names(src), owned(&[("f", 1, 8), ("g", 10, 11)]));
}

#[test]
fn comments_at_column_zero_do_not_end_a_body() {
    let src =
        "def f():\n    a = 1\n# a note\n    return a\n# trailing note\n\ndef g():\n    pass\n";
    assert_eq!(names(src), owned(&[("f", 1, 4), ("g", 7, 8)]));
}

#[test]
fn indented_comments_after_the_body_count() {
    let src = "def f():\n    return 1\n    # still f\n\nx = 2\n";
    assert_eq!(names(src), owned(&[("f", 1, 3)]));
}

#[test]
fn privacy_and_dunders() {
    let src = "class _Hidden:\n    def m(self): pass\nclass Shown:\n    def __init__(self): pass\n    def _helper(self): pass\n    def __eq__(self, o): pass\n    def run(self): pass\ndef _private(): pass\ndef public(): pass\n";
    let s = shape(src);
    let public: Vec<&str> = s.iter().filter(|x| x.4).map(|x| x.0.as_str()).collect();
    assert_eq!(public, vec!["Shown", "Shown.run", "public"]);
    let dunders: Vec<&str> = s.iter().filter(|x| x.5).map(|x| x.0.as_str()).collect();
    assert_eq!(dunders, vec!["Shown.__init__", "Shown.__eq__"]);
}

#[test]
fn nested_classes_are_qualified() {
    let src = "class A:\n    class B:\n        def m(self):\n            pass\n    def n(self):\n        pass\n";
    let s = shape(src);
    assert_eq!(s[1], ("A.B".into(), SymbolKind::Class, 2, 4, true, false));
    assert_eq!(
        s[2],
        ("A.B.m".into(), SymbolKind::Method, 3, 4, true, false)
    );
    assert_eq!(s[3], ("A.n".into(), SymbolKind::Method, 5, 6, true, false));
    assert_eq!(s[0].3, 6);
}

#[test]
fn crlf_and_tabs() {
    let src = "def f():\r\n\treturn 1\r\n\r\ndef g():\r\n\tpass\r\n";
    assert_eq!(names(src), owned(&[("f", 1, 2), ("g", 4, 5)]));
}

#[test]
fn backslash_continuations_and_brackets() {
    let src = "def f():\n    x = 1 + \\\n2\n    y = [\n1,\n]\n    return x\nz = 0\n";
    assert_eq!(names(src), owned(&[("f", 1, 7)]));
}

#[test]
fn definitions_in_blocks_at_module_level() {
    let src = "try:\n    def f():\n        pass\nexcept ImportError:\n    def f():\n        return 0\nif True:\n    class C:\n        pass\n";
    assert_eq!(names(src), owned(&[("f", 2, 3), ("f", 5, 6), ("C", 8, 9)]));
}

#[test]
fn look_alikes_are_not_definitions() {
    let src = "class_ = 1\ndefault = 2\nasync_def = 3\ndef\nclass 9x:\n    pass\n";
    assert!(names(src).is_empty());
}

#[test]
fn unterminated_constructs_never_panic() {
    for src in [
        "def f(\n",
        "\"\"\"\ndef x(): pass",
        "class A:\n    def",
        "@d\n",
        "'\\",
        "\t\x0c def f(): pass",
    ] {
        let _ = outline(src);
    }
}

#[test]
fn decorated_classes_and_async_functions() {
    let src = "@dataclass(frozen=True)\nclass Point:\n    x: int\n    y: int\n\n    @staticmethod\n    async def origin():\n        return Point(0, 0)\n\nasync def fetch():\n    pass\n";
    let s = shape(src);
    assert_eq!(s[0], ("Point".into(), SymbolKind::Class, 1, 8, true, false));
    assert_eq!(
        s[1],
        ("Point.origin".into(), SymbolKind::Method, 6, 8, true, false)
    );
    assert_eq!(
        s[2],
        ("fetch".into(), SymbolKind::Function, 10, 11, true, false)
    );
}
