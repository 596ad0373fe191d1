//! The cycle collector: finds reference cycles nothing outside them refers to, and breaks them.
//!
//! Values are reference counted and freed the moment their count drops to zero; only a cycle
//! can outlive its last outside reference. Every such cycle has a member whose count was just
//! released to a number above zero, and such members are recorded as *suspects* (`suspects`).
//! A collection looks at the subgraph reachable from the suspects only, never the whole heap:
//!
//! 1. **Graph.** From the suspects, follow every counted reference the collector can see (object
//!    slots, elements, prototypes, closures' captured variables, bound functions' parts,
//!    accessors, host objects through the tracers registered for them, and the engine's nodes
//!    that implement [`Traced`]), numbering the nodes and counting, for each, the references
//!    that come from inside the subgraph. The realm's built-ins are permanent and not entered.
//! 2. **Trial deletion.** A node whose reference count is higher than its inside references is
//!    held from outside (a register, a pipeline, a timer, a Rust closure): it is a root. Every
//!    node reachable from a root is live.
//! 3. **Collection.** The rest is garbage: only garbage refers to it. Each garbage node is
//!    emptied (an object becomes a plain empty object, a variable `undefined`), which breaks the
//!    cycles; reference counting then frees them.
//!
//! Anything the collector cannot look into (a Rust closure's captures, a host object without a
//! tracer) only makes it keep more alive, never free too early: a reference it does not see is an
//! outside reference. A tracer must report only references its object really holds (each once
//! per count it owns); the count check below refuses to collect when a node would have more
//! inside references than counts, so such a bug leaks instead of freeing live memory.
//!
//! Collections run at safe points, where no script function is running and no object is being
//! written (the engine calls [`safe_point`] between events); [`collect`] refuses to run inside a
//! script call.

use crate::callable::{FunctionData, VarCell};
use crate::calls;
use crate::objcell::WeakObj;
use crate::object::{Obj, ObjectKind};
use crate::realm;
use crate::shape::Shape;
use crate::suspects::{self, PERMANENT, SUSPECT};
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

/// Something reference counted, outside the value core, that holds values: a pipeline context,
/// for instance. Held in an `Rc`; reported by tracers with [`Visitor::node`].
pub trait Traced: 'static {
    /// Reports every counted reference this holds: each value and each traced node, once per
    /// count it owns. Must not report what it does not own.
    fn trace(&self, visitor: &mut Visitor<'_>);
    /// Drops every value this holds: it is part of a garbage cycle.
    fn clear(&self);
}

/// How a tracer reports references.
pub struct Visitor<'a> {
    /// What was found, with the key of a weak map entry whose value it is (its edge counts only
    /// while the key is live).
    found: &'a mut Vec<(Option<usize>, Node)>,
    busy: bool,
}

impl Visitor<'_> {
    /// A counted reference to `v` (only objects matter).
    pub fn value(&mut self, v: &Value) {
        if let Value::Object(o) = v {
            self.object(o);
        }
    }

    /// A counted reference to an object.
    pub fn object(&mut self, o: &Obj) {
        if o.gc_flags() & PERMANENT == 0 {
            self.found.push((None, Node::Object(o.clone())));
        }
    }

    /// A counted reference to a captured variable.
    pub fn var(&mut self, c: &VarCell) {
        self.found.push((None, Node::Var(c.clone())));
    }

    /// A counted reference to a traced node of the engine.
    pub fn node<T: Traced>(&mut self, rc: &Rc<T>) {
        let node: Rc<dyn Traced> = rc.clone();
        self.found.push((None, Node::Other(node)));
    }

    /// The value of a weak map entry whose key is the object at `key_addr`: it keeps the value
    /// alive only while the key is alive (an ephemeron), so a cycle through the key and the
    /// value is garbage even when the map is not.
    pub fn ephemeron(&mut self, key_addr: usize, value: &Value) {
        if let Value::Object(o) = value {
            if o.gc_flags() & PERMANENT == 0 {
                self.found.push((Some(key_addr), Node::Object(o.clone())));
            }
        }
    }

    /// Something could not be read now (it is being written): the collection stops, keeping
    /// everything, and runs again later.
    pub fn busy(&mut self) {
        self.busy = true;
    }
}

/// A node of the graph, held (counted) while a collection runs.
enum Node {
    Object(Obj),
    Var(VarCell),
    Other(Rc<dyn Traced>),
}

impl Node {
    fn key(&self) -> usize {
        match self {
            Node::Object(o) => o.addr(),
            Node::Var(c) => c.addr(),
            Node::Other(n) => Rc::as_ptr(n) as *const () as usize,
        }
    }

    fn strong_count(&self) -> usize {
        match self {
            Node::Object(o) => o.strong_count(),
            Node::Var(c) => c.strong_count(),
            Node::Other(n) => Rc::strong_count(n),
        }
    }

    fn trace(&self, v: &mut Visitor<'_>) {
        match self {
            Node::Object(o) => trace_object(o, v),
            Node::Var(c) => match c.try_borrow() {
                Ok(x) => v.value(&x),
                Err(_) => v.busy(),
            },
            Node::Other(n) => n.trace(v),
        }
    }

    fn set_flags(&self, flags: u8) {
        match self {
            Node::Object(o) => o.set_gc_flags(flags),
            Node::Var(c) => c.set_gc_flags(flags),
            Node::Other(_) => {}
        }
    }
}

type HostTracer = Box<dyn Fn(&dyn Any, &mut Visitor<'_>)>;
type HostSweeper = Box<dyn Fn(&mut dyn Any) -> Vec<Value>>;

thread_local! {
    /// Tracers of host objects (`ObjectKind::Host` payloads) by type.
    static HOSTS: RefCell<FxHashMap<TypeId, HostTracer>> = RefCell::new(FxHashMap::default());
    /// What host objects do after a collection freed garbage they may refer to weakly.
    static SWEEPERS: RefCell<FxHashMap<TypeId, HostSweeper>> = RefCell::new(FxHashMap::default());
    /// Engine nodes suspected since the last collection.
    static OTHERS: RefCell<Vec<Weak<dyn Traced>>> = const { RefCell::new(Vec::new()) };
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
    static STATS: RefCell<Stats> = RefCell::new(Stats::default());
    /// Collect when this many suspects are waiting (adapted after each collection).
    static THRESHOLD: Cell<usize> = const { Cell::new(MIN_THRESHOLD) };
    /// The least threshold (`MIN_THRESHOLD` unless set).
    static MIN: Cell<usize> = const { Cell::new(MIN_THRESHOLD) };
    static STRESS: Cell<bool> = const { Cell::new(false) };
    /// Objects used as weak map keys, with the maps: tracing a key brings its maps into the
    /// graph, so the entries it keys are seen as the ephemerons they are.
    static WEAK_KEYS: RefCell<FxHashMap<usize, (WeakObj, Vec<WeakObj>)>> = RefCell::new(FxHashMap::default());
}

/// Notes that `key` is a key of the weak map `map` (`WeakMap.prototype.set`).
pub fn note_weak_key(key: &Obj, map: &Obj) {
    WEAK_KEYS.with(|w| {
        let mut w = w.borrow_mut();
        let entry = w.entry(key.addr()).or_insert_with(|| (key.downgrade(), Vec::new()));
        if !entry.0.is_alive() {
            *entry = (key.downgrade(), Vec::new());
        }
        if !entry.1.iter().any(|m| m.upgrade().is_some_and(|m| m.ptr_eq(map))) {
            entry.1.push(map.downgrade());
        }
    });
}

/// The live weak maps `addr` is a key of.
fn weak_maps_of(addr: usize) -> Vec<Obj> {
    WEAK_KEYS.with(|w| match w.borrow().get(&addr) {
        Some((key, maps)) if key.is_alive() => maps.iter().filter_map(WeakObj::upgrade).collect(),
        _ => Vec::new(),
    })
}

/// Forgets dead keys and maps.
fn prune_weak_keys() {
    WEAK_KEYS.with(|w| {
        w.borrow_mut().retain(|_, (key, maps)| {
            maps.retain(WeakObj::is_alive);
            key.is_alive() && !maps.is_empty()
        })
    });
}

/// The fewest suspects that trigger a collection. Measured with `bench/memory/threshold.sh` (a
/// server making five cycles per request): a collection takes about 75 ns per suspect, so 1024
/// keeps pauses near 80 us (420 us at most) for the same throughput as 4096 (290 us, 1.3 ms at
/// most); 16384 and more cost both throughput and pauses of milliseconds.
const MIN_THRESHOLD: usize = 1024;
/// A collection that looks at N nodes is followed by one after at least N / THRESHOLD_RATIO
/// suspects, so the work a collection does is paid by the suspects that led to it.
const THRESHOLD_RATIO: usize = 2;
/// A collection stops (keeping everything) past this many nodes.
const MAX_NODES: usize = 4_000_000;

/// Registers how to find the values a host payload of type `T` holds (`ObjectKind::Host`).
/// Payloads without a tracer are opaque: what they hold stays alive.
pub fn trace_host<T: Any>(tracer: fn(&T, &mut Visitor<'_>)) {
    let f: HostTracer = Box::new(move |any, v| {
        if let Some(t) = any.downcast_ref::<T>() {
            tracer(t, v);
        }
    });
    HOSTS.with(|h| h.borrow_mut().insert(TypeId::of::<T>(), f));
}

/// Registers what a host payload of type `T` does after a collection that found garbage: drop
/// what it keeps for things that died (a weak map's entries whose keys were collected). It
/// returns the values to drop, which are dropped after the payload is let go.
pub fn sweep_host<T: Any>(sweeper: fn(&mut T) -> Vec<Value>) {
    let f: HostSweeper = Box::new(move |any| match any.downcast_mut::<T>() {
        Some(t) => sweeper(t),
        None => Vec::new(),
    });
    SWEEPERS.with(|s| s.borrow_mut().insert(TypeId::of::<T>(), f));
}

/// The live host objects of the graph that have a sweeper.
fn to_sweep(nodes: &[Node], live: &[bool]) -> Vec<Obj> {
    SWEEPERS.with(|s| {
        let s = s.borrow();
        if s.is_empty() {
            return Vec::new();
        }
        let swept = |o: &Obj| {
            o.try_borrow().is_some_and(|b| match &b.kind {
                ObjectKind::Host(h) => s.contains_key(&(**h).type_id()),
                _ => false,
            })
        };
        nodes
            .iter()
            .zip(live)
            .filter_map(|(n, l)| match n {
                Node::Object(o) if *l && swept(o) => Some(o.clone()),
                _ => None,
            })
            .collect()
    })
}

/// Runs the sweepers of host objects, once the garbage is freed.
fn sweep(objects: Vec<Obj>) {
    for o in objects {
        if let Some(mut b) = o.try_borrow_mut() {
            if let ObjectKind::Host(h) = &mut b.kind {
                let any: &mut dyn Any = &mut **h;
                let id = (*any).type_id();
                let dropped = SWEEPERS.with(|s| s.borrow().get(&id).map(|f| f(any))).unwrap_or_default();
                drop(b);
                drop(dropped);
            }
        }
        // The collector's own handle: releasing it is no news.
        suspects::set_quiet(true);
        drop(o);
        suspects::set_quiet(false);
    }
}

/// Notes that an engine node lost a reference and may now be held by a cycle only.
pub fn suspect_node<T: Traced>(rc: &Rc<T>) {
    let node: Rc<dyn Traced> = rc.clone();
    let weak = Rc::downgrade(&node);
    drop(node);
    OTHERS.with(|o| o.borrow_mut().push(weak));
}

/// What collections have done on this thread.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Collections run.
    pub collections: u64,
    /// Objects, variables and engine nodes freed as garbage, over all collections.
    pub collected: u64,
    /// The last collection: nodes looked at, garbage found, time taken.
    pub last_visited: usize,
    pub last_collected: usize,
    pub last_duration: Duration,
    /// Total time spent collecting.
    pub total_duration: Duration,
    /// Collections that stopped without collecting (something was being written, or the
    /// subgraph was too large).
    pub deferred: u64,
}

/// This thread's collector statistics.
pub fn stats() -> Stats {
    STATS.with(|s| s.borrow().clone())
}

/// Turns the collector off (nothing is recorded or collected; cycles leak) or back on: for
/// measuring what it costs.
pub fn set_enabled(on: bool) {
    suspects::set_disabled(!on);
}

/// Sets the fewest suspects that make a collection worth it (for tuning; the default is 1024).
pub fn set_min_threshold(n: usize) {
    let n = n.max(1);
    MIN.with(|m| m.set(n));
    THRESHOLD.with(|t| t.set(n));
}

/// Stress mode: every safe point collects (for tests that look for anything freed too early).
pub fn set_stress(on: bool) {
    STRESS.with(|s| s.set(on));
}

/// Suspects waiting for the next collection.
pub fn pending() -> usize {
    suspects::count() + OTHERS.with(|o| o.borrow().len())
}

/// Whether enough suspects wait for a collection to be worth it.
pub fn wanted() -> bool {
    let n = pending();
    n > 0 && (STRESS.with(|s| s.get()) || n >= THRESHOLD.with(|t| t.get()))
}

/// Called by the engine where no script runs: collects when enough suspects wait (every time
/// in stress mode).
pub fn safe_point() -> Option<Stats> {
    if wanted() { collect() } else { None }
}

/// Marks everything reachable from the realm's intrinsics and registry as permanent: built-ins
/// are never collected, so the collector never walks them.
pub fn make_realm_permanent() {
    let r = realm::realm();
    let i = &r.intrinsics;
    let mut stack: Vec<Node> = Vec::new();
    for o in [
        &i.global,
        &i.object_prototype,
        &i.function_prototype,
        &i.array_prototype,
        &i.string_prototype,
        &i.number_prototype,
        &i.boolean_prototype,
        &i.symbol_prototype,
        &i.error_prototype,
        &i.type_error_prototype,
        &i.range_error_prototype,
        &i.reference_error_prototype,
        &i.syntax_error_prototype,
        &i.eval_error_prototype,
        &i.uri_error_prototype,
        &i.iterator_prototype,
        &i.array_iterator_prototype,
    ] {
        stack.push(Node::Object(o.clone()));
    }
    for v in r.registry.borrow().values() {
        if let Value::Object(o) = v {
            stack.push(Node::Object(o.clone()));
        }
    }
    while let Some(n) = stack.pop() {
        let Node::Object(o) = &n else { continue };
        if o.gc_flags() & PERMANENT != 0 {
            continue;
        }
        o.set_gc_flags(PERMANENT);
        let mut found = Vec::new();
        let mut v = Visitor { found: &mut found, busy: false };
        n.trace(&mut v);
        stack.extend(found.into_iter().map(|(_, f)| f).filter(|f| matches!(f, Node::Object(_))));
    }
}

fn trace_object(o: &Obj, v: &mut Visitor<'_>) {
    let Some(b) = o.try_borrow() else {
        v.busy();
        return;
    };
    if let Some(p) = &b.proto {
        v.object(p);
    }
    for s in &b.slots {
        v.value(s);
    }
    match &b.kind {
        ObjectKind::Array(elems) | ObjectKind::Arguments(elems) => {
            for e in elems {
                v.value(e);
            }
        }
        ObjectKind::Accessor { get, set } => {
            for f in [get, set].into_iter().flatten() {
                v.object(f);
            }
        }
        ObjectKind::Function(f) => match &**f {
            FunctionData::Closure(c) => {
                // The closure's own list of cells: its counts on the cells are the closure's.
                // A list shared with a running frame is not looked into (the frame holds it).
                if Rc::strong_count(&c.env) == 1 {
                    for cell in c.env.iter() {
                        v.var(cell);
                    }
                }
                for x in [&c.home, &c.fields].into_iter().flatten() {
                    v.object(x);
                }
            }
            FunctionData::Bound(bf) => {
                v.object(&bf.target);
                v.value(&bf.this);
                for a in &bf.args {
                    v.value(a);
                }
            }
            FunctionData::WithData(d) => {
                for x in &d.data {
                    v.value(x);
                }
            }
            // What a Rust closure captured is not visible: it stays alive.
            FunctionData::Native(_) => {}
        },
        ObjectKind::Host(h) => {
            let any: &dyn Any = &**h;
            HOSTS.with(|hosts| {
                if let Some(tracer) = hosts.borrow().get(&any.type_id()) {
                    tracer(any, v);
                }
            })
        }
        ObjectKind::Ordinary
        | ObjectKind::Error
        | ObjectKind::Boolean(_)
        | ObjectKind::Number(_)
        | ObjectKind::String(_)
        | ObjectKind::Symbol(_) => {}
    }
}

/// Why a collection stopped without collecting.
enum Stop {
    Busy,
    TooLarge,
    Inconsistent,
}

/// The nodes reachable from the suspects, their edges, and the references from inside.
#[derive(Default)]
struct Graph {
    nodes: Vec<Node>,
    index: FxHashMap<usize, u32>,
    /// Edges of node i: `targets[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    targets: Vec<u32>,
    inside: Vec<u32>,
    /// Weak map entries: (map node, key address, value node).
    ephemerons: Vec<(u32, usize, u32)>,
}

impl Graph {
    fn add(&mut self, n: Node) -> u32 {
        let key = n.key();
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.nodes.len() as u32;
        self.nodes.push(n);
        self.inside.push(0);
        self.index.insert(key, i);
        i
    }

    /// Follows every edge from every node (the list grows as new nodes are found).
    fn build(&mut self) -> Result<(), Stop> {
        let mut found = Vec::new();
        let weak_keys = WEAK_KEYS.with(|w| !w.borrow().is_empty());
        let mut i = 0;
        while i < self.nodes.len() {
            // A weak map key brings its maps in (not an edge: the key does not hold them).
            if weak_keys {
                if let Node::Object(o) = &self.nodes[i] {
                    for map in weak_maps_of(o.addr()) {
                        if map.gc_flags() & PERMANENT == 0 {
                            self.add(Node::Object(map));
                        }
                    }
                }
            }
            let mut v = Visitor { found: &mut found, busy: false };
            self.nodes[i].trace(&mut v);
            if v.busy {
                return Err(Stop::Busy);
            }
            self.starts.push(self.targets.len());
            for (key, n) in found.drain(..) {
                let t = self.add(n);
                self.inside[t as usize] += 1;
                match key {
                    None => self.targets.push(t),
                    Some(k) => self.ephemerons.push((i as u32, k, t)),
                }
            }
            if self.nodes.len() > MAX_NODES {
                return Err(Stop::TooLarge);
            }
            i += 1;
        }
        self.starts.push(self.targets.len());
        Ok(())
    }

    /// Which nodes are live: held from outside, or reachable from one that is (a weak map's
    /// value only once its map and its key are both live).
    fn live(&self) -> Result<Vec<bool>, Stop> {
        let mut live = vec![false; self.nodes.len()];
        let mut work = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            // One count is the graph's own handle.
            let counts = n.strong_count().saturating_sub(1);
            let inside = self.inside[i] as usize;
            if inside > counts {
                return Err(Stop::Inconsistent);
            }
            if counts > inside {
                live[i] = true;
                work.push(i);
            }
        }
        // Weak map entries by their map: (key node if in the graph, value node).
        let mut entries_of: FxHashMap<u32, Vec<(Option<u32>, u32)>> = FxHashMap::default();
        for &(map, key, value) in &self.ephemerons {
            let k = self.index.get(&key).copied();
            entries_of.entry(map).or_default().push((k, value));
        }
        // Values waiting for their key to become live.
        let mut waiting: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mark = |t: u32, live: &mut Vec<bool>, work: &mut Vec<usize>| {
            if !live[t as usize] {
                live[t as usize] = true;
                work.push(t as usize);
            }
        };
        while let Some(i) = work.pop() {
            for &t in &self.targets[self.starts[i]..self.starts[i + 1]] {
                mark(t, &mut live, &mut work);
            }
            if let Some(entries) = entries_of.remove(&(i as u32)) {
                for (key, value) in entries {
                    match key {
                        // A key outside the graph is held from elsewhere: live.
                        None => mark(value, &mut live, &mut work),
                        Some(k) if live[k as usize] => mark(value, &mut live, &mut work),
                        Some(k) => waiting.entry(k).or_default().push(value),
                    }
                }
            }
            if let Some(values) = waiting.remove(&(i as u32)) {
                for value in values {
                    mark(value, &mut live, &mut work);
                }
            }
        }
        Ok(live)
    }
}

/// Runs a collection now, unless a script is running or one is under way. Returns what it did.
pub fn collect() -> Option<Stats> {
    if COLLECTING.with(|c| c.get()) || calls::with_calls(|c| c.depth()) > 0 || suspects::disabled() {
        return None;
    }
    COLLECTING.with(|c| c.set(true));
    let started = Instant::now();
    let outcome = collect_now();
    COLLECTING.with(|c| c.set(false));
    let elapsed = started.elapsed();
    Some(STATS.with(|s| {
        let mut s = s.borrow_mut();
        match outcome {
            Ok((visited, collected)) => {
                s.collections += 1;
                s.collected += collected as u64;
                s.last_visited = visited;
                s.last_collected = collected;
                s.last_duration = elapsed;
                s.total_duration += elapsed;
                THRESHOLD.with(|t| t.set(MIN.with(|m| m.get()).max(visited / THRESHOLD_RATIO)));
            }
            Err(_) => s.deferred += 1,
        }
        s.clone()
    }))
}

fn collect_now() -> Result<(usize, usize), Stop> {
    // Releasing the graph's own handles is no news: it must not make suspects.
    suspects::set_quiet(true);
    prune_weak_keys();
    let (objects, vars) = suspects::take();
    let others = OTHERS.with(|o| std::mem::take(&mut *o.borrow_mut()));
    let mut g = Graph::default();
    for o in objects.iter().filter_map(WeakObj::upgrade) {
        o.set_gc_flags(o.gc_flags() & !SUSPECT);
        if o.gc_flags() & PERMANENT == 0 {
            g.add(Node::Object(o));
        }
    }
    for c in vars.iter().filter_map(|w| w.upgrade()).map(VarCell::from_box) {
        c.set_gc_flags(0);
        g.add(Node::Var(c));
    }
    for n in others.iter().filter_map(Weak::upgrade) {
        g.add(Node::Other(n));
    }
    drop((objects, vars, others));
    let suspected = g.nodes.len();
    let outcome = g.build().and_then(|_| g.live());
    let live = match outcome {
        Ok(l) => l,
        Err(stop) => {
            // Keep everything; the suspects go back on their lists for the next collection.
            for n in &g.nodes {
                n.set_flags(0);
            }
            suspects::set_quiet(false);
            for n in &g.nodes[..suspected] {
                match n {
                    Node::Object(o) => suspects::suspect_object(o),
                    Node::Var(c) => suspects::suspect_var(c),
                    Node::Other(o) => {
                        let weak = Rc::downgrade(o);
                        OTHERS.with(|l| l.borrow_mut().push(weak));
                    }
                }
            }
            suspects::set_quiet(true);
            drop(g);
            suspects::set_quiet(false);
            return Err(stop);
        }
    };
    for n in &g.nodes {
        n.set_flags(0);
    }
    let visited = g.nodes.len();
    let garbage: Vec<&Node> = g.nodes.iter().zip(&live).filter(|(_, l)| !**l).map(|(n, _)| n).collect();
    let collected = garbage.len();
    // Empty the garbage; what it held is dropped after all of it is emptied, so nothing is freed
    // while another garbage node is being emptied. Those releases are real: suspects again.
    suspects::set_quiet(false);
    let mut held: Vec<Box<dyn Any>> = Vec::with_capacity(collected);
    let mut prototype_gone = false;
    for n in garbage {
        match n {
            Node::Object(o) => {
                // Garbage is referred to by garbage only, so nothing borrows it; if something
                // did, it is left as it is.
                let Some(mut b) = o.try_borrow_mut() else { continue };
                prototype_gone |= b.is_prototype;
                let proto = b.proto.take();
                let slots = std::mem::take(&mut b.slots);
                let kind = std::mem::replace(&mut b.kind, ObjectKind::Ordinary);
                b.shape = Shape::root_of_thread();
                drop(b);
                held.push(Box::new((proto, slots, kind)));
            }
            Node::Var(c) => {
                let v = c.replace(Value::Undefined);
                held.push(Box::new(v));
            }
            Node::Other(n) => n.clear(),
        }
    }
    if prototype_gone {
        crate::object::bump_proto_epoch();
    }
    let swept = if collected > 0 { to_sweep(&g.nodes, &live) } else { Vec::new() };
    drop(held);
    suspects::set_quiet(true);
    drop(g);
    suspects::set_quiet(false);
    sweep(swept);
    Ok((visited, collected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::live_objects;
    use crate::shape::attr;

    fn setup() -> usize {
        realm::install();
        make_realm_permanent();
        // Whatever earlier tests left behind on this thread.
        collect();
        live_objects()
    }

    fn link(from: &Obj, key: &str, to: &Obj) {
        from.define_value(key, Value::Object(to.clone()), attr::DEFAULT);
    }

    #[test]
    fn a_two_object_cycle_is_collected_once_nothing_outside_holds_it() {
        let base = setup();
        {
            let a = Obj::ordinary();
            let b = Obj::ordinary();
            link(&a, "b", &b);
            link(&b, "a", &a);
        }
        assert_eq!(live_objects(), base + 2, "reference counting alone cannot free a cycle");
        let s = collect().expect("no script runs: the collector runs");
        assert_eq!(s.last_collected, 2);
        assert_eq!(live_objects(), base);
    }

    #[test]
    fn a_cycle_held_from_outside_is_kept_and_collected_when_let_go() {
        let base = setup();
        let holder = {
            let a = Obj::ordinary();
            let b = Obj::ordinary();
            link(&a, "b", &b);
            link(&b, "a", &a);
            a
        };
        collect();
        assert_eq!(live_objects(), base + 2, "held from outside: live");
        assert!(holder.get_own_property(&crate::PropKey::from("b")).is_some(), "and untouched");
        drop(holder);
        collect();
        assert_eq!(live_objects(), base);
    }

    #[test]
    fn arrays_accessors_bound_functions_and_data_functions_take_part() {
        let base = setup();
        {
            // An array that contains itself.
            let arr = Obj::array(vec![Value::Number(1.0)]);
            if let ObjectKind::Array(e) = &mut arr.borrow_mut().kind {
                e.push(Value::Object(arr.clone()));
            }
            // A data function whose data is the object that holds it.
            let o = Obj::ordinary();
            let f =
                crate::function::native_with_data("f", 0, vec![Value::Object(o.clone())], |d, _, _| Ok(d[0].clone()));
            link(&o, "f", &f);
            // A bound function bound to the object that holds it.
            let p = Obj::ordinary();
            let bound = Obj::new(
                Some(realm::intrinsics().function_prototype.clone()),
                ObjectKind::Function(Box::new(FunctionData::Bound(crate::callable::BoundFunction {
                    target: f.clone(),
                    this: Value::Object(p.clone()),
                    args: vec![],
                }))),
            );
            link(&p, "g", &bound);
            // An accessor pair whose getter's data is the object with the accessor.
            let q = Obj::ordinary();
            let getter = crate::function::native_with_data("get", 0, vec![Value::Object(q.clone())], |_, _, _| {
                Ok(Value::Undefined)
            });
            let acc = Obj::new(None, ObjectKind::Accessor { get: Some(getter), set: None });
            link(&q, "x", &acc);
        }
        assert!(live_objects() > base);
        collect();
        assert_eq!(live_objects(), base);
    }

    #[test]
    fn opaque_references_keep_a_cycle_alive() {
        let base = setup();
        let keep: Rc<dyn Fn() -> usize>;
        {
            let a = Obj::ordinary();
            let b = Obj::ordinary();
            link(&a, "b", &b);
            link(&b, "a", &a);
            // A Rust closure holds `a`: the collector cannot see it, so `a` is held from outside.
            let hidden = a.clone();
            keep = Rc::new(move || hidden.addr());
        }
        collect();
        assert_eq!(live_objects(), base + 2);
        drop(keep);
        collect();
        assert_eq!(live_objects(), base);
    }

    #[test]
    fn nothing_runs_inside_a_script_call_and_built_ins_are_never_walked() {
        let base = setup();
        let s = stats();
        {
            let a = Obj::ordinary();
            link(&a, "self", &a);
        }
        let before = stats().collections;
        let after = collect().expect("runs").collections;
        assert_eq!(after, before + 1);
        assert_eq!(live_objects(), base);
        // Built-ins: reached from a suspect's prototype, but permanent, so not in the graph.
        assert!(stats().last_visited <= 1, "visited {} nodes", stats().last_visited);
        let _ = s;
    }

    #[test]
    fn a_collection_that_meets_an_object_being_written_keeps_everything_and_tries_again() {
        let base = setup();
        let live = Obj::ordinary();
        {
            let a = Obj::ordinary();
            let b = Obj::ordinary();
            link(&a, "b", &b);
            link(&b, "a", &a);
            link(&a, "live", &live);
        }
        {
            let _writing = live.borrow_mut();
            let s = collect().expect("runs");
            assert!(s.deferred >= 1, "stopped");
            assert_eq!(live_objects(), base + 3, "kept everything");
        }
        assert!(pending() >= 2, "the suspects wait for the next collection");
        collect();
        assert_eq!(live_objects(), base + 1, "the cycle went, the held object stays");
    }
}
