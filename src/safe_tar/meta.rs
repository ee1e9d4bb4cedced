//! Metadata entries — GNU long names and links, PAX headers — read by us, with caps.
//!
//! The archive is iterated in the `tar` crate's raw mode because its own handling reads each metadata entry
//! whole into memory, whatever size the header declares: a few kilobytes of gzip could ask for gigabytes.

use std::io::Read;

use tar::{Entry, EntryType, PaxExtensions};

use super::{Limits, UnsafeArchive};

/// PAX records of one entry: path, link path, times, ids. Far more than any honest archive needs.
const MAX_PAX_BYTES: u64 = 64 * 1024;

/// The names of a real entry, after the metadata entries before it.
pub(super) struct Names {
    pub(super) path: Vec<u8>,
    pub(super) link: Option<Vec<u8>>,
}

/// Metadata read so far, applying to the next real entry.
#[derive(Default)]
pub(super) struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Option<Vec<u8>>,
}

impl Pending {
    /// Reads `entry` if it is metadata (true), or leaves it alone (false).
    pub(super) fn absorb<R: Read>(
        &mut self,
        entry: &mut Entry<'_, R>,
        limits: &Limits,
    ) -> Result<bool, UnsafeArchive> {
        let kind = entry.header().entry_type();
        let path_cap = limits.max_path_len as u64 + 1; // GNU long names end with a NUL
        let slot = match kind {
            EntryType::GNULongName => (&mut self.long_name, path_cap),
            EntryType::GNULongLink => (&mut self.long_link, path_cap),
            EntryType::XHeader => (&mut self.pax, MAX_PAX_BYTES),
            // Global PAX records (GitHub puts the commit id in one) apply to no file ato keeps.
            EntryType::XGlobalHeader => {
                read_capped(entry, MAX_PAX_BYTES)?;
                return Ok(true);
            }
            _ => return Ok(false),
        };
        let (slot, cap) = slot;
        let mut data = read_capped(entry, cap)?;
        if kind != EntryType::XHeader {
            while data.last() == Some(&0) {
                data.pop();
            }
        }
        *slot = Some(data);
        Ok(true)
    }

    /// The path and link name of the real entry `entry`, PAX first, then GNU, then its header; clears the
    /// pending metadata.
    pub(super) fn take_names<R: Read>(
        &mut self,
        entry: &Entry<'_, R>,
    ) -> Result<Names, UnsafeArchive> {
        let mut path = self.long_name.take();
        let mut link = self.long_link.take();
        if let Some(pax) = self.pax.take() {
            for record in PaxExtensions::new(&pax) {
                let record =
                    record.map_err(|e| malformed(entry, format!("bad PAX record: {e}")))?;
                match record.key_bytes() {
                    b"path" => path = Some(record.value_bytes().to_vec()),
                    b"linkpath" => link = Some(record.value_bytes().to_vec()),
                    // Raw mode keeps the header's size; an archive that says otherwise would be read wrong.
                    b"size"
                        if record.value().ok().and_then(|v| v.parse::<u64>().ok())
                            != Some(entry.size()) =>
                    {
                        return Err(malformed(
                            entry,
                            "PAX size differs from the header's".into(),
                        ));
                    }
                    _ => {}
                }
            }
        }
        let path = path.unwrap_or_else(|| entry.path_bytes().into_owned());
        let link = link.or_else(|| entry.link_name_bytes().map(|b| b.into_owned()));
        Ok(Names { path, link })
    }
}

fn read_capped<R: Read>(entry: &mut Entry<'_, R>, cap: u64) -> Result<Vec<u8>, UnsafeArchive> {
    if entry.size() > cap {
        return Err(malformed(
            entry,
            format!("metadata entry of {} bytes, more than {cap}", entry.size()),
        ));
    }
    let mut data = Vec::new();
    entry
        .take(cap)
        .read_to_end(&mut data)
        .map_err(UnsafeArchive::Archive)?;
    Ok(data)
}

fn malformed<R: Read>(entry: &Entry<'_, R>, reason: String) -> UnsafeArchive {
    UnsafeArchive::Metadata {
        entry: String::from_utf8_lossy(&entry.path_bytes()).into_owned(),
        reason,
    }
}
