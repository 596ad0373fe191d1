//! The PipyJS compiler: SWC front end (`parse`), scope resolution (`resolve`), lowering to a
//! register IR (`ir`, `lower`), and Cranelift code generation (`codegen`).
//!
//! Architecture invariant: SWC types never leave `parse`; Cranelift types never leave `codegen`;
//! this crate knows nothing of Tokio, sockets or the standard library's globals.

// `unsafe` is denied but in `codegen`, which turns finalized code addresses into function
// pointers (the JIT boundary; its one block says why it is sound).
#![deny(unsafe_code)]

pub mod ast;
#[allow(unsafe_code)]
pub mod codegen;
pub mod diagnostics;
pub mod ir;
pub mod lower;
pub mod parse;
pub mod resolve;

use diagnostics::Diagnostic;
use pipy_value::context::ContextVariables;
use pipy_value::function::SourceInfo;
use std::rc::Rc;

pub use codegen::{CompiledModule, Tier, free_unreachable_modules, live_modules};

/// Checks a regular-expression literal (pattern, flags as UTF-16); `Err` is the message.
pub type RegExpValidator = fn(&[u16], &[u16]) -> Result<(), String>;

/// How a source text is compiled.
#[derive(Clone, Copy, Default)]
pub struct CompileOptions {
    /// Where context variables (`__x`, `$x`, `_x` of `pipy({...})`) get their binding ids: the
    /// engine's store. Without one, the store installed for compiled code is asked; without
    /// that, context variables fail when read.
    pub contexts: Option<&'static dyn ContextVariables>,
    /// Top-level `var` and function declarations become properties of the global object (the
    /// REPL, test262 scripts); otherwise they are module-local, as in Pipy.
    pub top_level_globals: bool,
    /// Reports invalid regular-expression literals at compile time (the standard library's
    /// RegExp parser); without it they fail when evaluated.
    pub validate_regexp: Option<RegExpValidator>,
    /// When functions get their machine code and how good it is (see `Tier`). `PIPY_JIT=eager`
    /// or `PIPY_JIT=baseline` in the environment overrides it (differential tests).
    pub tier: Tier,
}

impl std::fmt::Debug for CompileOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompileOptions")
            .field("contexts", &self.contexts.is_some())
            .field("top_level_globals", &self.top_level_globals)
            .field("validate_regexp", &self.validate_regexp.is_some())
            .field("tier", &self.tier)
            .finish()
    }
}

/// Compiling with no store of context variables: every name gets binding 0, and reading one
/// fails at run time (`pipy_value::context::load` says why).
struct NoContexts;

static NO_CONTEXTS: NoContexts = NoContexts;

impl ContextVariables for NoContexts {
    fn binding(&self, _: &str, _: &str) -> u32 {
        0
    }
    fn declare_fiber(&self, _: &str, _: &str) {}
    fn declare(&self, _: &str, _: &str, _: pipy_value::Value) {}
    fn load(&self, _: u32, _: bool) -> pipy_value::JsResult<pipy_value::Value> {
        Err(pipy_value::error::reference_error("context variables need the pipeline engine"))
    }
    fn store(&self, _: u32, _: pipy_value::Value) -> pipy_value::JsResult<()> {
        Err(pipy_value::error::reference_error("context variables need the pipeline engine"))
    }
}

/// Parses and resolves `source` without generating code (for `pipy check`).
pub fn analyze(name: &str, source: &str) -> Result<(Rc<ast::Function>, resolve::Resolution), Vec<Diagnostic>> {
    let mut program = parse_guarded(name, source)?;
    let script = script_function(&mut program);
    let res = resolve::Resolver::resolve(&program, &script, false);
    if !res.diagnostics.is_empty() {
        return Err(res.diagnostics);
    }
    Ok((script, res))
}

/// `parse::parse` with SWC's own assertions turned into a diagnostic.
fn parse_guarded(name: &str, source: &str) -> Result<ast::Program, Vec<Diagnostic>> {
    std::panic::catch_unwind(|| parse::parse(name, source)).unwrap_or_else(|_| {
        Err(vec![Diagnostic::error("E0001", "syntax error: the parser could not read this input", 0, 0)])
    })
}

/// Moves the program's body into a function of kind `Script` (the top level is compiled like one).
fn script_function(program: &mut ast::Program) -> Rc<ast::Function> {
    let body = std::mem::take(&mut program.body);
    Rc::new(ast::Function {
        self_binding: false,
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
///
/// Never panics: a panic anywhere in the pipeline (a bug, or an assertion inside SWC on strange
/// input) becomes an `E9000` diagnostic.
pub fn compile(name: &str, source: &str, options: CompileOptions) -> Result<CompiledModule, Vec<Diagnostic>> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compile_inner(name, source, options))) {
        Ok(r) => r,
        Err(_) => Err(vec![Diagnostic::error(
            "E9000",
            "internal compiler error: the compiler failed on this input (please report it)",
            0,
            0,
        )]),
    }
}

fn compile_inner(name: &str, source: &str, options: CompileOptions) -> Result<CompiledModule, Vec<Diagnostic>> {
    let mut program = parse_guarded(name, source)?;
    let script = script_function(&mut program);
    let res = resolve::Resolver::resolve(&program, &script, options.top_level_globals);
    if !res.diagnostics.is_empty() {
        return Err(res.diagnostics);
    }
    let contexts = options.contexts.or_else(pipy_value::context::installed).unwrap_or(&NO_CONTEXTS);
    let module = lower::lower(&res, &script, options.top_level_globals, program.is_module, name, contexts);
    if let Some(validate) = options.validate_regexp {
        let diags: Vec<Diagnostic> = module
            .regexps
            .iter()
            .filter_map(|(pattern, flags, pos)| {
                validate(pattern, flags)
                    .err()
                    .map(|m| Diagnostic::error("E0001", format!("syntax error: {m}"), *pos, *pos + 1))
            })
            .collect();
        if !diags.is_empty() {
            return Err(diags);
        }
    }
    let source_info = Rc::new(SourceInfo::new(name, source));
    let tier = match std::env::var("PIPY_JIT").as_deref() {
        Ok("eager") => Tier::Eager,
        Ok("baseline") => Tier::Baseline,
        _ => options.tier,
    };
    codegen::compile(module, source_info, tier).map_err(|e| {
        vec![Diagnostic::error("E9000", format!("internal compiler error: {e}"), program.pos, program.pos)]
    })
}

/// Lowers `source` to IR and prints every function (for tests and debugging).
pub fn dump_ir(name: &str, source: &str) -> Result<String, Vec<Diagnostic>> {
    let mut program = parse_guarded(name, source)?;
    let script = script_function(&mut program);
    let res = resolve::Resolver::resolve(&program, &script, false);
    let module = lower::lower(&res, &script, false, program.is_module, name, &NO_CONTEXTS);
    Ok(module.functions.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ir(src: &str) -> String {
        match dump_ir("t.js", src) {
            Ok(s) => s,
            Err(d) => d.iter().map(|d| d.render("t.js", src)).collect::<String>(),
        }
    }

    #[test]
    fn locals_stay_in_registers_and_captured_ones_move_to_cells() {
        insta::assert_snapshot!(ir("function f(a) { let b = a + 1; return () => b; }"));
    }

    fn ir_of(insts: Vec<ir::Inst>, nregs: u32, nlabels: u32) -> ir::FuncIr {
        ir::FuncIr {
            name: "bad".into(),
            insts,
            nregs,
            ncells: 0,
            nlabels,
            param_regs: 0,
            length: 0,
            kind: pipy_value::function::FuncKind::Normal,
            strict: true,
            uses_this: false,
            pos: 0,
            nenv: 0,
        }
    }

    #[test]
    fn verifier_rejects_an_undefined_label() {
        let f = ir_of(vec![ir::Inst::Jump(ir::Label(3))], 1, 4);
        let e = ir::verify(&f, 0, 0, 1).expect_err("an undefined label must be rejected");
        assert!(e.to_string().contains("label L3 not defined"), "{e}");
    }

    #[test]
    fn verifier_rejects_an_out_of_range_register() {
        let f = ir_of(vec![ir::Inst::Move { dst: ir::Reg(0), src: ir::Reg(7) }], 2, 0);
        let e = ir::verify(&f, 0, 0, 1).expect_err("a register beyond nregs must be rejected");
        assert!(e.to_string().contains("r7 out of range"), "{e}");
    }

    /// Inputs the fuzzer found (`fuzz/regressions/`) must compile or be refused, never panic.
    #[test]
    fn fuzz_regressions_do_not_panic() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let src = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap_or_default()).into_owned();
            let _ = compile("fuzz.js", &src, CompileOptions { tier: Tier::Eager, ..Default::default() });
            n += 1;
        }
        // The SWC assertion the fuzzer found first, inline so the test never depends on files.
        let d = compile("t.js", "(p,>c=>", CompileOptions::default()).err().expect("refused");
        assert_eq!(d[0].code, "E0001");
        let _ = n;
    }

    #[test]
    fn unsupported_syntax_is_a_diagnostic_not_a_panic() {
        let src = "function* g() { yield 1 }";
        let d = compile("t.js", src, CompileOptions::default()).err().expect("generators are refused");
        assert_eq!(d[0].code, "E0002");
        assert!(d[0].message.contains("generator"), "{}", d[0].message);
    }
}
