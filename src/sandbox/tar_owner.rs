//! Gives every entry of the workspace tar to the job's user, in place, before the upload.
//!
//! Docker's upload keeps the tar's owners, so files made by ato (owned by root) would be read-only to the
//! runner. Docker's own `copyUIDGID` resolves the user through the image's `/etc/passwd`, which fails for a
//! numeric user the image does not list; rewriting the 512-byte headers needs no such lookup and no copy
//! of the (up to 1 GiB) tar.

use super::User;

const BLOCK: usize = 512;

/// Rewrites the uid, gid, user and group name of every header. Returns the number of headers. Refuses a tar
/// whose headers are corrupt, or whose PAX records set an owner (they would override the header's).
pub fn give_entries_to(tar: &mut [u8], user: User) -> Result<usize, String> {
    let mut offset = 0;
    let mut headers = 0;
    while offset + BLOCK <= tar.len() {
        let block = &mut tar[offset..offset + BLOCK];
        if block.iter().all(|&b| b == 0) {
            return Ok(headers);
        }
        let mut header = tar::Header::new_old();
        header.as_mut_bytes().copy_from_slice(block);
        check_checksum(&header).map_err(|why| format!("header at byte {offset}: {why}"))?;
        let size = header
            .entry_size()
            .map_err(|e| format!("header at byte {offset}: {e}"))?;
        let data_start = offset + BLOCK;
        let data_end = usize::try_from(size)
            .ok()
            .and_then(|size| data_start.checked_add(size))
            .filter(|&end| end <= tar.len())
            .ok_or_else(|| format!("entry at byte {offset} runs past the end of the tar"))?;
        if header.entry_type().is_pax_local_extensions()
            || header.entry_type().is_pax_global_extensions()
        {
            let records = &tar[data_start..data_end];
            if sets_owner(records) {
                return Err(format!("PAX header at byte {offset} sets an owner"));
            }
        }
        header.set_uid(user.uid.into());
        header.set_gid(user.gid.into());
        // Names are ignored by Docker's extraction but would mislead a reader of the tar.
        let _ = header.set_username("");
        let _ = header.set_groupname("");
        header.set_cksum();
        tar[offset..offset + BLOCK].copy_from_slice(header.as_bytes());
        headers += 1;
        offset = data_start + (data_end - data_start).div_ceil(BLOCK) * BLOCK;
    }
    if offset < tar.len() {
        return Err("the tar ends inside a header".to_string());
    }
    Ok(headers)
}

fn check_checksum(header: &tar::Header) -> Result<(), String> {
    let stored = header.cksum().map_err(|e| e.to_string())?;
    let mut recomputed = header.clone();
    recomputed.set_cksum();
    if recomputed.cksum().map_err(|e| e.to_string())? != stored {
        return Err("bad checksum (not a tar?)".to_string());
    }
    Ok(())
}

/// True when PAX records (`"<len> <key>=<value>\n"`) set `uid`, `gid`, `uname` or `gname`.
fn sets_owner(records: &[u8]) -> bool {
    records.split(|&b| b == b'\n').any(|record| {
        let key = record
            .splitn(2, |&b| b == b' ')
            .nth(1)
            .and_then(|rest| rest.split(|&b| b == b'=').next());
        matches!(key, Some(b"uid" | b"gid" | b"uname" | b"gname"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_tar() -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut dir = tar::Header::new_gnu();
        dir.set_entry_type(tar::EntryType::Directory);
        dir.set_mode(0o755);
        dir.set_size(0);
        builder
            .append_data(&mut dir, "head/", std::io::empty())
            .unwrap();
        let data = vec![b'x'; 700];
        let mut file = tar::Header::new_gnu();
        file.set_mode(0o644);
        file.set_size(data.len() as u64);
        file.set_uid(0);
        let long_name = format!("head/{}/f.py", "d".repeat(150));
        builder
            .append_data(&mut file, &long_name, &data[..])
            .unwrap();
        builder.into_inner().unwrap()
    }

    #[test]
    fn every_entry_gets_the_user_and_the_tar_stays_valid() {
        let mut tar = sample_tar();
        let headers = give_entries_to(
            &mut tar,
            User {
                uid: 1234,
                gid: 4321,
            },
        )
        .unwrap();
        assert_eq!(headers, 3, "directory, GNU long name, file");
        let mut archive = tar::Archive::new(&tar[..]);
        let mut seen = 0;
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            assert_eq!(entry.header().uid().unwrap(), 1234);
            assert_eq!(entry.header().gid().unwrap(), 4321);
            seen += 1;
        }
        assert_eq!(seen, 2);
    }

    #[test]
    fn an_empty_tar_is_fine() {
        assert_eq!(give_entries_to(&mut [], User::NOBODY), Ok(0));
        assert_eq!(give_entries_to(&mut [0; 1024], User::NOBODY), Ok(0));
    }

    #[test]
    fn garbage_is_refused() {
        let mut garbage = vec![7u8; 1024];
        assert!(give_entries_to(&mut garbage, User::NOBODY).is_err());
        let mut cut = sample_tar();
        cut.truncate(700);
        assert!(give_entries_to(&mut cut, User::NOBODY).is_err());
    }

    #[test]
    fn pax_owner_records_are_refused() {
        let mut builder = tar::Builder::new(Vec::new());
        builder.append_pax_extensions([("uid", &b"0"[..])]).unwrap();
        let mut file = tar::Header::new_ustar();
        file.set_size(0);
        builder
            .append_data(&mut file, "a", std::io::empty())
            .unwrap();
        let mut tar = builder.into_inner().unwrap();
        assert!(
            give_entries_to(&mut tar, User::NOBODY)
                .unwrap_err()
                .contains("owner")
        );
        assert!(!sets_owner(b"30 path=a/uid=1\n"));
        assert!(sets_owner(b"12 gname=x\n"));
    }
}
