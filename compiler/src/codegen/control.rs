//! Control flow: jumps and branches (inline truthiness), returns, throws and the TDZ check.

use super::Gen;
use crate::ir::{self, Inst, Reg};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{Block, InstBuilder, MemFlagsData, types};
use pipy_value::abi::{self, Helper};
use pipy_value::value::tag;

impl Gen<'_, '_> {
    /// Emits a control instruction.
    pub(super) fn control_inst(&mut self, inst: &Inst) -> Result<(), String> {
        match inst {
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
                let fr = self.frame();
                let s = self.reg(*src);
                let res = self.b.ins().iadd_imm_s(fr, abi::FRAME_RESULT as i64);
                self.move_or_call(res, s, |g| {
                    g.call(Helper::rt_set_result, &[fr, s]);
                });
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
            other => return Err(format!("not a control instruction: {other:?}")),
        }
        Ok(())
    }

    /// Calls a helper that always throws (with a constant argument) and goes to the handler.
    pub(super) fn throw_with(&mut self, h: Helper, c: ir::ConstId) {
        self.store_pos();
        let p = self.const_ptr(c);
        self.call(h, &[p]);
        let exc = self.exc_target();
        self.b.ins().jump(exc, &[]);
        self.terminated = true;
    }

    pub(super) fn emit_branch(&mut self, cond: Reg, t: Block, f: Block) {
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
}
