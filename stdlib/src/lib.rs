//! Every JS-visible global: the ECMAScript built-ins and (later) the Pipy API.
//!
//! Each global class or namespace is one module whose `install()` fills this thread's realm
//! (`pipy_value::realm`). `install_all()` runs them in dependency order; call it once per
//! thread after `realm::install()`.
//!
//! Architecture invariant: this crate knows nothing of Cranelift or SWC; it sees script functions
//! only as callable objects (`pipy_value::function::call`).

#![forbid(unsafe_code)]

pub mod util;

pub mod algo;
pub mod array;
pub mod bgp;
pub mod codecs;
pub mod console;
pub mod crypto;
pub mod date;
pub mod dns;
pub mod error;
pub mod function;
pub mod global;
pub mod hessian;
pub mod http;
pub mod int;
pub mod ip;
pub mod json;
pub mod logging;
pub mod map;
pub mod math;
pub mod netmask;
pub mod number;
pub mod object;
pub mod os;
pub mod pipy;
pub mod promise;
pub mod protobuf;
pub mod regexp;
pub mod stats;
pub mod string;
pub mod stun;
pub mod symbol;
pub mod url;
pub mod xml;
pub mod yaml;

/// Installs every built-in into this thread's realm.
pub fn install_all() {
    object::install();
    function::install();
    symbol::install();
    error::install();
    array::install();
    string::install();
    number::install();
    math::install();
    json::install();
    map::install();
    date::install();
    regexp::install();
    promise::install();
    global::install();
    console::install();
    pipy::control_flow::install();
    pipy::install();
    algo::install();
    url::install();
    os::install();
    http::install();
    crypto::install();
    logging::install();
    stats::install();
    netmask::install();
    xml::install();
    codecs::install();
    dns::install();
    bgp::install();
    stun::install();
    ip::install();
    yaml::install();
    int::install();
    protobuf::install();
    hessian::install();
    // A balancer's default borrower is the inbound connection of the running stream.
    algo::set_default_borrower_hook(|| pipy_engine::pipeline::context::current().inbound_value());
    pipy_engine::log::set_inspector(console::inspect::inspect);
}

/// A fresh realm with every built-in installed (for tests and the engine).
pub fn new_realm() {
    pipy_value::realm::install();
    install_all();
    pipy_engine::pipeline::event::register_tracers();
    // The built-ins live as long as the realm: the cycle collector never walks them.
    pipy_value::cycles::make_realm_permanent();
}
