//! Making objects, arrays and classes; spreads and rests; iteration; regular expressions.

use super::Gen;
use crate::ir::Inst;
use cranelift_codegen::ir::InstBuilder;
use cranelift_codegen::ir::condcodes::IntCC;
use pipy_value::abi::{self, Helper};

impl Gen<'_, '_> {
    /// Emits an object instruction.
    pub(super) fn object_inst(&mut self, inst: &Inst) -> Result<(), String> {
        match inst {
            Inst::NewObject { dst } => self.call_regs(Helper::rt_new_object, &[*dst]),
            Inst::MakeArray { dst, elems, count } => {
                let d = self.reg(*dst);
                let e = self.reg(*elems);
                let n = self.u32c(*count);
                self.call_checked(Helper::rt_new_array, &[d, e, n]);
            }
            Inst::ArrayPush { array, src } => self.call_regs(Helper::rt_array_push, &[*array, *src]),
            Inst::ArraySpread { array, src } => self.call_regs(Helper::rt_array_spread, &[*array, *src]),
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
            Inst::RegExp { dst, pattern, flags } => {
                let d = self.reg(*dst);
                let p = self.const_ptr(*pattern);
                let f = self.const_ptr(*flags);
                self.call_checked(Helper::rt_regexp, &[d, p, f]);
            }
            other => return Err(format!("not an object instruction: {other:?}")),
        }
        Ok(())
    }
}
