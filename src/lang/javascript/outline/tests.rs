//! Tests of the JavaScript/TypeScript outline.

use super::outline;
use crate::model::SymbolKind;

/// (name, start, end, public) of every symbol, in file order.
fn shape(source: &str) -> Vec<(String, u32, u32, bool)> {
    let mut symbols = outline(source);
    symbols.sort_by_key(|s| (s.start_line, s.name.clone()));
    symbols
        .into_iter()
        .map(|s| (s.name, s.start_line, s.end_line, s.public))
        .collect()
}

fn public(source: &str) -> Vec<(String, u32, u32)> {
    shape(source)
        .into_iter()
        .filter(|s| s.3)
        .map(|(n, s, e, _)| (n, s, e))
        .collect()
}

fn owned(items: &[(&str, u32, u32)]) -> Vec<(String, u32, u32)> {
    items
        .iter()
        .map(|(n, s, e)| (n.to_string(), *s, *e))
        .collect()
}

#[test]
fn exported_functions_and_arrows() {
    let src = "import x from 'y';\n\nexport function add(a, b) {\n  return a + b;\n}\n\nexport const sub = (a, b) => {\n  return a - b;\n};\nexport const mul = (a, b) =>\n  a * b;\nexport const neg = a => -a\nexport async function* gen() {\n  yield 1\n}\nfunction hidden() {}\nconst NUMBER = 3;\n";
    assert_eq!(
        public(src),
        owned(&[
            ("add", 3, 5),
            ("sub", 7, 9),
            ("mul", 10, 11),
            ("neg", 12, 12),
            ("gen", 13, 15)
        ])
    );
    let all = shape(src);
    assert!(all.iter().any(|s| s.0 == "hidden" && !s.3));
    assert!(!all.iter().any(|s| s.0 == "NUMBER"));
}

#[test]
fn classes_and_methods() {
    let src = "export class Stack {\n  #items = [];\n  constructor() {\n    this.n = 0;\n  }\n  push(x) {\n    this.#items.push(x);\n  }\n  static of(...xs) { return new Stack(); }\n  get size() {\n    return this.n;\n  }\n  #secret() {}\n  _internal() {}\n  onClick = (e) => {\n    this.n++;\n  };\n}\n";
    let symbols = outline(src);
    let find = |n: &str| {
        symbols
            .iter()
            .find(|s| s.name == n)
            .unwrap_or_else(|| panic!("{n} in {symbols:?}"))
    };
    assert_eq!((find("Stack").start_line, find("Stack").end_line), (1, 18));
    assert_eq!(find("Stack").kind, SymbolKind::Class);
    assert!(find("Stack.constructor").part_of_class);
    assert_eq!(
        (
            find("Stack.push").start_line,
            find("Stack.push").end_line,
            find("Stack.push").public
        ),
        (6, 8, true)
    );
    assert_eq!(find("Stack.push").kind, SymbolKind::Method);
    assert!(find("Stack.of").public);
    assert_eq!(
        (find("Stack.size").start_line, find("Stack.size").end_line),
        (10, 12)
    );
    assert!(!find("Stack.secret").public);
    assert!(!find("Stack._internal").public);
    assert_eq!(
        (
            find("Stack.onClick").start_line,
            find("Stack.onClick").end_line
        ),
        (15, 17)
    );
}

#[test]
fn typescript_types_do_not_confuse_it() {
    let src = "export interface Shape { area(): number; }\nexport type Id = { id: string };\nexport function make<T extends object>(x: T): { value: T } {\n  return { value: x };\n}\nexport function over(a: string): string;\nexport function over(a: number): number;\nexport function over(a: any): any {\n  return a;\n}\nexport abstract class Base<T> implements Shape {\n  private cache: Map<string, T> = new Map();\n  protected helper(): void {}\n  abstract area(): number;\n  public describe(): string {\n    return `area ${this.area()}`;\n  }\n}\nexport const typed: (a: number) => number = (a: number): number => a * 2;\nexport enum Color { Red, Green }\n";
    assert_eq!(
        public(src),
        owned(&[
            ("make", 3, 5),
            ("over", 8, 10),
            ("Base", 11, 18),
            ("Base.describe", 15, 17),
            ("typed", 19, 19),
        ])
    );
}

#[test]
fn export_lists_and_defaults() {
    let src = "function a() {}\nfunction b() {}\nclass C {\n  m() {}\n}\nfunction d() {}\nexport { a, b as bee };\nexport { x } from './x';\nexport default C;\n";
    assert_eq!(
        public(src),
        owned(&[("a", 1, 1), ("b", 2, 2), ("C", 3, 5), ("C.m", 4, 4)])
    );
    let src = "export default function () {\n  return 1;\n}\n";
    assert_eq!(public(src), owned(&[("default", 1, 3)]));
}

#[test]
fn commonjs_exports() {
    let src = "function add(a, b) { return a + b; }\nfunction sub(a, b) { return a - b; }\nfunction priv() {}\nexports.mul = function (a, b) {\n  return a * b;\n};\nmodule.exports.div = (a, b) => a / b;\nmodule.exports = { add, minus: sub };\n";
    assert_eq!(
        public(src),
        owned(&[("add", 1, 1), ("sub", 2, 2), ("mul", 4, 6), ("div", 7, 7)])
    );
}

#[test]
fn statements_without_semicolons() {
    let src = "export const a = () => 1\nexport const b = 2\nexport function c() {\n  return '}'\n}\nconst re = /}/g\nexport const d = (x) =>\n  x + 1\n";
    assert_eq!(public(src), owned(&[("a", 1, 1), ("c", 3, 5), ("d", 7, 8)]));
}

#[test]
fn decorated_classes_start_at_the_decorator() {
    let src = "@Component({\n  selector: 'x',\n})\nexport class View {\n  @Input() name: string;\n  @HostListener('click')\n  onClick() {\n  }\n}\n";
    assert_eq!(
        public(src),
        owned(&[("View", 1, 9), ("View.onClick", 6, 8)])
    );
}

#[test]
fn garbage_never_panics() {
    for src in [
        "export",
        "export {",
        "class",
        "export class X {",
        "const = ",
        "exports.",
        "module.exports = {",
        "export function f(",
        "export const f = (a) =>",
        "} } ) ]",
    ] {
        let _ = outline(src);
    }
}
