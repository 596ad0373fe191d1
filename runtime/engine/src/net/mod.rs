//! The network runtime of one worker thread: listeners, timers, signals and the event loop.
//!
//! Each worker runs a Tokio current-thread runtime with a `LocalSet`: every task it spawns is
//! `!Send` and stays on the thread, next to the values it touches. Listeners set SO_REUSEPORT
//! when asked so several workers (or processes) can serve one port.

pub mod inbound;
pub mod metrics;
#[cfg(target_os = "linux")]
mod netlink;
pub mod outbound;
mod queue;

use crate::log;
use crate::pipeline::context;
use crate::pipeline::{Layout, Output, Pipeline};
use pipy_value::Value;
use std::cell::{Cell, RefCell};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Protocol {
    Tcp,
    Udp,
    /// Linux Netlink (`connect` only).
    Netlink,
}

#[derive(Clone, Debug)]
pub struct ListenOptions {
    pub protocol: Protocol,
    /// `maxConnections`: this listener (one per worker) stops accepting while it has this many
    /// open connections; new ones wait in the kernel's backlog.
    pub max_connections: Option<usize>,
    /// `maxPortConnections`: the same, counted over every worker's listener on the port.
    pub max_port_connections: Option<usize>,
    pub read_timeout: Option<Duration>,
    pub write_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    pub keep_alive: bool,
    pub no_delay: bool,
    pub max_packet_size: usize,
    /// `peerStats`: inbound metrics also per client address (`peer` label).
    pub peer_stats: bool,
    /// `transparent`: IP_TRANSPARENT on the listening socket (a transparent proxy's port).
    pub transparent: bool,
    /// `congestionLimit`: from how many bytes queued towards the client what feeds them (the
    /// connection's own reading, an upstream's) waits for the client to take them (0: never).
    pub congestion_limit: usize,
    /// `bufferLimit`: more output for a client that already has this many bytes queued ends the
    /// stream with `BufferOverflow` and closes the connection (0: no limit).
    pub buffer_limit: usize,
    /// `masquerade` (UDP, IPv4, Linux): replies leave from the address and port each datagram
    /// was sent to (its original destination under TPROXY) rather than from the listener's, sent
    /// on a raw socket (needs CAP_NET_RAW).
    pub masquerade: bool,
}

impl Default for ListenOptions {
    fn default() -> Self {
        ListenOptions {
            protocol: Protocol::Tcp,
            max_connections: None,
            max_port_connections: None,
            read_timeout: None,
            write_timeout: None,
            idle_timeout: Some(Duration::from_secs(60)),
            keep_alive: true,
            no_delay: true,
            max_packet_size: 16 * 1024,
            peer_stats: false,
            transparent: false,
            congestion_limit: crate::pipeline::context::Flow::LIMIT,
            buffer_limit: 0,
            masquerade: false,
        }
    }
}

pub struct ListenSpec {
    pub addr: SocketAddr,
    pub layout: Rc<Layout>,
    pub options: ListenOptions,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TaskKind {
    Once,
    Every(Duration),
    Signal(i32),
    /// Whenever the file changes (polled once a second).
    Watch(std::path::PathBuf),
}

pub struct TaskSpec {
    pub kind: TaskKind,
    pub layout: Rc<Layout>,
}

/// A bound listener: its address, its accept task, and the layout new connections get.
type RunningListener = (SocketAddr, tokio::task::AbortHandle, Rc<RefCell<Rc<Layout>>>);

#[derive(Default)]
struct Worker {
    listeners: Vec<ListenSpec>,
    tasks: Vec<TaskSpec>,
    exits: Vec<Rc<Layout>>,
    /// `pipy().admin(path)` pipelines, by path prefix.
    admins: Vec<(String, Rc<Layout>)>,
    started: bool,
    /// Running listeners by address, so listening again on a port replaces its pipeline.
    running: Vec<RunningListener>,
}

/// Options of the whole process that the worker reads.
#[derive(Clone, Debug, Default)]
pub struct WorkerOptions {
    pub reuse_port: bool,
    pub thread_id: usize,
    /// How long a graceful stop waits for streams in flight before closing them (None: as long
    /// as they take).
    pub shutdown_timeout: Option<Duration>,
    /// Where another thread (the admin service, a codebase watcher) sends this worker commands.
    pub control: Option<std::sync::Arc<Control>>,
    /// `--force-start`: a port that cannot be bound is logged, and the rest starts anyway.
    pub force_start: bool,
    /// The other workers' mailboxes. Worker 0 alone watches SIGINT and SIGTERM and passes them
    /// on: a signal reaches only the watchers registered when it arrives, and a worker still
    /// loading its script would miss one sent as soon as worker 0 listens.
    pub peers: Vec<std::sync::Arc<Control>>,
}

/// What another thread can ask of a running worker.
#[derive(Debug)]
pub enum Command {
    /// Run the scripts again (as SIGHUP does); the outcome goes back on the channel.
    Reload(Option<std::sync::mpsc::Sender<Result<(), String>>>),
    /// Stop gracefully (as SIGTERM does).
    Stop,
    /// Worker 0 received this signal (`SIGINT` or `SIGTERM`): stop gracefully, or at once if
    /// already stopping.
    Signal(&'static str),
    /// A request to the admin service for a script's `pipy().admin(path)` pipeline.
    Admin(AdminRequest),
}

/// A request the admin service passes to a worker's admin pipelines (plain data: it crosses
/// threads).
#[derive(Debug)]
pub struct AdminRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The response, or None when no admin pipeline takes the path.
    pub reply: std::sync::mpsc::Sender<Option<AdminResponse>>,
}

/// What an admin pipeline answered.
#[derive(Debug, Default)]
pub struct AdminResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A worker's mailbox for commands from other threads, and how its start-up went.
#[derive(Debug, Default)]
pub struct Control {
    queue: std::sync::Mutex<std::collections::VecDeque<Command>>,
    notify: tokio::sync::Notify,
    started: std::sync::Mutex<Option<Result<(), String>>>,
    started_cv: std::sync::Condvar,
}

impl Control {
    pub fn new() -> std::sync::Arc<Control> {
        std::sync::Arc::new(Control::default())
    }

    /// Queues `c` for the worker; it runs between events.
    pub fn send(&self, c: Command) {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).push_back(c);
        self.notify.notify_one();
    }

    fn take(&self) -> Vec<Command> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).drain(..).collect()
    }

    fn report(&self, r: Result<(), String>) {
        let mut s = self.started.lock().unwrap_or_else(|e| e.into_inner());
        if s.is_none() {
            *s = Some(r);
        }
        self.started_cv.notify_all();
    }

    /// Waits until the worker has loaded its scripts and opened its listeners (Ok), or failed
    /// to (Err); None if it has not said within `limit`.
    pub fn wait_started(&self, limit: Duration) -> Option<Result<(), String>> {
        let s = self.started.lock().unwrap_or_else(|e| e.into_inner());
        let (s, _) = self.started_cv.wait_timeout_while(s, limit, |s| s.is_none()).unwrap_or_else(|e| e.into_inner());
        s.clone()
    }
}

/// Reloads the scripts (installed by the binary): runs them again in this worker.
pub type Reloader = Rc<dyn Fn() -> Result<(), String>>;

thread_local! {
    static RELOADER: RefCell<Option<Reloader>> = const { RefCell::new(None) };
    /// Listener addresses (re)declared since the last reload began.
    static TOUCHED: RefCell<Vec<SocketAddr>> = const { RefCell::new(Vec::new()) };
    static WORKER: RefCell<Worker> = RefCell::new(Worker::default());
    static OPTIONS: RefCell<WorkerOptions> = RefCell::new(WorkerOptions::default());
    /// Things that keep the worker running: connections, outbound sockets, pending timers.
    static ACTIVE: Cell<usize> = const { Cell::new(0) };
    /// The pending timers among them: a graceful stop does not wait for these (as the original
    /// cancels its timers), though they still fire while streams in flight finish.
    static TIMERS: Cell<usize> = const { Cell::new(0) };
    static WAKE: Rc<tokio::sync::Notify> = Rc::new(tokio::sync::Notify::new());
    static SHUTTING_DOWN: Cell<bool> = const { Cell::new(false) };
    /// Told once when a graceful stop begins.
    static STOPPING: Rc<tokio::sync::Notify> = Rc::new(tokio::sync::Notify::new());
    /// Run once when a graceful shutdown starts (`on_shutdown`).
    static SHUTDOWN_HOOKS: RefCell<Vec<fn()>> = const { RefCell::new(Vec::new()) };
    /// Run after each successful reload (`on_reload`).
    static RELOAD_HOOKS: RefCell<Vec<fn()>> = const { RefCell::new(Vec::new()) };
}

/// Registers a listener; after start-up it binds at once (replacing a running one on the port).
pub fn add_listener(spec: ListenSpec) {
    let started = WORKER.with(|w| w.borrow().started);
    if started {
        start_listener(spec);
    } else {
        WORKER.with(|w| w.borrow_mut().listeners.push(spec));
    }
}

pub fn add_task(spec: TaskSpec) {
    // A reload keeps the tasks already running rather than starting them twice.
    if RELOADING.with(|r| r.get()) {
        return;
    }
    let started = WORKER.with(|w| w.borrow().started);
    if started {
        start_task(spec);
    } else {
        WORKER.with(|w| w.borrow_mut().tasks.push(spec));
    }
}

pub fn add_exit(layout: Rc<Layout>) {
    WORKER.with(|w| w.borrow_mut().exits.push(layout));
}

/// Registers a `pipy().admin(path)` pipeline: admin service requests under `path` go to it.
pub fn add_admin(path: &str, layout: Rc<Layout>) {
    WORKER.with(|w| w.borrow_mut().admins.push((path.to_string(), layout)));
}

/// Runs an admin request through the admin pipeline its path belongs to (the longest prefix);
/// the response goes back on the request's channel.
fn serve_admin(req: AdminRequest) {
    let layout = WORKER.with(|w| {
        w.borrow()
            .admins
            .iter()
            .filter(|(p, _)| req.path.starts_with(p.as_str()))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, l)| l.clone())
    });
    let Some(layout) = layout else {
        let _ = req.reply.send(None);
        return;
    };
    let AdminRequest { method, path, headers, body, reply } = req;
    tokio::task::spawn_local(async move {
        let _active = active();
        let done = Rc::new(tokio::sync::Notify::new());
        let answer: Rc<RefCell<(Option<AdminResponse>, bool)>> = Rc::new(RefCell::new((None, false)));
        let (d, a) = (done.clone(), answer.clone());
        let output = Output::Func(Box::new(move |e| {
            let mut a = a.borrow_mut();
            if a.1 {
                return;
            }
            match e {
                crate::pipeline::event::Event::MessageStart(head) => {
                    let h = crate::http::js::response_head_of(&head).unwrap_or_default();
                    let headers = h.headers.iter().map(|x| (x.name.to_string(), x.value.to_string())).collect();
                    a.0 = Some(AdminResponse { status: h.status, headers, body: Vec::new() });
                }
                crate::pipeline::event::Event::Data(data) => {
                    if let Some(r) = a.0.as_mut() {
                        r.body.extend_from_slice(&data.to_vec());
                    }
                }
                crate::pipeline::event::Event::MessageEnd { .. } | crate::pipeline::event::Event::StreamEnd(_) => {
                    a.1 = true;
                    d.notify_one();
                }
            }
        }));
        let p = Pipeline::new(&layout, context::new_root_copy(), output);
        p.start(&[]);
        let head = pipy_protocols::http1::head::RequestHead {
            method,
            path,
            protocol: "HTTP/1.1".into(),
            headers: headers.iter().map(|(k, v)| pipy_protocols::http1::head::Header::new(k, v)).collect(),
        };
        p.input(crate::pipeline::event::Event::MessageStart(crate::http::js::request_head_value(head)));
        if !body.is_empty() {
            p.input(crate::pipeline::event::Event::Data(crate::pipeline::data::Data::from(body)));
        }
        p.input(crate::pipeline::event::Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
        crate::memory::run_microtasks();
        if !answer.borrow().1 {
            let _ = tokio::time::timeout(Duration::from_secs(30), done.notified()).await;
        }
        let r = answer.borrow_mut().0.take().unwrap_or(AdminResponse {
            status: 500,
            headers: Vec::new(),
            body: b"The admin pipeline ended without a response\n".to_vec(),
        });
        let _ = reply.send(Some(r));
        drop(p);
    });
}

pub fn set_reloader(r: Reloader) {
    RELOADER.with(|s| *s.borrow_mut() = Some(r));
}

/// SIGHUP: run the scripts again. Connections already accepted keep their pipelines; listeners
/// the new scripts declare get the new layouts; listeners they no longer declare close.
fn reload() -> Result<(), String> {
    let Some(r) = RELOADER.with(|s| s.borrow().clone()) else { return Err("nothing to reload".into()) };
    TOUCHED.with(|t| t.borrow_mut().clear());
    log::info("Reloading the scripts...");
    RELOADING.with(|r| r.set(true));
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        w.exits.clear();
        w.admins.clear();
    });
    let result = r();
    RELOADING.with(|r| r.set(false));
    match result {
        Ok(()) => {
            let touched = TOUCHED.with(|t| t.borrow().clone());
            let gone: Vec<_> = WORKER.with(|w| {
                let mut w = w.borrow_mut();
                let (keep, gone): (Vec<_>, Vec<_>) =
                    std::mem::take(&mut w.running).into_iter().partition(|r| touched.contains(&r.0));
                w.running = keep;
                gone
            });
            for (addr, abort, _) in gone {
                abort.abort();
                log::info(&format!("[listener] Stopped listening on port {} at {}", addr.port(), addr.ip()));
            }
            log::info("Reloaded");
            drain_all();
            for hook in RELOAD_HOOKS.with(|h| std::mem::take(&mut *h.borrow_mut())) {
                hook();
            }
            Ok(())
        }
        Err(e) => {
            log::error(&format!("Reload failed, keeping the running scripts: {e}"));
            Err(e)
        }
    }
}

/// True if a `task('SIGHUP')` pipeline takes the signal over.
fn sighup_taken() -> bool {
    signal_taken(libc::SIGHUP)
}

/// Whether a `task('SIG…')` handles this signal: then it runs instead of what the signal does by
/// default (stop, reload), as in the original; the script can call `pipy.exit()` itself.
fn signal_taken(sig: i32) -> bool {
    SIGNAL_TASKS.with(|s| s.borrow().contains(&sig))
}

thread_local! {
    static SIGNAL_TASKS: RefCell<Vec<i32>> = const { RefCell::new(Vec::new()) };
    static RELOADING: Cell<bool> = const { Cell::new(false) };
}

pub fn reset() {
    WORKER.with(|w| *w.borrow_mut() = Worker::default());
    SHUTTING_DOWN.with(|s| s.set(false));
}

pub fn options() -> WorkerOptions {
    OPTIONS.with(|o| o.borrow().clone())
}

type Deferred = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

thread_local! {
    /// Tasks spawned before the event loop started (timers set by a script's top level).
    static DEFERRED: RefCell<Vec<Deferred>> = const { RefCell::new(Vec::new()) };
}

/// Spawns a task on this worker's `LocalSet`, or, before the event loop runs (a script's top
/// level), when it starts. Returns the task's abort handle when it could be spawned now.
pub fn spawn_local(f: impl std::future::Future<Output = ()> + 'static) -> Option<tokio::task::AbortHandle> {
    if tokio::runtime::Handle::try_current().is_ok() {
        Some(tokio::task::spawn_local(f).abort_handle())
    } else {
        DEFERRED.with(|d| d.borrow_mut().push(Box::pin(f)));
        None
    }
}

/// Counts a piece of work that keeps the worker alive until the guard drops.
pub fn active() -> ActiveGuard {
    ACTIVE.with(|a| a.set(a.get() + 1));
    ActiveGuard { timer: false }
}

/// `active()` for a pending timer.
fn timer_active() -> ActiveGuard {
    TIMERS.with(|t| t.set(t.get() + 1));
    ACTIVE.with(|a| a.set(a.get() + 1));
    ActiveGuard { timer: true }
}

pub struct ActiveGuard {
    timer: bool,
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        // At thread exit these may be gone already: nothing is waiting then.
        let _ = ACTIVE.try_with(|a| a.set(a.get().saturating_sub(1)));
        if self.timer {
            let _ = TIMERS.try_with(|t| t.set(t.get().saturating_sub(1)));
        }
        let _ = WAKE.try_with(|w| w.notify_one());
    }
}

/// Work a graceful stop waits for: everything active but timers.
fn active_but_timers() -> usize {
    ACTIVE.with(|a| a.get()).saturating_sub(TIMERS.with(|t| t.get()))
}

/// How many things keep this worker busy (connections, timers, detached pipelines).
pub fn active_count() -> usize {
    ACTIVE.with(|a| a.get())
}

/// Asks for `f` to run when this worker starts a graceful shutdown (each function once).
pub fn on_shutdown(f: fn()) {
    SHUTDOWN_HOOKS.with(|h| {
        let mut h = h.borrow_mut();
        if !h.iter().any(|g| std::ptr::fn_addr_eq(*g, f)) {
            h.push(f);
        }
    });
}

/// Asks for `f` to run after each successful reload of this worker (each function once).
pub fn on_reload(f: fn()) {
    RELOAD_HOOKS.with(|h| {
        let mut h = h.borrow_mut();
        if !h.iter().any(|g| std::ptr::fn_addr_eq(*g, f)) {
            h.push(f);
        }
    });
}

/// A connection that winds down when asked (at shutdown, and after a reload for the
/// connections of the old pipelines): it is woken with its token, closes at once when idle and
/// after what is in flight otherwise. Dropping the ticket forgets the connection.
pub struct DrainTicket(u64);

/// Registers the stage of `handle` to be woken with `token` when connections should drain.
pub fn on_drain(handle: crate::pipeline::StageHandle, token: u32) -> DrainTicket {
    DRAIN.with(|d| {
        let mut d = d.borrow_mut();
        d.1 += 1;
        let id = d.1;
        d.0.insert(id, (handle, token));
        DrainTicket(id)
    })
}

impl Drop for DrainTicket {
    fn drop(&mut self) {
        // At thread exit the registry may be gone already: nothing to forget then.
        let _ = DRAIN.try_with(|d| d.borrow_mut().0.remove(&self.0));
    }
}

/// Wakes every registered connection to drain (each once: it is forgotten here).
fn drain_all() {
    let all = DRAIN.with(|d| std::mem::take(&mut d.borrow_mut().0));
    for (_, (handle, token)) in all {
        handle.wake(token);
    }
}

/// Connections to wake when draining, by ticket, and the last ticket given.
type DrainRegistry = (std::collections::HashMap<u64, (crate::pipeline::StageHandle, u32)>, u64);

thread_local! {
    static DRAIN: RefCell<DrainRegistry> = RefCell::new((std::collections::HashMap::new(), 0));
}

/// This worker's index (0 for the first).
pub fn thread_id() -> usize {
    OPTIONS.with(|o| o.borrow().thread_id)
}

/// Notified when a graceful stop begins (check `shutting_down` first: a stop that began before
/// the wait is not told again).
pub fn stopping() -> Rc<tokio::sync::Notify> {
    STOPPING.with(|s| s.clone())
}

pub fn shutting_down() -> bool {
    SHUTTING_DOWN.with(|s| s.get())
}

fn listener_count() -> usize {
    WORKER.with(|w| w.borrow().running.len())
}

/// Runs the worker's event loop until there is nothing left to do or a signal stops it.
/// `setup` runs first, inside the loop (it loads the script, so top-level code may start timers
/// and pipelines); an `Err` is the exit code to stop with. Returns the process exit code.
pub fn run(options: WorkerOptions, setup: impl FnOnce() -> Result<(), i32>) -> i32 {
    let control = options.control.clone();
    let code = run_loop(options, setup, control.clone());
    if let Some(c) = &control {
        c.report(Err(format!("the worker stopped (exit code {code})")));
    }
    code
}

fn run_loop(
    options: WorkerOptions,
    setup: impl FnOnce() -> Result<(), i32>,
    control: Option<std::sync::Arc<Control>>,
) -> i32 {
    OPTIONS.with(|o| *o.borrow_mut() = options);
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            log::error(&format!("cannot start the event loop: {e}"));
            return 1;
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        // Worker 0 watches SIGINT and SIGTERM from before its script runs (one that arrives
        // during set-up waits in the stream) and passes them on to the others.
        let watch = |kind| if thread_id() == 0 { tokio::signal::unix::signal(kind).ok() } else { None };
        let mut sigint = watch(tokio::signal::unix::SignalKind::interrupt());
        let mut sigterm = watch(tokio::signal::unix::SignalKind::terminate());
        if let Err(code) = setup() {
            return code;
        }
        let (listeners, tasks) = WORKER.with(|w| {
            let mut w = w.borrow_mut();
            w.started = true;
            (std::mem::take(&mut w.listeners), std::mem::take(&mut w.tasks))
        });
        let mut failed = false;
        for l in listeners {
            if !start_listener(l) {
                failed = true;
            }
        }
        if failed && !self::options().force_start {
            return 1;
        }
        if let Some(c) = &control {
            c.report(Ok(()));
        }
        for t in tasks {
            start_task(t);
        }
        if signal_taken(libc::SIGINT) {
            sigint = None;
        }
        if signal_taken(libc::SIGTERM) {
            sigterm = None;
        }
        for f in DEFERRED.with(|d| std::mem::take(&mut *d.borrow_mut())) {
            tokio::task::spawn_local(f);
        }
        crate::memory::spawn_idle_collector();
        crate::memory::run_microtasks();
        let mut sighup = if sighup_taken() {
            None
        } else {
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok()
        };
        let wake = WAKE.with(|w| w.clone());
        loop {
            if ACTIVE.with(|a| a.get()) == 0 && listener_count() == 0 {
                break;
            }
            tokio::select! {
                _ = async { match &mut sigint { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {
                    log::info("Received SIGINT, shutting down...");
                    pass_on("SIGINT");
                    return shutdown(&mut sigint, &mut sigterm, &control).await;
                }
                _ = async { match &mut sigterm { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {
                    log::info("Received SIGTERM, shutting down...");
                    pass_on("SIGTERM");
                    return shutdown(&mut sigint, &mut sigterm, &control).await;
                }
                _ = async { match &mut sighup { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {
                    let _ = reload();
                }
                _ = async { match &control { Some(c) => c.notify.notified().await, None => std::future::pending().await } } => {
                    for cmd in control.as_ref().map(|c| c.take()).unwrap_or_default() {
                        match cmd {
                            Command::Reload(reply) => {
                                let r = reload();
                                if let Some(reply) = reply {
                                    let _ = reply.send(r);
                                }
                            }
                            Command::Stop => {
                                log::info("Stopping gracefully (asked by pipy.exit() or the admin service)...");
                                return shutdown(&mut sigint, &mut sigterm, &control).await;
                            }
                            Command::Signal(name) => {
                                log::info(&format!("Received {name}, shutting down..."));
                                return shutdown(&mut sigint, &mut sigterm, &control).await;
                            }
                            Command::Admin(req) => serve_admin(req),
                        }
                    }
                }
                _ = wake.notified() => {}
            }
        }
        run_exits().await;
        0
    })
}

/// Worker 0 tells the other workers it received `signal`.
fn pass_on(signal: &'static str) {
    for peer in options().peers {
        peer.send(Command::Signal(signal));
    }
}

/// Graceful stop: close listeners and idle pooled connections, let streams in flight finish, run
/// `exit` pipelines. A second SIGINT or SIGTERM stops at once.
async fn shutdown(
    sigint: &mut Option<tokio::signal::unix::Signal>,
    sigterm: &mut Option<tokio::signal::unix::Signal>,
    control: &Option<std::sync::Arc<Control>>,
) -> i32 {
    let code = stop_gracefully(sigint, sigterm, control).await;
    // What is still running is torn down now, not by the thread's exit (when the state it
    // needs to end cleanly is being destroyed).
    end_detached();
    code
}

async fn stop_gracefully(
    sigint: &mut Option<tokio::signal::unix::Signal>,
    sigterm: &mut Option<tokio::signal::unix::Signal>,
    control: &Option<std::sync::Arc<Control>>,
) -> i32 {
    SHUTTING_DOWN.with(|s| s.set(true));
    let running = WORKER.with(|w| std::mem::take(&mut w.borrow_mut().running));
    for (_, abort, _) in running {
        abort.abort();
    }
    for hook in SHUTDOWN_HOOKS.with(|h| std::mem::take(&mut *h.borrow_mut())) {
        hook();
    }
    end_detached();
    drain_all();
    STOPPING.with(|s| s.notify_waiters());
    crate::memory::run_microtasks();
    let wake = WAKE.with(|w| w.clone());
    let drain = async {
        while active_but_timers() > 0 {
            wake.notified().await;
        }
    };
    let limit = options().shutdown_timeout;
    let timeout = async {
        match limit {
            Some(t) => tokio::time::sleep(t).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = drain => {}
        _ = timeout => {
            let open = inbound::inbound_count();
            log::warn(&format!(
                "[shutdown] still busy after {:.1} s ({open} inbound connection(s) open): stopping now",
                limit.unwrap_or_default().as_secs_f64()
            ));
        }
        _ = async { match sigint { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {
            log::info("Received SIGINT again, stopping now");
            pass_on("SIGINT");
            return 0;
        }
        _ = async { match sigterm { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {
            log::info("Received SIGTERM again, stopping now");
            pass_on("SIGTERM");
            return 0;
        }
        name = async {
            // Worker 0 passing on a second signal; other commands wait (the worker is stopping).
            let Some(c) = control else { return std::future::pending().await };
            loop {
                c.notify.notified().await;
                let mut queue = c.queue.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(i) = queue.iter().position(|c| matches!(c, Command::Signal(_))) {
                    if let Some(Command::Signal(name)) = queue.remove(i) {
                        return name;
                    }
                }
            }
        } => {
            log::info(&format!("Received {name} again, stopping now"));
            return 0;
        }
    }
    run_exits().await;
    0
}

async fn run_exits() {
    let exits = WORKER.with(|w| std::mem::take(&mut w.borrow_mut().exits));
    for layout in exits {
        let done = Rc::new(tokio::sync::Notify::new());
        let d = done.clone();
        let p = Pipeline::new(
            &layout,
            context::new_root_copy(),
            Output::Func(Box::new(move |e| {
                if e.is_stream_end() {
                    d.notify_one();
                }
            })),
        );
        p.start(&[]);
        if !p.ended() {
            let _ = tokio::time::timeout(Duration::from_secs(10), done.notified()).await;
        }
    }
}

fn start_listener(spec: ListenSpec) -> bool {
    TOUCHED.with(|t| t.borrow_mut().push(spec.addr));
    // Listening again on a running port swaps its layout for new connections.
    let existing = WORKER.with(|w| w.borrow().running.iter().find(|r| r.0 == spec.addr).map(|r| r.2.clone()));
    if let Some(slot) = existing {
        *slot.borrow_mut() = spec.layout;
        return true;
    }
    let reuse = options().reuse_port;
    let slot = Rc::new(RefCell::new(spec.layout.clone()));
    let result = match spec.options.protocol {
        Protocol::Tcp => inbound::listen_tcp(spec.addr, slot.clone(), spec.options.clone(), reuse),
        Protocol::Udp => inbound::listen_udp(spec.addr, slot.clone(), spec.options.clone(), reuse),
        Protocol::Netlink => Err(std::io::Error::other("a listener cannot be Netlink")),
    };
    match result {
        Ok(abort) => {
            let proto = if spec.options.protocol == Protocol::Tcp { "TCP" } else { "UDP" };
            log::info(&format!("[listener] Listening on {proto} port {} at {}", spec.addr.port(), spec.addr.ip()));
            WORKER.with(|w| w.borrow_mut().running.push((spec.addr, abort, slot)));
            true
        }
        Err(e) => {
            log::error(&format!("[listener] Cannot listen on port {} at {}: {e}", spec.addr.port(), spec.addr.ip()));
            false
        }
    }
}

/// Starts a pipeline whose output is discarded; keeps the worker alive until it ends, or until a
/// graceful stop begins (the original ends its tasks then).
pub fn run_detached(layout: &Rc<Layout>, args: &[Value]) {
    let guard = Rc::new(RefCell::new(Some(active())));
    let g = guard.clone();
    let p = Pipeline::new(
        layout,
        context::new_root_copy(),
        Output::Func(Box::new(move |e| {
            if e.is_stream_end() {
                g.borrow_mut().take();
                // Let go of the ended instance once this dispatch is over (its onEnd runs then).
                pipy_value::realm::enqueue_microtask(Box::new(|| {
                    HOLD.with(|h| h.borrow_mut().retain(|(p, _)| !p.ended()))
                }));
            }
        })),
    );
    p.start(args);
    if !p.ended() {
        // Keep the instance alive until its stream ends.
        HOLD.with(|h| h.borrow_mut().push((p, guard)));
        tokio::task::spawn_local(async {
            tokio::task::yield_now().await;
        });
    }
    HOLD.with(|h| h.borrow_mut().retain(|(p, _)| !p.ended()));
}

/// Lets go of the detached pipelines (outside the registry's borrow: tearing one down may start
/// or end others).
fn end_detached() {
    let ended: Vec<Held> = HOLD.with(|h| std::mem::take(&mut *h.borrow_mut()));
    drop(ended);
}

thread_local! {
    static HOLD: RefCell<Vec<Held>> = const { RefCell::new(Vec::new()) };
}

/// A detached pipeline and the guard that keeps the worker alive while it runs.
type Held = (Rc<Pipeline>, Rc<RefCell<Option<ActiveGuard>>>);

fn start_task(spec: TaskSpec) {
    match spec.kind {
        TaskKind::Once => run_detached(&spec.layout, &[]),
        TaskKind::Every(d) => {
            let layout = spec.layout;
            let guard = active();
            tokio::task::spawn_local(async move {
                let _g = guard;
                let mut tick = tokio::time::interval(d.max(Duration::from_millis(1)));
                loop {
                    tick.tick().await;
                    if shutting_down() {
                        break;
                    }
                    run_detached(&layout, &[]);
                }
            });
        }
        TaskKind::Watch(path) => {
            let layout = spec.layout;
            tokio::task::spawn_local(async move {
                let stamp = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
                let mut last = stamp(&path);
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                loop {
                    tick.tick().await;
                    let now = stamp(&path);
                    if now != last {
                        last = now;
                        run_detached(&layout, &[]);
                    }
                }
            });
        }
        TaskKind::Signal(sig) => {
            SIGNAL_TASKS.with(|s| s.borrow_mut().push(sig));
            let layout = spec.layout;
            let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(sig)) else {
                log::error(&format!("cannot wait for signal {sig}"));
                return;
            };
            tokio::task::spawn_local(async move {
                while s.recv().await.is_some() {
                    run_detached(&layout, &[]);
                }
            });
        }
    }
}

/// A signal number from its name (`SIGHUP`, `HUP`).
pub fn signal_number(name: &str) -> Option<i32> {
    let n = name.strip_prefix("SIG").unwrap_or(name);
    Some(match n {
        "HUP" => libc::SIGHUP,
        "INT" => libc::SIGINT,
        "QUIT" => libc::SIGQUIT,
        "USR1" => libc::SIGUSR1,
        "USR2" => libc::SIGUSR2,
        "TERM" => libc::SIGTERM,
        "ALRM" => libc::SIGALRM,
        "CHLD" => libc::SIGCHLD,
        "WINCH" => libc::SIGWINCH,
        _ => return None,
    })
}

/// How much one read takes from a socket at most.
const READ_SIZE: usize = 64 * 1024;

thread_local! {
    /// The worker's one read buffer: sockets are read into it and what came is copied out in a
    /// chunk of its own size, so a connection holds no buffer while it waits.
    static SCRATCH: RefCell<Box<[u8]>> = RefCell::new(vec![0u8; READ_SIZE].into_boxed_slice());
}

/// Waits until the socket has bytes or its end, and reads them: an empty chunk is the end.
pub(crate) async fn read_some(rd: &mut tokio::net::tcp::OwnedReadHalf) -> std::io::Result<bytes::Bytes> {
    use tokio::io::AsyncRead;
    std::future::poll_fn(|cx| {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let mut buf = tokio::io::ReadBuf::new(&mut s[..]);
            std::pin::Pin::new(&mut *rd)
                .poll_read(cx, &mut buf)
                .map_ok(|()| bytes::Bytes::copy_from_slice(buf.filled()))
        })
    })
    .await
}

/// `read_some` with an optional time limit (a timed-out read is an error of kind `TimedOut`).
pub(crate) async fn read_some_within(
    rd: &mut tokio::net::tcp::OwnedReadHalf,
    limit: Option<Duration>,
) -> std::io::Result<bytes::Bytes> {
    match limit {
        Some(t) => tokio::time::timeout(t, read_some(rd)).await.unwrap_or(Err(std::io::ErrorKind::TimedOut.into())),
        None => read_some(rd).await,
    }
}

/// A connection's idle timeout as one timer that lives as long as the connection: re-armed only
/// when it fires early (there was activity since), never on each read or write.
pub(crate) struct IdleTimer {
    sleep: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    idle: Duration,
}

impl IdleTimer {
    pub(crate) fn new(idle: Option<Duration>) -> IdleTimer {
        let d = idle.unwrap_or_default();
        IdleTimer { sleep: idle.map(|d| Box::pin(tokio::time::sleep(d))), idle: d }
    }

    /// Completes once nothing happened for the whole timeout (`activity`: the last time
    /// something did); never without a timeout.
    pub(crate) async fn expired(&mut self, activity: &std::cell::Cell<std::time::Instant>) {
        let Some(s) = self.sleep.as_mut() else { return std::future::pending().await };
        loop {
            s.as_mut().await;
            let deadline = activity.get() + self.idle;
            if std::time::Instant::now() >= deadline {
                return;
            }
            s.as_mut().reset(deadline.into());
        }
    }
}

/// Calls `f` after `delay` on this worker (keeping it alive meanwhile); abort with the handle.
pub fn timer(delay: Duration, f: Box<dyn FnOnce()>) -> tokio::task::AbortHandle {
    let guard = timer_active();
    tokio::task::spawn_local(async move {
        let _g = guard;
        tokio::time::sleep(delay).await;
        f();
        crate::memory::run_microtasks();
    })
    .abort_handle()
}

/// True when called inside a worker's event loop (timers and sockets can be used).
pub fn in_event_loop() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}
