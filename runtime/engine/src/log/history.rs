//! The recent lines of every log, for the admin service: `GET /log` (the main log) and
//! `GET /log/<name>` (a script's `logging` logger) answer with them, and a WebSocket watcher
//! gets them, then each new line as it is written. Logs are shared by every worker thread.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The name of the main log (what `log::info` and friends write), as the original names it.
pub const MAIN: &str = "pipy_log";

/// The most bytes kept of one log by default; the oldest lines go first.
const KEEP_BYTES: usize = 256 * 1024;

static LIMIT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(KEEP_BYTES);

/// `--log-history-limit`: the most bytes kept of each log (0 keeps none).
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, std::sync::atomic::Ordering::Relaxed);
}

/// A watcher of one log: each new line is sent to it until it hangs up.
pub type Watcher = tokio::sync::mpsc::UnboundedSender<Vec<u8>>;

#[derive(Default)]
struct Book {
    lines: VecDeque<Vec<u8>>,
    bytes: usize,
    watchers: Vec<Watcher>,
}

fn books() -> MutexGuard<'static, BTreeMap<String, Book>> {
    static BOOKS: OnceLock<Mutex<BTreeMap<String, Book>>> = OnceLock::new();
    // A panic while holding the lock leaves at worst a line half-kept.
    BOOKS.get_or_init(|| Mutex::new(BTreeMap::new())).lock().unwrap_or_else(|e| e.into_inner())
}

/// Keeps `line` (one or more whole lines) in the log `name` and sends it to its watchers.
pub fn record(name: &str, line: &[u8]) {
    let mut books = books();
    let book = match books.get_mut(name) {
        Some(b) => b,
        None => books.entry(name.to_string()).or_default(),
    };
    if !book.watchers.is_empty() {
        book.watchers.retain(|w| w.send(line.to_vec()).is_ok());
    }
    let limit = LIMIT.load(std::sync::atomic::Ordering::Relaxed);
    if limit == 0 {
        return;
    }
    book.bytes += line.len();
    book.lines.push_back(line.to_vec());
    while book.bytes > limit && book.lines.len() > 1 {
        if let Some(old) = book.lines.pop_front() {
            book.bytes -= old.len();
        }
    }
}

/// The lines kept of the log `name`, oldest first (None: no such log).
pub fn tail(name: &str) -> Option<Vec<u8>> {
    let books = books();
    let book = books.get(name)?;
    let mut out = Vec::with_capacity(book.bytes);
    for l in &book.lines {
        out.extend_from_slice(l);
    }
    Some(out)
}

/// The names of every log that has written a line (the main log always).
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = books().keys().cloned().collect();
    if !names.iter().any(|n| n == MAIN) {
        names.insert(0, MAIN.to_string());
    }
    names
}

/// The lines kept of `name` so far, and a channel that gets every line written after them.
pub fn watch(name: &str) -> (Vec<u8>, tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut books = books();
    let book = books.entry(name.to_string()).or_default();
    let mut past = Vec::with_capacity(book.bytes);
    for l in &book.lines {
        past.extend_from_slice(l);
    }
    book.watchers.push(tx);
    (past, rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_keeps_its_latest_lines_and_tells_its_watchers() {
        record("t-history", b"one\n");
        let (past, mut rx) = watch("t-history");
        assert_eq!(past, b"one\n");
        record("t-history", b"two\n");
        assert_eq!(rx.try_recv().ok(), Some(b"two\n".to_vec()));
        let big = vec![b'x'; 1000];
        for _ in 0..400 {
            record("t-history", &big);
        }
        let kept = tail("t-history").unwrap_or_default();
        assert!(kept.len() <= KEEP_BYTES && kept.len() > KEEP_BYTES - 2000, "{}", kept.len());
        assert!(!kept.starts_with(b"one"));
        assert!(names().iter().any(|n| n == "t-history"));
    }
}
