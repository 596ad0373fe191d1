//! Code generation: register IR → Cranelift IR → native code (cranelift-jit).
//!
//! Every IR instruction becomes either inline code (number arithmetic and comparison, moves of
//! non-heap values, truthiness, nullish and TDZ tests) or a call to a runtime helper of the one
//! declared ABI (`pipy_value::abi`). Helpers report exceptions by a non-zero status; the code
//! branches on it to the active `try` handler or out of the function with status 1.
//!
//! One file per instruction family: `values` (moves and constants, and the one inline-or-helper
//! way to move a 16-byte value), `operators`, `control`, `variables` (cells, environment,
//! globals, context variables), `properties` (shape-cached property and element access),
//! `calls`, `objects`. This file sets up the JIT module, declares the helpers of the ABI, and
//! drives one function at a time.
//!
//! Architecture invariant: Cranelift types never leave this module.

mod calls;
mod control;
mod objects;
mod operators;
mod properties;
mod values;
mod variables;

use crate::ir::{self, FuncIr, Inst, Label, Reg};
use crate::lower::ModuleIr;
use cranelift_codegen::ir::{AbiParam, Block, FuncRef, InstBuilder, MemFlagsData, Signature, Value as CValue, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module};
use pipy_value::abi::{self, AbiType, Helper, PropIc, SiteCache};
use pipy_value::function::{CodeFn, Frame, FuncTemplate, SourceInfo};
use pipy_value::string::JsString;
use pipy_value::value::Value;
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    #[error("JIT setup failed: {0}")]
    Setup(String),
    #[error("code generation failed for `{func}`: {message}")]
    Function { func: String, message: String },
    #[error(transparent)]
    Verify(#[from] ir::VerifyError),
}

/// A named property access `emit_prop` compiles: a load into a register or a store from one.
#[derive(Clone, Copy)]
pub(super) enum PropAccess {
    Load(Reg),
    Store(Reg),
}

/// Everything compiled code refers to by address. Its templates keep it alive and it keeps its
/// templates (compiled code creates closures from them), so the pair is a cycle that only
/// `free_unreachable_modules` breaks, once no function of the module can run again.
pub struct ModuleData {
    consts: Box<[Value]>,
    ics: Box<[PropIc]>,
    sites: Box<[SiteCache]>,
    capture_lists: RefCell<Vec<Box<[u32]>>>,
    templates: RefCell<Vec<Rc<FuncTemplate>>>,
    jit: RefCell<Option<Jit>>,
}

impl ModuleData {
    /// No closure of the module exists and no frame runs its code: the module's own list holds
    /// each template once, and the templates and this thread's list of modules are all that hold
    /// the module. (A closure or a running frame holds its template; compiled code reaches other
    /// templates only through a closure of the same module.)
    fn unreachable(self: &Rc<Self>) -> bool {
        let templates = self.templates.borrow();
        Rc::strong_count(self) == templates.len() + 1 && templates.iter().all(|t| Rc::strong_count(t) == 1)
    }
}

impl Drop for ModuleData {
    fn drop(&mut self) {
        if let Some(jit) = self.jit.get_mut().take() {
            for backend in [jit.baseline, jit.optimized].into_iter().flatten() {
                // SAFETY: a module is dropped only after `free_unreachable_modules` found that no
                // closure of it exists and no frame runs its code, and let go of its templates:
                // nothing can call into this memory again. (A module whose templates were never
                // let go is never dropped: each template keeps it alive.)
                unsafe { backend.module.free_memory() };
            }
        }
    }
}

thread_local! {
    /// Every module compiled on this thread and not freed yet.
    static MODULES: RefCell<Vec<Rc<ModuleData>>> = const { RefCell::new(Vec::new()) };
}

/// Frees the modules of this thread none of whose functions can run again (after a reload, once
/// the old version's last pipeline has ended): their machine code, constants, caches and IR.
/// Call it between events; returns how many modules were freed.
pub fn free_unreachable_modules() -> usize {
    let unreachable: Vec<Rc<ModuleData>> = MODULES.with(|modules| {
        let mut modules = modules.borrow_mut();
        let (unreachable, live) = std::mem::take(&mut *modules).into_iter().partition(|m| m.unreachable());
        *modules = live;
        unreachable
    });
    let freed = unreachable.len();
    for module in unreachable {
        // Letting go of the templates lets go of their hold on the module, which is then
        // dropped with `module`.
        let templates = std::mem::take(&mut *module.templates.borrow_mut());
        drop(templates);
    }
    freed
}

/// Modules compiled on this thread and not freed.
pub fn live_modules() -> usize {
    MODULES.with(|m| m.borrow().len())
}

/// When code is generated and how well.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tier {
    /// The default: a function is compiled when first called. A function with a loop (and not
    /// huge) gets optimised code at once; any other gets quick baseline code first, and optimised
    /// code once it has been called `TIER_UP_CALLS` times.
    #[default]
    Tiered,
    /// Every function optimised before the module runs (the fuzz targets; differential tests).
    Eager,
    /// Baseline code only, on first call (differential tests).
    Baseline,
}

/// Calls in baseline code before a function is compiled again, optimised. Optimising a small
/// callback costs about as much as a few thousand of its calls save; this errs early.
const TIER_UP_CALLS: u32 = 500;

/// A function with a loop gets optimised code on its first call unless its IR is longer than
/// this (a long script body with a loop at the end runs once: baseline is cheaper).
const OPTIMIZE_AT_ONCE_MAX_INSTS: usize = 2000;

/// How far one function has come.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compiled {
    No,
    Baseline,
    Optimized,
}

/// One code generator: a JIT module with its own ISA settings, and the helpers declared in it.
struct Backend {
    module: JITModule,
    helper_ids: FxHashMap<Helper, FuncId>,
    sig: Signature,
    /// The symbol of each function compiled here.
    ids: Vec<Option<FuncId>>,
}

/// What compiling one more function of a module needs.
struct Jit {
    tier: Tier,
    baseline: Option<Backend>,
    optimized: Option<Backend>,
    ctx: cranelift_codegen::Context,
    fbc: FunctionBuilderContext,
    /// Each function's IR (until it is optimised) and how far it has come.
    functions: Vec<(Option<FuncIr>, Compiled)>,
}

/// A compiled script or module: its top-level function and all others.
pub struct CompiledModule {
    pub templates: Vec<Rc<FuncTemplate>>,
}

impl CompiledModule {
    pub fn main(&self) -> Rc<FuncTemplate> {
        self.templates[0].clone()
    }
}

/// The code of a function before it is compiled, and again when it is due for optimised code:
/// compiles it, installs the result in its template (so later calls go straight to it), and runs
/// it on this call's frame.
extern "C" fn compile_and_run(frame: *mut Frame) -> u32 {
    // SAFETY: this is only ever stored in `FuncTemplate::code`, which `calls::enter` calls with a
    // live, exclusively borrowed frame; the template is cloned before the frame is used again.
    let template = unsafe { (*frame).template.clone() };
    let compiled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compile_template(&template)));
    match compiled {
        Ok(Ok(code)) => code(frame),
        Ok(Err(e)) => {
            pipy_value::realm::set_exception(pipy_value::error::type_error(&format!("internal compiler error: {e}")));
            abi::STATUS_THROW
        }
        Err(_) => {
            let name = template.name.to_rust_string();
            let message = format!("internal compiler error: code generation failed for `{name}` (please report it)");
            pipy_value::realm::set_exception(pipy_value::error::type_error(&message));
            abi::STATUS_THROW
        }
    }
}

/// Generates `template`'s code at the tier it is due for, installs it, and returns it.
fn compile_template(template: &FuncTemplate) -> Result<CodeFn, CodegenError> {
    let data = template
        .keep_alive
        .downcast_ref::<ModuleData>()
        .ok_or_else(|| CodegenError::Setup("a function template without its module".into()))?;
    let index = template.index as usize;
    let mut jit = data.jit.borrow_mut();
    let jit = jit.as_mut().ok_or_else(|| CodegenError::Setup("the module's JIT is gone".into()))?;
    let (ir, compiled) = jit.functions.get(index).ok_or_else(|| CodegenError::Setup("no such function".into()))?;
    let optimize = match (jit.tier, compiled) {
        (_, Compiled::Optimized) => return Ok(template.code.get()),
        (Tier::Baseline, Compiled::Baseline) => return Ok(template.code.get()),
        (Tier::Baseline, Compiled::No) => false,
        (_, Compiled::Baseline) | (Tier::Eager, _) => true,
        (Tier::Tiered, Compiled::No) => {
            ir.as_ref().is_some_and(|f| f.has_loop() && f.insts.len() <= OPTIMIZE_AT_ONCE_MAX_INSTS)
        }
    };
    let backend = define(jit, data, index, optimize)?;
    backend.module.finalize_definitions().map_err(|e| CodegenError::Setup(e.to_string()))?;
    let code = install(backend, template, index);
    if !optimize && jit.tier == Tier::Tiered {
        template.countdown.set(TIER_UP_CALLS);
    }
    Ok(code)
}

/// A JIT module for one tier: quick baseline code (no optimisation passes, the single-pass
/// register allocator) or optimised code.
fn new_backend(optimize: bool, nfuncs: usize) -> Result<Backend, CodegenError> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, k: &str, v: &str| {
        flags.set(k, v).map_err(|e| CodegenError::Setup(format!("{k}={v}: {e}")))
    };
    if optimize {
        set(&mut flags, "opt_level", "speed")?;
    } else {
        set(&mut flags, "opt_level", "none")?;
        set(&mut flags, "regalloc_algorithm", "single_pass")?;
    }
    set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
    set(&mut flags, "use_colocated_libcalls", "false")?;
    set(&mut flags, "is_pic", "false")?;
    set(&mut flags, "preserve_frame_pointers", "true")?;
    let isa_builder = cranelift_native::builder().map_err(|e| CodegenError::Setup(e.to_string()))?;
    let isa = isa_builder.finish(settings::Flags::new(flags)).map_err(|e| CodegenError::Setup(e.to_string()))?;
    let mut jb = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
    for h in Helper::ALL {
        let d = h.decl();
        jb.symbol(d.name, d.addr);
    }
    let mut module = JITModule::new(jb);
    let mut helper_ids: FxHashMap<Helper, FuncId> = FxHashMap::default();
    for h in Helper::ALL {
        let d = h.decl();
        let mut sig = module.make_signature();
        for p in d.params {
            sig.params.push(AbiParam::new(match p {
                AbiType::Ptr => types::I64,
                AbiType::U32 => types::I32,
                AbiType::F64 => types::F64,
            }));
        }
        sig.returns.push(AbiParam::new(types::I32));
        let id =
            module.declare_function(d.name, Linkage::Import, &sig).map_err(|e| CodegenError::Setup(e.to_string()))?;
        helper_ids.insert(*h, id);
    }
    // Every compiled function is `extern "C" fn(*mut Frame) -> u32`.
    let mut sig = module.make_signature();
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I32));
    Ok(Backend { module, helper_ids, sig, ids: vec![None; nfuncs] })
}

/// Prepares `module` for native code: its constants, caches and function templates, and the JIT
/// that compiles each function when it is first called (or every function now, with
/// `Tier::Eager`).
pub fn compile(module: ModuleIr, source: Rc<SourceInfo>, tier: Tier) -> Result<CompiledModule, CodegenError> {
    let nconsts = module.consts.len();
    let nfuncs = module.functions.len();
    for f in &module.functions {
        ir::verify(f, nconsts, module.nics as usize, nfuncs)?;
    }
    let consts: Box<[Value]> = module
        .consts
        .iter()
        .map(|c| match c {
            ir::Constant::Str(u) => Value::String(JsString::from_utf16(u.clone())),
        })
        .collect();
    let ics: Box<[PropIc]> = (0..module.nics).map(|_| PropIc::default()).collect();
    let data = Rc::new(ModuleData {
        consts,
        ics,
        sites: (0..module.nsites).map(|_| SiteCache::default()).collect(),
        capture_lists: RefCell::new(Vec::new()),
        templates: RefCell::new(Vec::new()),
        jit: RefCell::new(None),
    });
    let keep: Rc<dyn std::any::Any> = data.clone();
    let templates: Vec<Rc<FuncTemplate>> = module
        .functions
        .iter()
        .enumerate()
        .map(|(index, f)| {
            Rc::new(FuncTemplate {
                name: JsString::new(&f.name),
                code: Cell::new(compile_and_run as CodeFn),
                index: index as u32,
                countdown: Cell::new(0),
                recompile: compile_and_run,
                length: f.length,
                param_regs: f.param_regs,
                nregs: f.nregs,
                ncells: f.ncells,
                kind: f.kind,
                strict: f.strict,
                uses_this: f.uses_this,
                source: source.clone(),
                pos: f.pos,
                keep_alive: keep.clone(),
            })
        })
        .collect();
    *data.templates.borrow_mut() = templates.clone();
    let mut jit = Jit {
        tier,
        baseline: None,
        optimized: None,
        ctx: cranelift_codegen::Context::new(),
        fbc: FunctionBuilderContext::new(),
        functions: module.functions.into_iter().map(|f| (Some(f), Compiled::No)).collect(),
    };
    if tier == Tier::Eager {
        for i in 0..nfuncs {
            define(&mut jit, &data, i, true)?;
        }
        if let Some(backend) = jit.optimized.as_mut() {
            backend.module.finalize_definitions().map_err(|e| CodegenError::Setup(e.to_string()))?;
            for (i, t) in templates.iter().enumerate() {
                install(backend, t, i);
            }
        }
    }
    *data.jit.borrow_mut() = Some(jit);
    MODULES.with(|m| m.borrow_mut().push(data));
    Ok(CompiledModule { templates })
}

/// Generates function `index`'s code into the baseline or the optimising backend (not yet
/// finalized), and returns that backend.
fn define<'j>(
    jit: &'j mut Jit,
    data: &ModuleData,
    index: usize,
    optimize: bool,
) -> Result<&'j mut Backend, CodegenError> {
    let Jit { baseline, optimized, ctx, fbc, functions, .. } = jit;
    let nfuncs = functions.len();
    let slot = if optimize { optimized } else { baseline };
    let backend = match slot {
        Some(b) => b,
        None => slot.insert(new_backend(optimize, nfuncs)?),
    };
    let Some((ir, compiled)) = functions.get_mut(index) else {
        return Err(CodegenError::Setup(format!("no function {index}")));
    };
    let Some(f) = ir.as_ref() else {
        return Err(CodegenError::Setup(format!("function {index} has no IR left")));
    };
    let id = backend
        .module
        .declare_function(&format!("js{index}"), Linkage::Local, &backend.sig)
        .map_err(|e| CodegenError::Setup(e.to_string()))?;
    ctx.func.signature = backend.sig.clone();
    {
        let templates = data.templates.borrow();
        let b = FunctionBuilder::new(&mut ctx.func, fbc);
        let mut g = Gen {
            b,
            jit: &mut backend.module,
            helper_ids: &backend.helper_ids,
            helper_refs: FxHashMap::default(),
            data,
            templates: &templates,
            f,
            blocks: Vec::new(),
            frame: None,
            regs: None,
            unwind: None,
            handler: None,
            terminated: false,
            pos: f.pos,
            stored_pos: None,
            inline: optimize,
        };
        g.build().map_err(|message| CodegenError::Function { func: f.name.clone(), message })?;
        let config = g.jit.target_config();
        g.b.finalize(config);
    }
    let defined = backend.module.define_function(id, ctx);
    backend.module.clear_context(ctx);
    defined.map_err(|e| CodegenError::Function { func: f.name.clone(), message: format!("{e:?}") })?;
    backend.ids[index] = Some(id);
    if optimize {
        *compiled = Compiled::Optimized;
        *ir = None;
    } else {
        *compiled = Compiled::Baseline;
    }
    Ok(backend)
}

/// Points `template` at its finalized code.
fn install(backend: &Backend, template: &FuncTemplate, index: usize) -> CodeFn {
    let Some(Some(id)) = backend.ids.get(index) else {
        return template.code.get();
    };
    let ptr = backend.module.get_finalized_function(*id);
    // SAFETY: `ptr` is the entry of a function this module compiled and finalized with the
    // signature `extern "C" fn(*mut Frame) -> u32` (`code_signature`: one pointer-sized argument,
    // an i32 result, the platform C calling convention). The JIT memory stays mapped: the module
    // is kept in `ModuleData`, which every template keeps alive.
    let code: CodeFn = unsafe { std::mem::transmute::<*const u8, CodeFn>(ptr) };
    template.code.set(code);
    code
}

pub(super) struct Gen<'a, 'b> {
    b: FunctionBuilder<'b>,
    jit: &'a mut JITModule,
    helper_ids: &'a FxHashMap<Helper, FuncId>,
    helper_refs: FxHashMap<Helper, FuncRef>,
    data: &'a ModuleData,
    templates: &'a [Rc<FuncTemplate>],
    f: &'a FuncIr,
    blocks: Vec<Block>,
    frame: Option<CValue>,
    regs: Option<CValue>,
    unwind: Option<Block>,
    handler: Option<Label>,
    terminated: bool,
    pos: u32,
    stored_pos: Option<u32>,
    /// Optimised code: number, move and store fast paths inline. Baseline code calls the helpers
    /// for them (a third of the instructions, so it compiles faster; hot code tiers up).
    inline: bool,
}

pub(super) const PTR: types::Type = types::I64;

impl Gen<'_, '_> {
    fn frame(&self) -> CValue {
        self.frame.expect("set in build")
    }

    fn build(&mut self) -> Result<(), String> {
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        let frame = self.b.block_params(entry)[0];
        self.frame = Some(frame);
        let regs = self.b.ins().load(PTR, MemFlagsData::trusted(), frame, abi::FRAME_REGS);
        self.regs = Some(regs);
        self.blocks = (0..self.f.nlabels).map(|_| self.b.create_block()).collect();
        let unwind = self.b.create_block();
        self.unwind = Some(unwind);
        for inst in &self.f.insts {
            self.inst(inst)?;
        }
        if !self.terminated {
            let one = self.b.ins().iconst(types::I32, 0);
            self.b.ins().return_(&[one]);
        }
        self.b.switch_to_block(unwind);
        let one = self.b.ins().iconst(types::I32, abi::STATUS_THROW as i64);
        self.b.ins().return_(&[one]);
        self.b.seal_all_blocks();
        Ok(())
    }

    fn reg(&mut self, r: Reg) -> CValue {
        let base = self.regs.expect("set in build");
        self.b.ins().iadd_imm_s(base, (r.0 as i64) * abi::VALUE_SIZE as i64)
    }

    fn ptr_const(&mut self, p: *const u8) -> CValue {
        self.b.ins().iconst(PTR, p as i64)
    }

    fn const_ptr(&mut self, c: ir::ConstId) -> CValue {
        let p = &self.data.consts[c.0 as usize] as *const Value as *const u8;
        self.ptr_const(p)
    }

    fn ic_ptr(&mut self, ic: ir::IcId) -> CValue {
        let p = &self.data.ics[ic.0 as usize] as *const PropIc as *const u8;
        self.ptr_const(p)
    }

    fn u32c(&mut self, v: u32) -> CValue {
        self.b.ins().iconst(types::I32, v as i64)
    }

    fn helper(&mut self, h: Helper) -> FuncRef {
        if let Some(&r) = self.helper_refs.get(&h) {
            return r;
        }
        let id = self.helper_ids[&h];
        let r = self.jit.declare_func_in_func(id, self.b.func);
        self.helper_refs.insert(h, r);
        r
    }

    fn call(&mut self, h: Helper, args: &[CValue]) -> CValue {
        let f = self.helper(h);
        let call = self.b.ins().call(f, args);
        self.b.inst_results(call)[0]
    }

    fn store_pos(&mut self) {
        if self.stored_pos != Some(self.pos) {
            let p = self.b.ins().iconst(types::I32, self.pos as i64);
            let fr = self.frame();
            self.b.ins().store(MemFlagsData::trusted(), p, fr, abi::FRAME_POS);
            self.stored_pos = Some(self.pos);
        }
    }

    fn exc_target(&self) -> Block {
        match self.handler {
            Some(l) => self.blocks[l.0 as usize],
            None => self.unwind.expect("set in build"),
        }
    }

    /// Calls a fallible helper and branches to the handler on a non-zero status.
    fn call_checked(&mut self, h: Helper, args: &[CValue]) {
        self.store_pos();
        let status = self.call(h, args);
        let cont = self.b.create_block();
        let exc = self.exc_target();
        self.b.ins().brif(status, exc, &[], cont, &[]);
        self.b.switch_to_block(cont);
    }

    /// Calls a fallible helper whose arguments are the addresses of these registers.
    fn call_regs(&mut self, h: Helper, regs: &[Reg]) {
        let args: Vec<CValue> = regs.iter().map(|r| self.reg(*r)).collect();
        self.call_checked(h, &args);
    }

    /// Like `call_regs`, with the frame pointer as the first argument.
    fn call_frame_regs(&mut self, h: Helper, regs: &[Reg]) {
        let mut args = vec![self.frame()];
        args.extend(regs.iter().map(|r| self.reg(*r)));
        self.call_checked(h, &args);
    }

    /// One IR instruction: labels, positions and handlers here; every other instruction in the
    /// file of its family.
    fn inst(&mut self, inst: &Inst) -> Result<(), String> {
        if let Inst::Label(l) = inst {
            let blk = self.blocks[l.0 as usize];
            if !self.terminated {
                self.b.ins().jump(blk, &[]);
            }
            self.b.switch_to_block(blk);
            self.terminated = false;
            self.stored_pos = None;
            return Ok(());
        }
        if let Inst::Pos(p) = inst {
            self.pos = *p;
            return Ok(());
        }
        if let Inst::Handler(h) = inst {
            self.handler = *h;
            return Ok(());
        }
        if self.terminated {
            // Unreachable code after a jump: give it a block of its own.
            let blk = self.b.create_block();
            self.b.switch_to_block(blk);
            self.terminated = false;
            self.stored_pos = None;
        }
        match inst {
            Inst::Label(_) | Inst::Pos(_) | Inst::Handler(_) => Ok(()),
            Inst::Move { .. } | Inst::Number { .. } | Inst::Simple { .. } | Inst::Const { .. } => self.value_inst(inst),
            Inst::Binary { .. } | Inst::Unary { .. } => self.operator_inst(inst),
            Inst::Jump(..)
            | Inst::Branch { .. }
            | Inst::BranchNullish { .. }
            | Inst::Return { .. }
            | Inst::ReturnSet
            | Inst::SetResult { .. }
            | Inst::CtorResult
            | Inst::Throw { .. }
            | Inst::ThrowConst { .. }
            | Inst::ThrowTdz { .. }
            | Inst::ThrowTypeError { .. }
            | Inst::Catch { .. }
            | Inst::CheckTdz { .. } => self.control_inst(inst),
            Inst::LoadCell { .. }
            | Inst::StoreCell { .. }
            | Inst::FreshCell { .. }
            | Inst::LoadEnv { .. }
            | Inst::StoreEnv { .. }
            | Inst::GetGlobal { .. }
            | Inst::GetContext { .. }
            | Inst::SetContext { .. }
            | Inst::SetGlobal { .. }
            | Inst::DeclareGlobal { .. }
            | Inst::Import { .. }
            | Inst::LoadThis { .. }
            | Inst::LoadSpecial { .. }
            | Inst::LoadArg { .. }
            | Inst::LoadHome { .. }
            | Inst::LoadSite { .. }
            | Inst::StoreSite { .. } => self.variable_inst(inst),
            Inst::GetProp { .. }
            | Inst::SetProp { .. }
            | Inst::InitProp { .. }
            | Inst::GetElem { .. }
            | Inst::SetElem { .. }
            | Inst::Delete { .. }
            | Inst::SuperGet { .. }
            | Inst::SuperSet { .. }
            | Inst::SuperGetIn { .. }
            | Inst::SuperSetIn { .. }
            | Inst::DefineMethod { .. }
            | Inst::PrivateName { .. }
            | Inst::DefinePrivate { .. } => self.property_inst(inst),
            Inst::Call { .. }
            | Inst::CallVar { .. }
            | Inst::New { .. }
            | Inst::CallArray { .. }
            | Inst::NewArray { .. }
            | Inst::SuperCall { .. }
            | Inst::Closure { .. } => self.call_inst(inst),
            Inst::NewObject { .. }
            | Inst::MakeArray { .. }
            | Inst::ArrayPush { .. }
            | Inst::ArraySpread { .. }
            | Inst::ObjectSpread { .. }
            | Inst::ObjectRest { .. }
            | Inst::RequireObject { .. }
            | Inst::GetIterator { .. }
            | Inst::IterNext { .. }
            | Inst::IterClose { .. }
            | Inst::MakeClass { .. }
            | Inst::SetFields { .. }
            | Inst::SetHome { .. }
            | Inst::RegExp { .. } => self.object_inst(inst),
        }
    }
}
