//! Unary and binary operators: inline number arithmetic, comparisons and int32 bit operations;
//! everything else through `rt_unary`/`rt_binary`/`rt_add`.

use super::Gen;
use crate::ir::{BinOp, Inst, Reg, Simple, UnOp};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{InstBuilder, Value as CValue, types};
use pipy_value::abi::{self, Helper};
use pipy_value::value::tag;

impl Gen<'_, '_> {
    /// Emits an operator instruction.
    pub(super) fn operator_inst(&mut self, inst: &Inst) -> Result<(), String> {
        match inst {
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
            other => return Err(format!("not an operator instruction: {other:?}")),
        }
        Ok(())
    }

    pub(super) fn emit_binary(&mut self, op: BinOp, dst: Reg, a: Reg, b: Reg) {
        let code = match op {
            BinOp::Add => abi::binop::ADD,
            BinOp::Sub => abi::binop::SUB,
            BinOp::Mul => abi::binop::MUL,
            BinOp::Div => abi::binop::DIV,
            BinOp::Rem => abi::binop::REM,
            BinOp::Exp => abi::binop::EXP,
            BinOp::Shl => abi::binop::SHL,
            BinOp::Shr => abi::binop::SHR,
            BinOp::UShr => abi::binop::USHR,
            BinOp::BitAnd => abi::binop::BIT_AND,
            BinOp::BitOr => abi::binop::BIT_OR,
            BinOp::BitXor => abi::binop::BIT_XOR,
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
        let inline = self.inline
            && matches!(
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
            if op == BinOp::Add {
                self.call_checked(Helper::rt_add, &[d, ar, br]);
            } else {
                let c = self.u32c(code);
                self.call_checked(Helper::rt_binary, &[c, d, ar, br]);
            }
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
        let num = |g: &mut Self, v: CValue| g.store_tagged(d, tag::NUMBER, Some(v));
        let boolean = |g: &mut Self, v: CValue| {
            let byte = g.b.ins().ireduce(types::I8, v);
            g.store_tagged(d, tag::BOOL, Some(byte));
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
