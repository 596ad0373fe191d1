//! The redb tables behind a [`crate::Repo`], the encoding of a codebase's record, and the reads
//! and writes every operation is built from.
//!
//! Four tables:
//!
//! - `codebases`: codebase path → its [`Record`] (version, main, base, the base version it last
//!   saw, and what it has published).
//! - `entries`: (codebase, kind, file path) → a blob id (or 0 for marks): the codebase's
//!   uncommitted edits, its erasure marks, its committed files, the codebases derived from it and
//!   the files of its published view.
//! - `blobs`: blob id → (reference count, content). A blob is shared by every entry that points
//!   at it (a committed file and the published views that took it), so a published view keeps the
//!   content it was made from after the codebase's files move on.
//! - `meta`: counters (next blob id, publish serial) and the format number.

use std::collections::{BTreeMap, BTreeSet};

use redb::{ReadableTable, Table, TableDefinition, WriteTransaction};

use crate::RepoError;

/// (codebase path, entry kind, file path).
pub(crate) type EntryKey = (&'static str, u8, &'static str);

pub(crate) const CODEBASES: TableDefinition<&str, &[u8]> = TableDefinition::new("codebases");
pub(crate) const ENTRIES: TableDefinition<EntryKey, u64> = TableDefinition::new("entries");
pub(crate) const BLOBS: TableDefinition<u64, (u64, &[u8])> = TableDefinition::new("blobs");
pub(crate) const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// Bumped whenever the layout of the tables or of a record changes.
pub(crate) const FORMAT: u64 = 1;
pub(crate) const META_FORMAT: &str = "format";
const META_NEXT_BLOB: &str = "next-blob";
const META_SERIAL: &str = "serial";

/// An uncommitted edit: file path → blob.
pub(crate) const EDIT: u8 = 0;
/// An erasure mark on a committed file (value 0).
pub(crate) const ERASED: u8 = 1;
/// A committed file of the codebase itself: file path → blob.
pub(crate) const FILE: u8 = 2;
/// A codebase derived from this one: its path in the file-path slot (value 0).
pub(crate) const DERIVED: u8 = 3;
/// A file of the published view: file path → blob.
pub(crate) const PUBLISHED: u8 = 4;

const ALL_KINDS: [u8; 5] = [EDIT, ERASED, FILE, DERIVED, PUBLISHED];

/// What is stored for one codebase.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Record {
    pub version: String,
    pub main: String,
    /// The codebase this one derives from.
    pub base: Option<String>,
    /// The base's version when this codebase last took the base's files.
    pub base_seen: String,
    /// The last published manifest, if any.
    pub manifest: Option<ManifestRecord>,
    /// Every file of the published view with its own etag.
    pub published: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ManifestRecord {
    pub version: String,
    pub etag: String,
    pub main: String,
}

impl Record {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut put = |s: &str| {
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        put(&self.version);
        put(&self.main);
        put(self.base.as_deref().unwrap_or(""));
        put(&self.base_seen);
        match &self.manifest {
            Some(m) => {
                put("1");
                put(&m.version);
                put(&m.etag);
                put(&m.main);
            }
            None => put(""),
        }
        for (path, etag) in &self.published {
            put(path);
            put(etag);
        }
        out
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Record, RepoError> {
        let mut r = Reader(bytes);
        let version = r.string()?;
        let main = r.string()?;
        let base = Some(r.string()?).filter(|b| !b.is_empty());
        let base_seen = r.string()?;
        let manifest = match r.string()?.as_str() {
            "" => None,
            "1" => Some(ManifestRecord { version: r.string()?, etag: r.string()?, main: r.string()? }),
            _ => return Err(corrupt("bad manifest flag")),
        };
        let mut published = BTreeMap::new();
        while !r.0.is_empty() {
            let path = r.string()?;
            let etag = r.string()?;
            published.insert(path, etag);
        }
        Ok(Record { version, main, base, base_seen, manifest, published })
    }
}

/// Reads the length-prefixed strings of an encoded record.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn string(&mut self) -> Result<String, RepoError> {
        let (len, rest) = self.0.split_first_chunk::<8>().ok_or_else(|| corrupt("truncated record"))?;
        let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| corrupt("bad record length"))?;
        if rest.len() < len {
            return Err(corrupt("truncated record"));
        }
        let (text, rest) = rest.split_at(len);
        self.0 = rest;
        String::from_utf8(text.to_vec()).map_err(|_| corrupt("record is not UTF-8"))
    }
}

pub(crate) fn corrupt(what: &str) -> RepoError {
    RepoError::Corrupt(what.to_string())
}

/// The tables of one transaction: read-only ones for a read, writable ones for a write.
pub(crate) struct Tables<C, E, B, M> {
    pub codebases: C,
    pub entries: E,
    pub blobs: B,
    pub meta: M,
}

pub(crate) type WriteTables<'t> = Tables<
    Table<'t, &'static str, &'static [u8]>,
    Table<'t, EntryKey, u64>,
    Table<'t, u64, (u64, &'static [u8])>,
    Table<'t, &'static str, u64>,
>;

pub(crate) fn open_write(txn: &WriteTransaction) -> Result<WriteTables<'_>, RepoError> {
    Ok(Tables {
        codebases: txn.open_table(CODEBASES)?,
        entries: txn.open_table(ENTRIES)?,
        blobs: txn.open_table(BLOBS)?,
        meta: txn.open_table(META)?,
    })
}

impl<C, E, B, M> Tables<C, E, B, M>
where
    C: ReadableTable<&'static str, &'static [u8]>,
    E: ReadableTable<EntryKey, u64>,
    B: ReadableTable<u64, (u64, &'static [u8])>,
{
    pub(crate) fn record(&self, cb: &str) -> Result<Option<Record>, RepoError> {
        match self.codebases.get(cb)? {
            Some(guard) => Ok(Some(Record::decode(guard.value())?)),
            None => Ok(None),
        }
    }

    /// The record of a codebase that must exist.
    pub(crate) fn existing(&self, cb: &str) -> Result<Record, RepoError> {
        self.record(cb)?.ok_or(RepoError::NotFound)
    }

    pub(crate) fn codebase_paths(&self, prefix: &str) -> Result<Vec<String>, RepoError> {
        let mut out = Vec::new();
        for item in self.codebases.range(prefix..)? {
            let (key, _) = item?;
            let key = key.value();
            if !key.starts_with(prefix) {
                break;
            }
            out.push(key.to_string());
        }
        Ok(out)
    }

    pub(crate) fn entry(&self, cb: &str, kind: u8, path: &str) -> Result<Option<u64>, RepoError> {
        Ok(self.entries.get((cb, kind, path))?.map(|g| g.value()))
    }

    /// Every entry of one kind of a codebase, by file path.
    pub(crate) fn entries_of(&self, cb: &str, kind: u8) -> Result<BTreeMap<String, u64>, RepoError> {
        let mut out = BTreeMap::new();
        for item in self.entries.range((cb, kind, "")..)? {
            let (key, value) = item?;
            let (c, k, path) = key.value();
            if c != cb || k != kind {
                break;
            }
            out.insert(path.to_string(), value.value());
        }
        Ok(out)
    }

    pub(crate) fn paths_of(&self, cb: &str, kind: u8) -> Result<Vec<String>, RepoError> {
        Ok(self.entries_of(cb, kind)?.into_keys().collect())
    }

    pub(crate) fn blob(&self, id: u64) -> Result<Vec<u8>, RepoError> {
        match self.blobs.get(id)? {
            Some(guard) => Ok(guard.value().1.to_vec()),
            None => Err(corrupt("a file's content is missing")),
        }
    }

    /// The codebases `cb` derives from, nearest first.
    pub(crate) fn ancestors(&self, cb: &str) -> Result<Vec<String>, RepoError> {
        let mut out: Vec<String> = Vec::new();
        let mut next = self.existing(cb)?.base;
        while let Some(base) = next {
            if base == cb || out.contains(&base) {
                return Err(corrupt("a codebase derives from itself"));
            }
            next = self.record(&base)?.and_then(|r| r.base);
            out.push(base);
        }
        Ok(out)
    }

    /// The committed files of `cb` overlaid on those of its bases: what a publish would show.
    pub(crate) fn committed_view(&self, cb: &str) -> Result<BTreeMap<String, u64>, RepoError> {
        let mut view = self.entries_of(cb, FILE)?;
        for base in self.ancestors(cb)? {
            for (path, id) in self.entries_of(&base, FILE)? {
                view.entry(path).or_insert(id);
            }
        }
        Ok(view)
    }

    /// The editor's view of one file: the edit, else the committed file, unless erased; then
    /// the nearest base's committed file.
    pub(crate) fn editor_file(&self, cb: &str, path: &str) -> Result<Option<u64>, RepoError> {
        if self.entry(cb, ERASED, path)?.is_none() {
            if let Some(id) = self.entry(cb, EDIT, path)? {
                return Ok(Some(id));
            }
            if let Some(id) = self.entry(cb, FILE, path)? {
                return Ok(Some(id));
            }
        }
        for base in self.ancestors(cb)? {
            if let Some(id) = self.entry(&base, FILE, path)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// `cb` and every codebase derived from it, recursively, parents before children.
    pub(crate) fn subtree(&self, cb: &str) -> Result<Vec<String>, RepoError> {
        let mut out = vec![cb.to_string()];
        let mut i = 0;
        while i < out.len() {
            for d in self.paths_of(&out[i], DERIVED)? {
                if out.contains(&d) {
                    return Err(corrupt("a codebase derives from itself"));
                }
                out.push(d);
            }
            i += 1;
        }
        Ok(out)
    }
}

impl WriteTables<'_> {
    pub(crate) fn put_record(&mut self, cb: &str, record: &Record) -> Result<(), RepoError> {
        self.codebases.insert(cb, record.encode().as_slice())?;
        Ok(())
    }

    fn bump_counter(&mut self, name: &str) -> Result<u64, RepoError> {
        let current = self.meta.get(name)?.map(|g| g.value()).unwrap_or(0);
        let next = current.checked_add(1).ok_or_else(|| corrupt("counter overflow"))?;
        self.meta.insert(name, next)?;
        Ok(next)
    }

    /// A new number for the etags of one publish.
    pub(crate) fn next_serial(&mut self) -> Result<u64, RepoError> {
        self.bump_counter(META_SERIAL)
    }

    /// Stores `data` as a new blob with one reference.
    pub(crate) fn new_blob(&mut self, data: &[u8]) -> Result<u64, RepoError> {
        let id = self.bump_counter(META_NEXT_BLOB)?;
        self.blobs.insert(id, (1u64, data))?;
        Ok(id)
    }

    pub(crate) fn add_ref(&mut self, id: u64) -> Result<(), RepoError> {
        let (count, data) = match self.blobs.get(id)? {
            Some(guard) => {
                let (count, data) = guard.value();
                (count, data.to_vec())
            }
            None => return Err(corrupt("a file's content is missing")),
        };
        self.blobs.insert(id, (count + 1, data.as_slice()))?;
        Ok(())
    }

    pub(crate) fn drop_ref(&mut self, id: u64) -> Result<(), RepoError> {
        let (count, data) = match self.blobs.get(id)? {
            Some(guard) => {
                let (count, data) = guard.value();
                (count, data.to_vec())
            }
            None => return Err(corrupt("a file's content is missing")),
        };
        if count <= 1 {
            self.blobs.remove(id)?;
        } else {
            self.blobs.insert(id, (count - 1, data.as_slice()))?;
        }
        Ok(())
    }

    /// Sets an entry; the blob the entry held before, if any, loses its reference.
    pub(crate) fn set_entry(&mut self, cb: &str, kind: u8, path: &str, value: u64) -> Result<(), RepoError> {
        let old = self.entries.insert((cb, kind, path), value)?.map(|g| g.value());
        if let Some(old) = old {
            if holds_blob(kind) && old != value {
                self.drop_ref(old)?;
            }
        }
        Ok(())
    }

    /// Removes an entry, dropping the reference it held.
    pub(crate) fn remove_entry(&mut self, cb: &str, kind: u8, path: &str) -> Result<(), RepoError> {
        let old = self.entries.remove((cb, kind, path))?.map(|g| g.value());
        if let Some(old) = old {
            if holds_blob(kind) {
                self.drop_ref(old)?;
            }
        }
        Ok(())
    }

    /// Removes an entry without touching the blob: the caller takes the reference over.
    pub(crate) fn take_entry(&mut self, cb: &str, kind: u8, path: &str) -> Result<Option<u64>, RepoError> {
        Ok(self.entries.remove((cb, kind, path))?.map(|g| g.value()))
    }

    /// Replaces the published files of `cb` by `view`.
    pub(crate) fn replace_published(&mut self, cb: &str, view: &BTreeMap<String, u64>) -> Result<(), RepoError> {
        let old = self.entries_of(cb, PUBLISHED)?;
        for (path, &id) in view {
            if old.get(path) != Some(&id) {
                self.add_ref(id)?;
                self.set_entry(cb, PUBLISHED, path, id)?;
            }
        }
        for path in old.keys().filter(|p| !view.contains_key(*p)) {
            self.remove_entry(cb, PUBLISHED, path)?;
        }
        Ok(())
    }

    /// Removes everything of `cb` except its record.
    pub(crate) fn clear_entries(&mut self, cb: &str) -> Result<(), RepoError> {
        for kind in ALL_KINDS {
            let paths: BTreeSet<String> = self.entries_of(cb, kind)?.into_keys().collect();
            for path in paths {
                self.remove_entry(cb, kind, &path)?;
            }
        }
        Ok(())
    }
}

fn holds_blob(kind: u8) -> bool {
    matches!(kind, EDIT | FILE | PUBLISHED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let mut published = BTreeMap::new();
        published.insert("/main.js".to_string(), "3.1".to_string());
        published.insert("/lib.js".to_string(), String::new());
        let r = Record {
            version: "3".into(),
            main: "/main.js".into(),
            base: Some("/base".into()),
            base_seen: "7".into(),
            manifest: Some(ManifestRecord { version: "3".into(), etag: "3-9".into(), main: "/x.js".into() }),
            published,
        };
        assert_eq!(Record::decode(&r.encode()).unwrap(), r);
        let empty = Record::default();
        assert_eq!(Record::decode(&empty.encode()).unwrap(), empty);
        assert!(Record::decode(&r.encode()[..10]).is_err());
    }
}
