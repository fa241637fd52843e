//! Keyed budgets: one budget per key (a host, a partition, a callable), made on
//! first use, with a bound on how many keys get their own.

use core::fmt;
use core::hash::BuildHasher;
use std::hash::RandomState;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::RetryBudget;

/// A key and its budget, once a key took the slot.
type Slot = OnceLock<(String, RetryBudget)>;

/// One budget per key, each made by `make` on the key's first use; at most
/// `max_keys` keys get their own, every later key shares one overflow budget
/// (also made by `make`, with the key `"overflow"`), so that an unbounded key
/// space (hosts taken from user input, say) cannot exhaust memory: the table
/// holds `2 × max_keys` slots, allocated on first use, and never grows.
///
/// Looking a key up is lock-free: a hash and one atomic load per slot probed.
/// Making a key's budget the first time waits only for another thread making
/// the same slot's.
///
/// ```
/// use stamina::budget::{Charge, KeyedBudget, QuotaParams, RetryBudget};
///
/// fn per_host(_host: &str) -> RetryBudget {
///     RetryBudget::token_quota(QuotaParams { capacity: 10, ..QuotaParams::AWS_STANDARD })
/// }
/// static PER_HOST: KeyedBudget = KeyedBudget::new(per_host, 1000);
///
/// let github = PER_HOST.get("api.github.com");
/// assert!(github.try_retry(Charge::Failure) && github.try_retry(Charge::Failure));
/// assert!(!github.try_retry(Charge::Failure)); // github's is spent...
/// assert!(PER_HOST.get("example.com").try_retry(Charge::Failure)); // ...not example.com's
/// assert!(std::ptr::eq(github, PER_HOST.get("api.github.com")));
/// ```
pub struct KeyedBudget {
    make: fn(&str) -> RetryBudget,
    max_keys: usize,
    slots: OnceLock<Box<[Slot]>>,
    overflow: OnceLock<RetryBudget>,
    hasher: OnceLock<RandomState>,
    /// Slots claimed: never more than `max_keys`.
    claimed: AtomicUsize,
}

impl KeyedBudget {
    /// Budgets made by `make`, for at most `max_keys` keys.
    ///
    /// # Panics
    ///
    /// On `max_keys = 0`: use a single [`RetryBudget`] instead.
    ///
    /// ```
    /// use stamina::budget::{KeyedBudget, RetryBudget};
    ///
    /// static PER_PARTITION: KeyedBudget = KeyedBudget::new(|_| RetryBudget::aws_standard(), 64);
    /// assert_eq!(PER_PARTITION.get_max_keys(), 64);
    /// ```
    #[track_caller]
    pub const fn new(make: fn(&str) -> RetryBudget, max_keys: usize) -> Self {
        assert!(
            max_keys > 0,
            "stamina: a keyed budget needs `max_keys` of at least 1; for one budget, use a `RetryBudget`"
        );
        Self {
            make,
            max_keys,
            slots: OnceLock::new(),
            overflow: OnceLock::new(),
            hasher: OnceLock::new(),
            claimed: AtomicUsize::new(0),
        }
    }

    /// How many keys get a budget of their own.
    ///
    /// ```
    /// use stamina::budget::{KeyedBudget, RetryBudget};
    /// assert_eq!(KeyedBudget::new(|_| RetryBudget::finagle(), 8).get_max_keys(), 8);
    /// ```
    pub const fn get_max_keys(&self) -> usize {
        self.max_keys
    }

    /// The budget of `key`, made now if it is the key's first use; the
    /// overflow budget when `max_keys` keys have theirs already.
    ///
    /// ```
    /// use stamina::budget::{KeyedBudget, RetryBudget};
    ///
    /// static TWO_KEYS: KeyedBudget = KeyedBudget::new(|_| RetryBudget::aws_standard(), 2);
    /// let (a, b, c, d) = (TWO_KEYS.get("a"), TWO_KEYS.get("b"), TWO_KEYS.get("c"), TWO_KEYS.get("d"));
    /// assert!(!std::ptr::eq(a, b));
    /// assert!(std::ptr::eq(c, d)); // both share the overflow budget
    /// ```
    pub fn get(&'static self, key: &str) -> &'static RetryBudget {
        let slots = self.slots.get_or_init(|| (0..self.max_keys * 2).map(|_| OnceLock::new()).collect());
        // At most `slots.len()` probes: wrapping would not find a free slot.
        #[allow(clippy::cast_possible_truncation)] // a hash, reduced
        let start = self.hasher.get_or_init(RandomState::new).hash_one(key) as usize % slots.len();
        for probe in 0..slots.len() {
            let slot = &slots[(start + probe) % slots.len()];
            if let Some((owner, budget)) = slot.get() {
                if owner == key {
                    return budget;
                }
                continue;
            }
            // A free slot: claim one of the `max_keys` first, so that no more
            // keys than that get their own budget, whatever races.
            let claim = |claimed: usize| (claimed < self.max_keys).then_some(claimed + 1);
            if self.claimed.fetch_update(Ordering::AcqRel, Ordering::Acquire, claim).is_err() {
                break;
            }
            let (owner, budget) = slot.get_or_init(|| (key.to_owned(), (self.make)(key)));
            if owner == key {
                return budget;
            }
            // Another key took the slot (and claimed it itself): give this
            // claim back and probe on.
            self.claimed.fetch_sub(1, Ordering::AcqRel);
        }
        self.overflow.get_or_init(|| (self.make)("overflow"))
    }
}

impl fmt::Debug for KeyedBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys =
            self.slots.get().map_or(0, |slots| slots.iter().filter(|slot| slot.get().is_some()).count());
        f.debug_struct("KeyedBudget")
            .field("max_keys", &self.max_keys)
            .field("keys", &keys)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::{Charge, QuotaParams};

    fn small(_: &str) -> RetryBudget {
        RetryBudget::token_quota(QuotaParams { capacity: 5, ..QuotaParams::AWS_STANDARD })
    }

    #[test]
    fn no_more_than_max_keys_get_their_own_budget() {
        static KEYED: KeyedBudget = KeyedBudget::new(small, 16);
        let budgets: Vec<&RetryBudget> = (0..10_000).map(|n| KEYED.get(&format!("host-{n}"))).collect();
        let mut distinct: Vec<*const RetryBudget> =
            budgets.iter().map(|budget| core::ptr::from_ref(*budget)).collect();
        distinct.sort_unstable();
        distinct.dedup();
        // At most 16 own budgets, plus the overflow one.
        assert!(distinct.len() <= 17, "{}", distinct.len());
        assert!(distinct.len() >= 2);
        // Keys keep their budget.
        for (n, budget) in budgets.iter().enumerate() {
            assert!(core::ptr::eq(KEYED.get(&format!("host-{n}")), *budget));
        }
    }

    #[test]
    fn keys_are_shared_across_threads() {
        static KEYED: KeyedBudget = KeyedBudget::new(small, 4);
        let threads: Vec<_> = (0..8)
            .map(|_| std::thread::spawn(|| usize::from(KEYED.get("one key").try_retry(Charge::Failure))))
            .collect();
        let granted: usize = threads.into_iter().map(|thread| thread.join().unwrap()).sum();
        assert_eq!(granted, 1, "five tokens, five a retry, one budget for the key");
    }
}
