//! The per-thread world: intrinsic objects, the global object, the pending exception, the
//! microtask queue and the shadow stack used for stack traces.
//!
//! Architecture invariant: nothing here is shared between threads. Each worker thread calls
//! `install()` once (the standard library then fills the intrinsics) and owns everything after.

use crate::object::{Obj, ObjectKind};
use crate::shape::Shape;
use crate::string::JsString;
use crate::value::{Symbol, Value};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

pub struct Intrinsics {
    pub global: Obj,
    pub object_prototype: Obj,
    pub function_prototype: Obj,
    pub array_prototype: Obj,
    pub string_prototype: Obj,
    pub number_prototype: Obj,
    pub boolean_prototype: Obj,
    pub symbol_prototype: Obj,
    pub error_prototype: Obj,
    pub type_error_prototype: Obj,
    pub range_error_prototype: Obj,
    pub reference_error_prototype: Obj,
    pub syntax_error_prototype: Obj,
    pub eval_error_prototype: Obj,
    pub uri_error_prototype: Obj,
    pub iterator_prototype: Obj,
    pub array_iterator_prototype: Obj,
    pub sym_iterator: Symbol,
    pub sym_has_instance: Symbol,
    pub sym_to_primitive: Symbol,
    pub sym_to_string_tag: Symbol,
    pub sym_species: Symbol,
    pub sym_async_iterator: Symbol,
    pub sym_match_all: Symbol,
    pub sym_match: Symbol,
    pub sym_replace: Symbol,
    pub sym_search: Symbol,
    pub sym_split: Symbol,
    pub sym_unscopables: Symbol,
    pub sym_is_concat_spreadable: Symbol,
}

pub type Job = Box<dyn FnOnce()>;

/// Loads an ES module: `(specifier, referrer file name)` → the module's exports object.
pub type ModuleLoader = Rc<dyn Fn(&str, &str) -> crate::value::JsResult<Value>>;

pub struct Realm {
    pub intrinsics: Rc<Intrinsics>,
    pub pending: RefCell<Option<Value>>,
    pub depth: Cell<usize>,
    pub microtasks: RefCell<VecDeque<Job>>,
    /// Named things the standard library registers for itself (constructors, prototypes).
    pub registry: RefCell<rustc_hash::FxHashMap<&'static str, Value>>,
    /// How `import` finds modules; installed by the engine.
    pub module_loader: RefCell<Option<ModuleLoader>>,
}

thread_local! {
    static REALM: RefCell<Option<Rc<Realm>>> = const { RefCell::new(None) };
}

/// The shape of an object with no properties (one per thread).
pub fn root_shape() -> Rc<Shape> {
    Shape::root_of_thread()
}

/// Creates a fresh realm for this thread (replacing any earlier one) with empty intrinsics.
pub fn install() -> Rc<Realm> {
    let object_prototype = Obj::new(None, ObjectKind::Ordinary);
    let op = || Some(object_prototype.clone());
    let function_prototype = Obj::new(
        op(),
        ObjectKind::Function(Box::new(crate::callable::FunctionData::Native(crate::callable::NativeFunction {
            f: Rc::new(|_, _, _| Ok(Value::Undefined)),
            ctor: false,
        }))),
    );
    let error_prototype = Obj::new(op(), ObjectKind::Ordinary);
    let ep = || Some(error_prototype.clone());
    let iterator_prototype = Obj::new(op(), ObjectKind::Ordinary);
    let sym = |d: &str| Symbol::new(Some(JsString::new(d)));
    let intrinsics = Intrinsics {
        global: Obj::new(op(), ObjectKind::Ordinary),
        function_prototype,
        array_prototype: Obj::new(op(), ObjectKind::Array(Vec::new())),
        string_prototype: Obj::new(op(), ObjectKind::String(JsString::empty())),
        number_prototype: Obj::new(op(), ObjectKind::Number(0.0)),
        boolean_prototype: Obj::new(op(), ObjectKind::Boolean(false)),
        symbol_prototype: Obj::new(op(), ObjectKind::Ordinary),
        type_error_prototype: Obj::new(ep(), ObjectKind::Ordinary),
        range_error_prototype: Obj::new(ep(), ObjectKind::Ordinary),
        reference_error_prototype: Obj::new(ep(), ObjectKind::Ordinary),
        syntax_error_prototype: Obj::new(ep(), ObjectKind::Ordinary),
        eval_error_prototype: Obj::new(ep(), ObjectKind::Ordinary),
        uri_error_prototype: Obj::new(ep(), ObjectKind::Ordinary),
        error_prototype,
        array_iterator_prototype: Obj::new(Some(iterator_prototype.clone()), ObjectKind::Ordinary),
        iterator_prototype,
        object_prototype,
        sym_iterator: sym("Symbol.iterator"),
        sym_has_instance: sym("Symbol.hasInstance"),
        sym_to_primitive: sym("Symbol.toPrimitive"),
        sym_to_string_tag: sym("Symbol.toStringTag"),
        sym_species: sym("Symbol.species"),
        sym_async_iterator: sym("Symbol.asyncIterator"),
        sym_match_all: sym("Symbol.matchAll"),
        sym_match: sym("Symbol.match"),
        sym_replace: sym("Symbol.replace"),
        sym_search: sym("Symbol.search"),
        sym_split: sym("Symbol.split"),
        sym_unscopables: sym("Symbol.unscopables"),
        sym_is_concat_spreadable: sym("Symbol.isConcatSpreadable"),
    };
    // Built-in prototypes are reached from primitives too (`"x".slice`), even before any object
    // names them as its prototype: caches that look through them must see their changes.
    for p in [
        &intrinsics.object_prototype,
        &intrinsics.function_prototype,
        &intrinsics.array_prototype,
        &intrinsics.string_prototype,
        &intrinsics.number_prototype,
        &intrinsics.boolean_prototype,
        &intrinsics.symbol_prototype,
        &intrinsics.iterator_prototype,
    ] {
        p.mark_prototype();
    }
    let realm = Rc::new(Realm {
        intrinsics: Rc::new(intrinsics),
        pending: RefCell::new(None),
        depth: Cell::new(0),
        microtasks: RefCell::new(VecDeque::new()),
        registry: RefCell::new(Default::default()),
        module_loader: RefCell::new(None),
    });
    REALM.with(|r| *r.borrow_mut() = Some(realm.clone()));
    realm
}

/// This thread's realm. Installs an empty one on first use.
pub fn realm() -> Rc<Realm> {
    if let Some(r) = REALM.with(|r| r.borrow().clone()) {
        return r;
    }
    install()
}

pub fn intrinsics() -> Rc<Intrinsics> {
    realm().intrinsics.clone()
}

/// Records the exception that a helper is about to report with a non-zero status.
pub fn set_exception(v: Value) {
    *realm().pending.borrow_mut() = Some(v);
}

pub fn take_exception() -> Value {
    realm().pending.borrow_mut().take().unwrap_or(Value::Undefined)
}

pub fn enqueue_microtask(job: Job) {
    realm().microtasks.borrow_mut().push_back(job);
}

/// Runs queued microtasks until the queue is empty.
pub fn run_microtasks() {
    run_microtasks_with(|| {});
}

/// Runs the microtask queue until it is empty, calling `between` after each job (where no
/// script runs: the engine collects cycles there).
pub fn run_microtasks_with(mut between: impl FnMut()) {
    loop {
        let job = realm().microtasks.borrow_mut().pop_front();
        match job {
            Some(job) => {
                job();
                between();
            }
            None => break,
        }
    }
}

pub fn register(name: &'static str, v: Value) {
    realm().registry.borrow_mut().insert(name, v);
}

pub fn registered(name: &str) -> Option<Value> {
    realm().registry.borrow().get(name).cloned()
}

/// Drops this thread's realm (its objects are freed as their counts reach zero).
pub fn uninstall() {
    let r = REALM.with(|r| r.borrow_mut().take());
    drop(r);
}

/// Installs the function `import` declarations use to load modules.
pub fn set_module_loader(loader: ModuleLoader) {
    *realm().module_loader.borrow_mut() = Some(loader);
}

/// Loads module `specifier` imported from the file `referrer`.
/// Loads a module through the installed loader; `None` when no loader is installed.
pub fn load_module(specifier: &str, referrer: &str) -> Option<crate::value::JsResult<Value>> {
    let loader = realm().module_loader.borrow().clone();
    loader.map(|l| l(specifier, referrer))
}

/// Objects made with this thread's intrinsic prototypes.
impl Obj {
    /// A plain object with `Object.prototype`.
    pub fn ordinary() -> Obj {
        Obj::new(Some(intrinsics().object_prototype.clone()), ObjectKind::Ordinary)
    }
    /// An array with `Array.prototype`.
    pub fn array(elems: Vec<Value>) -> Obj {
        Obj::new(Some(intrinsics().array_prototype.clone()), ObjectKind::Array(elems))
    }
}
