//! The pipeline engine: layouts (built once from the script) and instances (one per connection,
//! request or tick) that push events through their filters.
//!
//! An instance runs its filters from a work queue: a filter's outputs are queued for the next
//! stage, and work that arrives while the instance is running (a sub-pipeline's output, an
//! asynchronous completion) is queued behind it. So no filter is ever re-entered while it runs,
//! events reach every stage in the order they were produced, and nothing is borrowed twice.
//! Asynchronous sources (sockets, timers, promises) hold a `StageHandle`: a weak reference to the
//! instance and the stage they belong to. When the outermost run returns, the microtask queue is
//! drained, so promise reactions see every event that caused them.

pub mod context;
pub mod data;
pub mod event;
pub mod flow;
pub mod layout;

use context::Context;
use event::{ErrorCode, Event, StreamError};
pub use layout::{Layout, SubSlot, SubTarget};
use pipy_value::{Value, realm};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

/// A filter instance: one per filter per pipeline instance.
pub trait Filter {
    /// An event from the previous stage.
    fn process(&mut self, cx: &mut Cx<'_>, event: Event);
    /// An asynchronous notification this filter asked for (`Cx::handle().wake(token)`).
    fn wake(&mut self, cx: &mut Cx<'_>, token: u32) {
        let _ = (cx, token);
    }
    /// An event output by the sub-pipeline this filter started with `tag`.
    fn sub_output(&mut self, cx: &mut Cx<'_>, tag: u32, event: Event) {
        let _ = tag;
        cx.output(event);
    }
}

/// What a layout holds per filter: the configuration, and a way to make instances.
pub trait FilterFactory {
    fn name(&self) -> &'static str;
    fn create(&self) -> Box<dyn Filter>;
    /// The sub-pipeline slot `.to()` fills, for joint filters.
    fn sub_slot(&self) -> Option<&SubSlot> {
        None
    }
    /// Sub-pipelines named for the startup graph.
    fn subs(&self) -> Vec<String> {
        match self.sub_slot() {
            Some(s) => s.describe().into_iter().collect(),
            None => Vec::new(),
        }
    }
}

/// One item of an instance's work queue; `stage` is the index of the filter it is for (one past
/// the last filter: the instance's output).
enum Work {
    /// `Filter::process(event)` on `stage`.
    Event { stage: u32, event: Event },
    /// `Filter::wake(token)` on `stage` (async work it started is done).
    Wake { stage: u32, token: u32 },
    /// `Filter::sub_output(tag, event)` on `stage`: a sub-pipeline it started output `event`.
    Sub { stage: u32, tag: u32, event: Event },
}

/// Where an instance's output goes.
pub enum Output {
    Discard,
    /// To a filter of another instance, as `Filter::sub_output(tag, event)`.
    Parent {
        pipeline: Weak<Pipeline>,
        stage: u32,
        tag: u32,
    },
    Func(Box<dyn FnMut(Event)>),
}

pub struct Pipeline {
    pub layout: Rc<Layout>,
    pub context: Rc<Context>,
    filters: Vec<RefCell<Box<dyn Filter>>>,
    /// Stages that threw: they drop further input.
    dead: Vec<Cell<bool>>,
    queue: RefCell<VecDeque<Work>>,
    running: Cell<bool>,
    output: RefCell<Output>,
    ended: Cell<bool>,
    /// The rest of the module or pipe chain this instance continues with (`chain()`,
    /// `pipeNext()`), and its arguments; sub-pipelines inherit it.
    chain: RefCell<(Option<Rc<layout::Chain>>, Value)>,
}

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    static LIVE: Cell<usize> = const { Cell::new(0) };
    /// Sub-pipelines whose owner is gone but which still have work to finish (`detach`).
    static DETACHED: RefCell<Vec<Rc<Pipeline>>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `p` alive after its owner lets go, until a StreamEnd leaves it; what it outputs is
/// discarded. For sub-pipelines with work of their own (a `fork` branch still sending to an
/// upstream when the stream that started it has ended).
pub fn detach(p: Rc<Pipeline>) {
    if p.ended() {
        return;
    }
    let weak = Rc::downgrade(&p);
    p.set_output(Output::Func(Box::new(move |e| {
        if e.is_stream_end() {
            let w = weak.clone();
            // Not now: the pipeline is delivering this very event.
            realm::enqueue_microtask(Box::new(move || {
                DETACHED.with(|d| d.borrow_mut().retain(|x| !std::ptr::eq(Rc::as_ptr(x), w.as_ptr())));
            }));
        }
    })));
    DETACHED.with(|d| d.borrow_mut().push(p));
}

/// Detached sub-pipelines still running on this thread.
pub fn detached_count() -> usize {
    DETACHED.with(|d| d.borrow().len())
}

/// Pipeline instances alive on this thread.
pub fn live_pipelines() -> usize {
    LIVE.with(|l| l.get())
}

impl Pipeline {
    pub fn new(layout: &Rc<Layout>, context: Rc<Context>, output: Output) -> Rc<Pipeline> {
        let factories = layout.filters.borrow().clone();
        let filters: Vec<_> = factories.iter().map(|f| RefCell::new(f.create())).collect();
        let dead = (0..filters.len()).map(|_| Cell::new(false)).collect();
        LIVE.with(|l| l.set(l.get() + 1));
        layout.active.set(layout.active.get() + 1);
        Rc::new(Pipeline {
            layout: layout.clone(),
            context,
            filters,
            dead,
            queue: RefCell::new(VecDeque::new()),
            running: Cell::new(false),
            output: RefCell::new(output),
            ended: Cell::new(false),
            chain: RefCell::new((None, Value::Undefined)),
        })
    }

    /// Feeds the layout's `onStart` events (evaluated with `arg` if it is a function).
    pub fn start(self: &Rc<Self>, args: &[Value]) {
        let on_start = self.layout.on_start.borrow().clone();
        if let Some(v) = on_start {
            let _g = context::enter(&self.context);
            let evs = if v.is_callable() { pipy_value::function::call(&v, &Value::Undefined, args) } else { Ok(v) };
            match evs.and_then(|v| event::events_of(&v)) {
                Ok(evs) => {
                    for e in evs {
                        self.enqueue(Work::Event { stage: 0, event: e });
                    }
                }
                Err(e) => {
                    crate::log::script_error(&e, "onStart()");
                    self.enqueue(Work::Event {
                        stage: self.filters.len() as u32,
                        event: Event::StreamEnd(Some(StreamError::Value(e))),
                    });
                }
            }
        }
        self.run();
    }

    /// Input from outside (a socket, a parent filter).
    pub fn input(self: &Rc<Self>, e: Event) {
        self.enqueue(Work::Event { stage: 0, event: e });
        self.run();
    }

    pub fn input_all(self: &Rc<Self>, events: Vec<Event>) {
        for e in events {
            self.enqueue(Work::Event { stage: 0, event: e });
        }
        self.run();
    }

    /// True once a StreamEnd has left the last stage.
    pub fn ended(&self) -> bool {
        self.ended.get()
    }

    /// The chain this instance continues with (see `layout::Chain`) and its arguments.
    pub fn chain(&self) -> (Option<Rc<layout::Chain>>, Value) {
        self.chain.borrow().clone()
    }

    pub fn set_chain(&self, next: Option<Rc<layout::Chain>>, args: Value) {
        *self.chain.borrow_mut() = (next, args);
    }

    pub fn set_output(&self, o: Output) {
        *self.output.borrow_mut() = o;
    }

    fn enqueue(&self, w: Work) {
        self.queue.borrow_mut().push_back(w);
    }

    fn run(self: &Rc<Self>) {
        if self.running.get() {
            return;
        }
        self.running.set(true);
        DEPTH.with(|d| d.set(d.get() + 1));
        let _ctx = context::enter(&self.context);
        let mut out = Vec::new();
        loop {
            let w = self.queue.borrow_mut().pop_front();
            let Some(w) = w else { break };
            let stage = match &w {
                Work::Event { stage, .. } | Work::Wake { stage, .. } | Work::Sub { stage, .. } => *stage,
            };
            if stage as usize >= self.filters.len() {
                if let Work::Event { event, .. } = w {
                    self.deliver(event);
                }
                continue;
            }
            if self.dead[stage as usize].get() {
                continue;
            }
            {
                let mut f = self.filters[stage as usize].borrow_mut();
                let mut cx = Cx { pipeline: self, stage, out: &mut out, threw: false };
                match w {
                    Work::Event { event, .. } => f.process(&mut cx, event),
                    Work::Wake { token, .. } => f.wake(&mut cx, token),
                    Work::Sub { tag, event, .. } => f.sub_output(&mut cx, tag, event),
                }
                if cx.threw {
                    self.dead[stage as usize].set(true);
                }
            }
            let mut q = self.queue.borrow_mut();
            for e in out.drain(..) {
                q.push_back(Work::Event { stage: stage + 1, event: e });
            }
        }
        drop(_ctx);
        self.running.set(false);
        let depth = DEPTH.with(|d| {
            d.set(d.get() - 1);
            d.get()
        });
        if depth == 0 {
            crate::memory::run_microtasks();
        }
    }

    fn deliver(self: &Rc<Self>, e: Event) {
        if self.ended.get() {
            return;
        }
        if e.is_stream_end() {
            self.ended.set(true);
        }
        let mut o = self.output.borrow_mut();
        match &mut *o {
            Output::Discard => {}
            Output::Parent { pipeline, stage, tag } => {
                if let Some(p) = pipeline.upgrade() {
                    let (s, t) = (*stage, *tag);
                    drop(o);
                    p.enqueue(Work::Sub { stage: s, tag: t, event: e });
                    p.run();
                }
            }
            Output::Func(f) => f(e),
        }
    }

    pub fn handle(self: &Rc<Self>, stage: u32) -> StageHandle {
        StageHandle { pipeline: Rc::downgrade(self), stage }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        LIVE.with(|l| l.set(l.get() - 1));
        self.layout.active.set(self.layout.active.get().saturating_sub(1));
        // A context that outlives its pipeline may be held by a cycle only (a promise in one of
        // its variables whose handler was registered in it).
        if Rc::strong_count(&self.context) > 1 {
            pipy_value::cycles::suspect_node(&self.context);
        }
        let on_end = self.layout.on_end.borrow().clone();
        if let Some(f) = on_end {
            let ctx = self.context.clone();
            realm::enqueue_microtask(Box::new(move || {
                let _g = context::enter(&ctx);
                if let Err(e) = pipy_value::function::call(&f, &Value::Undefined, &[]) {
                    crate::log::script_error(&e, "onEnd()");
                }
            }));
        }
    }
}

/// A filter's view of its instance while it runs.
pub struct Cx<'a> {
    pipeline: &'a Rc<Pipeline>,
    stage: u32,
    out: &'a mut Vec<Event>,
    threw: bool,
}

/// How a sub-pipeline gets its context.
pub enum SubContext {
    /// The caller's own context (`link`, `pipe`, mux sessions).
    Share,
    /// A copy of the caller's (`demux`, `fork` with an array).
    Clone,
    Given(Rc<Context>),
}

impl<'a> Cx<'a> {
    pub fn output(&mut self, e: Event) {
        self.out.push(e);
    }

    pub fn output_all(&mut self, evs: impl IntoIterator<Item = Event>) {
        self.out.extend(evs);
    }

    pub fn context(&self) -> &Rc<Context> {
        &self.pipeline.context
    }

    pub fn pipeline(&self) -> &Rc<Pipeline> {
        self.pipeline
    }

    pub fn stage(&self) -> u32 {
        self.stage
    }

    /// A handle asynchronous work uses to reach this filter later.
    pub fn handle(&self) -> StageHandle {
        self.pipeline.handle(self.stage)
    }

    /// Starts a sub-pipeline whose output comes back as `sub_output(tag, …)`.
    pub fn sub(&self, layout: &Rc<Layout>, ctx: SubContext, tag: u32) -> Rc<Pipeline> {
        let context = match ctx {
            SubContext::Share => self.pipeline.context.clone(),
            SubContext::Clone => self.pipeline.context.fork(),
            SubContext::Given(c) => c,
        };
        let p = Pipeline::new(
            layout,
            context,
            Output::Parent { pipeline: Rc::downgrade(self.pipeline), stage: self.stage, tag },
        );
        *p.chain.borrow_mut() = self.pipeline.chain();
        p
    }

    /// Calls a script function; an exception is logged and ends this stream (see `throw`).
    pub fn call(&mut self, f: &Value, args: &[Value]) -> Option<Value> {
        match pipy_value::function::call(f, &Value::Undefined, args) {
            Ok(v) => Some(v),
            Err(e) => {
                self.throw(e);
                None
            }
        }
    }

    /// Evaluates an argument that may be a function (called with `args`) or a constant.
    pub fn eval(&mut self, v: &Value, args: &[Value]) -> Option<Value> {
        if v.is_callable() { self.call(v, args) } else { Some(v.clone()) }
    }

    /// A script error in this filter: logged with where it was thrown; the stream ends with a
    /// RuntimeError and this filter takes no more input.
    pub fn throw(&mut self, e: Value) {
        let name = self.pipeline.layout.filters.borrow().get(self.stage as usize).map(|f| f.name()).unwrap_or("?");
        crate::log::script_error(&e, &format!("{name}()"));
        self.threw = true;
        self.out.push(Event::StreamEnd(Some(StreamError::Value(e))));
    }

    /// Ends the stream with an error code.
    pub fn fail(&mut self, code: ErrorCode) {
        self.out.push(Event::error(code));
    }
}

/// Events for other streams' stages, emitted once no session state is borrowed (an emit runs
/// that stream's pipeline at once, which may call back into the session): what a mux session
/// collects while it routes upstream output, then hands to `deliver_all`.
pub type Outbox = Vec<(StageHandle, Event)>;

/// Emits every event of `out` to its stage, in order.
pub fn deliver_all(out: Outbox) {
    for (h, e) in out {
        h.emit(e);
    }
}

/// A weak way back to one stage of an instance, for asynchronous work.
#[derive(Clone)]
pub struct StageHandle {
    pipeline: Weak<Pipeline>,
    stage: u32,
}

impl StageHandle {
    pub fn alive(&self) -> bool {
        self.pipeline.strong_count() > 0
    }

    /// Outputs `e` from this stage (to the next one).
    pub fn emit(&self, e: Event) {
        if let Some(p) = self.pipeline.upgrade() {
            p.enqueue(Work::Event { stage: self.stage + 1, event: e });
            p.run();
        }
    }

    /// Calls `Filter::wake(token)` on this stage.
    pub fn wake(&self, token: u32) {
        if let Some(p) = self.pipeline.upgrade() {
            p.enqueue(Work::Wake { stage: self.stage, token });
            p.run();
        }
    }

    pub fn pipeline(&self) -> Option<Rc<Pipeline>> {
        self.pipeline.upgrade()
    }
}

/// Where a Promise's outcome lands: `Ok` fulfilled, `Err` rejected, None while pending.
pub type Settled = Rc<RefCell<Option<Result<Value, Value>>>>;

/// Waits for a thenable (a Promise) and then wakes `handle` with `token`; the settled value is
/// stored in the returned cell (`Ok` fulfilled, `Err` rejected). Returns None for a non-thenable.
pub fn await_value(v: &Value, handle: StageHandle, token: u32) -> Option<Settled> {
    let Value::Object(_) = v else { return None };
    let then = pipy_value::ops::get_str(v, "then").ok()?;
    if !then.is_callable() {
        return None;
    }
    let slot: Settled = Rc::new(RefCell::new(None));
    let (s1, h1) = (slot.clone(), handle.clone());
    let on_ok = pipy_value::function::native_function(
        "",
        1,
        Rc::new(move |_, args, _| {
            *s1.borrow_mut() = Some(Ok(pipy_value::function::arg(args, 0)));
            h1.wake(token);
            Ok(Value::Undefined)
        }),
        false,
    );
    let (s2, h2) = (slot.clone(), handle);
    let on_err = pipy_value::function::native_function(
        "",
        1,
        Rc::new(move |_, args, _| {
            *s2.borrow_mut() = Some(Err(pipy_value::function::arg(args, 0)));
            h2.wake(token);
            Ok(Value::Undefined)
        }),
        false,
    );
    match pipy_value::function::call(&then, v, &[Value::Object(on_ok), Value::Object(on_err)]) {
        Ok(_) => Some(slot),
        Err(e) => {
            *slot.borrow_mut() = Some(Err(e));
            Some(slot)
        }
    }
}

/// Calls `f` with a thenable's outcome once it settles (`Ok` fulfilled, `Err` rejected);
/// false (and `f` is dropped) when `v` is not a thenable.
pub fn on_settled(v: &Value, f: impl FnOnce(Result<Value, Value>) + 'static) -> bool {
    if !is_thenable(v) {
        return false;
    }
    let Ok(then) = pipy_value::ops::get_str(v, "then") else { return false };
    type Callback = Box<dyn FnOnce(Result<Value, Value>)>;
    let f: Rc<RefCell<Option<Callback>>> = Rc::new(RefCell::new(Some(Box::new(f))));
    let settle = |ok: bool| {
        let f = f.clone();
        pipy_value::function::native_function(
            "",
            1,
            Rc::new(move |_, args, _| {
                let v = pipy_value::function::arg(args, 0);
                let cb = f.borrow_mut().take();
                if let Some(cb) = cb {
                    cb(if ok { Ok(v) } else { Err(v) });
                }
                Ok(Value::Undefined)
            }),
            false,
        )
    };
    let (on_ok, on_err) = (settle(true), settle(false));
    if let Err(e) = pipy_value::function::call(&then, v, &[Value::Object(on_ok), Value::Object(on_err)]) {
        let cb = f.borrow_mut().take();
        if let Some(cb) = cb {
            cb(Err(e));
        }
    }
    true
}

/// True if `v` is an object with a callable `then`.
pub fn is_thenable(v: &Value) -> bool {
    matches!(v, Value::Object(_)) && pipy_value::ops::get_str(v, "then").map(|t| t.is_callable()).unwrap_or(false)
}
