//! The answers cache: the last version of each model-written module, keyed by what the model saw — the file's
//! digest, the symbol, the model and the prompt version — so an unchanged file is never sent twice. One JSON file
//! per entry under `<data dir>/llm-cache/`, written atomically; a corrupt or unreadable entry is a miss.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What is kept for one symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    pub repairs: u32,
}

/// The cache folder; `None` disables caching.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
}

/// What makes two questions the same.
pub struct Key<'a> {
    pub model: &'a str,
    pub prompt_version: u32,
    /// An answer written for jest is no answer for node:test.
    pub framework: &'a str,
    pub path: &'a str,
    pub file_text: &'a str,
    pub symbol: &'a str,
}

impl Key<'_> {
    /// A hex digest, safe as a file name.
    pub fn digest(&self) -> String {
        let file = Sha256::digest(self.file_text.as_bytes());
        let mut hasher = Sha256::new();
        for part in [
            self.model.as_bytes(),
            self.prompt_version.to_string().as_bytes(),
            self.framework.as_bytes(),
            self.path.as_bytes(),
            &file[..],
            self.symbol.as_bytes(),
        ] {
            // Length-prefixed, so no two different keys hash the same bytes.
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        hex::encode(hasher.finalize())
    }
}

impl Cache {
    /// The cache under `data_dir/llm-cache`.
    pub fn under(data_dir: &Path) -> Cache {
        Cache {
            dir: Some(data_dir.join("llm-cache")),
        }
    }

    pub fn disabled() -> Cache {
        Cache { dir: None }
    }

    /// The entry for a key's [`Key::digest`].
    pub fn get(&self, digest: &str) -> Option<Entry> {
        let path = self.dir.as_ref()?.join(format!("{digest}.json"));
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn put(&self, digest: &str, entry: &Entry) -> std::io::Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{digest}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, serde_json::to_vec(entry)?)?;
        std::fs::rename(tmp, dir.join(format!("{digest}.json")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(text: &'a str, symbol: &'a str) -> Key<'a> {
        Key {
            model: "m",
            prompt_version: 1,
            framework: "pytest",
            path: "pkg/calc.py",
            file_text: text,
            symbol,
        }
    }

    #[test]
    fn a_hit_needs_the_same_file_symbol_model_and_framework() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::under(dir.path());
        let entry = Entry {
            code: "def test_x(): pass\n".into(),
            repairs: 1,
        };
        assert_eq!(cache.get(&key("a = 1", "add").digest()), None);
        cache.put(&key("a = 1", "add").digest(), &entry).unwrap();
        assert_eq!(cache.get(&key("a = 1", "add").digest()), Some(entry));
        assert_eq!(cache.get(&key("a = 2", "add").digest()), None);
        assert_eq!(cache.get(&key("a = 1", "sub").digest()), None);
        let other_model = Key {
            model: "n",
            ..key("a = 1", "add")
        };
        assert_eq!(cache.get(&other_model.digest()), None);
        let other_framework = Key {
            framework: "jest",
            ..key("a = 1", "add")
        };
        assert_eq!(cache.get(&other_framework.digest()), None);
    }

    #[test]
    fn corrupt_entries_are_misses_and_disabled_caches_keep_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::under(dir.path());
        let k = key("x", "f");
        std::fs::create_dir_all(dir.path().join("llm-cache")).unwrap();
        std::fs::write(
            dir.path()
                .join("llm-cache")
                .join(format!("{}.json", k.digest())),
            "{",
        )
        .unwrap();
        assert_eq!(cache.get(&k.digest()), None);
        let off = Cache::disabled();
        let entry = Entry {
            code: "x".into(),
            repairs: 0,
        };
        off.put(&k.digest(), &entry).unwrap();
        assert_eq!(off.get(&k.digest()), None);
    }
}
