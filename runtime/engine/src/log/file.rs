//! A log file that rotates as the original's do: when the next write would pass `max_size`
//! bytes, or the file is older than `interval`, it is renamed to
//! `YYYY-MM-DD-HH-MM-SS-<name>` (its start time, local) and a new one begins; with `max_count`,
//! only that many files of the name are kept (the newest, the current one included). Used by
//! `--log-file` and the `tee` filter.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// When a file is rotated.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rotation {
    /// Bytes (0: no limit).
    pub max_size: u64,
    /// Files kept (0: all).
    pub max_count: usize,
    /// Age (None: no limit).
    pub interval: Option<Duration>,
}

pub struct RotatingFile {
    path: PathBuf,
    rotation: Rotation,
    file: Option<std::fs::File>,
    written: u64,
    started: SystemTime,
}

impl RotatingFile {
    /// Opens `path` for appending (what it holds already counts toward `max_size`).
    pub fn open(path: &Path, rotation: Rotation) -> std::io::Result<RotatingFile> {
        let mut f =
            RotatingFile { path: path.to_path_buf(), rotation, file: None, written: 0, started: SystemTime::now() };
        f.reopen()?;
        Ok(f)
    }

    fn reopen(&mut self) -> std::io::Result<()> {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        let meta = file.metadata()?;
        self.written = meta.len();
        self.started =
            if self.written > 0 { meta.modified().unwrap_or_else(|_| SystemTime::now()) } else { SystemTime::now() };
        self.file = Some(file);
        Ok(())
    }

    /// Appends `bytes`, rotating first if they would pass a limit.
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let r = self.rotation;
        let too_big = r.max_size > 0 && self.written + bytes.len() as u64 > r.max_size;
        let too_old = r.interval.is_some_and(|i| self.started.elapsed().is_ok_and(|age| age > i));
        if self.written > 0 && (too_big || too_old) {
            self.rotate()?;
        }
        if self.file.is_none() {
            self.reopen()?;
        }
        if let Some(f) = self.file.as_mut() {
            f.write_all(bytes)?;
            self.written += bytes.len() as u64;
        }
        Ok(())
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        self.file = None;
        let dir = self.path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let base = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stamp = chrono::DateTime::<chrono::Local>::from(self.started).format("%Y-%m-%d-%H-%M-%S-");
        let mut target = dir.join(format!("{stamp}{base}"));
        // Two rotations within one second: keep both.
        let mut n = 1;
        while target.exists() {
            target = dir.join(format!("{stamp}{n}-{base}"));
            n += 1;
        }
        std::fs::rename(&self.path, &target)?;
        if self.rotation.max_count > 0 {
            // The rotated files of this name, newest first (by when they were last written: two
            // rotations within a second have the same time stamp in their names).
            let mut old: Vec<(SystemTime, String)> = std::fs::read_dir(&dir)?
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let rotated = name.len() > base.len() && name.ends_with(&base);
                    rotated.then(|| (e.metadata().and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH), name))
                })
                .collect();
            old.sort_by(|a, b| b.cmp(a));
            let keep = self.rotation.max_count.saturating_sub(1);
            for (_, name) in old.iter().skip(keep) {
                let _ = std::fs::remove_file(dir.join(name));
            }
        }
        self.reopen()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_rotates_by_size_and_keeps_the_newest() {
        let dir = std::env::temp_dir().join(format!("pipy-rotate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let path = dir.join("app.log");
        let mut f = RotatingFile::open(&path, Rotation { max_size: 100, max_count: 3, interval: None })
            .unwrap_or_else(|e| panic!("open: {e}"));
        for i in 0..50 {
            f.write(format!("line {i:04} of the log\n").as_bytes()).unwrap_or_else(|e| panic!("write: {e}"));
        }
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.iter().all(|n| n.ends_with("app.log")));
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(current.len() <= 100 && current.ends_with("line 0049 of the log\n"), "{current}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
