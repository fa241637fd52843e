//! Faults of the parts around the retry loop: sleepers that panic or never
//! wake, clocks that go backwards or jump, predicates that ask for absurd or
//! inconsistent things, hooks that block, errors whose formatting panics, and
//! the hook registry under concurrent installs and dispatches.
//!
//! Why a binary of its own: several tests here install hooks or the process's
//! logger, and the registry stress test replaces the hooks from many threads;
//! no test elsewhere may see that. Every test that touches the registry holds
//! `support::isolated()` (or `isolated_with`) for its whole run.

#[path = "../support/mod.rs"]
mod support;

mod blocking_hooks;
mod clocks;
mod formatting_panics;
mod predicates;
mod registry_stress;
mod sleepers;
