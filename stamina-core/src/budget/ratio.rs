//! A ratio budget over a sliding window, in the style of Finagle's
//! `RetryBudget` (and tower's `TpsBudget`, without its truncation bug): retries
//! may add at most a given ratio to the calls of the last `ttl`, plus a small
//! reserve per second.
//!
//! Arithmetic, exactly: a call deposits `permille` tokens (the ratio in
//! thousandths: 0.2 is 200), a retry withdraws 1000, and the reserve is
//! `min_per_sec × ttl` retries' worth. A retry is granted only if the tokens of
//! the last `ttl` (deposits minus withdrawals, plus the reserve) hold 1000. So
//! from a fresh start until the first expiry, `granted ≤ ⌊ratio × calls⌋ +
//! reserve`; and within any `ttl`, the retries granted are at most `ratio ×`
//! the calls of that `ttl` and the one before it, `+ reserve` (a retry late in
//! one window may spend deposits from early in the previous one). Finagle scales by 1000 the other way
//! (`withdraw = ⌊1000 / ratio⌋`), which grants 60.02 % for 0.6; tower
//! truncates `1 / ratio`, which grants 100 % for 0.6 (tower#857).
//!
//! The window is `SLOTS` slots of `ttl / SLOTS` each; what was deposited or
//! withdrawn in a slot expires when the slot is reused, `ttl` later. Every
//! operation is a few atomic operations on three words: the slot, the balance
//! and the epoch up to which slots were expired. No lock.

use crate::sync::{AtomicI64, AtomicU32, AtomicU64, Ordering};
use core::time::Duration;

/// How many slots the window has.
pub(super) const SLOTS: u32 = 10;

/// The tokens one retry withdraws.
pub(super) const RETRY_TOKENS: i64 = 1000;

/// The parameters of a [`ratio`](super::RetryBudget::ratio) budget.
///
/// | field | meaning | Finagle / Linkerd / tower default |
/// |---|---|---|
/// | `retry_ratio` | retries allowed per call, over the window (0.2: 20 % more load), in thousandths | 0.2 |
/// | `min_per_sec` | retries allowed per second however few calls there were | 10 |
/// | `ttl` | how long a call's deposit counts, 1 to 60 s | 10 s |
///
/// ```
/// use stamina::budget::RatioParams;
///
/// assert_eq!(RatioParams::FINAGLE.retry_permille(), 200);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatioParams {
    /// Retries allowed per call over the window; `0.2` is 20 % more load.
    /// Rounded to thousandths.
    pub retry_ratio: f64,
    /// Retries allowed per second on top, from a reserve that refills as the
    /// window moves.
    pub min_per_sec: u32,
    /// How long a deposit counts: 1 to 60 seconds.
    pub ttl: Duration,
}

impl RatioParams {
    /// Finagle's `RetryBudget()` defaults, which Linkerd and tower's
    /// `TpsBudget::default()` share: 20 % of the calls of the last 10 s, plus
    /// 10 retries a second.
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::budget::RatioParams;
    ///
    /// assert_eq!(RatioParams::FINAGLE.ttl, Duration::from_secs(10));
    /// ```
    pub const FINAGLE: Self = Self { retry_ratio: 0.2, min_per_sec: 10, ttl: Duration::from_secs(10) };

    /// The ratio in thousandths, as the budget counts it.
    ///
    /// ```
    /// use stamina::budget::RatioParams;
    /// let params = RatioParams { retry_ratio: 0.6, ..RatioParams::FINAGLE };
    /// assert_eq!(params.retry_permille(), 600);
    /// ```
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked to be in 0..=1_000_000
    pub const fn retry_permille(&self) -> u32 {
        (self.retry_ratio * 1000.0 + 0.5) as u32
    }

    /// Panics with a message naming the fix when a parameter is out of range.
    #[track_caller]
    pub(super) const fn validate(&self) {
        assert!(
            self.retry_ratio >= 0.0 && self.retry_ratio <= 1000.0,
            "stamina: a ratio budget's `retry_ratio` must be between 0 and 1000 (0.2 is 20 % more load)"
        );
        assert!(
            self.ttl.as_secs() >= 1
                && self.ttl.as_secs() <= 60
                && (self.ttl.as_secs() < 60 || self.ttl.subsec_nanos() == 0),
            "stamina: a ratio budget's `ttl` must be between 1 and 60 seconds"
        );
        assert!(
            self.retry_permille() > 0 || self.min_per_sec > 0,
            "stamina: a ratio budget with `retry_ratio = 0` and `min_per_sec = 0` never allows a retry; use `attempts = 1`"
        );
    }

    /// The reserve, in tokens: `min_per_sec × ttl` retries.
    const fn reserve_tokens(&self) -> i64 {
        let retries = self.min_per_sec as u128 * self.ttl.as_millis() / 1000;
        // At most 2^32 × 60: fits.
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let retries = retries as i64;
        retries * RETRY_TOKENS
    }

    /// A slot's length: computed once, in [`Ratio::new`], since a 128-bit
    /// division per call was a third of a deposit's instructions.
    const fn slot_nanos(&self) -> u64 {
        // ttl is at most 60 s (validated): the quotient fits.
        #[allow(clippy::cast_possible_truncation)]
        let nanos = (self.ttl.as_nanos() / SLOTS as u128) as u64;
        nanos
    }
}

/// A slot: the epoch it counts for (high 32 bits) and the net tokens deposited
/// minus withdrawn in it (low 32 bits, two's complement, saturating).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Slot {
    epoch: u32,
    net: i32,
}

impl Slot {
    #[allow(clippy::cast_sign_loss)] // a bit pattern
    const fn pack(self) -> u64 {
        ((self.epoch as u64) << 32) | (self.net as u32 as u64)
    }

    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)] // unpacking what `pack` packed
    const fn unpack(word: u64) -> Self {
        Self { epoch: (word >> 32) as u32, net: word as u32 as i32 }
    }
}

/// Whether epoch `a` comes after `b` (wrapping: epochs are 32 bits, which a
/// 100 ms slot wraps in 13 years).
#[allow(clippy::cast_possible_wrap)]
const fn later(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

#[derive(Debug)]
pub(super) struct Ratio {
    params: RatioParams,
    permille: i64,
    /// [`RatioParams::slot_nanos`].
    slot_nanos: u64,
    /// The tokens available: the reserve plus the net of every slot that has
    /// not expired yet.
    balance: AtomicI64,
    slots: [AtomicU64; SLOTS as usize],
    /// Slots of epochs up to this one have been expired.
    expired_through: AtomicU32,
}

impl Ratio {
    #[track_caller]
    pub(super) const fn new(params: RatioParams) -> Self {
        params.validate();
        let reserve = params.reserve_tokens();
        Self {
            params,
            permille: params.retry_permille() as i64,
            slot_nanos: params.slot_nanos(),
            balance: AtomicI64::new(reserve),
            slots: [const { AtomicU64::new(0) }; SLOTS as usize],
            expired_through: AtomicU32::new(0),
        }
    }

    /// Creates every loom atomic on the model's main thread (see
    /// `crate::sync`): one created by a spawned thread would be invisible to
    /// the others, and loom reports that as a causality violation.
    #[cfg(all(test, stamina_loom))]
    pub(super) fn touch_atomics(&self) {
        self.balance.load(Ordering::Relaxed);
        self.expired_through.load(Ordering::Relaxed);
        for slot in &self.slots {
            slot.load(Ordering::Relaxed);
        }
    }

    pub(super) const fn params(&self) -> &RatioParams {
        &self.params
    }

    /// The epoch `now_nanos` (on a monotonic clock) falls in.
    pub(super) fn epoch(&self, now_nanos: u64) -> u32 {
        // Wrapping on purpose: epochs compare with `later`.
        #[allow(clippy::cast_possible_truncation)]
        let epoch = (now_nanos / self.slot_nanos) as u32;
        epoch
    }

    /// A call started in `epoch`: deposit its share.
    pub(super) fn deposit(&self, epoch: u32) {
        self.expire_through(epoch);
        if self.permille == 0 {
            return;
        }
        // Recorded in the slot first: if the slot is reused in between, the
        // reuse takes the deposit out of the balance before it is added, and
        // the two cancel.
        let recorded = self.record_deposit(epoch, self.permille);
        if recorded != 0 {
            self.balance.fetch_add(recorded, Ordering::AcqRel);
        }
    }

    /// A retry wants to start in `epoch`: withdraw one retry's tokens if the
    /// balance holds them.
    pub(super) fn try_withdraw(&self, epoch: u32) -> bool {
        self.expire_through(epoch);
        let granted = self
            .balance
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |balance| {
                (balance >= RETRY_TOKENS).then_some(balance - RETRY_TOKENS)
            })
            .is_ok();
        if granted {
            // Taken from the balance first, so no other retry can be granted
            // the same tokens; the slot only says when they come back.
            self.record_withdrawal(epoch);
        }
        granted
    }

    /// Retries the balance allows now, without expiring anything.
    pub(super) fn balance_retries(&self) -> u64 {
        u64::try_from(self.balance.load(Ordering::Acquire) / RETRY_TOKENS).unwrap_or(0)
    }

    /// Expires every slot whose epoch left the window by `epoch`.
    fn expire_through(&self, epoch: u32) {
        let mut through = self.expired_through.load(Ordering::Acquire);
        while later(epoch, through) {
            match self.expired_through.compare_exchange_weak(
                through,
                epoch,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    // The slots of the epochs since `through`, at most all of them.
                    let steps = epoch.wrapping_sub(through).min(SLOTS);
                    for step in 0..steps {
                        self.reuse(epoch.wrapping_sub(step));
                    }
                    return;
                }
                Err(current) => through = current,
            }
        }
    }

    /// Makes `epoch`'s slot count for `epoch`, taking what it held for an
    /// older epoch out of the balance.
    fn reuse(&self, epoch: u32) {
        let slot = &self.slots[(epoch % SLOTS) as usize];
        let mut word = slot.load(Ordering::Acquire);
        loop {
            let old = Slot::unpack(word);
            if !later(epoch, old.epoch) {
                return;
            }
            match slot.compare_exchange_weak(
                word,
                Slot { epoch, net: 0 }.pack(),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    self.balance.fetch_sub(i64::from(old.net), Ordering::AcqRel);
                    return;
                }
                Err(current) => word = current,
            }
        }
    }

    /// Adds a deposit of `tokens` to `epoch`'s slot; returns what the slot
    /// took: nothing when it already counts for a later epoch (a clock read
    /// out of order), less when it saturates. What is dropped never grants.
    fn record_deposit(&self, epoch: u32, tokens: i64) -> i64 {
        self.reuse(epoch);
        let slot = &self.slots[(epoch % SLOTS) as usize];
        let mut word = slot.load(Ordering::Acquire);
        loop {
            let current = Slot::unpack(word);
            if current.epoch != epoch {
                return 0;
            }
            let net = saturating_i32(i64::from(current.net) + tokens);
            match slot.compare_exchange_weak(
                word,
                Slot { epoch, net }.pack(),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return i64::from(net) - i64::from(current.net),
                Err(actual) => word = actual,
            }
        }
    }

    /// Records a granted withdrawal in `epoch`'s slot, or in a later one when
    /// the slot counts for a later epoch already: a withdrawal that expires
    /// late never grants more.
    fn record_withdrawal(&self, epoch: u32) {
        self.reuse(epoch);
        let slot = &self.slots[(epoch % SLOTS) as usize];
        let mut word = slot.load(Ordering::Acquire);
        loop {
            let current = Slot::unpack(word);
            // A slot that saturated downwards records less than was taken:
            // the rest never comes back when it expires, which grants less.
            let net = saturating_i32(i64::from(current.net) - RETRY_TOKENS);
            match slot.compare_exchange_weak(
                word,
                Slot { net, ..current }.pack(),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
    }
}

fn saturating_i32(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip() {
        for slot in [
            Slot { epoch: 0, net: 0 },
            Slot { epoch: u32::MAX, net: -1 },
            Slot { epoch: 7, net: i32::MIN },
            Slot { epoch: 1, net: i32::MAX },
        ] {
            assert_eq!(Slot::unpack(slot.pack()), slot);
        }
    }

    #[test]
    fn epochs_compare_across_the_wrap() {
        assert!(later(1, 0));
        assert!(later(0, u32::MAX));
        assert!(!later(5, 5));
        assert!(!later(4, 5));
    }

    #[test]
    fn permille_rounds_and_the_reserve_is_whole_retries() {
        let params = RatioParams { retry_ratio: 0.6, min_per_sec: 3, ttl: Duration::from_millis(1500) };
        assert_eq!(params.retry_permille(), 600);
        assert_eq!(params.reserve_tokens(), 4 * RETRY_TOKENS); // 3/s × 1.5 s, rounded down
        assert_eq!(RatioParams { retry_ratio: 0.0005, ..params }.retry_permille(), 1);
    }

    #[test]
    #[should_panic(expected = "`ttl` must be between 1 and 60 seconds")]
    fn a_short_window_is_refused() {
        let _ = Ratio::new(RatioParams { ttl: Duration::from_millis(500), ..RatioParams::FINAGLE });
    }

    #[test]
    #[should_panic(expected = "never allows a retry")]
    fn an_empty_budget_is_refused() {
        let _ = Ratio::new(RatioParams { retry_ratio: 0.0, min_per_sec: 0, ..RatioParams::FINAGLE });
    }
}
