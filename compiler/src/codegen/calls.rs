//! Calls, `new`, `super(...)` and closure creation.

use super::Gen;
use crate::ir::{Capture, Inst};
use pipy_value::abi::{self, Helper};
use std::rc::Rc;

impl Gen<'_, '_> {
    /// Emits a call instruction.
    pub(super) fn call_inst(&mut self, inst: &Inst) -> Result<(), String> {
        match inst {
            Inst::Call { dst, callee, this, args, argc } => {
                let d = self.reg(*dst);
                let c = self.reg(*callee);
                let t = self.reg(*this);
                let a = self.reg(*args);
                let n = self.u32c(*argc);
                self.call_checked(Helper::rt_call, &[d, c, t, a, n]);
            }
            Inst::CallVar { dst, var, this, args, argc } => {
                let fr = self.frame();
                let d = self.reg(*dst);
                let v = self.u32c(match var {
                    Capture::Cell(i) => *i,
                    Capture::Env(i) => *i | abi::CAPTURE_ENV_BIT,
                });
                let t = self.reg(*this);
                let a = self.reg(*args);
                let n = self.u32c(*argc);
                self.call_checked(Helper::rt_call_var, &[fr, d, v, t, a, n]);
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
            other => return Err(format!("not a call instruction: {other:?}")),
        }
        Ok(())
    }
}
