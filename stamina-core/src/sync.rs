//! The atomics that the loom model tests explore: std's in every normal
//! build, loom's under `--cfg stamina_loom` (see `loom_tests` in `budget` and
//! `switches`, and the README's "Contributing" part).
//!
//! Why not `cfg(loom)`: tokio, concurrent-queue and parking switch their own
//! internals to loom under `cfg(loom)`, and do not build as dependencies that
//! way; this crate's dev-dependencies include tokio.
//!
//! Loom's atomics cannot be built in a `const fn`, and the budgets are
//! `const`-constructible (`static BUDGET: RetryBudget = ...`), so under loom
//! each atomic here is a wrapper that creates its loom atomic at first use.
//! A budget built inside a loom model is new in every execution, and so is
//! its atomic; a model touches each atomic once on its main thread before it
//! spawns any (a creation loom did not see happen before another thread's
//! access is a causality violation to loom). The process's mode word is a `static`: under loom it is a
//! `loom::lazy_static!`, which loom resets between executions.

#[cfg(not(stamina_loom))]
pub(crate) use core::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};

#[cfg(stamina_loom)]
pub(crate) use core::sync::atomic::Ordering;
#[cfg(stamina_loom)]
pub(crate) use lazily::{AtomicI64, AtomicU32, AtomicU64};

#[cfg(stamina_loom)]
mod lazily {
    use core::sync::atomic::Ordering;
    use std::sync::OnceLock;

    macro_rules! lazy_atomic {
        ($name:ident, $int:ty) => {
            /// A loom atomic, created at first use (see the module).
            #[derive(Debug)]
            pub(crate) struct $name {
                initial: $int,
                atomic: OnceLock<loom::sync::atomic::$name>,
            }

            #[allow(dead_code)] // each type uses a part of it
            impl $name {
                pub(crate) const fn new(initial: $int) -> Self {
                    Self { initial, atomic: OnceLock::new() }
                }

                fn get(&self) -> &loom::sync::atomic::$name {
                    self.atomic.get_or_init(|| loom::sync::atomic::$name::new(self.initial))
                }

                pub(crate) fn load(&self, order: Ordering) -> $int {
                    self.get().load(order)
                }

                pub(crate) fn store(&self, value: $int, order: Ordering) {
                    self.get().store(value, order);
                }

                pub(crate) fn swap(&self, value: $int, order: Ordering) -> $int {
                    self.get().swap(value, order)
                }

                pub(crate) fn fetch_add(&self, value: $int, order: Ordering) -> $int {
                    self.get().fetch_add(value, order)
                }

                pub(crate) fn fetch_sub(&self, value: $int, order: Ordering) -> $int {
                    self.get().fetch_sub(value, order)
                }

                pub(crate) fn fetch_or(&self, value: $int, order: Ordering) -> $int {
                    self.get().fetch_or(value, order)
                }

                pub(crate) fn fetch_and(&self, value: $int, order: Ordering) -> $int {
                    self.get().fetch_and(value, order)
                }

                pub(crate) fn compare_exchange(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    self.get().compare_exchange(current, new, success, failure)
                }

                pub(crate) fn compare_exchange_weak(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    self.get().compare_exchange_weak(current, new, success, failure)
                }

                pub(crate) fn fetch_update(
                    &self,
                    set: Ordering,
                    fetch: Ordering,
                    update: impl FnMut($int) -> Option<$int>,
                ) -> Result<$int, $int> {
                    self.get().fetch_update(set, fetch, update)
                }
            }
        };
    }

    lazy_atomic!(AtomicI64, i64);
    lazy_atomic!(AtomicU32, u32);
    lazy_atomic!(AtomicU64, u64);
}
