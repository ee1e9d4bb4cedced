use super::OutlineSymbol;
pub(super) fn outline(_source: &str, _ts: bool) -> Vec<OutlineSymbol> {
    Vec::new()
}
