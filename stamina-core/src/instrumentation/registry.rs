//! The process-wide hook registry.
//!
//! Retry loops read one atomic state word first: when it says "no hooks" (and
//! no test recorder is in scope anywhere), a retry costs that one load and
//! nothing else. Otherwise they take a snapshot
//! (an `Arc` of the resolved list) under a short read lock and call the hooks
//! with no lock held, so a hook may itself call `set_on_retry_hooks`.
//!
//! Defaults and factories are resolved lazily, on the first dispatch or
//! `get_on_retry_hooks()`, under a resolution mutex so that concurrent first
//! retries build each factory exactly once. No lock here can stay poisoned: a
//! panicking hook or factory leaves the registry usable.

use core::cell::Cell;
use core::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::defaults::default_hooks;
use super::hook::{Hook, HookList, InstalledHook};

// The state word: the hooks' state in the low two bits, and above them the
// number of live test-recorder scopes (see `recorder`), so that one load tells
// a retry loop whether anything at all observes it.

/// The hooks are not resolved yet (after start-up, or after a `set` that
/// needs defaults or factories).
const UNRESOLVED: u32 = 0;
/// Resolved, and the list is empty: dispatch does nothing.
const EMPTY: u32 = 1;
/// Resolved, with at least one hook.
const HOOKS: u32 = 2;
const HOOK_BITS: u32 = 0b11;
/// One live recorder scope.
const RECORDER_SCOPE: u32 = 1 << 2;

static STATE: AtomicU32 = AtomicU32::new(UNRESOLVED);

fn store_hook_state(state: u32) {
    // `fetch_update` with a closure that always returns `Some` cannot fail.
    let _ =
        STATE.fetch_update(Ordering::Release, Ordering::Relaxed, |word| Some((word & !HOOK_BITS) | state));
}

struct Registry {
    /// Bumped by every `set`, so a resolution that raced with a `set` is not stored.
    generation: u64,
    /// What was set; `None` means the defaults.
    configured: Option<Arc<[Hook]>>,
    /// The resolved hooks, once resolved for this generation.
    resolved: Option<Arc<[InstalledHook]>>,
}

static REGISTRY: RwLock<Registry> = RwLock::new(Registry { generation: 0, configured: None, resolved: None });

/// Serialises resolution (running defaults and factories) without holding the
/// registry lock, so factories may call `set_on_retry_hooks`.
static RESOLVING: Mutex<()> = Mutex::new(());

thread_local! {
    /// Set while this thread runs factories: a factory that asks for the hooks
    /// (directly or by retrying) sees none instead of deadlocking.
    static IN_RESOLUTION: Cell<bool> = const { Cell::new(false) };
}

fn read() -> RwLockReadGuard<'static, Registry> {
    REGISTRY.read().unwrap_or_else(PoisonError::into_inner)
}

fn write() -> RwLockWriteGuard<'static, Registry> {
    REGISTRY.write().unwrap_or_else(PoisonError::into_inner)
}

fn lock_resolution() -> MutexGuard<'static, ()> {
    RESOLVING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What observes retry loops now, from one load of the state word.
#[derive(Clone, Copy)]
pub(crate) struct Observers(u32);

impl Observers {
    /// Nothing: the hooks are resolved and empty, and no recorder scope lives.
    #[inline]
    pub(crate) fn none(self) -> bool {
        self.0 == EMPTY
    }

    /// Whether hooks may be installed (or defaults are still to be resolved).
    #[inline]
    pub(crate) fn hooks(self) -> bool {
        self.0 & HOOK_BITS != EMPTY
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
    let resolved: Option<Arc<[InstalledHook]>> = match &configured {
        Some(list) if !list.iter().any(Hook::is_factory) => Some(list.iter().map(Hook::resolve).collect()),
        _ => None,
    };
    let replaced = {
        let mut registry = write();
        registry.generation = registry.generation.wrapping_add(1);
        store_hook_state(state_of(resolved.as_deref()));
        let configured = core::mem::replace(&mut registry.configured, configured.map(Arc::from));
        (configured, core::mem::replace(&mut registry.resolved, resolved))
    };
    // The old hooks are dropped with no lock held: their `Drop` may run user code.
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
        Some(_) => HOOKS,
    }
}

/// The resolved hooks, resolving them first if needed.
pub(crate) fn snapshot() -> Arc<[InstalledHook]> {
    if let Some(resolved) = &read().resolved {
        return Arc::clone(resolved);
    }
    if IN_RESOLUTION.with(Cell::get) {
        return Arc::new([]);
    }
    let _resolving = lock_resolution();
    // Another thread may have resolved while this one waited for the mutex.
    let (generation, configured) = {
        let registry = read();
        if let Some(resolved) = &registry.resolved {
            return Arc::clone(resolved);
        }
        (registry.generation, registry.configured.clone())
    };
    let resolved: Arc<[InstalledHook]> = {
        let _flag = ResolutionFlag::set();
        match configured {
            None => default_hooks().iter().map(Hook::resolve).collect(),
            Some(list) => list.iter().map(Hook::resolve).collect(),
        }
    };
    let mut registry = write();
    // A `set` during resolution wins; this resolution is then used only once.
    if registry.generation == generation {
        store_hook_state(state_of(Some(&resolved)));
        registry.resolved = Some(Arc::clone(&resolved));
    }
    resolved
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
