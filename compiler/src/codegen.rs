//! Code generation: register IR → Cranelift IR → native code (cranelift-jit).
//!
//! Every IR instruction becomes either inline code (number arithmetic and comparison, moves of
//! non-heap values, truthiness, nullish and TDZ tests) or a call to a runtime helper of the one
//! declared ABI (`pipy_value::abi`). Helpers report exceptions by a non-zero status; the code
//! branches on it to the active `try` handler or out of the function with status 1.
//!
//! Architecture invariant: Cranelift types never leave this module.

use crate::ir::{self, BinOp, Capture, FuncIr, Inst, Label, Reg, Simple, UnOp};
use crate::lower::ModuleIr;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{AbiParam, Block, BlockArg, FuncRef, InstBuilder, MemFlagsData, Value as CValue, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module};
use pipy_value::abi::{self, AbiType, Helper, PropIc, SiteCache};
use pipy_value::function::{CodeFn, Frame, FuncTemplate, SourceInfo};
use pipy_value::string::JsString;
use pipy_value::value::{Value, tag};
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
enum PropAccess {
    Load(Reg),
    Store(Reg),
}

/// Everything compiled code refers to by address. It lives as long as any of its functions
/// (templates keep it alive; it keeps the templates: a module is never freed, see ARCHITECTURE.md).
pub struct ModuleData {
    consts: Box<[Value]>,
    ics: Box<[PropIc]>,
    sites: Box<[SiteCache]>,
    capture_lists: RefCell<Vec<Box<[u32]>>>,
    templates: RefCell<Vec<Rc<FuncTemplate>>>,
    jit: RefCell<Option<JITModule>>,
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

extern "C" fn not_compiled(_frame: *mut Frame) -> u32 {
    pipy_value::realm::set_exception(pipy_value::error::type_error("internal: function was not compiled"));
    abi::STATUS_THROW
}

fn jit_module() -> Result<JITModule, CodegenError> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, k: &str, v: &str| {
        flags.set(k, v).map_err(|e| CodegenError::Setup(format!("{k}={v}: {e}")))
    };
    set(&mut flags, "opt_level", "speed")?;
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
    Ok(JITModule::new(jb))
}

/// Compiles every function of `module` to native code.
pub fn compile(module: ModuleIr, source: Rc<SourceInfo>) -> Result<CompiledModule, CodegenError> {
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
        .map(|f| {
            Rc::new(FuncTemplate {
                name: JsString::new(&f.name),
                code: Cell::new(not_compiled as CodeFn),
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

    let mut jit = jit_module()?;
    let mut helper_ids: FxHashMap<Helper, FuncId> = FxHashMap::default();
    for h in Helper::ALL {
        let d = h.decl();
        let mut sig = jit.make_signature();
        for p in d.params {
            sig.params.push(AbiParam::new(match p {
                AbiType::Ptr => types::I64,
                AbiType::U32 => types::I32,
                AbiType::F64 => types::F64,
            }));
        }
        sig.returns.push(AbiParam::new(types::I32));
        let id = jit.declare_function(d.name, Linkage::Import, &sig).map_err(|e| CodegenError::Setup(e.to_string()))?;
        helper_ids.insert(*h, id);
    }
    let mut fn_sig = jit.make_signature();
    fn_sig.params.push(AbiParam::new(types::I64));
    fn_sig.returns.push(AbiParam::new(types::I32));
    let mut ids = Vec::new();
    for (i, _) in module.functions.iter().enumerate() {
        let id = jit
            .declare_function(&format!("js{i}"), Linkage::Local, &fn_sig)
            .map_err(|e| CodegenError::Setup(e.to_string()))?;
        ids.push(id);
    }
    let mut ctx = jit.make_context();
    let mut fbc = FunctionBuilderContext::new();
    for (i, f) in module.functions.iter().enumerate() {
        ctx.func.signature = fn_sig.clone();
        {
            let b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
            let mut g = Gen {
                b,
                jit: &mut jit,
                helper_ids: &helper_ids,
                helper_refs: FxHashMap::default(),
                data: &data,
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
            };
            g.build().map_err(|message| CodegenError::Function { func: f.name.clone(), message })?;
            let config = g.jit.target_config();
            g.b.finalize(config);
        }
        jit.define_function(ids[i], &mut ctx)
            .map_err(|e| CodegenError::Function { func: f.name.clone(), message: format!("{e:?}") })?;
        jit.clear_context(&mut ctx);
    }
    jit.finalize_definitions().map_err(|e| CodegenError::Setup(e.to_string()))?;
    for (i, t) in templates.iter().enumerate() {
        let ptr = jit.get_finalized_function(ids[i]);
        // SAFETY: `ptr` is the entry of a function this module just compiled with the signature
        // `extern "C" fn(*mut Frame) -> u32` (`fn_sig`: one pointer-sized argument, an i32 result,
        // the platform C calling convention). The JIT memory stays mapped: the module is kept in
        // `ModuleData`, which every template keeps alive.
        let code: CodeFn = unsafe { std::mem::transmute::<*const u8, CodeFn>(ptr) };
        t.code.set(code);
    }
    *data.jit.borrow_mut() = Some(jit);
    Ok(CompiledModule { templates })
}

struct Gen<'a, 'b> {
    b: FunctionBuilder<'b>,
    jit: &'a mut JITModule,
    helper_ids: &'a FxHashMap<Helper, FuncId>,
    helper_refs: FxHashMap<Helper, FuncRef>,
    data: &'a Rc<ModuleData>,
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
}

const PTR: types::Type = types::I64;

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

    fn tag_of(&mut self, addr: CValue) -> CValue {
        self.b.ins().uload8(types::I32, MemFlagsData::trusted(), addr, 0)
    }

    fn number_of(&mut self, addr: CValue) -> CValue {
        self.b.ins().load(types::F64, MemFlagsData::trusted(), addr, abi::VALUE_PAYLOAD)
    }

    fn is_not_heap(&mut self, t: CValue) -> CValue {
        self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, t, tag::FIRST_HEAP as i64)
    }

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
            Inst::Label(_) | Inst::Pos(_) | Inst::Handler(_) => {}
            Inst::Move { dst, src } => {
                if dst != src {
                    self.emit_move(*dst, *src);
                }
            }
            Inst::Number { dst, value } => {
                let d = self.reg(*dst);
                let t = self.tag_of(d);
                let ok = self.is_not_heap(t);
                let fast = self.b.create_block();
                let slow = self.b.create_block();
                let done = self.b.create_block();
                self.b.ins().brif(ok, fast, &[], slow, &[]);
                self.b.switch_to_block(fast);
                let tg = self.b.ins().iconst(types::I8, tag::NUMBER as i64);
                self.b.ins().store(MemFlagsData::trusted(), tg, d, 0);
                let v = self.b.ins().f64const(*value);
                self.b.ins().store(MemFlagsData::trusted(), v, d, abi::VALUE_PAYLOAD);
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(slow);
                let v = self.b.ins().f64const(*value);
                self.call(Helper::rt_set_number, &[d, v]);
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(done);
            }
            Inst::Simple { dst, value } => {
                let d = self.reg(*dst);
                let t = self.tag_of(d);
                let ok = self.is_not_heap(t);
                let fast = self.b.create_block();
                let slow = self.b.create_block();
                let done = self.b.create_block();
                self.b.ins().brif(ok, fast, &[], slow, &[]);
                self.b.switch_to_block(fast);
                let (tg, payload) = match value {
                    Simple::Undefined => (tag::UNDEFINED, None),
                    Simple::Null => (tag::NULL, None),
                    Simple::False => (tag::BOOL, Some(0)),
                    Simple::True => (tag::BOOL, Some(1)),
                    Simple::Hole => (tag::HOLE, None),
                };
                let tv = self.b.ins().iconst(types::I8, tg as i64);
                self.b.ins().store(MemFlagsData::trusted(), tv, d, 0);
                if let Some(p) = payload {
                    let pv = self.b.ins().iconst(types::I8, p);
                    self.b.ins().store(MemFlagsData::trusted(), pv, d, abi::VALUE_PAYLOAD);
                }
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(slow);
                let w = self.u32c(*value as u32);
                self.call(Helper::rt_set_simple, &[d, w]);
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(done);
            }
            Inst::Const { dst, c } => {
                let d = self.reg(*dst);
                let p = self.const_ptr(*c);
                self.call(Helper::rt_load_const, &[d, p]);
            }
            Inst::Binary { op, dst, a, b } => self.emit_binary(*op, *dst, *a, *b),
            Inst::Unary { op, dst, a } => {
                let code = match op {
                    UnOp::Neg => abi::unop::NEG,
                    UnOp::Plus => abi::unop::PLUS,
                    UnOp::Not => abi::unop::NOT,
                    UnOp::BitNot => abi::unop::BITNOT,
                    UnOp::Typeof => abi::unop::TYPEOF,
                    UnOp::ToNumeric => abi::unop::TO_NUMERIC,
                    UnOp::ToString => abi::unop::TO_STRING,
                    UnOp::ToPropertyKey => abi::unop::TO_PROPERTY_KEY,
                };
                if *op == UnOp::ToNumeric && dst == a {
                    // `x = +x` on a number is nothing to do.
                    let ar = self.reg(*a);
                    let t = self.tag_of(ar);
                    let is_num = self.b.ins().icmp_imm_u(IntCC::Equal, t, tag::NUMBER as i64);
                    let slow = self.b.create_block();
                    let done = self.b.create_block();
                    self.b.ins().brif(is_num, done, &[], slow, &[]);
                    self.b.switch_to_block(slow);
                    let c = self.u32c(code);
                    self.call_checked(Helper::rt_unary, &[c, ar, ar]);
                    self.b.ins().jump(done, &[]);
                    self.b.switch_to_block(done);
                    return Ok(());
                }
                let d = self.reg(*dst);
                let ar = self.reg(*a);
                let c = self.u32c(code);
                self.call_checked(Helper::rt_unary, &[c, d, ar]);
            }
            Inst::Jump(l) => {
                let blk = self.blocks[l.0 as usize];
                self.b.ins().jump(blk, &[]);
                self.terminated = true;
            }
            Inst::Branch { cond, if_true, if_false } => {
                let t = self.blocks[if_true.0 as usize];
                let f = self.blocks[if_false.0 as usize];
                self.emit_branch(*cond, t, f);
                self.terminated = true;
            }
            Inst::BranchNullish { src, nullish, other } => {
                let s = self.reg(*src);
                let t = self.tag_of(s);
                let le1 = self.b.ins().icmp_imm_u(IntCC::UnsignedLessThanOrEqual, t, tag::NULL as i64);
                let hole = self.b.ins().icmp_imm_u(IntCC::Equal, t, tag::HOLE as i64);
                let c = self.b.ins().bor(le1, hole);
                let n = self.blocks[nullish.0 as usize];
                let o = self.blocks[other.0 as usize];
                self.b.ins().brif(c, n, &[], o, &[]);
                self.terminated = true;
            }
            Inst::Return { src } => {
                // Non-heap value into a result slot that holds none: copy the two words.
                let fr = self.frame();
                let s = self.reg(*src);
                let res = self.b.ins().iadd_imm_s(fr, abi::FRAME_RESULT as i64);
                let ts = self.tag_of(s);
                let tr = self.tag_of(res);
                let oks = self.is_not_heap(ts);
                let okr = self.is_not_heap(tr);
                let ok = self.b.ins().band(oks, okr);
                let fast = self.b.create_block();
                let slow = self.b.create_block();
                self.b.ins().brif(ok, fast, &[], slow, &[]);
                self.b.switch_to_block(fast);
                let w0 = self.b.ins().load(types::I64, MemFlagsData::trusted(), s, 0);
                let w1 = self.b.ins().load(types::I64, MemFlagsData::trusted(), s, 8);
                self.b.ins().store(MemFlagsData::trusted(), w0, res, 0);
                self.b.ins().store(MemFlagsData::trusted(), w1, res, 8);
                let z = self.u32c(0);
                self.b.ins().return_(&[z]);
                self.b.switch_to_block(slow);
                self.call(Helper::rt_set_result, &[fr, s]);
                let z = self.u32c(0);
                self.b.ins().return_(&[z]);
                self.terminated = true;
            }
            Inst::ReturnSet => {
                let z = self.u32c(0);
                self.b.ins().return_(&[z]);
                self.terminated = true;
            }
            Inst::SetResult { src } => {
                let fr = self.frame();
                let s = self.reg(*src);
                self.call(Helper::rt_set_result, &[fr, s]);
            }
            Inst::CtorResult => {
                let fr = self.frame();
                self.call_checked(Helper::rt_ctor_result, &[fr]);
            }
            Inst::Throw { src } => {
                self.store_pos();
                let s = self.reg(*src);
                self.call(Helper::rt_throw, &[s]);
                let exc = self.exc_target();
                self.b.ins().jump(exc, &[]);
                self.terminated = true;
            }
            Inst::ThrowConst { name } => self.throw_with(Helper::rt_throw_const, *name),
            Inst::ThrowTdz { name } => self.throw_with(Helper::rt_throw_tdz, *name),
            Inst::ThrowTypeError { message } => self.throw_with(Helper::rt_throw_type_error, *message),
            Inst::Catch { dst } => {
                let d = self.reg(*dst);
                self.call(Helper::rt_catch, &[d]);
            }
            Inst::CheckTdz { src, name } => {
                let s = self.reg(*src);
                let t = self.tag_of(s);
                let is_hole = self.b.ins().icmp_imm_u(IntCC::Equal, t, tag::HOLE as i64);
                let bad = self.b.create_block();
                let ok = self.b.create_block();
                self.b.ins().brif(is_hole, bad, &[], ok, &[]);
                self.b.switch_to_block(bad);
                self.store_pos();
                let p = self.const_ptr(*name);
                self.call(Helper::rt_throw_tdz, &[p]);
                let exc = self.exc_target();
                self.b.ins().jump(exc, &[]);
                self.b.switch_to_block(ok);
                self.stored_pos = None;
            }
            Inst::LoadCell { dst, cell, check } => {
                let fr = self.frame();
                let d = self.reg(*dst);
                let i = self.u32c(*cell);
                let (c, n) = self.check_args(*check);
                self.call_checked(Helper::rt_load_cell, &[fr, d, i, c, n]);
            }
            Inst::StoreCell { cell, src } => {
                let fr = self.frame();
                let i = self.u32c(*cell);
                let s = self.reg(*src);
                self.call_checked(Helper::rt_store_cell, &[fr, i, s]);
            }
            Inst::FreshCell { cell, copy } => {
                let fr = self.frame();
                let i = self.u32c(*cell);
                let c = self.u32c(*copy as u32);
                self.call_checked(Helper::rt_fresh_cell, &[fr, i, c]);
            }
            Inst::LoadEnv { dst, index, check } => {
                let fr = self.frame();
                let d = self.reg(*dst);
                let i = self.u32c(*index);
                let (c, n) = self.check_args(*check);
                self.call_checked(Helper::rt_load_env, &[fr, d, i, c, n]);
            }
            Inst::StoreEnv { index, src } => {
                let fr = self.frame();
                let i = self.u32c(*index);
                let s = self.reg(*src);
                self.call_checked(Helper::rt_store_env, &[fr, i, s]);
            }
            Inst::GetGlobal { dst, name, ic, typeof_mode } => {
                let d = self.reg(*dst);
                let n = self.const_ptr(*name);
                let icp = self.ic_ptr(*ic);
                let m = self.u32c(*typeof_mode as u32);
                self.call_checked(Helper::rt_get_global, &[d, n, icp, m]);
            }
            Inst::GetContext { dst, binding, typeof_mode } => {
                let d = self.reg(*dst);
                let b = self.u32c(*binding);
                let m = self.u32c(*typeof_mode as u32);
                self.call_checked(Helper::rt_get_context, &[d, b, m]);
            }
            Inst::SetContext { binding, src } => {
                let b = self.u32c(*binding);
                let s = self.reg(*src);
                self.call_checked(Helper::rt_set_context, &[b, s]);
            }
            Inst::SetGlobal { name, src } => {
                let fr = self.frame();
                let n = self.const_ptr(*name);
                let s = self.reg(*src);
                self.call_checked(Helper::rt_set_global, &[fr, n, s]);
            }
            Inst::SuperGetIn { dst, key, home, this } => {
                self.call_regs(Helper::rt_super_get_in, &[*dst, *key, *home, *this])
            }
            Inst::SuperSetIn { key, src, home, this } => {
                self.call_regs(Helper::rt_super_set_in, &[*key, *src, *home, *this])
            }
            Inst::Import { dst, spec } => {
                let fr = self.frame();
                let d = self.reg(*dst);
                let sp = self.const_ptr(*spec);
                self.call_checked(Helper::rt_import, &[fr, d, sp]);
            }
            Inst::DeclareGlobal { name, src } => {
                let n = self.const_ptr(*name);
                let (s, has) = match src {
                    Some(r) => (self.reg(*r), self.u32c(1)),
                    None => (self.ptr_const(std::ptr::null()), self.u32c(0)),
                };
                self.call_checked(Helper::rt_declare_global, &[n, s, has]);
            }
            Inst::GetProp { dst, obj, key, ic } => self.emit_prop(*obj, *key, *ic, PropAccess::Load(*dst)),
            Inst::SetProp { obj, key, src, ic } => self.emit_prop(*obj, *key, *ic, PropAccess::Store(*src)),
            Inst::InitProp { obj, key, src, ic } => {
                let o = self.reg(*obj);
                let k = self.const_ptr(*key);
                let s = self.reg(*src);
                let icp = self.ic_ptr(*ic);
                self.call_checked(Helper::rt_init_prop, &[o, k, s, icp]);
            }
            Inst::GetElem { dst, obj, key } => self.emit_get_elem(*dst, *obj, *key),
            Inst::SetElem { obj, key, src } => self.call_frame_regs(Helper::rt_set_elem, &[*obj, *key, *src]),
            Inst::Delete { dst, obj, key } => self.call_frame_regs(Helper::rt_delete, &[*dst, *obj, *key]),
            Inst::Call { dst, callee, this, args, argc } => {
                let d = self.reg(*dst);
                let c = self.reg(*callee);
                let t = self.reg(*this);
                let a = self.reg(*args);
                let n = self.u32c(*argc);
                self.call_checked(Helper::rt_call, &[d, c, t, a, n]);
            }
            Inst::New { dst, callee, args, argc } => {
                let d = self.reg(*dst);
                let c = self.reg(*callee);
                let a = self.reg(*args);
                let n = self.u32c(*argc);
                self.call_checked(Helper::rt_new, &[d, c, a, n]);
            }
            Inst::CallArray { dst, callee, this, array } => {
                self.call_regs(Helper::rt_call_array, &[*dst, *callee, *this, *array])
            }
            Inst::NewArray { dst, callee, array } => {
                self.call_regs(Helper::rt_new_array_args, &[*dst, *callee, *array])
            }
            Inst::SuperCall { dst, array } => self.call_frame_regs(Helper::rt_super_call, &[*dst, *array]),
            Inst::SuperGet { dst, key } => self.call_frame_regs(Helper::rt_super_get, &[*dst, *key]),
            Inst::SuperSet { key, src } => self.call_frame_regs(Helper::rt_super_set, &[*key, *src]),
            Inst::Closure { dst, func, captures } => {
                let fr = self.frame();
                let d = self.reg(*dst);
                let tp = Rc::as_ptr(&self.templates[func.0 as usize]) as *const u8;
                let t = self.ptr_const(tp);
                let list: Box<[u32]> = captures
                    .iter()
                    .map(|c| match c {
                        Capture::Cell(i) => *i,
                        Capture::Env(i) => *i | abi::CAPTURE_ENV_BIT,
                    })
                    .collect();
                let lp = list.as_ptr() as *const u8;
                self.data.capture_lists.borrow_mut().push(list);
                let l = self.ptr_const(lp);
                let n = self.u32c(captures.len() as u32);
                self.call_checked(Helper::rt_closure, &[fr, d, t, l, n]);
            }
            Inst::LoadThis { dst } => self.call_frame_regs(Helper::rt_load_this, &[*dst]),
            Inst::LoadSpecial { dst, which, start } => {
                let fr = self.frame();
                let d = self.reg(*dst);
                let w = self.u32c(*which);
                let s = self.u32c(*start);
                self.call_checked(Helper::rt_load_special, &[fr, d, w, s]);
            }
            Inst::LoadArg { dst, index } => {
                let fr = self.frame();
                let d = self.reg(*dst);
                let i = self.u32c(*index);
                self.call_checked(Helper::rt_load_arg, &[fr, d, i]);
            }
            Inst::LoadHome { dst } => self.call_frame_regs(Helper::rt_load_home, &[*dst]),
            Inst::NewObject { dst } => self.call_regs(Helper::rt_new_object, &[*dst]),
            Inst::MakeArray { dst, elems, count } => {
                let d = self.reg(*dst);
                let e = self.reg(*elems);
                let n = self.u32c(*count);
                self.call_checked(Helper::rt_new_array, &[d, e, n]);
            }
            Inst::ArrayPush { array, src } => self.call_regs(Helper::rt_array_push, &[*array, *src]),
            Inst::ArraySpread { array, src } => self.call_regs(Helper::rt_array_spread, &[*array, *src]),
            Inst::DefineMethod { obj, key, func, kind } => {
                let o = self.reg(*obj);
                let k = self.reg(*key);
                let f = self.reg(*func);
                let kd = self.u32c(*kind);
                self.call_checked(Helper::rt_define_method, &[o, k, f, kd]);
            }
            Inst::ObjectSpread { obj, src } => self.call_regs(Helper::rt_object_spread, &[*obj, *src]),
            Inst::ObjectRest { dst, src, excluded } => self.call_regs(Helper::rt_object_rest, &[*dst, *src, *excluded]),
            Inst::RequireObject { src } => self.call_regs(Helper::rt_require_object, &[*src]),
            Inst::GetIterator { dst, src, kind } => {
                let d = self.reg(*dst);
                let s = self.reg(*src);
                let k = self.u32c(*kind);
                self.call_checked(Helper::rt_get_iterator, &[d, s, k]);
            }
            Inst::IterNext { dst, iter, done } => {
                self.store_pos();
                let d = self.reg(*dst);
                let it = self.reg(*iter);
                let status = self.call(Helper::rt_iter_next, &[d, it]);
                let cont = self.b.create_block();
                let not_ok = self.b.create_block();
                self.b.ins().brif(status, not_ok, &[], cont, &[]);
                self.b.switch_to_block(not_ok);
                let is_done = self.b.ins().icmp_imm_u(IntCC::Equal, status, abi::STATUS_DONE as i64);
                let done_blk = self.blocks[done.0 as usize];
                let exc = self.exc_target();
                self.b.ins().brif(is_done, done_blk, &[], exc, &[]);
                self.b.switch_to_block(cont);
            }
            Inst::IterClose { iter, keep_pending } => {
                let it = self.reg(*iter);
                let k = self.u32c(*keep_pending as u32);
                self.call_checked(Helper::rt_iter_close, &[it, k]);
            }
            Inst::MakeClass { ctor, parent, proto_dst } => {
                self.call_regs(Helper::rt_make_class, &[*ctor, *parent, *proto_dst])
            }
            Inst::SetFields { ctor, init } => self.call_regs(Helper::rt_set_fields, &[*ctor, *init]),
            Inst::SetHome { func, home } => self.call_regs(Helper::rt_set_home, &[*func, *home]),
            Inst::PrivateName { dst, desc } => {
                let d = self.reg(*dst);
                let c = self.const_ptr(*desc);
                self.call_checked(Helper::rt_private_name, &[d, c]);
            }
            Inst::DefinePrivate { obj, key, src } => self.call_regs(Helper::rt_define_private, &[*obj, *key, *src]),
            Inst::LoadSite { dst, site, miss } => {
                let d = self.reg(*dst);
                let p = &self.data.sites[site.0 as usize] as *const SiteCache as *const u8;
                let sp = self.ptr_const(p);
                let status = self.call(Helper::rt_load_site, &[d, sp]);
                let hit = self.b.create_block();
                let miss_blk = self.blocks[miss.0 as usize];
                self.b.ins().brif(status, miss_blk, &[], hit, &[]);
                self.b.switch_to_block(hit);
            }
            Inst::StoreSite { site, src } => {
                let p = &self.data.sites[site.0 as usize] as *const SiteCache as *const u8;
                let sp = self.ptr_const(p);
                let s = self.reg(*src);
                self.call(Helper::rt_store_site, &[sp, s]);
            }
            Inst::RegExp { dst, pattern, flags } => {
                let d = self.reg(*dst);
                let p = self.const_ptr(*pattern);
                let f = self.const_ptr(*flags);
                self.call_checked(Helper::rt_regexp, &[d, p, f]);
            }
        }
        Ok(())
    }

    /// Calls a helper that always throws (with a constant argument) and goes to the handler.
    fn throw_with(&mut self, h: Helper, c: ir::ConstId) {
        self.store_pos();
        let p = self.const_ptr(c);
        self.call(h, &[p]);
        let exc = self.exc_target();
        self.b.ins().jump(exc, &[]);
        self.terminated = true;
    }

    fn check_args(&mut self, check: Option<ir::ConstId>) -> (CValue, CValue) {
        match check {
            Some(c) => {
                let one = self.u32c(1);
                let p = self.const_ptr(c);
                (one, p)
            }
            None => {
                let zero = self.u32c(0);
                let p = self.ptr_const(std::ptr::null());
                (zero, p)
            }
        }
    }

    /// The inline half of a cached property access: branches to `hit` with the slot's address when
    /// `o` holds an object whose cell is unborrowed and mirrors the shape at `shape_off` of the IC
    /// (see `objcell.rs` and `ic.rs`), to `miss` otherwise. Returns the slot index (i64).
    /// The own-slot half of a cached access: when `o` holds an object whose cell is unborrowed and
    /// mirrors one of the shapes the IC keeps (`ways`: offsets of shape and slot words), continues
    /// with that slot's address; jumps to `not_obj` for a non-object and to `miss` otherwise.
    /// Returns the slot address, the slot index (i64) and the cell.
    fn emit_shape_check(
        &mut self,
        o: CValue,
        icp: CValue,
        ways: &[(i32, i32)],
        not_obj: Block,
        miss: Block,
    ) -> (CValue, CValue, CValue) {
        let flags = MemFlagsData::trusted();
        let t = self.tag_of(o);
        let is_obj = self.b.ins().icmp_imm_u(IntCC::Equal, t, tag::OBJECT as i64);
        let chk = self.b.create_block();
        self.b.ins().brif(is_obj, chk, &[], not_obj, &[]);
        self.b.switch_to_block(chk);
        let cell = self.b.ins().load(types::I64, flags, o, abi::VALUE_PAYLOAD);
        let hit = self.b.create_block();
        let slot = self.b.append_block_param(hit, types::I64);
        for &(shape_off, slot_off) in ways {
            let ok = self.cell_matches(cell, icp, shape_off);
            let this_way = self.b.create_block();
            let next = self.b.create_block();
            self.b.ins().brif(ok, this_way, &[], next, &[]);
            self.b.switch_to_block(this_way);
            let s = self.b.ins().load(types::I64, flags, icp, slot_off);
            self.b.ins().jump(hit, &[BlockArg::Value(s)]);
            self.b.switch_to_block(next);
        }
        self.b.ins().jump(miss, &[]);
        self.b.switch_to_block(hit);
        let addr = self.slot_addr(cell, slot);
        (addr, slot, cell)
    }

    /// Whether the object cell `cell` is unborrowed and mirrors the shape the IC keeps at
    /// `shape_off` (an i8 truth value).
    fn cell_matches(&mut self, cell: CValue, icp: CValue, shape_off: i32) -> CValue {
        let flags = MemFlagsData::trusted();
        let borrow = self.b.ins().load(types::I64, flags, cell, abi::CELL_BORROW);
        let shape = self.b.ins().load(types::I64, flags, cell, abi::CELL_SHAPE);
        let want = self.b.ins().load(types::I64, flags, icp, shape_off);
        let same = self.b.ins().icmp(IntCC::Equal, shape, want);
        let free = self.b.ins().icmp_imm_u(IntCC::Equal, borrow, 0);
        self.b.ins().band(same, free)
    }

    /// The address of slot `slot` (i64) of the object in `cell`.
    fn slot_addr(&mut self, cell: CValue, slot: CValue) -> CValue {
        let base = self.b.ins().load(types::I64, MemFlagsData::trusted(), cell, abi::CELL_SLOTS);
        let off = self.b.ins().ishl_imm_u(slot, 4);
        self.b.ins().iadd(base, off)
    }

    /// The prototype half of an inline load, entered when the own-slot check missed on the object
    /// in `cell`: the IC's prototype entry matches when the receiver has its shape and prototype,
    /// no prototype changed since (the epoch) and the holder is unborrowed. Copies into `d` and
    /// jumps to `done`, or jumps to `slow`.
    fn emit_proto_load(&mut self, d: CValue, cell: CValue, icp: CValue, ic: ir::IcId, slow: Block, done: Block) {
        let flags = MemFlagsData::trusted();
        let ok = self.cell_matches(cell, icp, abi::IC_PROTO_SHAPE);
        let proto = self.b.ins().load(types::I64, flags, cell, abi::CELL_PROTO);
        let want = self.b.ins().load(types::I64, flags, icp, abi::IC_PROTO_CELL);
        let same_proto = self.b.ins().icmp(IntCC::Equal, proto, want);
        let ok = self.b.ins().band(ok, same_proto);
        let epoch_blk = self.b.create_block();
        self.b.ins().brif(ok, epoch_blk, &[], slow, &[]);
        self.b.switch_to_block(epoch_blk);
        let at = self.b.ins().load(types::I64, flags, icp, abi::IC_PROTO_EPOCH_AT);
        let now = self.b.ins().load(types::I64, flags, at, 0);
        let then = self.b.ins().load(types::I64, flags, icp, abi::IC_PROTO_EPOCH);
        let same_epoch = self.b.ins().icmp(IntCC::Equal, now, then);
        let holder_blk = self.b.create_block();
        self.b.ins().brif(same_epoch, holder_blk, &[], slow, &[]);
        self.b.switch_to_block(holder_blk);
        let holder_ptr = self.data.ics[ic.0 as usize].proto_holder();
        let hv = self.ptr_const(holder_ptr as *const u8);
        let hcell = self.b.ins().load(types::I64, flags, hv, abi::VALUE_PAYLOAD);
        let hborrow = self.b.ins().load(types::I64, flags, hcell, abi::CELL_BORROW);
        let hfree = self.b.ins().icmp_imm_u(IntCC::Equal, hborrow, 0);
        let read_blk = self.b.create_block();
        self.b.ins().brif(hfree, read_blk, &[], slow, &[]);
        self.b.switch_to_block(read_blk);
        let slot = self.b.ins().load(types::I64, flags, icp, abi::IC_PROTO_SLOT);
        let addr = self.slot_addr(hcell, slot);
        self.copy_if_plain(d, addr, done);
        let slot32 = self.b.ins().ireduce(types::I32, slot);
        self.call(Helper::rt_load_slot, &[d, hv, slot32]);
        self.b.ins().jump(done, &[]);
    }

    /// When neither the value at `to` nor the one at `from` is counted, copies it and jumps to
    /// `done`; otherwise continues in a new block, where the caller moves it by a helper.
    fn copy_if_plain(&mut self, to: CValue, from: CValue, done: Block) {
        let t_to = self.tag_of(to);
        let t_from = self.tag_of(from);
        let either = self.b.ins().bor(t_to, t_from);
        let plain = self.is_not_heap(either);
        let copy = self.b.create_block();
        let counted = self.b.create_block();
        self.b.ins().brif(plain, copy, &[], counted, &[]);
        self.b.switch_to_block(copy);
        self.copy_value(to, from);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(counted);
    }

    /// Copies 16 bytes of value from `src` to `dst` (both addresses).
    fn copy_value(&mut self, dst: CValue, src: CValue) {
        let w0 = self.b.ins().load(types::I64, MemFlagsData::trusted(), src, 0);
        let w1 = self.b.ins().load(types::I64, MemFlagsData::trusted(), src, 8);
        self.b.ins().store(MemFlagsData::trusted(), w0, dst, 0);
        self.b.ins().store(MemFlagsData::trusted(), w1, dst, 8);
    }

    /// `dst = obj.key` (`Some(dst)`) or `obj.key = src`: inline when the site's cache knows the
    /// receiver's shape and neither the slot's old value nor the new one is counted; one small
    /// helper moves the value through the same slot when one is; the generic helper on a miss.
    fn emit_prop(&mut self, obj: Reg, key: ir::ConstId, ic: ir::IcId, access: PropAccess) {
        self.store_pos();
        let o = self.reg(obj);
        let icp = self.ic_ptr(ic);
        let slow = self.b.create_block();
        let done = self.b.create_block();
        let ways: &[(i32, i32)] = match access {
            PropAccess::Load(_) => &[(abi::IC_GET_SHAPE, abi::IC_GET_SLOT), (abi::IC_GET_SHAPE2, abi::IC_GET_SLOT2)],
            PropAccess::Store(_) => &[(abi::IC_SET_SHAPE, abi::IC_SET_SLOT)],
        };
        let other = match access {
            PropAccess::Load(r) | PropAccess::Store(r) => self.reg(r),
        };
        let proto_blk = self.b.create_block();
        let miss = match access {
            PropAccess::Load(_) => proto_blk,
            PropAccess::Store(_) => slow,
        };
        let (addr, slot, cell) = self.emit_shape_check(o, icp, ways, slow, miss);
        let (to, from) = match access {
            PropAccess::Load(_) => (other, addr),
            PropAccess::Store(_) => (addr, other),
        };
        self.copy_if_plain(to, from, done);
        let slot32 = self.b.ins().ireduce(types::I32, slot);
        match access {
            PropAccess::Load(_) => self.call(Helper::rt_load_slot, &[other, o, slot32]),
            PropAccess::Store(_) => self.call(Helper::rt_store_slot, &[o, slot32, other]),
        };
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(proto_blk);
        match access {
            PropAccess::Load(_) => self.emit_proto_load(other, cell, icp, ic, slow, done),
            // Unused for stores: it only returns to the slow path.
            PropAccess::Store(_) => {
                self.b.ins().jump(slow, &[]);
            }
        }
        self.b.switch_to_block(slow);
        let k = self.const_ptr(key);
        match access {
            PropAccess::Load(_) => self.call_checked(Helper::rt_get_prop, &[other, o, k, icp]),
            PropAccess::Store(_) => {
                let fr = self.frame();
                self.call_checked(Helper::rt_set_prop, &[fr, o, k, other, icp])
            }
        }
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
    }

    /// `dst = obj[key]`: inline when `obj` is an unborrowed array, `key` a number that is an
    /// in-bounds index and the element is not a hole; the generic helper otherwise.
    fn emit_get_elem(&mut self, dst: Reg, obj: Reg, key: Reg) {
        let flags = MemFlagsData::trusted();
        self.store_pos();
        let d = self.reg(dst);
        let o = self.reg(obj);
        let k = self.reg(key);
        let slow = self.b.create_block();
        let done = self.b.create_block();
        let to = self.tag_of(o);
        let tk = self.tag_of(k);
        let is_obj = self.b.ins().icmp_imm_u(IntCC::Equal, to, tag::OBJECT as i64);
        let is_num = self.b.ins().icmp_imm_u(IntCC::Equal, tk, tag::NUMBER as i64);
        let both = self.b.ins().band(is_obj, is_num);
        let chk = self.b.create_block();
        self.b.ins().brif(both, chk, &[], slow, &[]);
        self.b.switch_to_block(chk);
        let cell = self.b.ins().load(types::I64, flags, o, abi::VALUE_PAYLOAD);
        let borrow = self.b.ins().load(types::I64, flags, cell, abi::CELL_BORROW);
        let len = self.b.ins().load(types::I64, flags, cell, abi::CELL_ELEMS_LEN);
        let n = self.number_of(k);
        let i = self.b.ins().fcvt_to_sint_sat(types::I64, n);
        let back = self.b.ins().fcvt_from_sint(types::F64, i);
        let exact = self.b.ins().fcmp(FloatCC::Equal, back, n);
        let inb = self.b.ins().icmp(IntCC::UnsignedLessThan, i, len);
        let free = self.b.ins().icmp_imm_u(IntCC::Equal, borrow, 0);
        let ok = self.b.ins().band(exact, inb);
        let ok = self.b.ins().band(ok, free);
        let hit = self.b.create_block();
        self.b.ins().brif(ok, hit, &[], slow, &[]);
        self.b.switch_to_block(hit);
        let base = self.b.ins().load(types::I64, flags, cell, abi::CELL_ELEMS);
        let off = self.b.ins().ishl_imm_u(i, 4);
        let addr = self.b.ins().iadd(base, off);
        let tv = self.tag_of(addr);
        let hole = self.b.ins().icmp_imm_u(IntCC::Equal, tv, tag::HOLE as i64);
        let present = self.b.create_block();
        self.b.ins().brif(hole, slow, &[], present, &[]);
        self.b.switch_to_block(present);
        self.copy_if_plain(d, addr, done);
        let i32v = self.b.ins().ireduce(types::I32, i);
        self.call(Helper::rt_load_elem, &[d, o, i32v]);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(slow);
        self.call_regs(Helper::rt_get_elem, &[dst, obj, key]);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
    }

    fn emit_move(&mut self, dst: Reg, src: Reg) {
        let d = self.reg(dst);
        let s = self.reg(src);
        let td = self.tag_of(d);
        let ts = self.tag_of(s);
        let okd = self.is_not_heap(td);
        let oks = self.is_not_heap(ts);
        let ok = self.b.ins().band(okd, oks);
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(ok, fast, &[], slow, &[]);
        self.b.switch_to_block(fast);
        let w0 = self.b.ins().load(types::I64, MemFlagsData::trusted(), s, 0);
        let w1 = self.b.ins().load(types::I64, MemFlagsData::trusted(), s, 8);
        self.b.ins().store(MemFlagsData::trusted(), w0, d, 0);
        self.b.ins().store(MemFlagsData::trusted(), w1, d, 8);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(slow);
        self.call(Helper::rt_move, &[d, s]);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
    }

    fn emit_branch(&mut self, cond: Reg, t: Block, f: Block) {
        let c = self.reg(cond);
        let tg = self.tag_of(c);
        let is_bool = self.b.ins().icmp_imm_u(IntCC::Equal, tg, tag::BOOL as i64);
        let bool_blk = self.b.create_block();
        let not_bool = self.b.create_block();
        self.b.ins().brif(is_bool, bool_blk, &[], not_bool, &[]);
        self.b.switch_to_block(bool_blk);
        let byte = self.b.ins().uload8(types::I32, MemFlagsData::trusted(), c, abi::VALUE_PAYLOAD);
        self.b.ins().brif(byte, t, &[], f, &[]);
        self.b.switch_to_block(not_bool);
        let is_num = self.b.ins().icmp_imm_u(IntCC::Equal, tg, tag::NUMBER as i64);
        let num_blk = self.b.create_block();
        let other = self.b.create_block();
        self.b.ins().brif(is_num, num_blk, &[], other, &[]);
        self.b.switch_to_block(num_blk);
        let n = self.number_of(c);
        let zero = self.b.ins().f64const(0.0);
        let nz = self.b.ins().fcmp(FloatCC::OrderedNotEqual, n, zero);
        self.b.ins().brif(nz, t, &[], f, &[]);
        self.b.switch_to_block(other);
        let r = self.call(Helper::rt_truthy, &[c]);
        self.b.ins().brif(r, t, &[], f, &[]);
    }

    fn emit_binary(&mut self, op: BinOp, dst: Reg, a: Reg, b: Reg) {
        let code = match op {
            BinOp::Add => abi::binop::ADD,
            BinOp::Sub => 0,
            BinOp::Mul => 1,
            BinOp::Div => 2,
            BinOp::Rem => 3,
            BinOp::Exp => 4,
            BinOp::Shl => 5,
            BinOp::Shr => 6,
            BinOp::UShr => 7,
            BinOp::BitAnd => 8,
            BinOp::BitOr => 9,
            BinOp::BitXor => 10,
            BinOp::StrictEq => abi::binop::STRICT_EQ,
            BinOp::StrictNe => abi::binop::STRICT_NE,
            BinOp::LooseEq => abi::binop::LOOSE_EQ,
            BinOp::LooseNe => abi::binop::LOOSE_NE,
            BinOp::Lt => abi::binop::LT,
            BinOp::Le => abi::binop::LE,
            BinOp::Gt => abi::binop::GT,
            BinOp::Ge => abi::binop::GE,
            BinOp::InstanceOf => abi::binop::INSTANCEOF,
            BinOp::In => abi::binop::IN,
        };
        let inline = matches!(
            op,
            BinOp::Add
                | BinOp::Sub
                | BinOp::Mul
                | BinOp::Div
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::StrictEq
                | BinOp::StrictNe
                | BinOp::LooseEq
                | BinOp::LooseNe
                | BinOp::BitAnd
                | BinOp::BitOr
                | BinOp::BitXor
                | BinOp::Shl
                | BinOp::Shr
                | BinOp::Rem
        );
        let d = self.reg(dst);
        let ar = self.reg(a);
        let br = self.reg(b);
        if !inline {
            let c = self.u32c(code);
            self.call_checked(Helper::rt_binary, &[c, d, ar, br]);
            return;
        }
        let ta = self.tag_of(ar);
        let tb = self.tag_of(br);
        let td = self.tag_of(d);
        let na = self.b.ins().icmp_imm_u(IntCC::Equal, ta, tag::NUMBER as i64);
        let nb = self.b.ins().icmp_imm_u(IntCC::Equal, tb, tag::NUMBER as i64);
        let nd = self.is_not_heap(td);
        let both = self.b.ins().band(na, nb);
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let done = self.b.create_block();
        let clear = self.b.create_block();
        let numbers = self.b.create_block();
        self.b.ins().brif(both, numbers, &[], slow, &[]);
        // Both operands are numbers; a counted value left in `dst` (a reused temporary, never
        // `a` or `b` here) is released first so the result can be stored inline.
        self.b.switch_to_block(numbers);
        self.b.ins().brif(nd, fast, &[], clear, &[]);
        self.b.switch_to_block(clear);
        let undef = self.u32c(Simple::Undefined as u32);
        self.call(Helper::rt_set_simple, &[d, undef]);
        self.b.ins().jump(fast, &[]);
        self.b.switch_to_block(fast);
        let x = self.number_of(ar);
        let y = self.number_of(br);
        let num = |g: &mut Self, v: CValue| {
            let tg = g.b.ins().iconst(types::I8, tag::NUMBER as i64);
            g.b.ins().store(MemFlagsData::trusted(), tg, d, 0);
            g.b.ins().store(MemFlagsData::trusted(), v, d, abi::VALUE_PAYLOAD);
        };
        let boolean = |g: &mut Self, v: CValue| {
            let tg = g.b.ins().iconst(types::I8, tag::BOOL as i64);
            g.b.ins().store(MemFlagsData::trusted(), tg, d, 0);
            let byte = g.b.ins().ireduce(types::I8, v);
            g.b.ins().store(MemFlagsData::trusted(), byte, d, abi::VALUE_PAYLOAD);
        };
        match op {
            BinOp::Add => {
                let r = self.b.ins().fadd(x, y);
                num(self, r)
            }
            BinOp::Sub => {
                let r = self.b.ins().fsub(x, y);
                num(self, r)
            }
            BinOp::Mul => {
                let r = self.b.ins().fmul(x, y);
                num(self, r)
            }
            BinOp::Div => {
                let r = self.b.ins().fdiv(x, y);
                num(self, r)
            }
            BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge
            | BinOp::StrictEq
            | BinOp::StrictNe
            | BinOp::LooseEq
            | BinOp::LooseNe => {
                let cc = match op {
                    BinOp::Lt => FloatCC::LessThan,
                    BinOp::Le => FloatCC::LessThanOrEqual,
                    BinOp::Gt => FloatCC::GreaterThan,
                    BinOp::Ge => FloatCC::GreaterThanOrEqual,
                    BinOp::StrictEq | BinOp::LooseEq => FloatCC::Equal,
                    _ => FloatCC::NotEqual,
                };
                let r = self.b.ins().fcmp(cc, x, y);
                let r32 = self.b.ins().uextend(types::I32, r);
                boolean(self, r32)
            }
            BinOp::Rem => {
                // Non-negative int32 dividend and positive int32 divisor: an integer remainder.
                let xi = self.b.ins().fcvt_to_sint_sat(types::I32, x);
                let yi = self.b.ins().fcvt_to_sint_sat(types::I32, y);
                let xb = self.b.ins().fcvt_from_sint(types::F64, xi);
                let yb = self.b.ins().fcvt_from_sint(types::F64, yi);
                let ex = self.b.ins().fcmp(FloatCC::Equal, xb, x);
                let ey = self.b.ins().fcmp(FloatCC::Equal, yb, y);
                let xpos = self.b.ins().icmp_imm_u(IntCC::SignedGreaterThanOrEqual, xi, 0);
                let ypos = self.b.ins().icmp_imm_u(IntCC::SignedGreaterThan, yi, 0);
                let a1 = self.b.ins().band(ex, ey);
                let a2 = self.b.ins().band(xpos, ypos);
                let ok = self.b.ins().band(a1, a2);
                let int_blk = self.b.create_block();
                self.b.ins().brif(ok, int_blk, &[], slow, &[]);
                self.b.switch_to_block(int_blk);
                let r = self.b.ins().urem(xi, yi);
                let rf = self.b.ins().fcvt_from_sint(types::F64, r);
                num(self, rf)
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl | BinOp::Shr => {
                // Only when both are exact int32 values (the common case); else the helper.
                let xi = self.b.ins().fcvt_to_sint_sat(types::I32, x);
                let yi = self.b.ins().fcvt_to_sint_sat(types::I32, y);
                let xb = self.b.ins().fcvt_from_sint(types::F64, xi);
                let yb = self.b.ins().fcvt_from_sint(types::F64, yi);
                let ex = self.b.ins().fcmp(FloatCC::Equal, xb, x);
                let ey = self.b.ins().fcmp(FloatCC::Equal, yb, y);
                let exact = self.b.ins().band(ex, ey);
                let int_blk = self.b.create_block();
                self.b.ins().brif(exact, int_blk, &[], slow, &[]);
                self.b.switch_to_block(int_blk);
                let r = match op {
                    BinOp::BitAnd => self.b.ins().band(xi, yi),
                    BinOp::BitOr => self.b.ins().bor(xi, yi),
                    BinOp::BitXor => self.b.ins().bxor(xi, yi),
                    BinOp::Shl => {
                        let s = self.b.ins().band_imm_u(yi, 31);
                        self.b.ins().ishl(xi, s)
                    }
                    _ => {
                        let s = self.b.ins().band_imm_u(yi, 31);
                        self.b.ins().sshr(xi, s)
                    }
                };
                let rf = self.b.ins().fcvt_from_sint(types::F64, r);
                num(self, rf)
            }
            _ => {}
        }
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(slow);
        let c = self.u32c(code);
        if op == BinOp::Add {
            self.call_checked(Helper::rt_add, &[d, ar, br]);
        } else {
            self.call_checked(Helper::rt_binary, &[c, d, ar, br]);
        }
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
    }
}
