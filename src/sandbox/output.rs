//! stdout and stderr of a job, kept up to a cap. Past the cap the bytes are still read (a job blocked on a
//! full pipe would only run into its timeout) but dropped.

/// One capped stream.
#[derive(Debug, Default)]
pub struct CappedBuffer {
    kept: Vec<u8>,
    cap: usize,
    dropped: u64,
}

impl CappedBuffer {
    pub fn new(cap: usize) -> CappedBuffer {
        CappedBuffer {
            kept: Vec::new(),
            cap,
            dropped: 0,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        let room = self.cap.saturating_sub(self.kept.len());
        let take = room.min(bytes.len());
        self.kept.extend_from_slice(&bytes[..take]);
        self.dropped += (bytes.len() - take) as u64;
    }

    pub fn truncated(&self) -> bool {
        self.dropped > 0
    }

    /// The kept bytes as text; invalid UTF-8 (including a character cut by the cap) becomes U+FFFD.
    pub fn into_text(self) -> String {
        String::from_utf8_lossy(&self.kept).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_everything_under_the_cap() {
        let mut buffer = CappedBuffer::new(10);
        buffer.push(b"hello ");
        buffer.push(b"you");
        assert!(!buffer.truncated());
        assert_eq!(buffer.into_text(), "hello you");
    }

    #[test]
    fn cuts_at_the_cap_and_says_so() {
        let mut buffer = CappedBuffer::new(4);
        buffer.push(b"abc");
        buffer.push(b"defg");
        buffer.push(b"h");
        assert!(buffer.truncated());
        assert_eq!(buffer.into_text(), "abcd");
    }

    #[test]
    fn a_cut_character_does_not_fail() {
        let mut buffer = CappedBuffer::new(2);
        buffer.push("é!".as_bytes()[..].as_ref());
        buffer.push("€".as_bytes());
        assert!(buffer.truncated());
        assert_eq!(buffer.into_text(), "é");
        let mut buffer = CappedBuffer::new(1);
        buffer.push("é".as_bytes());
        assert_eq!(buffer.into_text(), "\u{fffd}");
    }
}
