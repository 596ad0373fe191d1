//! Property and element access: shape-cached loads and stores inline (the object cell and the
//! inline cache layouts of `pipy_value::abi`), array elements inline, `super` and private names
//! through helpers.

use super::{Gen, PropAccess};
use crate::ir::{self, Inst, Reg};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, MemFlagsData, Value as CValue, types};
use pipy_value::abi::{self, Helper};
use pipy_value::value::tag;

impl Gen<'_, '_> {
    /// Emits a property instruction.
    pub(super) fn property_inst(&mut self, inst: &Inst) -> Result<(), String> {
        match inst {
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
            Inst::SuperGet { dst, key } => self.call_frame_regs(Helper::rt_super_get, &[*dst, *key]),
            Inst::SuperSet { key, src } => self.call_frame_regs(Helper::rt_super_set, &[*key, *src]),
            Inst::SuperGetIn { dst, key, home, this } => {
                self.call_regs(Helper::rt_super_get_in, &[*dst, *key, *home, *this])
            }
            Inst::SuperSetIn { key, src, home, this } => {
                self.call_regs(Helper::rt_super_set_in, &[*key, *src, *home, *this])
            }
            Inst::DefineMethod { obj, key, func, kind } => {
                let o = self.reg(*obj);
                let k = self.reg(*key);
                let f = self.reg(*func);
                let kd = self.u32c(*kind);
                self.call_checked(Helper::rt_define_method, &[o, k, f, kd]);
            }
            Inst::PrivateName { dst, desc } => {
                let d = self.reg(*dst);
                let c = self.const_ptr(*desc);
                self.call_checked(Helper::rt_private_name, &[d, c]);
            }
            Inst::DefinePrivate { obj, key, src } => self.call_regs(Helper::rt_define_private, &[*obj, *key, *src]),
            other => return Err(format!("not a property instruction: {other:?}")),
        }
        Ok(())
    }

    /// The own-slot half of a cached access: when `o` holds an object whose cell is unborrowed and
    /// mirrors one of the shapes the IC keeps (`ways`: offsets of shape and slot words), continues
    /// with that slot's address; jumps to `not_obj` for a non-object and to `miss` otherwise.
    /// Returns the slot address, the slot index (i64) and the cell.
    pub(super) fn emit_shape_check(
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
    pub(super) fn cell_matches(&mut self, cell: CValue, icp: CValue, shape_off: i32) -> CValue {
        let flags = MemFlagsData::trusted();
        let borrow = self.b.ins().load(types::I64, flags, cell, abi::CELL_BORROW);
        let shape = self.b.ins().load(types::I64, flags, cell, abi::CELL_SHAPE);
        let want = self.b.ins().load(types::I64, flags, icp, shape_off);
        let same = self.b.ins().icmp(IntCC::Equal, shape, want);
        let free = self.b.ins().icmp_imm_u(IntCC::Equal, borrow, 0);
        self.b.ins().band(same, free)
    }

    /// The address of slot `slot` (i64) of the object in `cell`.
    pub(super) fn slot_addr(&mut self, cell: CValue, slot: CValue) -> CValue {
        let base = self.b.ins().load(types::I64, MemFlagsData::trusted(), cell, abi::CELL_SLOTS);
        let off = self.b.ins().ishl_imm_u(slot, 4);
        self.b.ins().iadd(base, off)
    }

    /// The prototype half of an inline load, entered when the own-slot check missed on the object
    /// in `cell`: the IC's prototype entry matches when the receiver has its shape and prototype,
    /// no prototype changed since (the epoch) and the holder is unborrowed. Copies into `d` and
    /// jumps to `done`, or jumps to `slow`.
    pub(super) fn emit_proto_load(
        &mut self,
        d: CValue,
        cell: CValue,
        icp: CValue,
        ic: ir::IcId,
        slow: Block,
        done: Block,
    ) {
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
        self.move_or_call_into(d, addr, done, |g| {
            let slot32 = g.b.ins().ireduce(types::I32, slot);
            g.call(Helper::rt_load_slot, &[d, hv, slot32]);
        });
    }

    /// `dst = obj.key` (`Some(dst)`) or `obj.key = src`: inline when the site's cache knows the
    /// receiver's shape and neither the slot's old value nor the new one is counted; one small
    /// helper moves the value through the same slot when one is; the generic helper on a miss.
    pub(super) fn emit_prop(&mut self, obj: Reg, key: ir::ConstId, ic: ir::IcId, access: PropAccess) {
        self.store_pos();
        let o = self.reg(obj);
        let icp = self.ic_ptr(ic);
        if !self.inline {
            // Baseline code: the generic helper (it still fills the site's cache for later).
            let k = self.const_ptr(key);
            match access {
                PropAccess::Load(r) => {
                    let d = self.reg(r);
                    self.call_checked(Helper::rt_get_prop, &[d, o, k, icp]);
                }
                PropAccess::Store(r) => {
                    let (fr, v) = (self.frame(), self.reg(r));
                    self.call_checked(Helper::rt_set_prop, &[fr, o, k, v, icp]);
                }
            }
            return;
        }
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
        self.move_or_call_into(to, from, done, |g| {
            let slot32 = g.b.ins().ireduce(types::I32, slot);
            match access {
                PropAccess::Load(_) => g.call(Helper::rt_load_slot, &[other, o, slot32]),
                PropAccess::Store(_) => g.call(Helper::rt_store_slot, &[o, slot32, other]),
            };
        });
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
    pub(super) fn emit_get_elem(&mut self, dst: Reg, obj: Reg, key: Reg) {
        let flags = MemFlagsData::trusted();
        self.store_pos();
        if !self.inline {
            self.call_regs(Helper::rt_get_elem, &[dst, obj, key]);
            return;
        }
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
        self.move_or_call_into(d, addr, done, |g| {
            let i32v = g.b.ins().ireduce(types::I32, i);
            g.call(Helper::rt_load_elem, &[d, o, i32v]);
        });
        self.b.switch_to_block(slow);
        self.call_regs(Helper::rt_get_elem, &[dst, obj, key]);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
    }
}
