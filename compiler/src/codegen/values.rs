//! Values into registers: moves, number and simple constants, pooled constants; and the one way a
//! 16-byte value is moved or stored inline (`move_or_call*`, `store_or_call`): copied when no
//! reference count is involved, through a helper when the old or the new value is counted.

use super::Gen;
use crate::ir::{Inst, Reg, Simple};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{Block, InstBuilder, MemFlagsData, Value as CValue, types};
use pipy_value::abi::{self, Helper};
use pipy_value::value::tag;

impl Gen<'_, '_> {
    /// Emits a value instruction.
    pub(super) fn value_inst(&mut self, inst: &Inst) -> Result<(), String> {
        match inst {
            Inst::Move { dst, src } => {
                if dst != src {
                    self.emit_move(*dst, *src);
                }
            }
            Inst::Number { dst, value } => {
                let d = self.reg(*dst);
                let value = *value;
                self.store_or_call(
                    d,
                    |g| {
                        let v = g.b.ins().f64const(value);
                        g.store_tagged(d, tag::NUMBER, Some(v));
                    },
                    |g| {
                        let v = g.b.ins().f64const(value);
                        g.call(Helper::rt_set_number, &[d, v]);
                    },
                );
            }
            Inst::Simple { dst, value } => {
                let d = self.reg(*dst);
                let (tg, payload) = match value {
                    Simple::Undefined => (tag::UNDEFINED, None),
                    Simple::Null => (tag::NULL, None),
                    Simple::False => (tag::BOOL, Some(0)),
                    Simple::True => (tag::BOOL, Some(1)),
                    Simple::Hole => (tag::HOLE, None),
                };
                let code = *value as u32;
                self.store_or_call(
                    d,
                    |g| {
                        let p = payload.map(|p| g.b.ins().iconst(types::I8, p));
                        g.store_tagged(d, tg, p);
                    },
                    |g| {
                        let w = g.u32c(code);
                        g.call(Helper::rt_set_simple, &[d, w]);
                    },
                );
            }
            Inst::Const { dst, c } => {
                let d = self.reg(*dst);
                let p = self.const_ptr(*c);
                self.call(Helper::rt_load_const, &[d, p]);
            }
            other => return Err(format!("not a value instruction: {other:?}")),
        }
        Ok(())
    }

    pub(super) fn tag_of(&mut self, addr: CValue) -> CValue {
        self.b.ins().uload8(types::I32, MemFlagsData::trusted(), addr, 0)
    }

    pub(super) fn number_of(&mut self, addr: CValue) -> CValue {
        self.b.ins().load(types::F64, MemFlagsData::trusted(), addr, abi::VALUE_PAYLOAD)
    }

    pub(super) fn is_not_heap(&mut self, t: CValue) -> CValue {
        self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, t, tag::FIRST_HEAP as i64)
    }

    /// Copies 16 bytes of value from `src` to `dst` (both addresses).
    pub(super) fn copy_value(&mut self, dst: CValue, src: CValue) {
        let w0 = self.b.ins().load(types::I64, MemFlagsData::trusted(), src, 0);
        let w1 = self.b.ins().load(types::I64, MemFlagsData::trusted(), src, 8);
        self.b.ins().store(MemFlagsData::trusted(), w0, dst, 0);
        self.b.ins().store(MemFlagsData::trusted(), w1, dst, 8);
    }

    /// Writes a value that is not counted (its tag and, for numbers and booleans, its payload)
    /// at `to`, over a value that is not counted either.
    pub(super) fn store_tagged(&mut self, to: CValue, tag: u8, payload: Option<CValue>) {
        let t = self.b.ins().iconst(types::I8, tag as i64);
        self.b.ins().store(MemFlagsData::trusted(), t, to, 0);
        if let Some(p) = payload {
            self.b.ins().store(MemFlagsData::trusted(), p, to, abi::VALUE_PAYLOAD);
        }
    }

    /// Moves the value at `from` into `to`, then goes to `done`. When neither the old value at
    /// `to` nor the one at `from` is counted (a string, a symbol or an object), the 16 bytes are
    /// copied inline; otherwise `counted` emits the helper call that moves it with reference
    /// counting.
    pub(super) fn move_or_call_into(&mut self, to: CValue, from: CValue, done: Block, counted: impl FnOnce(&mut Self)) {
        if !self.inline {
            counted(self);
            self.b.ins().jump(done, &[]);
            return;
        }
        // Both tags below the first counted one: their bitwise or is too, except for a hole
        // (tag 4) with a null, boolean or number, which takes the helper (correct, rarely met).
        let t_to = self.tag_of(to);
        let t_from = self.tag_of(from);
        let either = self.b.ins().bor(t_to, t_from);
        let plain = self.is_not_heap(either);
        let copy = self.b.create_block();
        let slow = self.b.create_block();
        self.b.ins().brif(plain, copy, &[], slow, &[]);
        self.b.switch_to_block(copy);
        self.copy_value(to, from);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(slow);
        counted(self);
        self.b.ins().jump(done, &[]);
    }

    /// `move_or_call_into`, continuing after the move.
    pub(super) fn move_or_call(&mut self, to: CValue, from: CValue, counted: impl FnOnce(&mut Self)) {
        let done = self.b.create_block();
        self.move_or_call_into(to, from, done, counted);
        self.b.switch_to_block(done);
    }

    /// Stores a value that is not counted into `to`: inline (`store`) when the value there now is
    /// not counted either, else through the helper call `counted` emits (it releases the old one).
    pub(super) fn store_or_call(&mut self, to: CValue, store: impl FnOnce(&mut Self), counted: impl FnOnce(&mut Self)) {
        if !self.inline {
            counted(self);
            return;
        }
        let t = self.tag_of(to);
        let plain = self.is_not_heap(t);
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(plain, fast, &[], slow, &[]);
        self.b.switch_to_block(fast);
        store(self);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(slow);
        counted(self);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
    }

    /// `dst = src` between registers.
    pub(super) fn emit_move(&mut self, dst: Reg, src: Reg) {
        let d = self.reg(dst);
        let s = self.reg(src);
        self.move_or_call(d, s, |g| {
            g.call(Helper::rt_move, &[d, s]);
        });
    }
}
