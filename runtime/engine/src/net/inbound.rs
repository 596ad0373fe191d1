//! Inbound sockets: TCP listeners (a pipeline per connection) and UDP listeners (a pipeline per
//! peer address). The socket's bytes go in as Data, its end as StreamEnd; what the pipeline
//! outputs is written back, and its StreamEnd closes the connection.

use super::queue::{WriteOp, WriteRx, WriteTx};
use super::{ListenOptions, active};
use crate::log;
use crate::pipeline::context::{self, Context, Flow};
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event, StreamError};
use crate::pipeline::{Layout, Output, Pipeline};
use pipy_value::Value;
use pipy_value::object::Obj;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

thread_local! {
    static NEXT_INBOUND_ID: Cell<u64> = const { Cell::new(1) };
    static INBOUND_COUNT: Cell<usize> = const { Cell::new(0) };
    /// The most connections open at once since `reset_peak`.
    static INBOUND_PEAK: Cell<usize> = const { Cell::new(0) };
}

/// How long, and for how many bytes, a connection the server closed keeps reading (and
/// dropping) what the client still sends.
const LINGER: Duration = Duration::from_millis(500);
const LINGER_STOPPING: Duration = Duration::from_millis(50);
const LINGER_BYTES: usize = 1 << 20;

/// Open inbound connections on this thread.
pub fn inbound_count() -> usize {
    INBOUND_COUNT.with(|c| c.get())
}

/// The most connections this worker had open at once since `reset_peak`.
pub fn peak() -> usize {
    INBOUND_PEAK.with(|p| p.get())
}

/// Starts counting the peak again from the connections open now.
pub fn reset_peak() {
    INBOUND_PEAK.with(|p| p.set(inbound_count()));
}

fn bind_socket(addr: SocketAddr, reuse_port: bool, udp: bool, transparent: bool) -> std::io::Result<socket2::Socket> {
    use socket2::{Domain, Socket, Type};
    let domain = if addr.is_ipv4() { Domain::IPV4 } else { Domain::IPV6 };
    let ty = if udp { Type::DGRAM } else { Type::STREAM };
    let s = Socket::new(domain, ty, None)?;
    s.set_reuse_address(true)?;
    if reuse_port {
        s.set_reuse_port(true)?;
    }
    if transparent {
        // Lets a transparent proxy accept connections to addresses that are not its own (needs
        // CAP_NET_ADMIN; without it the listen fails with the system's reason).
        if addr.is_ipv4() { s.set_ip_transparent_v4(true)? } else { s.set_ip_transparent_v6(true)? }
    }
    s.set_nonblocking(true)?;
    s.bind(&addr.into())?;
    if !udp {
        s.listen(1024)?;
    }
    Ok(s)
}

/// The `__inbound` object of a connection.
pub fn inbound_object(id: u64, remote: SocketAddr, local: SocketAddr) -> Value {
    let o = Obj::ordinary();
    o.define_value("id", Value::num(id as f64), pipy_value::attr::DEFAULT);
    o.define_value("remoteAddress", Value::string(ip_text(&remote)), pipy_value::attr::DEFAULT);
    o.define_value("remotePort", Value::num(f64::from(remote.port())), pipy_value::attr::DEFAULT);
    o.define_value("localAddress", Value::string(ip_text(&local)), pipy_value::attr::DEFAULT);
    o.define_value("localPort", Value::num(f64::from(local.port())), pipy_value::attr::DEFAULT);
    o.define_value("destinationAddress", Value::string(ip_text(&local)), pipy_value::attr::DEFAULT);
    o.define_value("destinationPort", Value::num(f64::from(local.port())), pipy_value::attr::DEFAULT);
    Value::Object(o)
}

fn ip_text(a: &SocketAddr) -> String {
    match a {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.ip().to_string(),
        },
        SocketAddr::V4(v4) => v4.ip().to_string(),
    }
}

fn next_inbound_id() -> u64 {
    NEXT_INBOUND_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// A TCP connection's `__inbound` object, made when first asked for: most connections (those
/// of a hello server, of a plain proxy) never need it.
pub struct LazyInbound {
    id: u64,
    remote: SocketAddr,
    local: SocketAddr,
    object: RefCell<Option<Value>>,
}

impl LazyInbound {
    /// The object (made now the first time; counted as the object of an open connection).
    pub fn object(&self) -> Value {
        if let Some(v) = self.object.borrow().as_ref() {
            return v.clone();
        }
        let v = inbound_object(self.id, self.remote, self.local);
        if let Some(addr) = object_addr(&v) {
            OPEN.with(|o| o.borrow_mut().insert(addr));
        }
        *self.object.borrow_mut() = Some(v.clone());
        v
    }

    /// The connection closed: upstream sessions keyed by its object can never be used again,
    /// and the object is no longer held here.
    fn closed(&self) {
        let Some(v) = self.object.borrow_mut().take() else { return };
        if let Some(addr) = object_addr(&v) {
            OPEN.with(|o| o.borrow_mut().remove(&addr));
        }
        crate::pool::key_closed(&v);
    }
}

thread_local! {
    /// The open TCP connections of this worker, oldest first (`pipy.inbound.forEach`).
    static LIVE: RefCell<std::collections::BTreeMap<u64, Rc<LazyInbound>>> =
        const { RefCell::new(std::collections::BTreeMap::new()) };
}

/// A connection in `LIVE` while it is open.
struct Live(u64);

impl Live {
    fn register(lazy: &Rc<LazyInbound>) -> Live {
        LIVE.with(|l| l.borrow_mut().insert(lazy.id, lazy.clone()));
        Live(lazy.id)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = LIVE.try_with(|l| l.borrow_mut().remove(&self.0));
    }
}

/// The `__inbound` objects of this worker's open TCP connections, oldest first (made now for
/// those that had none yet): what `pipy.inbound.forEach` calls back with.
pub fn live_inbound_objects() -> Vec<Value> {
    let all: Vec<Rc<LazyInbound>> = LIVE.with(|l| l.borrow().values().cloned().collect());
    all.iter().map(|l| l.object()).collect()
}

fn new_inbound_context(remote: SocketAddr, local: SocketAddr) -> (Rc<Context>, Rc<LazyInbound>) {
    let ctx = context::new_root_copy();
    let lazy = Rc::new(LazyInbound { id: next_inbound_id(), remote, local, object: RefCell::new(None) });
    *ctx.lazy_inbound.borrow_mut() = Some(lazy.clone());
    (ctx, lazy)
}

pub fn listen_tcp(
    addr: SocketAddr,
    layout: Rc<RefCell<Rc<Layout>>>,
    options: ListenOptions,
    reuse_port: bool,
) -> std::io::Result<tokio::task::AbortHandle> {
    let socket = bind_socket(addr, reuse_port, false, options.transparent)?;
    let listener = tokio::net::TcpListener::from_std(socket.into())?;
    let traffic = super::metrics::inbound(&format!("{}:{}", addr.ip(), addr.port()));
    let port_count = options.max_port_connections.map(|max| PortCount::of(addr, max));
    let handle = tokio::task::spawn_local(async move {
        let open = Rc::new(Cell::new(0usize));
        let slot_freed = Rc::new(tokio::sync::Notify::new());
        loop {
            // At a limit, accept nothing until a connection closes (as the original pauses its
            // listener): new connections wait in the kernel's backlog, not refused.
            while options.max_connections.is_some_and(|m| open.get() >= m) {
                slot_freed.notified().await;
            }
            if let Some(port) = &port_count {
                port.wait_for_room().await;
            }
            let (stream, remote) = match listener.accept().await {
                Ok(x) => x,
                Err(e) => {
                    log::warn(&format!("[listener] accept on port {}: {e}", addr.port()));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(options.no_delay);
            if options.keep_alive {
                let _ = socket2::SockRef::from(&stream).set_keepalive(true);
            }
            let local = stream.local_addr().unwrap_or(addr);
            let layout = layout.borrow().clone();
            let options = options.clone();
            let open = open.clone();
            let slot_freed = slot_freed.clone();
            open.set(open.get() + 1);
            let port_count = port_count.clone();
            let traffic = if options.peer_stats {
                super::metrics::inbound_peer(&format!("{}:{}", addr.ip(), addr.port()), &ip_text(&remote))
            } else {
                traffic.clone()
            };
            tokio::task::spawn_local(async move {
                // Another worker may have taken the port's last slot since the wait above: then
                // this connection waits here, unread, as it would have in the backlog.
                let port_slot = match &port_count {
                    Some(p) => Some(p.acquire().await),
                    None => None,
                };
                serve_tcp(stream, remote, local, layout, options, traffic).await;
                open.set(open.get() - 1);
                slot_freed.notify_one();
                drop(port_slot);
            });
        }
    });
    Ok(handle.abort_handle())
}

/// Open connections on one port, over every worker's listener (`maxPortConnections`).
struct PortCount {
    open: std::sync::atomic::AtomicUsize,
    max: std::sync::atomic::AtomicUsize,
    freed: tokio::sync::Notify,
}

impl PortCount {
    /// The port's count, shared by the workers (the newest `max` given wins).
    fn of(addr: SocketAddr, max: usize) -> std::sync::Arc<PortCount> {
        static PORTS: std::sync::Mutex<Vec<(SocketAddr, std::sync::Arc<PortCount>)>> =
            std::sync::Mutex::new(Vec::new());
        let mut ports = PORTS.lock().unwrap_or_else(|e| e.into_inner());
        let count = match ports.iter().find(|(a, _)| *a == addr) {
            Some((_, c)) => c.clone(),
            None => {
                let c = std::sync::Arc::new(PortCount {
                    open: Default::default(),
                    max: Default::default(),
                    freed: tokio::sync::Notify::new(),
                });
                ports.push((addr, c.clone()));
                c
            }
        };
        count.max.store(max, std::sync::atomic::Ordering::SeqCst);
        count.freed.notify_waiters();
        count
    }

    /// Waits until the port has room (`take` a slot: true), or only until it has room.
    async fn wait(self: &std::sync::Arc<PortCount>, take: bool) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            // Registered before the check, so a close between the check and the wait wakes it.
            freed.as_mut().enable();
            let max = self.max.load(SeqCst);
            let room = if take {
                self.open.fetch_update(SeqCst, SeqCst, |n| (n < max).then_some(n + 1)).is_ok()
            } else {
                self.open.load(SeqCst) < max
            };
            if room {
                return true;
            }
            freed.await;
        }
    }

    async fn wait_for_room(self: &std::sync::Arc<PortCount>) {
        self.wait(false).await;
    }

    /// Takes a slot, waiting for one.
    async fn acquire(self: &std::sync::Arc<PortCount>) -> PortSlot {
        self.wait(true).await;
        PortSlot(self.clone())
    }
}

/// One open connection counted on its port; dropping it frees the slot and wakes the listeners.
struct PortSlot(std::sync::Arc<PortCount>);

impl Drop for PortSlot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        self.0.freed.notify_waiters();
    }
}

/// Writes queued chunks; counts them in `flow` so readers can hold back. Returns when the
/// pipeline ended the stream or the peer stopped reading.
pub(super) async fn write_loop<W: AsyncWriteExt + Unpin>(
    mut w: W,
    mut rx: WriteRx,
    flow: Rc<Flow>,
    upstream: bool,
    activity: Rc<Cell<Instant>>,
    write_timeout: Option<Duration>,
    traffic: Rc<super::metrics::Traffic>,
) -> Result<(), ErrorCode> {
    // Small chunks queued together (an HTTP head and its body) go out in one write.
    const GATHER: usize = 64 * 1024;
    let mut pending_end = false;
    while let Some(op) = rx.recv().await {
        let mut chunk = match op {
            WriteOp::Data(b) => b,
            WriteOp::End => {
                let _ = w.flush().await;
                let _ = w.shutdown().await;
                return Ok(());
            }
        };
        if chunk.len() < GATHER {
            let mut gathered: Option<bytes::BytesMut> = None;
            while let Some(next) = rx.try_recv() {
                match next {
                    WriteOp::Data(b) => {
                        let buf = gathered.get_or_insert_with(|| {
                            let mut m = bytes::BytesMut::with_capacity(chunk.len() + b.len());
                            m.extend_from_slice(&chunk);
                            m
                        });
                        buf.extend_from_slice(&b);
                        if buf.len() >= GATHER {
                            break;
                        }
                    }
                    WriteOp::End => {
                        pending_end = true;
                        break;
                    }
                }
            }
            if let Some(g) = gathered {
                chunk = g.freeze();
            }
        }
        let n = chunk.len();
        let r = match write_timeout {
            Some(t) => match tokio::time::timeout(t, w.write_all(&chunk)).await {
                Ok(r) => r,
                Err(_) => return Err(ErrorCode::WriteTimeout),
            },
            None => w.write_all(&chunk).await,
        };
        flow.sub(upstream, n);
        traffic.add_out(n);
        activity.set(Instant::now());
        if r.is_err() {
            return Err(ErrorCode::WriteError);
        }
        if pending_end {
            let _ = w.flush().await;
            let _ = w.shutdown().await;
            return Ok(());
        }
    }
    let _ = w.shutdown().await;
    Ok(())
}

/// The pipeline output function that queues writes.
pub(super) fn writer_output(tx: WriteTx, flow: Rc<Flow>, upstream: bool) -> Output {
    Output::Func(Box::new(move |e| match e {
        Event::Data(d) => {
            for c in d.chunks() {
                flow.add(upstream, c.len());
                tx.send(WriteOp::Data(c.clone()));
            }
        }
        Event::StreamEnd(_) => {
            tx.send(WriteOp::End);
        }
        _ => {}
    }))
}

/// A client's output was over `bufferLimit`: set once, with a wake-up for the connection's loop.
#[derive(Default)]
struct Overflow {
    hit: Cell<bool>,
    wake: tokio::sync::Notify,
}

/// The output towards a client with a `bufferLimit`: Data for a client that already has `limit`
/// bytes queued is not queued; the connection is told to end with `BufferOverflow` instead, and
/// nothing more is queued after that.
fn limited_writer_output(tx: WriteTx, flow: Rc<Flow>, limit: usize, overflow: Rc<Overflow>) -> Output {
    Output::Func(Box::new(move |e| match e {
        Event::Data(d) if !d.is_empty() && !overflow.hit.get() => {
            if flow.downstream.get() >= limit {
                overflow.hit.set(true);
                overflow.wake.notify_one();
            } else {
                for c in d.chunks() {
                    flow.add(false, c.len());
                    tx.send(WriteOp::Data(c.clone()));
                }
            }
        }
        Event::StreamEnd(_) if !overflow.hit.get() => {
            tx.send(WriteOp::End);
        }
        _ => {}
    }))
}

thread_local! {
    /// Inbound connection objects of this worker whose connection is open, by address.
    static OPEN: RefCell<rustc_hash::FxHashSet<usize>> = RefCell::new(rustc_hash::FxHashSet::default());
}

/// Whether the object at `addr` is the inbound object of a connection that is open now.
pub fn is_open_inbound(addr: usize) -> bool {
    OPEN.with(|o| o.borrow().contains(&addr))
}

fn object_addr(v: &Value) -> Option<usize> {
    v.as_object().map(|o| o.addr())
}

async fn serve_tcp(
    stream: tokio::net::TcpStream,
    remote: SocketAddr,
    local: SocketAddr,
    layout: Rc<Layout>,
    options: ListenOptions,
    traffic: Rc<super::metrics::Traffic>,
) {
    let _active = active();
    let _open = super::metrics::Open::new(&traffic);
    let open = INBOUND_COUNT.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    INBOUND_PEAK.with(|p| p.set(p.get().max(open)));
    let (ctx, lazy) = new_inbound_context(remote, local);
    let _live = Live::register(&lazy);
    let flow = ctx.flow.clone();
    flow.set_limit(false, options.congestion_limit);
    // `onStart` callbacks get the inbound object; without one it waits until asked for.
    let args = if layout.on_start.borrow().is_some() { vec![ctx.inbound_value()] } else { Vec::new() };
    let (mut rd, wr) = stream.into_split();
    let (tx, rx) = super::queue::write_queue();
    let activity = Rc::new(Cell::new(Instant::now()));
    let overflow = Rc::new(Overflow::default());
    let output = match options.buffer_limit {
        0 => writer_output(tx, flow.clone(), false),
        limit => limited_writer_output(tx, flow.clone(), limit, overflow.clone()),
    };
    let pipeline = Pipeline::new(&layout, ctx, output);
    let mut writer =
        Box::pin(write_loop(wr, rx, flow.clone(), false, activity.clone(), options.write_timeout, traffic.clone()));
    pipeline.start(&args);
    drop(args);
    let mut reading = !pipeline.ended();
    let mut writer_done = false;
    let mut peer_closed = false;
    let mut idle = super::IdleTimer::new(options.idle_timeout);
    // A connection that has sent nothing yet is closed when the worker stops (what has begun is
    // wound down by its filters).
    let mut silent = true;
    let stopping = super::stopping();
    loop {
        if !reading && writer_done {
            break;
        }
        if silent && super::shutting_down() {
            break;
        }
        tokio::select! {
            _ = stopping.notified(), if silent => {}
            r = async {
                // What this side reads goes upstream or straight back downstream: wait for both.
                flow.writable(true).await;
                flow.writable(false).await;
                super::read_some_within(&mut rd, options.read_timeout).await
            }, if reading => {
                activity.set(Instant::now());
                match r {
                    Ok(chunk) if chunk.is_empty() => {
                        reading = false;
                        peer_closed = true;
                        pipeline.input(Event::end());
                    }
                    Ok(chunk) => {
                        silent = false;
                        traffic.add_in(chunk.len());
                        pipeline.input(Event::Data(Data::from(chunk)));
                    }
                    Err(e) => {
                        reading = false;
                        peer_closed = true;
                        let code = if e.kind() == std::io::ErrorKind::TimedOut { ErrorCode::ReadTimeout } else { ErrorCode::ConnectionReset };
                        pipeline.input(Event::StreamEnd(Some(StreamError::Code(code))));
                    }
                }
            }
            _ = &mut writer, if !writer_done => {
                writer_done = true;
                // The pipeline closed the connection: stop reading too.
                reading = false;
            }
            _ = overflow.wake.notified() => {
                // As the original: the stream ends with the error and the connection closes at
                // once, what was queued for the client dropped.
                log::error(&format!(
                    "[inbound] [{}]:{} -> [{}]:{} buffer overflow (bufferLimit {})",
                    ip_text(&remote), remote.port(), ip_text(&local), local.port(), options.buffer_limit
                ));
                if reading {
                    pipeline.input(Event::error(ErrorCode::BufferOverflow));
                }
                break;
            }
            _ = idle.expired(&activity) => {
                if reading {
                    pipeline.input(Event::error(ErrorCode::IdleTimeout));
                }
                break;
            }
        }
    }
    if writer_done && !peer_closed {
        // Lingering close: the client may still be sending (the rest of a request we refused,
        // frames after a GOAWAY). Closing with unread bytes answers them with a RST, which can
        // destroy the answer just sent before the client reads it; so read and drop what comes
        // for a moment (the write side is shut already: the client sees the end).
        // While the worker stops, a client that has not closed after the end it was sent gets
        // only a short while: the stop waits for this connection.
        let linger = if super::shutting_down() { LINGER_STOPPING } else { LINGER };
        let deadline = tokio::time::Instant::now() + linger;
        let mut dropped = 0;
        while dropped < LINGER_BYTES {
            match tokio::time::timeout_at(deadline, super::read_some(&mut rd)).await {
                Ok(Ok(chunk)) if !chunk.is_empty() => dropped += chunk.len(),
                _ => break,
            }
        }
    }
    // The connection is over: upstream sessions keyed by it can never be used again.
    lazy.closed();
    drop(pipeline);
    crate::memory::run_microtasks();
    INBOUND_COUNT.with(|c| c.set(c.get() - 1));
}

/// UDP: one pipeline per peer address (and, when the listener learns it, per address the peer
/// sent to); each datagram is one Message of Data.
pub fn listen_udp(
    addr: SocketAddr,
    layout: Rc<RefCell<Rc<Layout>>>,
    options: ListenOptions,
    reuse_port: bool,
) -> std::io::Result<tokio::task::AbortHandle> {
    let socket = bind_socket(addr, reuse_port, true, options.transparent)?;
    // Where each datagram was sent (its original destination under TPROXY), for `transparent`
    // (`__inbound.destinationAddress`) and `masquerade` (the source of the replies).
    let learn_dst = (options.transparent || options.masquerade) && addr.is_ipv4() && cfg!(target_os = "linux");
    #[cfg(target_os = "linux")]
    if learn_dst {
        nix::sys::socket::setsockopt(&socket, nix::sys::socket::sockopt::Ipv4OrigDstAddr, &true)
            .map_err(std::io::Error::from)?;
    }
    let raw = if options.masquerade { Some(Rc::new(masquerade::RawSender::open(addr)?)) } else { None };
    let sock = Rc::new(tokio::net::UdpSocket::from_std(socket.into())?);
    type Peer = (Rc<Pipeline>, Rc<Cell<Instant>>);
    type PeerKey = (SocketAddr, Option<SocketAddr>);
    let peers: Rc<RefCell<HashMap<PeerKey, Peer>>> = Rc::new(RefCell::new(HashMap::new()));
    let idle = options.idle_timeout.unwrap_or(Duration::from_secs(60));
    let handle = tokio::task::spawn_local(async move {
        let mut buf = vec![0u8; options.max_packet_size.max(1)];
        let mut sweep = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                r = recv_datagram(&sock, &mut buf, learn_dst) => {
                    let Ok((n, remote, dst)) = r else { continue };
                    let existing = peers.borrow().get(&(remote, dst)).cloned();
                    let (p, act) = match existing {
                        Some(x) => x,
                        None => {
                            let local = sock.local_addr().unwrap_or(addr);
                            let ctx = context::new_root_copy();
                            let inbound = inbound_object(next_inbound_id(), remote, local);
                            if let (Some(d), Some(o)) = (dst, inbound.as_object()) {
                                o.define_value("destinationAddress", Value::string(ip_text(&d)), pipy_value::attr::DEFAULT);
                                o.define_value("destinationPort", Value::num(f64::from(d.port())), pipy_value::attr::DEFAULT);
                            }
                            *ctx.inbound.borrow_mut() = inbound.clone();
                            let s2 = sock.clone();
                            let raw = raw.clone();
                            // Masquerading, the replies leave from where the peer sent to (the
                            // listener's own address when that is not known).
                            let from = dst.unwrap_or(local);
                            let p = Pipeline::new(&layout.borrow(), ctx, Output::Func(Box::new(move |e| {
                                if let Event::Data(d) = e {
                                    let bytes = d.to_bytes();
                                    match &raw {
                                        Some(raw) => raw.send(from, remote, &bytes),
                                        None => {
                                            let s3 = s2.clone();
                                            tokio::task::spawn_local(async move { let _ = s3.send_to(&bytes, remote).await; });
                                        }
                                    }
                                }
                            })));
                            p.start(&[inbound]);
                            let act = Rc::new(Cell::new(Instant::now()));
                            peers.borrow_mut().insert((remote, dst), (p.clone(), act.clone()));
                            (p, act)
                        }
                    };
                    act.set(Instant::now());
                    let data = Data::from(&buf[..n]);
                    p.input_all(vec![
                        Event::MessageStart(Value::Undefined),
                        Event::Data(data),
                        Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined },
                    ]);
                }
                _ = sweep.tick() => {
                    let now = Instant::now();
                    let expired: Vec<PeerKey> = peers.borrow().iter()
                        .filter(|(_, (_, a))| now.duration_since(a.get()) >= idle)
                        .map(|(k, _)| *k).collect();
                    for k in expired {
                        let p = peers.borrow_mut().remove(&k);
                        if let Some((p, _)) = p {
                            p.input(Event::end());
                        }
                    }
                }
            }
        }
    });
    Ok(handle.abort_handle())
}

/// Receives a datagram: its size, its sender, and (with `learn_dst`, on Linux) the address it
/// was sent to, from the IP_ORIGDSTADDR control message.
async fn recv_datagram(
    sock: &tokio::net::UdpSocket,
    buf: &mut [u8],
    learn_dst: bool,
) -> std::io::Result<(usize, SocketAddr, Option<SocketAddr>)> {
    #[cfg(target_os = "linux")]
    if learn_dst {
        use std::os::fd::AsRawFd;
        return sock
            .async_io(tokio::io::Interest::READABLE, || {
                use nix::sys::socket::{ControlMessageOwned, MsgFlags, SockaddrIn, recvmsg};
                let mut cmsg = nix::cmsg_space!(nix::libc::sockaddr_in);
                let mut iov = [std::io::IoSliceMut::new(buf)];
                let msg = recvmsg::<SockaddrIn>(sock.as_raw_fd(), &mut iov, Some(&mut cmsg), MsgFlags::empty())
                    .map_err(std::io::Error::from)?;
                let from = msg.address.map(|a| SocketAddr::V4(a.into())).ok_or(std::io::ErrorKind::InvalidData)?;
                let mut dst = None;
                if let Ok(cmsgs) = msg.cmsgs() {
                    for c in cmsgs {
                        if let ControlMessageOwned::Ipv4OrigDstAddr(sin) = c {
                            dst = Some(SocketAddr::V4(SockaddrIn::from(sin).into()));
                        }
                    }
                }
                Ok((msg.bytes, from, dst))
            })
            .await;
    }
    let _ = learn_dst;
    let (n, from) = sock.recv_from(buf).await?;
    Ok((n, from, None))
}

/// `masquerade`: UDP replies written whole (IPv4 and UDP headers) on a raw socket, so that their
/// source can be an address that is not the listener's.
mod masquerade {
    use std::net::{SocketAddr, SocketAddrV4};

    pub struct RawSender {
        #[cfg(target_os = "linux")]
        socket: socket2::Socket,
    }

    impl RawSender {
        /// The raw socket of a listener on `addr` (IPv4 only, Linux only; CAP_NET_RAW).
        pub fn open(addr: SocketAddr) -> std::io::Result<RawSender> {
            if !addr.is_ipv4() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "option 'masquerade' needs an IPv4 listening address",
                ));
            }
            #[cfg(target_os = "linux")]
            {
                use socket2::{Domain, Protocol, Socket, Type};
                // IPPROTO_RAW: the packets written carry their own IP header; nothing is ever
                // received on it.
                let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))?;
                // Never waited on: a datagram the socket has no room for is dropped, as a
                // datagram may be.
                socket.set_nonblocking(true)?;
                Ok(RawSender { socket })
            }
            #[cfg(not(target_os = "linux"))]
            Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "option 'masquerade' is only available on Linux"))
        }

        /// Sends `payload` to `to` as if from `from` (a datagram that does not fit is dropped).
        pub fn send(&self, from: SocketAddr, to: SocketAddr, payload: &[u8]) {
            let (SocketAddr::V4(from), SocketAddr::V4(to)) = (from, to) else { return };
            let Some(packet) = packet(from, to, payload) else {
                crate::log::warn(&format!("[inbound] masquerade: a {}-byte datagram is too big", payload.len()));
                return;
            };
            #[cfg(target_os = "linux")]
            if let Err(e) = self.socket.send_to(&packet, &socket2::SockAddr::from(SocketAddr::V4(to))) {
                crate::log::debug(&format!("[inbound] masquerade: sending to {to}: {e}"));
            }
            #[cfg(not(target_os = "linux"))]
            let _ = packet;
        }
    }

    /// An IPv4 packet holding a UDP datagram from `from` to `to`. The kernel fills in the IP
    /// header's checksum and, being 0, its identification; a source of 0.0.0.0 (a listener on
    /// every address that did not learn the destination) it replaces with the outgoing
    /// interface's.
    pub fn packet(from: SocketAddrV4, to: SocketAddrV4, payload: &[u8]) -> Option<Vec<u8>> {
        let udp_len = u16::try_from(8 + payload.len()).ok()?;
        let total = u16::try_from(20 + 8 + payload.len()).ok()?;
        let mut p = Vec::with_capacity(usize::from(total));
        p.extend_from_slice(&[0x45, 0]); // version 4, 5 words of header; no TOS
        p.extend_from_slice(&total.to_be_bytes());
        p.extend_from_slice(&[0, 0, 0, 0]); // identification, no fragmentation
        p.extend_from_slice(&[64, 17, 0, 0]); // TTL, protocol UDP, checksum (the kernel's)
        p.extend_from_slice(&from.ip().octets());
        p.extend_from_slice(&to.ip().octets());
        p.extend_from_slice(&from.port().to_be_bytes());
        p.extend_from_slice(&to.port().to_be_bytes());
        p.extend_from_slice(&udp_len.to_be_bytes());
        let sum = checksum(from, to, udp_len, payload);
        p.extend_from_slice(&sum.to_be_bytes());
        p.extend_from_slice(payload);
        Some(p)
    }

    /// The UDP checksum over the pseudo-header, the UDP header and the payload.
    fn checksum(from: SocketAddrV4, to: SocketAddrV4, udp_len: u16, payload: &[u8]) -> u16 {
        let mut sum: u64 = 0;
        let mut add = |b: &[u8]| {
            for pair in b.chunks(2) {
                let hi = u64::from(pair[0]) << 8;
                let lo = pair.get(1).map_or(0, |&x| u64::from(x));
                sum += hi | lo;
            }
        };
        add(&from.ip().octets());
        add(&to.ip().octets());
        add(&[0, 17]);
        add(&udp_len.to_be_bytes());
        add(&from.port().to_be_bytes());
        add(&to.port().to_be_bytes());
        add(&udp_len.to_be_bytes());
        add(payload);
        while sum >> 16 != 0 {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        match !(sum as u16) {
            0 => 0xffff,
            c => c,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_packet_has_both_headers_and_a_checksum_that_verifies() {
            let from: SocketAddrV4 = "10.0.0.1:53".parse().unwrap();
            let to: SocketAddrV4 = "192.168.1.2:40000".parse().unwrap();
            let p = packet(from, to, b"hello").unwrap();
            assert_eq!(p.len(), 20 + 8 + 5);
            assert_eq!(&p[12..16], &[10, 0, 0, 1]);
            assert_eq!(&p[16..20], &[192, 168, 1, 2]);
            assert_eq!(u16::from_be_bytes([p[20], p[21]]), 53);
            assert_eq!(u16::from_be_bytes([p[22], p[23]]), 40000);
            assert_eq!(u16::from_be_bytes([p[24], p[25]]), 13);
            // Summed with its checksum in place, a datagram's one's-complement sum is all ones.
            let mut sum: u32 = 0;
            let mut words = p[12..20].to_vec();
            words.extend_from_slice(&[0, 17, 0, 13]);
            words.extend_from_slice(&p[20..]);
            words.push(0);
            for w in words.chunks(2) {
                if w.len() == 2 {
                    sum += u32::from(u16::from_be_bytes([w[0], w[1]]));
                }
            }
            while sum >> 16 != 0 {
                sum = (sum & 0xffff) + (sum >> 16);
            }
            assert_eq!(sum, 0xffff);
            assert!(packet(from, to, &vec![0; 70000]).is_none());
        }
    }
}
