//! The token quota as its rules read: a level, capped at the capacity. The
//! reference model of the budget's unit tests (`tests.rs`) and of its fuzz
//! target (`stamina-core/fuzz/fuzz_targets/budget.rs`), which both include
//! this file, so that the two check against one model.

use super::{Charge, QuotaParams};

pub(crate) struct QuotaModel {
    pub(crate) params: QuotaParams,
    pub(crate) level: u64,
}

impl QuotaModel {
    pub(crate) fn try_withdraw(&mut self, charge: Charge) -> bool {
        let cost = self.params.cost(charge);
        if self.level < cost {
            return false;
        }
        self.level -= cost;
        true
    }

    pub(crate) fn deposit_success(&mut self, last_retry: Option<Charge>) {
        let amount = last_retry.map_or(self.params.first_try_refill, |charge| self.params.cost(charge));
        // Saturating: the fuzz target's parameters go up to u64::MAX.
        self.level = self.level.saturating_add(amount).min(self.params.capacity);
    }
}
