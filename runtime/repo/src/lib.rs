//! The codebase store of repo mode: named sets of files ("codebases") that an administrator
//! edits and publishes, and that workers download. `pipy --admin-port=N` keeps it in memory;
//! `pipy --admin-port=N DIR` keeps it in one redb file inside DIR, so it is found again after a
//! restart. Every change is one redb write transaction, committed durably before the call
//! returns: a crash leaves the store as it was before or after a call, never in between.
//!
//! # Behaviour of the original (Pipy 1.5, checked against its binary and its source)
//!
//! - Codebase paths are the URL paths under `/api/v1/repo`, so they start with `/` (`/hello`,
//!   `/a/b`). A path that is empty or ends with `/` is refused ("Invalid codebase name"). The
//!   original does not add the leading `/` (a base given as `"hello"` is "Base codebase not
//!   found"); here `hello` means `/hello`, for codebase names, bases, file paths and main.
//! - A new codebase has version `0` (or the one given; an empty version is "Invalid version") and
//!   one committed file, `/main.js`, holding a starter script ([`INITIAL_MAIN`]); its main is
//!   `/main.js`. Creating a codebase publishes nothing: workers get 404 until the first publish.
//! - A derived codebase starts with no files of its own and the base's main; its base's committed
//!   files show through (`baseFiles`, and the editor's read of a file it does not have). It
//!   remembers the base's version at that moment.
//! - Editing a file stores an edit (`editFiles`) beside the committed file (`files`). Erasing a
//!   file drops its edit and, if the codebase has its own committed copy, marks that copy erased
//!   (`erasedFiles`); a file that only comes from the base cannot be hidden: erasing it does
//!   nothing, and erasing an own copy of a base file brings the base's back. Resetting a file
//!   (PATCH with an empty body) drops both its edit and its erasure mark.
//! - Publishing (PATCH with a version, any non-empty string) commits the edits and erasures,
//!   sets the version and publishes the committed view: the codebase's committed files over its
//!   bases', nearest first. The manifest (`GET /repo/<cb>/`) is the main file followed by the
//!   other files in path order, one a line, without a final newline; every file's etag is the
//!   version. Publishing the same version again is allowed.
//! - When a codebase publishes, every codebase derived from it whose remembered base version
//!   differs gets its version raised by one (C `atoi` of the old version, plus one: "8" → "9",
//!   "abc" → "1") and its view republished, recursively down the derivation tree, even if it never
//!   published itself. Their workers are told to reload.
//! - A PATCH without a version (after setting main, if given) commits the edits without
//!   publishing a version: each changed file's own etag grows a counter ("8" → "8.1" → "8.2", a
//!   new file gets ".1") while the manifest and its etag stay, so polling workers refresh only the
//!   files they watch, through `GET /repo/<cb>/_etags` (`path#etag` lines in path order). See
//!   [`Repo::commit_files`]. Setting main alone changes only what the next publish lists first.
//! - Deleting a codebase deletes every codebase derived from it, recursively.
//! - Left to the admin service: a JSON version that is a number becomes its integer's text (below
//!   0 or above `i32::MAX` is "Invalid version number"); one that is neither string nor number is
//!   "Invalid version"; a `base` that is not a string is "Invalid base codebase".
//! - `create` with a `main` is ignored by the original (the codebase keeps `/main.js` or the
//!   base's main); here it is honoured.
//!
//! # Where this store differs on purpose
//!
//! - The manifest etag ([`Manifest::etag`]) is the version followed by a store-wide serial
//!   number, so it changes on every publish, also when a version is published again or a base
//!   republishes the same version (the original sends the bare version and leaves derived
//!   codebases stale in those cases). Every publish of a base republishes the derived codebases
//!   that already have a published view; the version bump follows the original's rule.
//! - A published view keeps the content it was made from: the original drops the content of a
//!   base file when the base commits a new one, so a derived codebase's published copy could
//!   vanish, and after a delete the original still serves files the codebase got from its base.
//! - After [`Repo::commit_files`] the manifest lists the files actually published (the original
//!   keeps listing the last publish's files, erased ones included).

#![forbid(unsafe_code)]

mod tables;

use std::collections::BTreeMap;
use std::path::Path;

use redb::backends::InMemoryBackend;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use tables::{
    BLOBS, CODEBASES, DERIVED, EDIT, ENTRIES, ERASED, FILE, FORMAT, META_FORMAT, ManifestRecord, PUBLISHED, Record,
    Tables, WriteTables, open_write,
};

/// The main file of a new codebase that derives from none: a starter pipeline script.
pub const INITIAL_MAIN: &str = "((\n  // Global variables go here, e.g.:\n  // config = pipy.solve('config.js'),\n\n) => pipy({\n  // Context variables go here, e.g.:\n  // _target: null,\n\n})\n\n  // Pipeline layouts go here, e.g.:\n  .listen(80)\n  .dump()\n  .dummy()\n\n)()\n";

/// The file name under which a codebase's published file etags are served.
pub const ETAGS_FILE: &str = "/_etags";

/// The name of the store's file inside the directory given to [`Repo::open`].
pub const DB_FILE: &str = "repo.redb";

/// Why a call on the store failed. The texts of the first variants are the original's 400
/// answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepoError {
    #[error("Codebase already exists")]
    Exists,
    #[error("Base codebase not found")]
    BaseNotFound,
    #[error("Invalid version")]
    InvalidVersion,
    #[error("Invalid codebase name")]
    InvalidName,
    #[error("Invalid filename")]
    InvalidPath,
    #[error("Invalid main filename")]
    InvalidMain,
    /// The codebase does not exist (the admin service answers 404).
    #[error("Codebase not found")]
    NotFound,
    /// The database could not be opened, read or written.
    #[error("repo store: {0}")]
    Io(String),
    /// The database holds something this store did not write.
    #[error("repo store is damaged: {0}")]
    Corrupt(String),
}

macro_rules! from_redb {
    ($($t:ty),*) => {
        $(impl From<$t> for RepoError {
            fn from(e: $t) -> Self {
                RepoError::Io(e.to_string())
            }
        })*
    };
}

from_redb!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// What the admin API shows of a codebase (`GET /api/v1/repo/<cb>`). Lists are sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebaseInfo {
    pub version: String,
    pub path: String,
    pub main: String,
    /// The committed files of the codebase itself.
    pub files: Vec<String>,
    /// Files with uncommitted edits.
    pub edit_files: Vec<String>,
    /// Committed files marked to be erased by the next commit.
    pub erased_files: Vec<String>,
    /// The committed files of the base and its bases.
    pub base_files: Vec<String>,
    /// The codebases derived directly from this one.
    pub derived: Vec<String>,
    pub base: Option<String>,
}

/// What workers download first (`GET /repo/<cb>/`): the published version and its file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The published version (the original's etag).
    pub version: String,
    /// Changes on every publish of the codebase or of a base: what to send as `etag`.
    pub etag: String,
    pub main: String,
    /// Main first, then the other files in path order.
    pub files: Vec<String>,
}

impl Manifest {
    /// The manifest's body as served: one path a line, no final newline.
    pub fn body(&self) -> String {
        self.files.join("\n")
    }
}

/// One published file (`GET /repo/<cb>/<file>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFile {
    pub data: Vec<u8>,
    /// Changes whenever the file's published content may have changed.
    pub etag: String,
}

/// The codebase store. One per process; the admin service keeps it behind a mutex.
pub struct Repo {
    db: Database,
}

type ReadTables = Tables<
    redb::ReadOnlyTable<&'static str, &'static [u8]>,
    redb::ReadOnlyTable<tables::EntryKey, u64>,
    redb::ReadOnlyTable<u64, (u64, &'static [u8])>,
    (),
>;

impl Repo {
    /// A store that lives and dies with the process.
    pub fn in_memory() -> Repo {
        let db = Database::builder().create_with_backend(InMemoryBackend::new());
        match db.map_err(RepoError::from).and_then(Repo::init) {
            Ok(repo) => repo,
            // Memory-backed redb fails only when allocation does, which aborts anyway.
            Err(e) => panic!("in-memory repo store: {e}"),
        }
    }

    /// Opens the store kept in `dir` (creating the directory and the store if missing).
    pub fn open(dir: &Path) -> Result<Repo, RepoError> {
        std::fs::create_dir_all(dir).map_err(|e| RepoError::Io(format!("{}: {e}", dir.display())))?;
        let db = Database::create(dir.join(DB_FILE))?;
        Repo::init(db)
    }

    fn init(db: Database) -> Result<Repo, RepoError> {
        let txn = db.begin_write()?;
        {
            let mut t = open_write(&txn)?;
            let format = t.meta.get(META_FORMAT)?.map(|g| g.value());
            match format {
                None => {
                    t.meta.insert(META_FORMAT, FORMAT)?;
                }
                Some(FORMAT) => {}
                Some(other) => return Err(RepoError::Corrupt(format!("unknown store format {other}"))),
            }
        }
        txn.commit()?;
        Ok(Repo { db })
    }

    fn read<R>(&self, f: impl FnOnce(&ReadTables) -> Result<R, RepoError>) -> Result<R, RepoError> {
        let txn = self.db.begin_read()?;
        let t = Tables {
            codebases: txn.open_table(CODEBASES)?,
            entries: txn.open_table(ENTRIES)?,
            blobs: txn.open_table(BLOBS)?,
            meta: (),
        };
        f(&t)
    }

    /// Runs `f` in one write transaction, committed (durably) only if `f` succeeds.
    fn write<R>(&mut self, f: impl FnOnce(&mut WriteTables<'_>) -> Result<R, RepoError>) -> Result<R, RepoError> {
        let txn = self.db.begin_write()?;
        let out = {
            let mut t = open_write(&txn)?;
            f(&mut t)?
        };
        txn.commit()?;
        Ok(out)
    }

    /// The paths of the codebases that start with `prefix` (`""` for all), sorted.
    pub fn list(&self, prefix: &str) -> Vec<String> {
        self.read(|t| t.codebase_paths(prefix)).unwrap_or_default()
    }

    /// Splits a path such as `/a/b/main.js` into the codebase that holds it and the file path
    /// (`/a/b`, `/main.js`), trying the longest codebase path first, as the admin API does.
    pub fn locate(&self, path: &str) -> Option<(String, String)> {
        if path.is_empty() || path.ends_with('/') {
            return None;
        }
        let path = with_slash(path);
        let mut end = path.len();
        while let Some(p) = path[..end].rfind('/') {
            if p == 0 {
                break;
            }
            let cb = &path[..p];
            if self.read(|t| t.record(cb)).ok().flatten().is_some() {
                return Some((cb.to_string(), path[p..].to_string()));
            }
            end = p;
        }
        None
    }

    /// What the admin API shows of a codebase.
    pub fn info(&self, name: &str) -> Option<CodebaseInfo> {
        let cb = codebase_name(name).ok()?;
        self.read(|t| {
            let Some(r) = t.record(&cb)? else { return Ok(None) };
            let base_files = match &r.base {
                Some(base) => t.committed_view(base)?.into_keys().collect(),
                None => Vec::new(),
            };
            Ok(Some(CodebaseInfo {
                files: t.paths_of(&cb, FILE)?,
                edit_files: t.paths_of(&cb, EDIT)?,
                erased_files: t.paths_of(&cb, ERASED)?,
                derived: t.paths_of(&cb, DERIVED)?,
                base_files,
                version: r.version,
                path: cb.clone(),
                main: r.main,
                base: r.base,
            }))
        })
        .ok()
        .flatten()
    }

    /// Creates a codebase, empty on top of `base` or holding a starter `/main.js`. `version`
    /// defaults to `"0"`; `main` defaults to `/main.js` or the base's main.
    pub fn create(
        &mut self,
        name: &str,
        base: Option<&str>,
        main: Option<&str>,
        version: Option<&str>,
    ) -> Result<(), RepoError> {
        let cb = codebase_name(name)?;
        let base = match base {
            Some(b) => Some(codebase_name(b).map_err(|_| RepoError::BaseNotFound)?),
            None => None,
        };
        self.write(|t| {
            // Checked in the original's order: base, main, version, then whether it exists.
            let base_record = match &base {
                Some(base) => Some(t.record(base)?.ok_or(RepoError::BaseNotFound)?),
                None => None,
            };
            let main = main.map(main_name).transpose()?;
            let version = match version {
                Some("") => return Err(RepoError::InvalidVersion),
                Some(v) => v.to_string(),
                None => "0".to_string(),
            };
            let mut record = Record { version, base: base.clone(), ..Record::default() };
            match base_record {
                Some(b) => {
                    record.main = b.main;
                    record.base_seen = b.version;
                }
                None => record.main = "/main.js".to_string(),
            }
            if t.record(&cb)?.is_some() {
                return Err(RepoError::Exists);
            }
            if let Some(base) = &base {
                t.set_entry(base, DERIVED, &cb, 0)?;
            } else {
                let id = t.new_blob(INITIAL_MAIN.as_bytes())?;
                t.set_entry(&cb, FILE, "/main.js", id)?;
            }
            if let Some(main) = main {
                record.main = main;
            }
            t.put_record(&cb, &record)
        })
    }

    /// Deletes a codebase and every codebase derived from it; returns their paths.
    pub fn delete(&mut self, name: &str) -> Result<Vec<String>, RepoError> {
        let cb = codebase_name(name)?;
        self.write(|t| {
            let record = t.existing(&cb)?;
            let gone = t.subtree(&cb)?;
            for c in &gone {
                t.clear_entries(c)?;
                t.codebases.remove(c.as_str())?;
            }
            if let Some(base) = &record.base {
                t.remove_entry(base, DERIVED, &cb)?;
            }
            Ok(gone)
        })
    }

    /// The editor's view of a file: its edit, else its committed version, else the base's
    /// committed one (an erased file shows the base's).
    pub fn read_file(&self, name: &str, path: &str) -> Option<Vec<u8>> {
        let cb = codebase_name(name).ok()?;
        let path = file_name(path).ok()?;
        self.read(|t| {
            if t.record(&cb)?.is_none() {
                return Ok(None);
            }
            t.editor_file(&cb, &path)?.map(|id| t.blob(id)).transpose()
        })
        .ok()
        .flatten()
    }

    /// Stores an edit of a file (and lifts an erasure mark on it).
    pub fn write_file(&mut self, name: &str, path: &str, data: &[u8]) -> Result<(), RepoError> {
        let cb = codebase_name(name)?;
        let path = file_name(path)?;
        self.write(|t| {
            t.existing(&cb)?;
            let id = t.new_blob(data)?;
            t.set_entry(&cb, EDIT, &path, id)?;
            t.remove_entry(&cb, ERASED, &path)
        })
    }

    /// Drops a file's edit and erasure mark: it reads as committed again (or as the base's).
    pub fn reset_file(&mut self, name: &str, path: &str) -> Result<(), RepoError> {
        let cb = codebase_name(name)?;
        let path = file_name(path)?;
        self.write(|t| {
            t.existing(&cb)?;
            t.remove_entry(&cb, EDIT, &path)?;
            t.remove_entry(&cb, ERASED, &path)
        })
    }

    /// Drops a file's edit and marks the codebase's own committed copy, if any, to be erased by
    /// the next commit. A file that only comes from the base stays visible.
    pub fn erase_file(&mut self, name: &str, path: &str) -> Result<(), RepoError> {
        let cb = codebase_name(name)?;
        let path = file_name(path)?;
        self.write(|t| {
            t.existing(&cb)?;
            t.remove_entry(&cb, EDIT, &path)?;
            if t.entry(&cb, FILE, &path)?.is_some() {
                t.set_entry(&cb, ERASED, &path, 0)?;
            }
            Ok(())
        })
    }

    /// Sets the main file; workers see it from the next publish.
    pub fn set_main(&mut self, name: &str, main: &str) -> Result<(), RepoError> {
        let cb = codebase_name(name)?;
        let main = main_name(main)?;
        self.write(|t| {
            let mut record = t.existing(&cb)?;
            record.main = main;
            t.put_record(&cb, &record)
        })
    }

    /// Commits the edits and erasures without a new version (the admin API's PATCH without a
    /// version): the changed files are published at once, each with a new etag, and the
    /// manifest keeps its version and etag, so running workers pick the changes up as watched
    /// files rather than reloading. Derived codebases are untouched. Returns false if there was
    /// nothing to commit.
    pub fn commit_files(&mut self, name: &str) -> Result<bool, RepoError> {
        let cb = codebase_name(name)?;
        self.write(|t| {
            let mut record = t.existing(&cb)?;
            let edits = t.entries_of(&cb, EDIT)?;
            let erased = t.paths_of(&cb, ERASED)?;
            if edits.is_empty() && erased.is_empty() {
                return Ok(false);
            }
            apply_edits(t, &cb)?;
            let base_view = match &record.base {
                Some(base) => t.committed_view(base)?,
                None => BTreeMap::new(),
            };
            for path in edits.keys().chain(erased.iter()) {
                let target = match t.entry(&cb, FILE, path)? {
                    Some(id) => Some(id),
                    None => base_view.get(path).copied(),
                };
                match target {
                    Some(id) => {
                        if t.entry(&cb, PUBLISHED, path)? != Some(id) {
                            t.add_ref(id)?;
                            t.set_entry(&cb, PUBLISHED, path, id)?;
                        }
                        let etag = record.published.get(path).map(String::as_str).unwrap_or("");
                        let etag = next_file_etag(etag);
                        record.published.insert(path.clone(), etag);
                    }
                    None => {
                        t.remove_entry(&cb, PUBLISHED, path)?;
                        record.published.remove(path);
                    }
                }
            }
            t.put_record(&cb, &record)?;
            Ok(true)
        })
    }

    /// Commits the edits as `version` and publishes the codebase; codebases derived from it take
    /// the new files (see the crate's documentation). Returns every codebase whose workers must
    /// reload: this one first, then the derived ones that were republished, parents first.
    pub fn publish(&mut self, name: &str, version: &str) -> Result<Vec<String>, RepoError> {
        let cb = codebase_name(name)?;
        if version.is_empty() {
            return Err(RepoError::InvalidVersion);
        }
        self.write(|t| {
            let mut record = t.existing(&cb)?;
            apply_edits(t, &cb)?;
            let serial = t.next_serial()?;
            record.version = version.to_string();
            publish_view(t, &cb, &mut record, serial)?;
            t.put_record(&cb, &record)?;
            let mut reload = vec![cb.clone()];
            let subtree = t.subtree(&cb)?;
            for d in subtree.iter().skip(1) {
                let mut r = t.existing(d)?;
                let Some(base) = r.base.clone() else { continue };
                let base_version = t.existing(&base)?.version;
                let bumped = r.base_seen != base_version;
                if bumped {
                    r.version = c_atoi(&r.version).saturating_add(1).to_string();
                    r.base_seen = base_version;
                }
                if bumped || r.manifest.is_some() {
                    publish_view(t, d, &mut r, serial)?;
                    reload.push(d.clone());
                }
                t.put_record(d, &r)?;
            }
            Ok(reload)
        })
    }

    /// What workers download first, once the codebase has published.
    pub fn manifest(&self, name: &str) -> Option<Manifest> {
        let cb = codebase_name(name).ok()?;
        let record = self.read(|t| t.record(&cb)).ok()??;
        let m = record.manifest?;
        let mut files = vec![m.main.clone()];
        files.extend(record.published.into_keys().filter(|p| *p != m.main));
        Some(Manifest { version: m.version, etag: m.etag, main: m.main, files })
    }

    /// A published file. [`ETAGS_FILE`] (`/_etags`) gives the etags of all of them, a
    /// `path#etag` line each, with an empty etag of its own.
    pub fn published_file(&self, name: &str, path: &str) -> Option<PublishedFile> {
        let cb = codebase_name(name).ok()?;
        let path = file_name(path).ok()?;
        self.read(|t| {
            let Some(record) = t.record(&cb)? else { return Ok(None) };
            if path == ETAGS_FILE {
                if record.manifest.is_none() && record.published.is_empty() {
                    return Ok(None);
                }
                let mut text = String::new();
                for (p, etag) in &record.published {
                    text.push_str(p);
                    if !etag.is_empty() {
                        text.push('#');
                        text.push_str(etag);
                    }
                    text.push('\n');
                }
                return Ok(Some(PublishedFile { data: text.into_bytes(), etag: String::new() }));
            }
            let Some(etag) = record.published.get(&path) else { return Ok(None) };
            let Some(id) = t.entry(&cb, PUBLISHED, &path)? else { return Ok(None) };
            Ok(Some(PublishedFile { data: t.blob(id)?, etag: etag.clone() }))
        })
        .ok()
        .flatten()
    }
}

impl Repo {
    /// How many file contents the store holds (for tests of the reference counting).
    #[doc(hidden)]
    pub fn stored_blobs(&self) -> u64 {
        self.read(|t| Ok(t.blobs.len()?)).unwrap_or(0)
    }
}

/// Moves a codebase's edits into its committed files and carries out its erasures.
fn apply_edits(t: &mut WriteTables<'_>, cb: &str) -> Result<(), RepoError> {
    for path in t.paths_of(cb, EDIT)? {
        if let Some(id) = t.take_entry(cb, EDIT, &path)? {
            t.set_entry(cb, FILE, &path, id)?;
        }
    }
    for path in t.paths_of(cb, ERASED)? {
        t.remove_entry(cb, ERASED, &path)?;
        t.remove_entry(cb, FILE, &path)?;
    }
    Ok(())
}

/// Publishes the committed view of `cb` at `record.version`.
fn publish_view(t: &mut WriteTables<'_>, cb: &str, record: &mut Record, serial: u64) -> Result<(), RepoError> {
    let view = t.committed_view(cb)?;
    t.replace_published(cb, &view)?;
    record.published = view.into_keys().map(|p| (p, record.version.clone())).collect();
    record.manifest = Some(ManifestRecord {
        version: record.version.clone(),
        etag: format!("{}-{serial}", record.version),
        main: record.main.clone(),
    });
    Ok(())
}

/// The etag of a file committed without a new version: "8" → "8.1", "8.1" → "8.2", "" → ".1".
fn next_file_etag(etag: &str) -> String {
    match etag.rfind('.') {
        None => format!("{etag}.1"),
        Some(p) => format!("{}.{}", &etag[..p], c_atoi(&etag[p + 1..]).saturating_add(1)),
    }
}

/// C's `atoi`: leading blanks, a sign and digits; anything else ends the number (0 if none).
fn c_atoi(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if negative { -n } else { n }
}

fn with_slash(s: &str) -> String {
    if s.starts_with('/') { s.to_string() } else { format!("/{s}") }
}

/// `hello` and `/hello` name the same codebase; empty names and names ending in `/` are invalid.
fn codebase_name(name: &str) -> Result<String, RepoError> {
    if name.is_empty() || name.ends_with('/') {
        return Err(RepoError::InvalidName);
    }
    Ok(with_slash(name))
}

fn file_name(path: &str) -> Result<String, RepoError> {
    if path.is_empty() || path.ends_with('/') {
        return Err(RepoError::InvalidPath);
    }
    Ok(with_slash(path))
}

fn main_name(main: &str) -> Result<String, RepoError> {
    if main.is_empty() {
        return Err(RepoError::InvalidMain);
    }
    Ok(with_slash(main))
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn atoi_and_file_etags_follow_c() {
        assert_eq!(c_atoi("8"), 8);
        assert_eq!(c_atoi(" 12abc"), 12);
        assert_eq!(c_atoi("abc"), 0);
        assert_eq!(c_atoi("-3"), -3);
        assert_eq!(c_atoi("1.5"), 1);
        assert_eq!(next_file_etag("8"), "8.1");
        assert_eq!(next_file_etag("8.1"), "8.2");
        assert_eq!(next_file_etag(""), ".1");
        assert_eq!(next_file_etag("1.2.9"), "1.2.10");
    }

    #[test]
    fn names_get_a_leading_slash() {
        assert_eq!(codebase_name("hello"), Ok("/hello".to_string()));
        assert_eq!(codebase_name("/a/b"), Ok("/a/b".to_string()));
        assert_eq!(codebase_name(""), Err(RepoError::InvalidName));
        assert_eq!(codebase_name("/"), Err(RepoError::InvalidName));
        assert_eq!(codebase_name("/x/"), Err(RepoError::InvalidName));
        assert_eq!(file_name("x.js"), Ok("/x.js".to_string()));
        assert_eq!(main_name(""), Err(RepoError::InvalidMain));
    }
}
