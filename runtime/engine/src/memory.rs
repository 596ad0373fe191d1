//! When the engine collects reference cycles (`pipy_value::cycles`): at safe points between
//! events, where no script function runs (the end of the outermost pipeline run, once its
//! microtasks ran), and from an idle timer of the worker, so suspects left by the last events
//! do not wait for the next burst. Each collection is logged at debug level with what it found
//! and how long it took.

use crate::log;
use pipy_value::cycles;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Process-wide totals over every worker, for the admin service's `/metrics`.
static COLLECTIONS: AtomicU64 = AtomicU64::new(0);
static COLLECTED: AtomicU64 = AtomicU64::new(0);
static PAUSE_MICROS: AtomicU64 = AtomicU64::new(0);
static PAUSE_MAX_MICROS: AtomicU64 = AtomicU64::new(0);
/// Live objects by worker thread, as each last reported.
static LIVE: Mutex<BTreeMap<usize, usize>> = Mutex::new(BTreeMap::new());
/// Each worker's Data chunks, as last published.
static CHUNKS: Mutex<BTreeMap<usize, usize>> = Mutex::new(BTreeMap::new());
/// Each worker's live objects by class, as last published.
static LIVE_BY_CLASS: Mutex<BTreeMap<usize, [usize; 11]>> = Mutex::new(BTreeMap::new());
/// `--trace-objects`: per worker, how many live objects of each class were made where.
static TRACED: Mutex<BTreeMap<usize, Vec<TracedCount>>> = Mutex::new(BTreeMap::new());

/// A class, where its objects were made, and how many of them live.
type TracedCount = (&'static str, String, usize);

/// Gives memory the allocator holds freed back to the system (installed by the binary, which
/// picks the allocator).
static TRIM: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Installs the function that returns freed memory to the system.
pub fn set_trim(f: fn()) {
    let _ = TRIM.set(f);
}

/// Frees code no pipeline can run any more (a reloaded script's old version); returns how much
/// it freed (installed by the facade, which knows the compiler).
static SWEEP_CODE: std::sync::OnceLock<fn() -> usize> = std::sync::OnceLock::new();

/// Installs the function that frees unreachable compiled modules.
pub fn set_code_sweeper(f: fn() -> usize) {
    let _ = SWEEP_CODE.set(f);
}

/// Frees unreachable compiled modules, and gives the memory back to the system if any were.
fn sweep_code() {
    if let Some(sweep) = SWEEP_CODE.get() {
        if sweep() > 0 {
            if let Some(trim) = TRIM.get() {
                trim();
            }
        }
    }
}

/// After many connections closed (a flood ended), freed memory is given back: an allocator
/// returns pages only as it allocates again, and an idle worker does not.
fn trim_after_a_drop() {
    use crate::net::inbound;
    let open = inbound::inbound_count();
    if inbound::peak() >= open * 2 + 256 {
        if let Some(trim) = TRIM.get() {
            trim();
        }
        inbound::reset_peak();
    }
}

/// How often an idle worker looks for suspects left behind.
const IDLE_INTERVAL: Duration = Duration::from_millis(500);

/// Runs the microtask queue with a safe point after each job.
pub fn run_microtasks() {
    pipy_value::realm::run_microtasks_with(safe_point);
    safe_point();
}

/// Collects if enough suspects are waiting (every time in stress mode).
pub fn safe_point() {
    if let Some(s) = cycles::safe_point() {
        report(&s);
    }
}

/// Collects now if anything is suspected (the idle timer, the end of a script's top level).
pub fn collect_pending() {
    if cycles::pending() > 0 {
        if let Some(s) = cycles::collect() {
            report(&s);
        }
    }
}

fn report(s: &cycles::Stats) {
    COLLECTIONS.fetch_add(1, Ordering::Relaxed);
    COLLECTED.fetch_add(s.last_collected as u64, Ordering::Relaxed);
    PAUSE_MICROS.fetch_add(s.last_duration.as_micros() as u64, Ordering::Relaxed);
    PAUSE_MAX_MICROS.fetch_max(s.last_duration.as_micros() as u64, Ordering::Relaxed);
    publish_live();
    if log::enabled(log::Level::Debug) {
        log::debug(&format!(
            "[gc] collected {} of {} nodes in {} us ({} collections, {} freed in all)",
            s.last_collected,
            s.last_visited,
            s.last_duration.as_micros(),
            s.collections,
            s.collected
        ));
    }
}

/// Records this worker's live object count for `/metrics`.
fn publish_live() {
    let id = crate::net::thread_id();
    if let Ok(mut live) = LIVE.lock() {
        live.insert(id, pipy_value::object::live_objects());
    }
    if let Ok(mut live) = LIVE_BY_CLASS.lock() {
        live.insert(id, pipy_value::object::live_objects_by_class());
    }
    if let Ok(mut c) = CHUNKS.lock() {
        c.insert(id, crate::pipeline::data::live_chunks());
    }
    if pipy_value::object::tracing() {
        let counts: Vec<_> = pipy_value::object::traced_counts()
            .into_iter()
            .map(|(class, loc, n)| (class, crate::net::metrics::module_name(&loc), n))
            .collect();
        if let Ok(mut t) = TRACED.lock() {
            t.insert(id, counts);
        }
    }
}

/// `--trace-objects`: objects made from now on remember where (see `dump_objects`).
pub fn set_tracing(on: bool) {
    pipy_value::object::set_tracing(on, pipy_value::calls::innermost_site);
}

/// `GET /dump/objects/<class>` with `--trace-objects`: the live objects of `class` (`Object`,
/// `Array`, `Function`, … as `pipy_object_count` names them) of every worker, counted by where
/// they were made, as the original prints them: `<count> <module>:<line>:<column>` a line,
/// ordered by location. Empty without `--trace-objects`.
pub fn dump_objects(class: &str) -> String {
    let mut by_location: BTreeMap<String, usize> = BTreeMap::new();
    if let Ok(t) = TRACED.lock() {
        for counts in t.values() {
            for (c, loc, n) in counts {
                if *c == class {
                    *by_location.entry(loc.clone()).or_default() += n;
                }
            }
        }
    }
    by_location.into_iter().map(|(loc, n)| format!("{n} {loc}\n")).collect()
}

/// The collector's metrics in Prometheus text: collections, garbage freed, time spent, and live
/// objects per worker thread.
pub fn metrics() -> String {
    let mut out = String::new();
    out.push_str("# TYPE pipy_gc_collections_total counter\n");
    out.push_str(&format!("pipy_gc_collections_total {}\n", COLLECTIONS.load(Ordering::Relaxed)));
    out.push_str("# TYPE pipy_gc_collected_total counter\n");
    out.push_str(&format!("pipy_gc_collected_total {}\n", COLLECTED.load(Ordering::Relaxed)));
    out.push_str("# TYPE pipy_gc_pause_seconds_total counter\n");
    out.push_str(&format!("pipy_gc_pause_seconds_total {}\n", PAUSE_MICROS.load(Ordering::Relaxed) as f64 / 1e6));
    out.push_str("# TYPE pipy_gc_pause_max_seconds gauge\n");
    out.push_str(&format!("pipy_gc_pause_max_seconds {}\n", PAUSE_MAX_MICROS.load(Ordering::Relaxed) as f64 / 1e6));
    // The original's name: live objects by class, summed over the workers.
    let mut by_class = [0usize; 11];
    if let Ok(live) = LIVE_BY_CLASS.lock() {
        for counts in live.values() {
            for (a, b) in by_class.iter_mut().zip(counts) {
                *a += b;
            }
        }
    }
    out.push_str("# TYPE pipy_object_count gauge\n");
    out.push_str(&format!("pipy_object_count {}\n", by_class.iter().sum::<usize>()));
    for (name, n) in pipy_value::object::CLASSES.iter().zip(by_class) {
        out.push_str(&format!("pipy_object_count{{class=\"{name}\"}} {n}\n"));
    }
    // The original counts 16 KiB chunks by the producer that made them; here a chunk is a
    // shared buffer of any size, counted once for each Data rope that holds it.
    let chunks: usize = CHUNKS.lock().map(|c| c.values().sum()).unwrap_or(0);
    out.push_str("# TYPE pipy_chunk_count gauge\n");
    out.push_str(&format!("pipy_chunk_count {chunks}\npipy_chunk_count{{type=\"Data\"}} {chunks}\n"));
    out.push_str("# TYPE pipy_objects_live gauge\n");
    if let Ok(live) = LIVE.lock() {
        for (thread, n) in live.iter() {
            out.push_str(&format!("pipy_objects_live{{thread=\"{thread}\"}} {n}\n"));
        }
    }
    out
}

/// The worker's idle collector: a task that collects what is pending every `IDLE_INTERVAL`.
pub(crate) fn spawn_idle_collector() {
    tokio::task::spawn_local(async {
        let mut tick = tokio::time::interval(IDLE_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            collect_pending();
            sweep_code();
            publish_live();
            crate::net::metrics::publish();
            trim_after_a_drop();
        }
    });
}
