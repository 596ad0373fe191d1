//! Variables that do not live in registers: captured cells and the closure's environment,
//! globals, context variables, imports, `this`/`arguments`/home, and per-site value caches.

use super::Gen;
use crate::ir::{self, Inst};
use cranelift_codegen::ir::{InstBuilder, Value as CValue};
use pipy_value::abi::{Helper, SiteCache};

impl Gen<'_, '_> {
    /// Emits a variable instruction.
    pub(super) fn variable_inst(&mut self, inst: &Inst) -> Result<(), String> {
        match inst {
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
            Inst::DeclareGlobal { name, src } => {
                let n = self.const_ptr(*name);
                let (s, has) = match src {
                    Some(r) => (self.reg(*r), self.u32c(1)),
                    None => (self.ptr_const(std::ptr::null()), self.u32c(0)),
                };
                self.call_checked(Helper::rt_declare_global, &[n, s, has]);
            }
            Inst::Import { dst, spec } => {
                let fr = self.frame();
                let d = self.reg(*dst);
                let sp = self.const_ptr(*spec);
                self.call_checked(Helper::rt_import, &[fr, d, sp]);
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
            other => return Err(format!("not a variable instruction: {other:?}")),
        }
        Ok(())
    }

    pub(super) fn check_args(&mut self, check: Option<ir::ConstId>) -> (CValue, CValue) {
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
}
