//! The PipyJS compiler: SWC front end (`parse`), scope resolution (`resolve`), lowering to a
//! register IR (`ir`, `lower`), and Cranelift code generation (`codegen`).
//!
//! Architecture invariant: SWC types never leave `parse`; Cranelift types never leave `codegen`;
//! this crate knows nothing of Tokio, sockets or the standard library's globals.

pub mod ast;
pub mod codegen;
pub mod diagnostics;
pub mod ir;
pub mod lower;
pub mod parse;
pub mod resolve;

use diagnostics::Diagnostic;
use pipy_runtime::function::SourceInfo;
use std::rc::Rc;

pub use codegen::CompiledModule;

/// How a source text is compiled.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompileOptions {
    /// Top-level `var` and function declarations become properties of the global object (the
    /// REPL, test262 scripts); otherwise they are module-local, as in Pipy.
    pub top_level_globals: bool,
}

/// Parses and resolves `source` without generating code (for `pipy check`).
pub fn analyze(name: &str, source: &str) -> Result<(Rc<ast::Function>, resolve::Resolution), Vec<Diagnostic>> {
    let mut program = parse::parse(name, source)?;
    let script = script_function(&mut program);
    let res = resolve::Resolver::resolve(&program, &script, false);
    Ok((script, res))
}

/// Moves the program's body into a function of kind `Script` (the top level is compiled like one).
fn script_function(program: &mut ast::Program) -> Rc<ast::Function> {
    let body = std::mem::take(&mut program.body);
    Rc::new(ast::Function {
        name: None,
        inferred_name: std::cell::RefCell::new(None),
        params: Vec::new(),
        rest: None,
        body,
        expression: false,
        kind: ast::FuncKind::Script,
        strict: program.strict,
        pos: program.pos,
        scope: Default::default(),
        body_scope: Default::default(),
        fields: Vec::new(),
    })
}

/// Compiles `source` (named `name` in diagnostics and stack traces) to native code.
pub fn compile(name: &str, source: &str, options: CompileOptions) -> Result<CompiledModule, Vec<Diagnostic>> {
    let mut program = parse::parse(name, source)?;
    let script = script_function(&mut program);
    let res = resolve::Resolver::resolve(&program, &script, options.top_level_globals);
    let module = lower::lower(&res, &script);
    let source_info = Rc::new(SourceInfo::new(name, source));
    codegen::compile(module, source_info).map_err(|e| {
        vec![Diagnostic::error("E9000", format!("internal compiler error: {e}"), program.pos, program.pos)]
    })
}
