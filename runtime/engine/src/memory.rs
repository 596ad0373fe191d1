//! When the engine collects reference cycles (`pipy_value::cycles`): at safe points between
//! events, where no script function runs (the end of the outermost pipeline run, once its
//! microtasks ran), and from an idle timer of the worker, so suspects left by the last events
//! do not wait for the next burst. Each collection is logged at debug level with what it found
//! and how long it took.

use crate::log;
use pipy_value::cycles;
use std::time::Duration;

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

/// The worker's idle collector: a task that collects what is pending every `IDLE_INTERVAL`.
pub(crate) fn spawn_idle_collector() {
    tokio::task::spawn_local(async {
        let mut tick = tokio::time::interval(IDLE_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            collect_pending();
        }
    });
}
