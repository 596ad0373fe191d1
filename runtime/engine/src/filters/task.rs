//! Spawning the background work of filters (timers, file and process I/O) on the worker's event
//! loop. A script's top level runs before the loop starts (`pipeline().process()` called there
//! runs synchronously), so spawning can fail; callers then degrade or report it.

use std::future::Future;

/// Spawns `fut` on this thread's event loop; None when no loop is running yet.
pub fn spawn(fut: impl Future<Output = ()> + 'static) -> Option<tokio::task::JoinHandle<()>> {
    tokio::runtime::Handle::try_current().ok()?;
    Some(tokio::task::spawn_local(fut))
}
