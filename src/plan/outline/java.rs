use super::OutlineSymbol;
pub(super) fn outline(_source: &str) -> Vec<OutlineSymbol> {
    Vec::new()
}
