//! Small helpers over quick-xml for the JUnit reader.

use quick_xml::events::{BytesStart, Event};

/// An attribute's unescaped value, matched by local name (namespaces do not matter in these formats).
pub fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The character data an event carries: text, CDATA, or a resolved entity or character reference
/// (quick-xml reports `&lt;` and `&#10;` as their own events). `None` for markup.
pub fn text(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Text(t) => Some(t.xml10_content().into_owned()),
        Event::CData(t) => Some(t.xml10_content().into_owned()),
        Event::GeneralRef(r) => Some(match r.resolve_char_ref() {
            Ok(Some(c)) => c.to_string(),
            _ => quick_xml::escape::resolve_xml_entity(r)
                .unwrap_or_default()
                .to_string(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::Reader;

    #[test]
    fn text_resolves_entities_and_char_refs() {
        let mut reader = Reader::from_str("<a k=\"1 &lt; 2\">x &amp; y&#10;<![CDATA[<z>]]></a>");
        let mut collected = String::new();
        let mut key = None;
        loop {
            let event = reader.read_event().unwrap();
            if let Event::Start(e) = &event {
                key = attribute(e, "k");
            }
            if matches!(event, Event::Eof) {
                break;
            }
            collected.push_str(&text(&event).unwrap_or_default());
        }
        assert_eq!(key.as_deref(), Some("1 < 2"));
        assert_eq!(collected, "x & y\n<z>");
    }
}
