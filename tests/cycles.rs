//! Reference cycles made by ordinary JavaScript are collected: each test runs a function that
//! makes one garbage cycle of a given shape many times, collects, and checks that the number of
//! live objects is back where it started. The shapes are the ones measured leaking before the
//! cycle collector existed, and one per kind of heap thing that can hold values.

use pipy_value::cycles;
use pipy_value::object::live_objects;

/// Runs `setup` (top-level declarations, global), then calls `make()` `n` times; after a
/// collection no more objects may be alive than before the calls (`slack` allows for caches
/// that fill on first use).
fn leaves_nothing(setup: &str, n: usize) {
    leaves_nothing_with(setup, n, true)
}

/// As `leaves_nothing`, with `setup` run as a module (so `var $x` is a context variable); it
/// makes `make` global itself.
fn leaves_nothing_in_module(setup: &str, n: usize) {
    leaves_nothing_with(setup, n, false)
}

fn leaves_nothing_with(setup: &str, n: usize, globals: bool) {
    let setup = setup.to_string();
    let h = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            pipy_program::init();
            let run = |src: &str| match pipy_program::run("cycles.js", src, pipy_program::options(true)) {
                Ok(_) => {}
                Err(pipy_program::RunError::Compile(d)) => {
                    panic!("compile error: {:?}", d.iter().map(|d| d.message.clone()).collect::<Vec<_>>())
                }
                Err(pipy_program::RunError::Uncaught(e)) => {
                    panic!("uncaught: {}", pipy_program::describe_exception(&e))
                }
            };
            match pipy_program::run("setup.js", &setup, pipy_program::options(globals)) {
                Ok(_) => {}
                Err(_) => panic!("the setup failed"),
            }
            // Warm up: first calls fill inline caches and shape transitions.
            run("for (var i = 0; i < 3; i++) make()");
            settle();
            let before = live_objects();
            // Run the calls without the collector (no safe point): what they leave is counted.
            let src = format!("for (var i = 0; i < {n}; i++) make()");
            let Ok(module) = pipy_compiler::compile("calls.js", &src, pipy_program::options(true)) else {
                panic!("the calls do not compile")
            };
            if pipy_value::function::run_script(module.main()).is_err() {
                panic!("the calls threw");
            }
            pipy_value::realm::run_microtasks();
            drop(module);
            let grown = live_objects() - before.min(live_objects());
            settle();
            let after = live_objects();
            // A few objects may stay in inline caches (the last prototype a site saw).
            assert!(
                after <= before + 4,
                "{} objects left of the {grown} made ({before} before, {after} after)",
                after - before
            );
            grown
        })
        .expect("a thread");
    let grown = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
    // The shape must really have made cycles that reference counting alone leaves behind, or the
    // test shows nothing.
    assert!(grown >= n, "only {grown} objects were alive after {n} calls: no cycle was made");
}

/// Collects until nothing more is found.
fn settle() {
    for _ in 0..10 {
        pipy_value::realm::run_microtasks();
        match cycles::collect() {
            Some(s) if s.last_collected > 0 => continue,
            _ => {
                if cycles::pending() == 0 {
                    break;
                }
            }
        }
    }
}

#[test]
fn an_arrow_property_capturing_this() {
    // As measured: the class is defined where it is used (per request), and its arrow reads `this`.
    leaves_nothing("function make() { class N { constructor() { this.cb = () => this } }; new N() }", 200);
}

#[test]
fn two_objects_referring_to_each_other() {
    leaves_nothing("function make() { var a = {}; var b = {a}; a.b = b }", 200);
}

#[test]
fn a_closure_stored_on_the_object_it_captures() {
    leaves_nothing("function make() { var a = {p: 'x'}; a.fn = () => a.p }", 200);
}

#[test]
fn a_map_holding_itself() {
    leaves_nothing("function make() { var m = new Map(); m.set('s', m) }", 200);
}

#[test]
fn an_array_holding_itself() {
    leaves_nothing("function make() { var arr = [1]; arr.push(arr) }", 200);
}

#[test]
fn a_set_holding_itself_and_a_map_iterator() {
    leaves_nothing("function make() { var s = new Set(); s.add(s); var m = new Map([[1, 2]]); m.it = m.keys() }", 200);
}

#[test]
fn captured_variables_of_a_function_declaration() {
    leaves_nothing("function make() { var x = {}; function get() { return x } x.get = get }", 200);
}

#[test]
fn bound_functions() {
    leaves_nothing("function make() { var o = {}; o.f = function () { return this }.bind(o, o) }", 200);
}

#[test]
fn classes_and_their_prototypes() {
    leaves_nothing("function make() { class A { m() { return A } }; A.again = new A() }", 200);
}

#[test]
fn getters_and_setters() {
    leaves_nothing(
        "function make() { var o = { get me() { return o } }; Object.defineProperty(o, 'x', { get: () => o }) }",
        200,
    );
}

#[test]
fn a_weak_map_entry_whose_value_holds_its_key() {
    // The map lives on; the entry's key is reachable only from the entry's value: garbage.
    leaves_nothing("var wm = new WeakMap(); function make() { var k = {}; wm.set(k, {k}) }", 200);
}

#[test]
fn a_weak_map_and_a_weak_set_held_by_their_keys() {
    leaves_nothing(
        "function make() { var w = new WeakMap(); var k = {w}; w.set(k, k); var ws = new WeakSet(); var o = {ws}; ws.add(o) }",
        200,
    );
}

#[test]
fn promises_and_their_reactions() {
    leaves_nothing("function make() { var p = new Promise(() => {}); p.then(() => p) }", 200);
}

#[test]
fn a_resolve_function_stored_where_the_promise_handler_reaches() {
    leaves_nothing("function make() { var o = {}; o.p = new Promise(r => { o.r = r }); o.p.then(() => o) }", 200);
}

#[test]
fn settled_promises_holding_their_own_result() {
    leaves_nothing(
        "function make() { var o = {}; o.p = Promise.resolve(o); o.q = Promise.reject(o); o.q.catch(() => {}) }",
        200,
    );
}

#[test]
fn messages_and_events_holding_their_heads() {
    leaves_nothing(
        "function make() { var m = new Message({}); m.head.self = m; var s = new MessageStart({}); s.head.s = s; var e = new MessageEnd({}); e.tail.e = e }",
        200,
    );
}

#[test]
fn host_objects_of_the_standard_library() {
    leaves_nothing(
        "function make() { var c = new algo.Cache(); c.set('k', c); var o = {}; o.r = new algo.URLRouter({'/a': o}) }",
        200,
    );
}

#[test]
fn a_live_cycle_is_kept_whole() {
    let h = std::thread::spawn(|| {
        pipy_program::init();
        let made = pipy_program::run(
            "live.js",
            "var keep = {}; keep.self = keep; keep.f = () => keep; keep.m = new Map([['k', keep]]); keep.n = 42",
            pipy_program::options(true),
        );
        assert!(made.is_ok(), "the script runs");
        settle();
        let v = pipy_program::run("check.js", "keep.f().m.get('k').self.n", pipy_program::options(true));
        match v {
            Ok(pipy_value::Value::Number(n)) => assert_eq!(n, 42.0),
            _ => panic!("the live cycle was damaged"),
        }
    });
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
}

#[test]
fn a_pipeline_context_holding_a_promise_whose_handler_runs_in_it() {
    // The handler is registered in the stream's context and the promise is kept in one of its
    // variables: context → promise → reaction → context, once the stream has ended.
    leaves_nothing_in_module(
        "var $p; var t = pipeline($=>$.handleMessageStart(() => { $p = new Promise(() => {}); $p.then(() => $p) })); \
         globalThis.make = () => t.process([new Message('x'), new StreamEnd])",
        100,
    );
}
