//! The codebase as scripts see it, as the original's `Codebase`: the main script's folder,
//! folders mounted under `/<name>/` (`pipy.mount`), and files replaced in memory (`pipy.patch`).
//! `pipy.load`, `pipy.list`, imports, `use`/`chain`/`pipy.solve` and `pipy.watch` read it.
//!
//! One codebase per process, as in the original: mounts and patches made on any worker thread
//! are seen by all of them (only paths and bytes are shared, never script values).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Mounted folders by mount name (`/name/…`).
static MOUNTS: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());

type Patches = Mutex<Option<HashMap<String, Arc<[u8]>>>>;

/// Files replaced in memory, by normalized codebase path.
static PATCHES: Patches = Mutex::new(None);

/// A codebase path in the original's normal form: `/a/b` (`.` and `..` resolved, no trailing
/// slash; `/` for the root).
pub fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    if out.is_empty() { "/".to_string() } else { format!("/{}", out.join("/")) }
}

fn mounts() -> std::sync::MutexGuard<'static, BTreeMap<String, PathBuf>> {
    MOUNTS.lock().unwrap_or_else(|e| e.into_inner())
}

fn patches() -> std::sync::MutexGuard<'static, Option<HashMap<String, Arc<[u8]>>>> {
    PATCHES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where a normalized codebase path lives on disk: in a mounted folder or under the root.
pub fn real_path(norm: &str) -> PathBuf {
    let rel = norm.trim_start_matches('/');
    let (first, rest) = rel.split_once('/').unwrap_or((rel, ""));
    if !first.is_empty()
        && let Some(dir) = mounts().get(first)
    {
        return if rest.is_empty() { dir.clone() } else { dir.join(rest) };
    }
    let p = super::resolve_path(norm);
    if p.as_os_str().is_empty() { PathBuf::from(".") } else { p }
}

/// The bytes of a codebase file: a patch, else the file (none for a folder or a missing file).
pub fn read(path: &str) -> Option<Vec<u8>> {
    let norm = normalize(path);
    if let Some(p) = patches().as_ref().and_then(|m| m.get(&norm).cloned()) {
        return Some(p.to_vec());
    }
    let full = real_path(&norm);
    if full.is_file() {
        return std::fs::read(full).ok();
    }
    // Beyond the original: a path that climbs out of the codebase (`../fixtures/x.pem`) reads
    // the file there (the original keeps every path inside the codebase).
    let outside = super::resolve_path(path);
    if path.split('/').any(|s| s == "..") && outside.is_file() { std::fs::read(outside).ok() } else { None }
}

/// What a loader reads for a file path it resolved: a path under the codebase root is read
/// through the codebase (patches, mounts), any other from disk.
pub fn read_resolved(full: &Path) -> std::io::Result<Vec<u8>> {
    let root = super::resolve_path("/");
    if let Ok(rel) = full.strip_prefix(&root)
        && !rel.components().any(|c| c == std::path::Component::ParentDir)
    {
        let rel = rel.to_string_lossy().replace('\\', "/");
        return read(&rel)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file in the codebase"));
    }
    std::fs::read(full)
}

/// The entries of a codebase folder: names, folders with a trailing `/` (sorted; the mounts
/// after the root's own entries, as the original lists them).
pub fn list(path: &str) -> Vec<String> {
    let norm = normalize(path);
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(real_path(&norm)) {
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            match e.file_type() {
                Ok(t) if t.is_dir() => out.push(format!("{name}/")),
                Ok(t) if t.is_file() => out.push(name),
                _ => {}
            }
        }
    }
    if norm == "/" {
        out.extend(mounts().keys().map(|k| format!("{k}/")));
    }
    out
}

/// `pipy.list(path)`: every file under a codebase folder, with paths relative to it.
pub fn list_all(path: &str) -> Vec<String> {
    fn walk(path: &str, base: &str, out: &mut Vec<String>) {
        for name in list(path) {
            if out.len() >= 100_000 {
                return;
            }
            match name.strip_suffix('/') {
                Some(sub) => walk(&format!("{}/{sub}", path.trim_end_matches('/')), &format!("{base}{sub}/"), out),
                None => out.push(format!("{base}{name}")),
            }
        }
    }
    let mut out = Vec::new();
    walk(&normalize(path), "", &mut out);
    out
}

/// `pipy.mount(name, dirname)`: the folder `dirname` appears as `/name/`.
pub fn mount(name: &str, dirname: &str) -> Result<(), String> {
    let dir = Path::new(dirname);
    if !dir.is_dir() {
        return Err("not a directory".into());
    }
    if name.contains('/') {
        return Err("invalid mount name".into());
    }
    if read(name).is_some() || !list(name).is_empty() {
        return Err("mount path already exists".into());
    }
    let dir = dir.canonicalize().map_err(|e| format!("cannot mount {dirname}: {e}"))?;
    let mut m = mounts();
    if m.contains_key(name) {
        return Err("mount path already exists".into());
    }
    m.insert(name.to_string(), dir);
    Ok(())
}

/// `pipy.unmount(name)`: the mount and the patches made under it are gone (nothing happens
/// when nothing is mounted there).
pub fn unmount(name: &str) -> Result<(), String> {
    if name.contains('/') {
        return Err("invalid mount name".into());
    }
    if mounts().remove(name).is_some() {
        let prefix = format!("/{name}/");
        if let Some(p) = patches().as_mut() {
            p.retain(|k, _| !k.starts_with(&prefix));
        }
    }
    Ok(())
}

/// `pipy.patch(path, content)`: `path` reads as `content` from now on (the file on disk is
/// left as it is).
pub fn patch(path: &str, content: Vec<u8>) {
    patches().get_or_insert_with(HashMap::new).insert(normalize(path), content.into());
}

/// What a watch compares: each file's modification time and size, by codebase path.
pub type Snapshot = BTreeMap<String, (Option<std::time::SystemTime>, u64)>;

fn stamp(p: &Path) -> (Option<std::time::SystemTime>, u64) {
    match std::fs::metadata(p) {
        Ok(m) => (m.modified().ok(), m.len()),
        Err(_) => (None, u64::MAX),
    }
}

/// A watch on a file (`/a.txt`) or, with a trailing slash, on every file under a folder
/// (`/dir/`), as `pipy.watch` takes it.
pub struct Watch {
    path: String,
    dir: bool,
    last: Snapshot,
}

impl Watch {
    pub fn new(path: &str) -> Watch {
        let dir = path.is_empty() || path.ends_with('/');
        let mut w = Watch { path: normalize(path), dir, last: Snapshot::new() };
        w.last = w.snapshot();
        w
    }

    fn snapshot(&self) -> Snapshot {
        let mut s = Snapshot::new();
        if !self.dir {
            s.insert(self.path.clone(), stamp(&real_path(&self.path)));
            return s;
        }
        fn walk(path: &str, s: &mut Snapshot) {
            for name in list(path) {
                if s.len() >= 100_000 {
                    return;
                }
                let full = format!("{}/{}", path.trim_end_matches('/'), name.trim_end_matches('/'));
                if name.ends_with('/') {
                    walk(&full, s);
                } else {
                    s.insert(full.clone(), stamp(&real_path(&full)));
                }
            }
        }
        walk(&self.path, &mut s);
        s
    }

    /// The codebase paths changed since the last look: files gone first, then files new or
    /// modified (empty when nothing changed).
    pub fn changes(&mut self) -> Vec<String> {
        let now = self.snapshot();
        let mut out: Vec<String> = self.last.keys().filter(|k| !now.contains_key(*k)).cloned().collect();
        out.extend(now.iter().filter(|(k, v)| self.last.get(*k) != Some(v)).map(|(k, _)| k.clone()));
        self.last = now;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn paths_normalize_as_the_original() {
        assert_eq!(normalize(""), "/");
        assert_eq!(normalize("a/b"), "/a/b");
        assert_eq!(normalize("/a/./b/../c/"), "/a/c");
        assert_eq!(normalize("../x"), "/x");
    }
}
