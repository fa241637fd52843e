//! The process-wide hook registry.
//!
//! Retry loops read one atomic state word first: when it says "no hooks" (and
//! no test recorder is in scope anywhere), a retry costs that one load and
//! nothing else; when it says "only built-in log sinks", a retry whose level
//! nothing listens at costs that load and the sinks' level check (see
//! `levels`). Otherwise they load the resolved list from an `ArcSwapOption`:
//! no lock and no reference-count write, only a slot of the loading thread's
//! own (so threads retrying at once share no written cache line), and the
//! hooks are called with no lock held, so a hook may itself call
//! `set_on_retry_hooks`.
//!
//! Defaults and factories are resolved lazily, on the first dispatch or
//! `get_on_retry_hooks()`, under a resolution mutex so that concurrent first
//! retries build each factory exactly once. No lock here can stay poisoned: a
//! panicking hook or factory leaves the registry usable.

use core::cell::Cell;
use core::ops::Deref;
use core::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use arc_swap::{ArcSwapOption, Guard};

use super::defaults::default_hooks;
use super::hook::{Hook, HookList, InstalledHook};
use super::levels::{Event, any_sink_listens};

// The state word: the hooks' state in the low two bits, and above them the
// number of live test-recorder scopes (see `recorder`), so that one load tells
// a retry loop whether anything at all observes it.

/// The hooks are not resolved yet (after start-up, or after a `set` that
/// needs defaults or factories).
const UNRESOLVED: u32 = 0;
/// Resolved, and the list is empty: dispatch does nothing.
const EMPTY: u32 = 1;
/// Resolved, with at least one hook that is not a built-in log sink.
const HOOKS: u32 = 2;
/// Resolved, and every hook is a built-in log sink (the defaults of the
/// default features: the `tracing` sink): an event at a level nothing listens
/// at reaches none of them.
const LOG_SINKS: u32 = 3;
const HOOK_BITS: u32 = 0b11;
/// One live recorder scope.
const RECORDER_SCOPE: u32 = 1 << 2;

static STATE: AtomicU32 = AtomicU32::new(UNRESOLVED);

fn store_hook_state(state: u32) {
    // `fetch_update` with a closure that always returns `Some` cannot fail.
    let _ =
        STATE.fetch_update(Ordering::Release, Ordering::Relaxed, |word| Some((word & !HOOK_BITS) | state));
}

/// What was set.
struct Configured {
    /// Bumped by every `set`, so a resolution that raced with a `set` is not stored.
    generation: u64,
    /// What was set; `None` means the defaults.
    hooks: Option<Arc<[Hook]>>,
}

/// Locked by `set` and by resolution, never by a retry loop.
static CONFIGURED: Mutex<Configured> = Mutex::new(Configured { generation: 0, hooks: None });

/// The resolved hooks of the current generation, `None` until resolved:
/// what retry loops load. Stored only with [`CONFIGURED`] locked, so that it
/// always belongs to the generation stored there.
static RESOLVED: ArcSwapOption<Vec<InstalledHook>> = ArcSwapOption::const_empty();

/// Serialises resolution (running defaults and factories) without holding the
/// configuration lock, so factories may call `set_on_retry_hooks`.
static RESOLVING: Mutex<()> = Mutex::new(());

thread_local! {
    /// Set while this thread runs factories: a factory that asks for the hooks
    /// (directly or by retrying) sees none instead of deadlocking.
    static IN_RESOLUTION: Cell<bool> = const { Cell::new(false) };
}

fn lock_configured() -> MutexGuard<'static, Configured> {
    CONFIGURED.lock().unwrap_or_else(PoisonError::into_inner)
}

fn lock_resolution() -> MutexGuard<'static, ()> {
    RESOLVING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What observes retry loops now, from one load of the state word.
#[derive(Clone, Copy)]
pub(crate) struct Observers(u32);

impl Observers {
    /// Whether hooks may be installed (or defaults are still to be resolved).
    #[inline]
    pub(crate) fn hooks(self) -> bool {
        self.0 & HOOK_BITS != EMPTY
    }

    /// Nothing would see `event`: no recorder scope lives, and no hook is
    /// installed, or only built-in log sinks and nothing listens at the level
    /// they report `event` at.
    #[inline]
    pub(crate) fn ignore(self, event: Event) -> bool {
        self.0 == EMPTY || (self.0 == LOG_SINKS && !any_sink_listens(event))
    }

    /// Whether a recorder scope lives on some thread.
    #[inline]
    pub(crate) fn recorders(self) -> bool {
        self.0 >= RECORDER_SCOPE
    }
}

#[inline]
pub(crate) fn observers() -> Observers {
    Observers(STATE.load(Ordering::Acquire))
}

pub(crate) fn add_recorder_scope() {
    STATE.fetch_add(RECORDER_SCOPE, Ordering::AcqRel);
}

pub(crate) fn remove_recorder_scope() {
    STATE.fetch_sub(RECORDER_SCOPE, Ordering::AcqRel);
}

/// Installs the hooks every retry loop calls from now on, replacing the current
/// ones.
///
/// - `None` installs the defaults for the enabled cargo features (see the
///   [module documentation](super#defaults)); this is the state at start-up.
/// - `[]` installs no hooks: instrumentation is off and a retry costs nothing
///   extra (no allocation, no formatting).
/// - A tuple (or `Vec`, or array of [`Hook`]s) installs those hooks, called in
///   that order. Entries may be closures or fns taking `&RetryDetails`, types
///   implementing [`RetryHook`](super::RetryHook) such as the built-in sinks,
///   and [`RetryHookFactory`](super::RetryHookFactory)s, which are built on the
///   first retry after this call.
///
/// Thread-safe. Loops already running see the new hooks at their next retry.
///
/// ```
/// use stamina::instrumentation::{RetryDetails, get_on_retry_hooks, set_on_retry_hooks};
///
/// fn print_retry(details: &RetryDetails<'_>) {
///     eprintln!("{} failed, retry {} in {:?}", details.name, details.retry_num, details.wait_for);
/// }
///
/// set_on_retry_hooks((print_retry,));
/// assert_eq!(get_on_retry_hooks().len(), 1);
///
/// set_on_retry_hooks([]);
/// assert!(get_on_retry_hooks().is_empty());
///
/// set_on_retry_hooks(None); // back to the defaults
/// ```
pub fn set_on_retry_hooks(hooks: impl HookList) {
    let configured = hooks.into_hook_list();
    // A list without defaults or factories is resolved already.
    let resolved: Option<Arc<Vec<InstalledHook>>> = match &configured {
        Some(list) if !list.iter().any(Hook::is_factory) => {
            Some(Arc::new(list.iter().map(Hook::resolve).collect()))
        }
        _ => None,
    };
    let state = state_of(resolved.as_deref().map(Vec::as_slice));
    let replaced = {
        let mut current = lock_configured();
        current.generation = current.generation.wrapping_add(1);
        let replaced_hooks = core::mem::replace(&mut current.hooks, configured.map(Arc::from));
        let replaced_resolved = RESOLVED.swap(resolved);
        store_hook_state(state);
        (replaced_hooks, replaced_resolved)
    };
    // The old hooks are dropped with no lock held: their `Drop` may run user
    // code. A loop calling them still holds them until it is done.
    drop(replaced);
}

/// The installed hooks, in order, with the defaults chosen and factories built
/// (as in Python stamina, asking resolves them).
///
/// ```
/// use stamina::instrumentation::{get_on_retry_hooks, set_on_retry_hooks};
///
/// set_on_retry_hooks(None);
/// for hook in get_on_retry_hooks() {
///     println!("{}", hook.type_name()); // ...::TracingHook, with the default features
/// }
/// set_on_retry_hooks([]);
/// assert!(get_on_retry_hooks().is_empty());
/// # set_on_retry_hooks(None);
/// ```
pub fn get_on_retry_hooks() -> Vec<InstalledHook> {
    snapshot().to_vec()
}

fn state_of(resolved: Option<&[InstalledHook]>) -> u32 {
    match resolved {
        None => UNRESOLVED,
        Some([]) => EMPTY,
        Some(hooks) if hooks.iter().all(InstalledHook::is_log_sink) => LOG_SINKS,
        Some(_) => HOOKS,
    }
}

/// The resolved hooks as one load saw them. They stay alive while this lives,
/// without a reference count taken (`arc-swap` keeps a debt in a slot of this
/// thread instead, paid by a writer that replaces them meanwhile).
pub(crate) struct Snapshot(Guard<Option<Arc<Vec<InstalledHook>>>>);

impl Deref for Snapshot {
    type Target = [InstalledHook];

    fn deref(&self) -> &[InstalledHook] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

/// The resolved hooks, resolving them first if needed.
pub(crate) fn snapshot() -> Snapshot {
    let loaded = RESOLVED.load();
    if loaded.is_some() {
        return Snapshot(loaded);
    }
    drop(loaded);
    Snapshot(Guard::from_inner(resolve()))
}

/// Resolves the configured hooks (`None` for a factory asking for them).
#[cold]
fn resolve() -> Option<Arc<Vec<InstalledHook>>> {
    if IN_RESOLUTION.with(Cell::get) {
        return None;
    }
    let _resolving = lock_resolution();
    // Another thread may have resolved while this one waited for the mutex.
    let (generation, hooks) = {
        let current = lock_configured();
        if let Some(resolved) = RESOLVED.load_full() {
            return Some(resolved);
        }
        (current.generation, current.hooks.clone())
    };
    let resolved: Arc<Vec<InstalledHook>> = {
        let _flag = ResolutionFlag::set();
        Arc::new(match hooks {
            None => default_hooks().iter().map(Hook::resolve).collect(),
            Some(list) => list.iter().map(Hook::resolve).collect(),
        })
    };
    let current = lock_configured();
    // A `set` during resolution wins; this resolution is then used only once.
    if current.generation == generation {
        RESOLVED.store(Some(Arc::clone(&resolved)));
        store_hook_state(state_of(Some(&resolved)));
    }
    drop(current);
    Some(resolved)
}

/// Marks this thread as resolving; cleared on drop, also when a factory panics.
struct ResolutionFlag;

impl ResolutionFlag {
    fn set() -> Self {
        IN_RESOLUTION.with(|flag| flag.set(true));
        Self
    }
}

impl Drop for ResolutionFlag {
    fn drop(&mut self) {
        IN_RESOLUTION.with(|flag| flag.set(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrumentation::RetryDetails;

    #[test]
    fn the_state_tells_a_list_of_log_sinks_only_apart() {
        let plain = InstalledHook::new(|_: &RetryDetails<'_>| {});
        assert_eq!(state_of(None), UNRESOLVED);
        assert_eq!(state_of(Some(&[])), EMPTY);
        assert_eq!(state_of(Some(core::slice::from_ref(&plain))), HOOKS);
        #[cfg(feature = "tracing")]
        {
            let sink = InstalledHook::new(crate::instrumentation::TracingHook::new());
            assert_eq!(state_of(Some(&[sink.clone(), sink.clone()])), LOG_SINKS);
            assert_eq!(state_of(Some(&[sink, plain])), HOOKS);
        }
    }
}
