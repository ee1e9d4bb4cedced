//! The outline of a changed file, from its language's scanner ([`crate::lang`]), in line order.

use crate::lang;
pub(crate) use crate::lang::OutlineSymbol;
use crate::model::Language;

/// The outline of `source`, sorted by start line.
pub fn outline(language: Language, source: &str) -> Vec<OutlineSymbol> {
    let mut symbols = lang::of(language).outline(source);
    symbols.sort_by(|a, b| (a.start_line, &a.name).cmp(&(b.start_line, &b.name)));
    symbols
}
