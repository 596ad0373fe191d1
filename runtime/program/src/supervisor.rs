//! A running program: the worker threads that run one codebase's main script, and what other
//! threads (the command line, the admin service, a codebase watcher) can ask of them: wait for
//! start-up, reload, stop.

use crate::worker::{WorkerOptions, run_worker};
use pipy_engine::net::{Command, Control};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// What to run and how.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// The main script; its folder is the codebase root.
    pub main: PathBuf,
    /// Options every worker shares (`id` is set per worker).
    pub worker: WorkerOptions,
}

/// The worker threads of a started program.
pub struct Running {
    controls: Vec<Arc<Control>>,
    handles: Vec<JoinHandle<i32>>,
    /// The main script it runs.
    pub main: PathBuf,
    /// When it started.
    pub since: SystemTime,
}

/// The mailboxes of the running program's workers (for `pipy.restart()`).
static CURRENT: std::sync::Mutex<Vec<Arc<Control>>> = std::sync::Mutex::new(Vec::new());

/// Asks every worker of the running program to run its scripts again (`pipy.restart()`); the
/// reloads happen between events, after the caller returns.
pub fn reload_all() {
    for c in CURRENT.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        c.send(Command::Reload(None));
    }
}

/// The exit code `pipy.exit(code)` asked for (the highest, if several did).
static REQUESTED_EXIT: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// Asks every worker of the running program to stop gracefully, and the process to end with
/// `code` (`pipy.exit(code)`).
pub fn stop_all(code: i32) {
    REQUESTED_EXIT.fetch_max(code, std::sync::atomic::Ordering::Relaxed);
    let controls = CURRENT.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if controls.is_empty() {
        // Not a served program (`pipy -e`, the shell): end now, as before.
        std::process::exit(code);
    }
    for c in controls {
        c.send(Command::Stop);
    }
}

/// Starts `launch.worker.threads` workers (at least one) running the main script. They load it
/// on their own threads; `Running::started` tells how that went.
pub fn spawn(launch: &Launch) -> Result<Running, String> {
    let path = launch.main.display().to_string();
    let source = std::fs::read_to_string(&launch.main).map_err(|e| format!("cannot read {path}: {e}"))?;
    let threads = launch.worker.threads.max(1);
    let mut running =
        Running { controls: Vec::new(), handles: Vec::new(), main: launch.main.clone(), since: SystemTime::now() };
    let controls: Vec<Arc<Control>> = (0..threads).map(|_| Control::new()).collect();
    for (id, control) in controls.iter().enumerate() {
        let peers = if id == 0 { controls[1..].to_vec() } else { Vec::new() };
        let options = WorkerOptions { id, threads, control: Some(control.clone()), peers, ..launch.worker.clone() };
        let (path, source) = (path.clone(), source.clone());
        // Deep JS recursion needs a deep native stack (only touched pages take memory).
        let spawned = std::thread::Builder::new()
            .name(format!("pipy-worker-{id}"))
            .stack_size(256 << 20)
            .spawn(move || run_worker(&path, &source, &options));
        match spawned {
            Ok(h) => {
                running.controls.push(control.clone());
                running.handles.push(h);
            }
            Err(e) => {
                running.stop();
                return Err(format!("cannot start worker thread {id}: {e}"));
            }
        }
    }
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = running.controls.clone();
    Ok(running)
}

impl Running {
    /// Waits until every worker has loaded the script and opened its listeners.
    pub fn started(&self) -> Result<(), String> {
        for c in &self.controls {
            match c.wait_started(Duration::from_secs(60)) {
                Some(Ok(())) => {}
                Some(Err(e)) => return Err(e),
                None => return Err("the script did not finish loading within 60 s".into()),
            }
        }
        Ok(())
    }

    /// Runs the scripts again in every worker (as SIGHUP does); the first failure is returned
    /// (the workers that failed keep running their old scripts).
    pub fn reload(&self) -> Result<(), String> {
        let mut waits = Vec::new();
        for c in &self.controls {
            let (tx, rx) = std::sync::mpsc::channel();
            c.send(Command::Reload(Some(tx)));
            waits.push(rx);
        }
        let mut result = Ok(());
        for rx in waits {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => result = result.and(Err(e)),
                Err(_) => result = result.and(Err("a worker did not answer the reload".into())),
            }
        }
        result
    }

    /// Passes a request to the first worker's `pipy().admin(path)` pipelines; its answer (None:
    /// no admin pipeline takes the path) comes back on the request's channel.
    pub fn admin(&self, req: pipy_engine::net::AdminRequest) {
        match self.controls.first() {
            Some(c) => c.send(Command::Admin(req)),
            None => {
                let _ = req.reply.send(None);
            }
        }
    }

    /// True once every worker thread has ended.
    pub fn ended(&self) -> bool {
        self.handles.iter().all(|h| h.is_finished())
    }

    /// Asks every worker to stop gracefully and waits for them; returns the exit code.
    pub fn stop(&mut self) -> i32 {
        for c in &self.controls {
            c.send(Command::Stop);
        }
        self.wait()
    }

    /// Waits for every worker to end; returns the highest exit code they (or `pipy.exit`) asked
    /// for.
    pub fn wait(&mut self) -> i32 {
        let mut code = 0;
        for h in self.handles.drain(..) {
            code = code.max(h.join().unwrap_or(70));
        }
        code.max(REQUESTED_EXIT.load(std::sync::atomic::Ordering::Relaxed))
    }
}
