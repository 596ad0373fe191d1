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
    if !res.diagnostics.is_empty() {
        return Err(res.diagnostics);
    }
    Ok((script, res))
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
pub fn compile(name: &str, source: &str, options: CompileOptions) -> Result<CompiledModule, Vec<Diagnostic>> {
    let mut program = parse::parse(name, source)?;
    let script = script_function(&mut program);
    let res = resolve::Resolver::resolve(&program, &script, options.top_level_globals);
    if !res.diagnostics.is_empty() {
        return Err(res.diagnostics);
    }
    let module = lower::lower(&res, &script, options.top_level_globals, program.is_module);
    let source_info = Rc::new(SourceInfo::new(name, source));
    codegen::compile(module, source_info).map_err(|e| {
        vec![Diagnostic::error("E9000", format!("internal compiler error: {e}"), program.pos, program.pos)]
    })
}

/// Lowers `source` to IR and prints every function (for tests and debugging).
pub fn dump_ir(name: &str, source: &str) -> Result<String, Vec<Diagnostic>> {
    let mut program = parse::parse(name, source)?;
    let script = script_function(&mut program);
    let res = resolve::Resolver::resolve(&program, &script, false);
    let module = lower::lower(&res, &script, false, program.is_module);
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

    #[test]
    fn verifier_rejects_an_undefined_label() {
        let f = ir::FuncIr {
            name: "bad".into(),
            insts: vec![ir::Inst::Jump(ir::Label(3))],
            nregs: 1,
            ncells: 0,
            nlabels: 4,
            param_regs: 0,
            length: 0,
            kind: pipy_runtime::function::FuncKind::Normal,
            strict: true,
            uses_this: false,
            pos: 0,
            nenv: 0,
        };
        let e = ir::verify(&f, 0, 0, 1).expect_err("an undefined label must be rejected");
        assert!(e.to_string().contains("label L3 not defined"), "{e}");
    }

    #[test]
    fn verifier_rejects_an_out_of_range_register() {
        let f = ir::FuncIr {
            name: "bad".into(),
            insts: vec![ir::Inst::Move { dst: ir::Reg(0), src: ir::Reg(7) }],
            nregs: 2,
            ncells: 0,
            nlabels: 0,
            param_regs: 0,
            length: 0,
            kind: pipy_runtime::function::FuncKind::Normal,
            strict: true,
            uses_this: false,
            pos: 0,
            nenv: 0,
        };
        let e = ir::verify(&f, 0, 0, 1).expect_err("a register beyond nregs must be rejected");
        assert!(e.to_string().contains("r7 out of range"), "{e}");
    }

    #[test]
    fn unsupported_syntax_is_a_diagnostic_not_a_panic() {
        let src = "function* g() { yield 1 }";
        let d = compile("t.js", src, CompileOptions::default()).err().expect("generators are refused");
        assert_eq!(d[0].code, "E0002");
        assert!(d[0].message.contains("generator"), "{}", d[0].message);
    }
}
