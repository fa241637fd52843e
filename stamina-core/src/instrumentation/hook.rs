//! Hooks, lazy hook factories, and the lists `set_on_retry_hooks` accepts.

use core::fmt;
use std::sync::Arc;

use super::details::{GiveUpDetails, RetryDetails, SuccessDetails};
use super::guard::{HookGuard, IntoHookGuard};
use super::levels::{Event, LogSink};

/// Something that sees every scheduled retry, and optionally how each loop ended.
///
/// Closures and fns taking `&RetryDetails` are hooks (returning `()`, a
/// [`HookGuard`] or an `Option<HookGuard>`); implement the trait on a type to
/// also receive the lifecycle events [`on_success`](Self::on_success) and
/// [`on_give_up`](Self::on_give_up), which Python stamina does not have.
///
/// # Panics
///
/// A hook that panics aborts the retry loop: the panic propagates to the code
/// that called the retried function, later hooks of the list do not run, and
/// the guards already returned for this retry are dropped while unwinding. As in
/// Python stamina this is deliberate: a caller can always catch a panic, but
/// could not undo a panic the library had swallowed. The hook registry stays
/// usable afterwards.
///
/// ```
/// use stamina::instrumentation::{
///     GiveUpDetails, HookGuard, RetryDetails, RetryHook, set_on_retry_hooks,
/// };
///
/// #[derive(Debug)]
/// struct Alerts;
///
/// impl RetryHook for Alerts {
///     fn on_retry(&self, _: &RetryDetails<'_>) -> HookGuard {
///         HookGuard::none()
///     }
///
///     fn on_give_up(&self, details: &GiveUpDetails<'_>) {
///         eprintln!("{} gave up: {}", details.name, details.reason);
///     }
/// }
///
/// set_on_retry_hooks((Alerts, |details: &RetryDetails<'_>| {
///     eprintln!("retrying {} ({})", details.name, details.error_summary());
/// }));
/// # set_on_retry_hooks(None);
/// ```
pub trait RetryHook: Send + Sync + 'static {
    /// Called once per scheduled retry, before the wait. The returned guard is
    /// dropped right before the next attempt.
    ///
    /// ```
    /// use stamina::instrumentation::{HookGuard, RetryDetails, RetryHook};
    ///
    /// #[derive(Debug)]
    /// struct Stderr;
    ///
    /// impl RetryHook for Stderr {
    ///     fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
    ///         eprintln!("{}: retry {} in {:?}", details.name, details.retry_num, details.wait_for);
    ///         HookGuard::none()
    ///     }
    /// }
    /// # stamina::instrumentation::set_on_retry_hooks((Stderr,));
    /// # stamina::instrumentation::set_on_retry_hooks(None);
    /// ```
    fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard;

    /// Called when a loop succeeds after at least one retry. Does nothing
    /// unless implemented.
    ///
    /// ```
    /// use stamina::instrumentation::{HookGuard, RetryDetails, RetryHook, SuccessDetails};
    ///
    /// #[derive(Debug)]
    /// struct Recoveries;
    ///
    /// impl RetryHook for Recoveries {
    ///     fn on_retry(&self, _: &RetryDetails<'_>) -> HookGuard {
    ///         HookGuard::none()
    ///     }
    ///
    ///     fn on_success(&self, details: &SuccessDetails<'_>) {
    ///         eprintln!("{} recovered after {} attempts", details.name, details.attempts);
    ///     }
    /// }
    /// # stamina::instrumentation::set_on_retry_hooks((Recoveries,));
    /// # stamina::instrumentation::set_on_retry_hooks(None);
    /// ```
    fn on_success(&self, details: &SuccessDetails<'_>) {
        let _ = details;
    }

    /// Called when a loop gives up and returns an error: attempts exhausted,
    /// timeout passed, or an error `on` does not retry. Does nothing unless
    /// implemented; the [trait's example](RetryHook) implements it.
    fn on_give_up(&self, details: &GiveUpDetails<'_>) {
        let _ = details;
    }
}

impl<F, R> RetryHook for F
where
    F: Fn(&RetryDetails<'_>) -> R + Send + Sync + 'static,
    R: IntoHookGuard,
{
    fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
        self(details).into_hook_guard()
    }
}

/// A hook from a closure, with its argument type inferred (no annotation needed).
///
/// ```
/// use stamina::instrumentation::{retry_hook, set_on_retry_hooks};
///
/// set_on_retry_hooks((retry_hook(|details| eprintln!("retry {}", details.retry_num)),));
/// # set_on_retry_hooks(None);
/// ```
pub fn retry_hook<F, R>(on_retry: F) -> impl RetryHook
where
    F: Fn(&RetryDetails<'_>) -> R + Send + Sync + 'static,
    R: IntoHookGuard,
{
    on_retry
}

/// A hook that only hears about loops that succeeded after retrying.
///
/// ```
/// use stamina::instrumentation::{SuccessDetails, set_on_retry_hooks, success_hook};
///
/// set_on_retry_hooks((success_hook(|details: &SuccessDetails<'_>| {
///     eprintln!("{} recovered after {:?} of waiting", details.name, details.waited);
/// }),));
/// # set_on_retry_hooks(None);
/// ```
pub fn success_hook<F>(on_success: F) -> impl RetryHook
where
    F: Fn(&SuccessDetails<'_>) + Send + Sync + 'static,
{
    LifecycleFn { on_success: Some(on_success), on_give_up: None::<fn(&GiveUpDetails<'_>)> }
}

/// A hook that only hears about loops that gave up.
///
/// ```
/// use stamina::instrumentation::{GiveUpDetails, give_up_hook, set_on_retry_hooks};
///
/// set_on_retry_hooks((give_up_hook(|details: &GiveUpDetails<'_>| {
///     eprintln!("{} gave up ({}) after {} attempts", details.name, details.reason, details.attempts);
/// }),));
/// # set_on_retry_hooks(None);
/// ```
pub fn give_up_hook<F>(on_give_up: F) -> impl RetryHook
where
    F: Fn(&GiveUpDetails<'_>) + Send + Sync + 'static,
{
    LifecycleFn { on_success: None::<fn(&SuccessDetails<'_>)>, on_give_up: Some(on_give_up) }
}

struct LifecycleFn<S, G> {
    on_success: Option<S>,
    on_give_up: Option<G>,
}

impl<S, G> RetryHook for LifecycleFn<S, G>
where
    S: Fn(&SuccessDetails<'_>) + Send + Sync + 'static,
    G: Fn(&GiveUpDetails<'_>) + Send + Sync + 'static,
{
    fn on_retry(&self, _: &RetryDetails<'_>) -> HookGuard {
        HookGuard::none()
    }

    fn on_success(&self, details: &SuccessDetails<'_>) {
        if let Some(on_success) = &self.on_success {
            on_success(details);
        }
    }

    fn on_give_up(&self, details: &GiveUpDetails<'_>) {
        if let Some(on_give_up) = &self.on_give_up {
            on_give_up(details);
        }
    }
}

/// A hook as installed: what [`get_on_retry_hooks`](super::get_on_retry_hooks)
/// returns, after factories have been built.
///
/// It can be installed again, alone or wrapped. Here the default hooks hear
/// only of first retries and of loops that end:
///
/// ```
/// use stamina::instrumentation::{
///     GiveUpDetails, HookGuard, InstalledHook, RetryDetails, RetryHook, SuccessDetails, get_on_retry_hooks,
///     set_on_retry_hooks,
/// };
///
/// #[derive(Debug)]
/// struct FirstRetryOnly(InstalledHook);
///
/// impl RetryHook for FirstRetryOnly {
///     fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
///         if details.retry_num == 1 { self.0.on_retry(details) } else { HookGuard::none() }
///     }
///
///     fn on_success(&self, details: &SuccessDetails<'_>) {
///         self.0.on_success(details);
///     }
///
///     fn on_give_up(&self, details: &GiveUpDetails<'_>) {
///         self.0.on_give_up(details);
///     }
/// }
///
/// set_on_retry_hooks(None);
/// let defaults = get_on_retry_hooks();
/// assert!(defaults[0].ptr_eq(&get_on_retry_hooks()[0])); // the same hook, resolved once
/// set_on_retry_hooks(defaults.into_iter().map(FirstRetryOnly).collect::<Vec<_>>());
/// assert!(get_on_retry_hooks()[0].type_name().ends_with("FirstRetryOnly"));
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone)]
pub struct InstalledHook {
    hook: Arc<dyn RetryHook>,
    type_name: &'static str,
    /// The built-in log sink it is, which reports nothing at a level nothing
    /// listens at.
    sink: Option<LogSink>,
}

impl InstalledHook {
    pub(crate) fn new<H: RetryHook>(hook: H) -> Self {
        Self { hook: Arc::new(hook), type_name: core::any::type_name::<H>(), sink: LogSink::of::<H>() }
    }

    /// Whether calling the hook for `event` may do anything: any hook but a
    /// built-in log sink whose level nothing listens at.
    #[inline]
    pub(crate) fn listens(&self, event: Event) -> bool {
        self.sink.is_none_or(|sink| sink.listens(event))
    }

    /// Whether it is a built-in log sink.
    pub(crate) fn is_log_sink(&self) -> bool {
        self.sink.is_some()
    }

    /// The hook's type name, as [`core::any::type_name`] spells it: the built-in
    /// sinks' end in `TracingHook`, `LogHook`, `PrometheusHook` and
    /// `MetricsHook`; closures have compiler-made names.
    ///
    /// ```
    /// use stamina::instrumentation::{TracingHook, get_on_retry_hooks, set_on_retry_hooks};
    ///
    /// set_on_retry_hooks((TracingHook::new(),));
    /// assert!(get_on_retry_hooks()[0].type_name().ends_with("TracingHook"));
    /// # set_on_retry_hooks(None);
    /// ```
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Whether `self` and `other` are the same installed hook (see the
    /// [example](InstalledHook)).
    pub fn ptr_eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.hook, &other.hook)
    }

    /// Calls the hook's [`RetryHook::on_retry`] (see the [example](InstalledHook)).
    pub fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
        self.hook.on_retry(details)
    }

    /// Calls the hook's [`RetryHook::on_success`].
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::time::Duration;
    ///
    /// use stamina::instrumentation::{
    ///     HookGuard, InstalledHook, RetryDetails, RetryHook, SuccessDetails, get_on_retry_hooks, set_on_retry_hooks,
    ///     success_hook,
    /// };
    ///
    /// /// Passes on successes only.
    /// #[derive(Debug)]
    /// struct Recoveries(InstalledHook);
    ///
    /// impl RetryHook for Recoveries {
    ///     fn on_retry(&self, _: &RetryDetails<'_>) -> HookGuard {
    ///         HookGuard::none()
    ///     }
    ///
    ///     fn on_success(&self, details: &SuccessDetails<'_>) {
    ///         self.0.on_success(details);
    ///     }
    /// }
    ///
    /// let attempts = Arc::new(AtomicU32::new(0));
    /// let sink = Arc::clone(&attempts);
    /// set_on_retry_hooks((success_hook(move |details: &SuccessDetails<'_>| sink.store(details.attempts, Ordering::Relaxed)),));
    /// let inner = get_on_retry_hooks().remove(0);
    /// set_on_retry_hooks((Recoveries(inner),));
    ///
    /// let mut calls = 0;
    /// let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO);
    /// let _ = caller.call(|_: &()| true, || {
    ///     calls += 1;
    ///     if calls < 2 { Err(()) } else { Ok(()) }
    /// });
    /// assert_eq!(attempts.load(Ordering::Relaxed), 2);
    /// # set_on_retry_hooks(None);
    /// ```
    pub fn on_success(&self, details: &SuccessDetails<'_>) {
        self.hook.on_success(details);
    }

    /// Calls the hook's [`RetryHook::on_give_up`].
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// use stamina::instrumentation::{
    ///     GiveUpDetails, GiveUpReason, HookGuard, InstalledHook, RetryDetails, RetryHook, get_on_retry_hooks,
    ///     give_up_hook, set_on_retry_hooks,
    /// };
    ///
    /// /// Passes on give-ups only.
    /// #[derive(Debug)]
    /// struct GiveUps(InstalledHook);
    ///
    /// impl RetryHook for GiveUps {
    ///     fn on_retry(&self, _: &RetryDetails<'_>) -> HookGuard {
    ///         HookGuard::none()
    ///     }
    ///
    ///     fn on_give_up(&self, details: &GiveUpDetails<'_>) {
    ///         self.0.on_give_up(details);
    ///     }
    /// }
    ///
    /// let reasons = Arc::new(Mutex::new(Vec::new()));
    /// let sink = Arc::clone(&reasons);
    /// set_on_retry_hooks((give_up_hook(move |details: &GiveUpDetails<'_>| sink.lock().unwrap().push(details.reason)),));
    /// let inner = get_on_retry_hooks().remove(0);
    /// set_on_retry_hooks((GiveUps(inner),));
    ///
    /// let _ = stamina::RetryingCaller::new().call(|_: &()| false, || Err::<(), _>(()));
    /// assert_eq!(*reasons.lock().unwrap(), [GiveUpReason::NotRetryable]);
    /// # set_on_retry_hooks(None);
    /// ```
    pub fn on_give_up(&self, details: &GiveUpDetails<'_>) {
        self.hook.on_give_up(details);
    }
}

impl fmt::Debug for InstalledHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("InstalledHook").field(&self.type_name).finish()
    }
}

/// Builds a hook lazily: on the first event after it was installed (the first
/// scheduled retry, or the first loop that gives up) or the first
/// [`get_on_retry_hooks`](super::get_on_retry_hooks), exactly once even when
/// several threads retry at the same moment. Heavy set-up (a client, a metric
/// registration) costs nothing while calls succeed at once.
///
/// As in Python stamina, each [`set_on_retry_hooks`](super::set_on_retry_hooks)
/// resets the hooks, so a factory builds again after the next `set`.
///
/// ```
/// use stamina::instrumentation::{RetryDetails, RetryHookFactory, set_on_retry_hooks};
///
/// set_on_retry_hooks((RetryHookFactory::new(|| {
///     let prefix = String::from("expensive set-up done: ");
///     move |details: &RetryDetails<'_>| eprintln!("{prefix}{}", details.name)
/// }),));
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone)]
pub struct RetryHookFactory {
    build: Arc<dyn Fn() -> InstalledHook + Send + Sync>,
    type_name: &'static str,
}

impl RetryHookFactory {
    /// A factory that calls `build` to make its hook.
    ///
    /// ```
    /// use stamina::instrumentation::{RetryHookFactory, TracingHook, get_on_retry_hooks, set_on_retry_hooks};
    ///
    /// set_on_retry_hooks((RetryHookFactory::new(TracingHook::new),));
    /// assert_eq!(get_on_retry_hooks().len(), 1); // asking builds it
    /// # set_on_retry_hooks(None);
    /// ```
    pub fn new<F, H>(build: F) -> Self
    where
        F: Fn() -> H + Send + Sync + 'static,
        H: RetryHook,
    {
        Self { build: Arc::new(move || InstalledHook::new(build())), type_name: core::any::type_name::<H>() }
    }

    pub(crate) fn build(&self) -> InstalledHook {
        (self.build)()
    }
}

impl fmt::Debug for RetryHookFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RetryHookFactory").field(&self.type_name).finish()
    }
}

/// One entry of the list given to [`set_on_retry_hooks`](super::set_on_retry_hooks):
/// a ready hook, or a factory that builds one on first use.
///
/// A tuple takes hooks of different kinds as they are; a `Vec` or an array of
/// different kinds takes them as `Hook`s, made with [`IntoHook::into_hook`]:
///
/// ```
/// use stamina::instrumentation::{
///     Hook, IntoHook, RetryDetails, RetryHookFactory, TracingHook, get_on_retry_hooks, set_on_retry_hooks,
/// };
///
/// fn print_retry(details: &RetryDetails<'_>) {
///     eprintln!("retrying {}", details.name);
/// }
///
/// let mut hooks: Vec<Hook> = vec![print_retry.into_hook()];
/// if std::env::var_os("TRACE_RETRIES").is_some() {
///     hooks.push(RetryHookFactory::new(TracingHook::new).into_hook());
/// }
/// set_on_retry_hooks(hooks);
/// assert!(!get_on_retry_hooks().is_empty());
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Debug)]
pub struct Hook {
    kind: HookKind,
}

#[derive(Clone, Debug)]
enum HookKind {
    Ready(InstalledHook),
    Factory(RetryHookFactory),
}

impl Hook {
    /// The installed hook: a ready hook as is, a factory's hook built now.
    pub(crate) fn resolve(&self) -> InstalledHook {
        match &self.kind {
            HookKind::Ready(hook) => hook.clone(),
            HookKind::Factory(factory) => factory.build(),
        }
    }

    pub(crate) fn is_factory(&self) -> bool {
        matches!(self.kind, HookKind::Factory(_))
    }
}

/// Anything that can be an entry of a hook list: a [`RetryHook`] (closures and
/// fns included), a [`RetryHookFactory`], an [`InstalledHook`], or a [`Hook`].
///
/// A bound: name it only to build a `Vec` of different kinds (see [`Hook`]).
///
/// ```
/// use stamina::instrumentation::{Hook, IntoHook, TracingHook};
///
/// let hook: Hook = TracingHook::new().into_hook();
/// # let _ = hook;
/// ```
pub trait IntoHook {
    /// The list entry (see the [trait's example](IntoHook)).
    fn into_hook(self) -> Hook;
}

impl<H: RetryHook> IntoHook for H {
    fn into_hook(self) -> Hook {
        Hook { kind: HookKind::Ready(InstalledHook::new(self)) }
    }
}

impl IntoHook for RetryHookFactory {
    fn into_hook(self) -> Hook {
        Hook { kind: HookKind::Factory(self) }
    }
}

impl IntoHook for InstalledHook {
    fn into_hook(self) -> Hook {
        Hook { kind: HookKind::Ready(self) }
    }
}

impl IntoHook for Hook {
    fn into_hook(self) -> Hook {
        self
    }
}

/// What [`set_on_retry_hooks`](super::set_on_retry_hooks) accepts, mirroring
/// Python's `None` / `[]` / a list:
///
/// - `None`: the defaults for the enabled features;
/// - `[]`: no hooks at all (instrumentation off, retries cost nothing extra);
/// - a tuple of up to 8 hooks of different kinds: `(my_fn, TracingHook, factory)`;
/// - a `Vec` of one kind, an array of [`Hook`]s, or `Some(vec)`.
///
/// A bound: pass a list, never name the trait.
///
/// ```
/// use stamina::instrumentation::{RetryDetails, RetryHookFactory, TracingHook, set_on_retry_hooks};
///
/// set_on_retry_hooks((
///     TracingHook::new(),
///     |details: &RetryDetails<'_>| eprintln!("{}", details.name),
///     RetryHookFactory::new(TracingHook::new),
/// ));
/// set_on_retry_hooks(vec![TracingHook::new()]);
/// set_on_retry_hooks([]); // no hooks
/// set_on_retry_hooks(None); // the defaults
/// ```
pub trait HookList {
    /// The entries, or `None` for the defaults (see the [trait's example](HookList)).
    fn into_hook_list(self) -> Option<Vec<Hook>>;
}

impl HookList for Option<Vec<Hook>> {
    fn into_hook_list(self) -> Option<Vec<Hook>> {
        self
    }
}

impl<H: IntoHook> HookList for Vec<H> {
    fn into_hook_list(self) -> Option<Vec<Hook>> {
        Some(self.into_iter().map(IntoHook::into_hook).collect())
    }
}

impl<const N: usize> HookList for [Hook; N] {
    fn into_hook_list(self) -> Option<Vec<Hook>> {
        Some(self.into())
    }
}

macro_rules! impl_hook_list_for_tuple {
    ($($name:ident),+) => {
        impl<$($name: IntoHook),+> HookList for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_hook_list(self) -> Option<Vec<Hook>> {
                let ($($name,)+) = self;
                Some(vec![$($name.into_hook()),+])
            }
        }
    };
}

impl_hook_list_for_tuple!(A);
impl_hook_list_for_tuple!(A, B);
impl_hook_list_for_tuple!(A, B, C);
impl_hook_list_for_tuple!(A, B, C, D);
impl_hook_list_for_tuple!(A, B, C, D, E);
impl_hook_list_for_tuple!(A, B, C, D, E, F);
impl_hook_list_for_tuple!(A, B, C, D, E, F, G);
impl_hook_list_for_tuple!(A, B, C, D, E, F, G, H);
