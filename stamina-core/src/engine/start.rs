//! [`Start`]: when a loop's first attempt started, or the mode that makes the
//! start irrelevant, in one word.

use super::clock::Stamp;

/// When the first attempt started, if a timeout applies; otherwise the mode
/// that the loop runs in. A reading of the clock and the three modes share the
/// 8 bytes of one [`Stamp`] (the modes are values no reading takes), which
/// keeps [`RetryState`](super::RetryState) at 24 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Start(Stamp);

impl Start {
    /// Normal operation without a timeout: no clock was read.
    pub(crate) const UNTIMED: Self = Self(Stamp::reserved(0));
    /// Testing mode: no waits, no timeout.
    pub(crate) const TESTING: Self = Self(Stamp::reserved(1));
    /// `set_active(false)`: one attempt, `on` not asked, no hooks.
    pub(crate) const INACTIVE: Self = Self(Stamp::reserved(2));

    /// Normal operation with a timeout, the first attempt having started `at`.
    #[inline]
    pub(crate) const fn at(at: Stamp) -> Self {
        Self(at)
    }

    /// The stamp itself, reserved values included, for an `Attempt` to
    /// measure from.
    #[inline]
    pub(crate) fn stamp(self) -> Stamp {
        self.0
    }

    /// When the first attempt started, if a timeout applies: only then was
    /// the clock read. Testing and inactive modes ignore the timeout.
    #[inline]
    pub(crate) fn timed(self) -> Option<Stamp> {
        if self.0.is_reserved() { None } else { Some(self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_reading_is_timed() {
        for untimed in [Start::UNTIMED, Start::TESTING, Start::INACTIVE] {
            assert_eq!(untimed.timed(), None);
        }
        let now = Stamp::of(std::time::Instant::now());
        assert_eq!(Start::at(now).timed(), Some(now));
        assert_ne!(Start::UNTIMED, Start::TESTING);
        assert_ne!(Start::TESTING, Start::INACTIVE);
    }
}
