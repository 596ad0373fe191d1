//! The runtime's own metrics, with the original's names and labels:
//! `pipy_inbound_count|in|out{listen}` per listening port, `pipy_outbound_count|in|out{protocol,
//! peer}` per upstream, `pipy_outbound_conn_time{protocol, peer}` (connect time in ms, a
//! histogram with the original's 21 buckets) and `pipy_pipeline_count{module, name}`.
//!
//! Each worker counts in thread-local cells (a connection holds its entry, so a read costs one
//! add); once a second the worker publishes its numbers to a process-wide table, and `render`
//! adds up every worker's.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Mutex;

/// Connections and bytes of one listener or one upstream, in this worker.
#[derive(Default, Debug)]
pub struct Traffic {
    pub count: Cell<i64>,
    pub bytes_in: Cell<u64>,
    pub bytes_out: Cell<u64>,
}

impl Traffic {
    pub fn add_in(&self, n: usize) {
        self.bytes_in.set(self.bytes_in.get() + n as u64);
    }

    pub fn add_out(&self, n: usize) {
        self.bytes_out.set(self.bytes_out.get() + n as u64);
    }
}

/// An open connection counted in its `Traffic` until dropped.
pub struct Open(Rc<Traffic>);

impl Open {
    pub fn new(t: &Rc<Traffic>) -> Open {
        t.count.set(t.count.get() + 1);
        Open(t.clone())
    }

    pub fn traffic(&self) -> &Rc<Traffic> {
        &self.0
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.count.set(self.0.count.get() - 1);
    }
}

/// The upper bounds of `pipy_outbound_conn_time` (ms): 1, then ×1.5 rounded down, 20 of them.
fn conn_time_bounds() -> [f64; 20] {
    let mut b = [0.0; 20];
    let mut limit = 1.5f64;
    for x in &mut b {
        *x = limit.floor();
        limit *= 1.5;
    }
    b
}

/// An upstream's traffic and connect times in this worker.
#[derive(Default, Debug)]
pub struct Upstream {
    pub traffic: Rc<Traffic>,
    /// Connects per bucket (the last is +Inf), their sum (ms) and count.
    conn_time: RefCell<([u64; 21], f64, u64)>,
}

impl Upstream {
    pub fn observe_connect(&self, ms: f64) {
        let bounds = conn_time_bounds();
        let i = bounds.iter().position(|b| ms <= *b).unwrap_or(20);
        let mut c = self.conn_time.borrow_mut();
        c.0[i] += 1;
        c.1 += ms;
        c.2 += 1;
    }
}

thread_local! {
    /// The codebase folder: `pipy_pipeline_count`'s module label is the path inside it.
    static ROOT: RefCell<String> = const { RefCell::new(String::new()) };
    /// By (listener, peer); the peer is empty unless the listener has `peerStats`.
    static INBOUND: RefCell<BTreeMap<(String, String), Rc<Traffic>>> = const { RefCell::new(BTreeMap::new()) };
    static OUTBOUND: RefCell<BTreeMap<(String, String), Rc<Upstream>>> = const { RefCell::new(BTreeMap::new()) };
}

/// Sets the codebase folder of this worker (module labels are paths inside it, `/main.js`).
pub fn set_codebase_root(root: &std::path::Path) {
    let r = root.display().to_string();
    ROOT.with(|x| *x.borrow_mut() = r.trim_end_matches('/').to_string());
}

/// A module's name as the codebase knows it (`/main.js`): its path inside the codebase folder.
pub fn module_name(file: &str) -> String {
    let root = ROOT.with(|r| r.borrow().clone());
    file.strip_prefix(root.as_str()).filter(|m| !root.is_empty() && m.starts_with('/')).unwrap_or(file).to_string()
}

/// The most peers of one listener counted apart (`peerStats`).
const MAX_PEERS: usize = 1000;

/// The counters of listener `listen` (`ip:port`) in this worker.
pub fn inbound(listen: &str) -> Rc<Traffic> {
    inbound_peer(listen, "")
}

/// The counters of the connections from `peer` (an address) to listener `listen` (`peerStats`).
pub fn inbound_peer(listen: &str, peer: &str) -> Rc<Traffic> {
    INBOUND.with(|m| {
        let mut m = m.borrow_mut();
        let key = (listen.to_string(), peer.to_string());
        if let Some(t) = m.get(&key) {
            return t.clone();
        }
        // Counters never go back, so a peer's row stays; past MAX_PEERS peers of a listener,
        // new ones are counted together as `(others)`.
        let peers = m.range((listen.to_string(), String::new())..).take_while(|((l, _), _)| l == listen).count();
        let key = if peers > MAX_PEERS { (listen.to_string(), "(others)".to_string()) } else { key };
        m.entry(key).or_default().clone()
    })
}

/// The counters of upstream `peer` (`host:port`) over `protocol` (`tcp`, `udp`) in this worker.
pub fn outbound(protocol: &str, peer: &str) -> Rc<Upstream> {
    OUTBOUND.with(|m| m.borrow_mut().entry((protocol.to_string(), peer.to_string())).or_default().clone())
}

/// An upstream's numbers: open connections, bytes in and out, connect times per bucket, their
/// sum (ms) and count.
#[derive(Default, Clone, Copy)]
struct Row {
    count: i64,
    bytes_in: u64,
    bytes_out: u64,
    buckets: [u64; 21],
    sum: f64,
    n: u64,
}

impl Row {
    fn add(&mut self, o: &Row) {
        self.count += o.count;
        self.bytes_in += o.bytes_in;
        self.bytes_out += o.bytes_out;
        for (a, b) in self.buckets.iter_mut().zip(o.buckets) {
            *a += b;
        }
        self.sum += o.sum;
        self.n += o.n;
    }
}

/// One worker's numbers as last published.
#[derive(Default, Clone)]
struct Snapshot {
    inbound: BTreeMap<(String, String), Row>,
    outbound: BTreeMap<(String, String), Row>,
    pipelines: BTreeMap<(String, String), i64>,
}

static PUBLISHED: Mutex<BTreeMap<usize, Snapshot>> = Mutex::new(BTreeMap::new());

/// Publishes this worker's numbers (from its idle tick).
pub(crate) fn publish() {
    let mut s = Snapshot::default();
    INBOUND.with(|m| {
        for (k, t) in m.borrow().iter() {
            let row = Row {
                count: t.count.get(),
                bytes_in: t.bytes_in.get(),
                bytes_out: t.bytes_out.get(),
                ..Row::default()
            };
            s.inbound.insert(k.clone(), row);
        }
    });
    OUTBOUND.with(|m| {
        for (k, u) in m.borrow().iter() {
            let t = &u.traffic;
            let c = u.conn_time.borrow();
            let row = Row {
                count: t.count.get(),
                bytes_in: t.bytes_in.get(),
                bytes_out: t.bytes_out.get(),
                buckets: c.0,
                sum: c.1,
                n: c.2,
            };
            s.outbound.insert(k.clone(), row);
        }
    });
    let root = ROOT.with(|r| r.borrow().clone());
    for l in crate::pipeline::layout::all_layouts() {
        let n = l.active.get();
        if n > 0 {
            let m = l
                .module
                .strip_prefix(root.as_str())
                .filter(|m| !root.is_empty() && m.starts_with('/'))
                .unwrap_or(&l.module);
            *s.pipelines.entry((m.to_string(), l.name.borrow().clone())).or_default() += n as i64;
        }
    }
    let id = super::thread_id();
    PUBLISHED.lock().unwrap_or_else(|e| e.into_inner()).insert(id, s);
}

fn number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Every worker's numbers added up, in the Prometheus text format. Each family has its total
/// (no labels) and one series per label set, as the original writes them.
pub fn render() -> String {
    let all = PUBLISHED.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut inbound: BTreeMap<(String, String), Row> = BTreeMap::new();
    let mut outbound: BTreeMap<(String, String), Row> = BTreeMap::new();
    let mut pipelines: BTreeMap<(String, String), i64> = BTreeMap::new();
    for s in all.values() {
        for (k, v) in &s.inbound {
            inbound.entry(k.clone()).or_default().add(v);
        }
        for (k, v) in &s.outbound {
            outbound.entry(k.clone()).or_default().add(v);
        }
        for (k, v) in &s.pipelines {
            *pipelines.entry(k.clone()).or_default() += v;
        }
    }
    let mut out = String::new();
    // Rows whose labels name a peer are inside a listener's row: not added to the total again.
    let mut family = |name: &str, kind: &str, rows: Vec<(String, f64)>| {
        out.push_str(&format!("# TYPE {name} {kind}\n"));
        let total: f64 =
            rows.iter().filter(|r| !r.0.starts_with("listen=") || !r.0.contains(",peer=")).fold(0.0, |a, r| a + r.1);
        out.push_str(&format!("{name} {}\n", number(total)));
        for (labels, v) in rows {
            out.push_str(&format!("{name}{{{labels}}} {}\n", number(v)));
        }
    };
    // One row per listener (its peers added up), then one per peer of a `peerStats` listener.
    let mut listeners: BTreeMap<&str, Row> = BTreeMap::new();
    for ((l, _), v) in &inbound {
        listeners.entry(l.as_str()).or_default().add(v);
    }
    let inb = |f: fn(&Row) -> f64| -> Vec<(String, f64)> {
        let mut rows: Vec<(String, f64)> =
            listeners.iter().map(|(l, v)| (format!("listen=\"{}\"", label(l)), f(v))).collect();
        for ((l, p), v) in inbound.iter().filter(|((_, p), _)| !p.is_empty()) {
            rows.push((format!("listen=\"{}\",peer=\"{}\"", label(l), label(p)), f(v)));
        }
        rows
    };
    family("pipy_inbound_count", "gauge", inb(|v| v.count as f64));
    family("pipy_inbound_in", "counter", inb(|v| v.bytes_in as f64));
    family("pipy_inbound_out", "counter", inb(|v| v.bytes_out as f64));
    let outb = |f: fn(&Row) -> f64| -> Vec<(String, f64)> {
        outbound
            .iter()
            .map(|((p, peer), v)| (format!("protocol=\"{}\",peer=\"{}\"", label(p), label(peer)), f(v)))
            .collect()
    };
    family("pipy_outbound_count", "gauge", outb(|v| v.count as f64));
    family("pipy_outbound_in", "counter", outb(|v| v.bytes_in as f64));
    family("pipy_outbound_out", "counter", outb(|v| v.bytes_out as f64));
    let rows = pipelines
        .iter()
        .map(|((m, n), v)| (format!("module=\"{}\",name=\"{}\"", label(m), label(n)), *v as f64))
        .collect();
    family("pipy_pipeline_count", "gauge", rows);
    out.push_str("# TYPE pipy_outbound_conn_time histogram\n");
    let bounds = conn_time_bounds();
    for ((p, peer), v) in &outbound {
        let labels = format!("protocol=\"{}\",peer=\"{}\"", label(p), label(peer));
        let mut acc = 0;
        for (i, b) in bounds.iter().enumerate() {
            acc += v.buckets[i];
            out.push_str(&format!("pipy_outbound_conn_time_bucket{{{labels},le=\"{b}\"}} {acc}\n"));
        }
        out.push_str(&format!("pipy_outbound_conn_time_bucket{{{labels},le=\"+Inf\"}} {}\n", v.n));
        out.push_str(&format!("pipy_outbound_conn_time_sum{{{labels}}} {}\n", v.sum));
        out.push_str(&format!("pipy_outbound_conn_time_count{{{labels}}} {}\n", v.n));
    }
    out
}
