//! A [`tower::Layer`](tower_layer::Layer) that retries with stamina (feature
//! `tower`).
//!
//! [`RetryLayer`] wraps any [`Service`] that is `Clone` in a [`Retry`]
//! service that retries calls with a stamina policy and a predicate
//! over the request and its whole result ([`RetryPredicate`]): an error, and
//! also a response (a 503), which, when the loop gives up, is returned
//! unchanged. For HTTP, [`RetryOnHttp`] is the ready rule: idempotent methods,
//! 5xx and 429 (after `Retry-After`, capped at 60 s), and the errors you name.
//!
//! - Each attempt sends a copy of the request ([`CloneRequest`]); one that
//!   cannot be copied (a streaming body) is sent exactly once, and if it
//!   would have been retried, hooks hear that the loop gave up with
//!   [`GiveUpReason::RequestNotCloneable`](crate::instrumentation::GiveUpReason::RequestNotCloneable):
//!   never silently, unlike `tower::retry` when `clone_request` returns
//!   `None`.
//! - Every attempt is sent to a ready service: the first to the one the
//!   caller's [`Service::poll_ready`] readied (it is not polled again, as in
//!   `tower::retry`: a service that takes a permit or a connection when it
//!   becomes ready holds one, not two), each retry after its own
//!   `poll_ready`, whose error is that attempt's result, decided as any
//!   other.
//! - The response future, [`ResponseFuture`], is hand-written, as
//!   `tower::retry`'s is, not boxed: a call allocates nothing of its own, on
//!   success and on retries with zero waits. It is `Send` exactly when the
//!   service's future, the request and the layer's parts are, so neither the
//!   service's future nor the request need be `Send` or `'static`.
//! - Hooks name the loops by the layer's [`name`](RetryLayer::name).
//! - Testing mode, `set_active(false)`, budgets and hooks work as for every
//!   stamina loop.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::time::Duration;
//!
//! use http::{Request, Response, StatusCode};
//! use stamina::http::RetryOnHttp;
//! use stamina::tower::{RetryLayer, clone_http_request};
//! use tower::{Layer, Service, ServiceExt, service_fn};
//!
//! // A service that fails with a 503 once.
//! let calls = Arc::new(AtomicU32::new(0));
//! let counter = Arc::clone(&calls);
//! let flaky = service_fn(move |_: Request<String>| {
//!     let status = if counter.fetch_add(1, Ordering::Relaxed) == 0 { 503 } else { 200 };
//!     async move { Ok::<_, std::io::Error>(Response::builder().status(status).body(()).unwrap()) }
//! });
//!
//! let layer = RetryLayer::new(RetryOnHttp::new(|_: &std::io::Error| false))
//!     .clone_requests_with(clone_http_request)
//!     .attempts(3)
//!     .wait_max(Duration::ZERO)
//!     .name("api");
//! let mut service = layer.layer(flaky);
//! let response = service.ready().await.unwrap().call(Request::new(String::from("hi"))).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! assert_eq!(calls.load(Ordering::Relaxed), 2);
//! # }
//! ```

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::error::Error;
use std::sync::Arc;

use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use super::replay::{AfterAttempt, Replaying};
use crate::RetryPolicy;
use crate::api::results::{CarriedView, Shown};
use crate::engine::{DefaultSleeper, Site, Sleeper, Sleeping};
use crate::http::{RetryOnHttp, describe_response};
use crate::instrumentation::CallableName;
use crate::on::{Decision, IntoDecision};
use crate::policy::policy_setters;

/// What decides whether a [`Retry`] service retries: whether a request may
/// be retried at all (asked once, before it is sent), and, after each
/// attempt, the decision about its whole result.
///
/// Any `Fn(&Result<Res, E>) -> D` is one (every request may be retried),
/// where `D` is a `bool`, a `Duration` or a [`Decision`]; [`RetryOnHttp`] is
/// the ready one for HTTP (idempotent methods; 5xx, 429 and the errors you
/// name).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
///
/// use stamina::Decision;
/// use stamina::tower::{RetryLayer, RetryPredicate};
/// use tower::{Layer, ServiceExt, service_fn};
///
/// /// Retries errors, but never for the admin account (id 0).
/// #[derive(Clone)]
/// struct NotForAdmin;
///
/// impl RetryPredicate<u32, u32, std::io::Error> for NotForAdmin {
///     fn may_retry(&self, id: &u32) -> bool {
///         *id != 0
///     }
///
///     fn decide(&self, result: &Result<u32, std::io::Error>) -> Decision {
///         if result.is_err() { Decision::Retry } else { Decision::NoRetry }
///     }
/// }
///
/// let calls = Arc::new(AtomicU32::new(0));
/// let counter = Arc::clone(&calls);
/// let down = service_fn(move |_: u32| {
///     counter.fetch_add(1, Ordering::Relaxed);
///     async { Err::<u32, _>(std::io::Error::other("down")) }
/// });
/// let service = RetryLayer::new(NotForAdmin).attempts(3).wait_max(Duration::ZERO).layer(down);
/// assert!(service.clone().oneshot(7).await.is_err());
/// assert_eq!(calls.swap(0, Ordering::Relaxed), 3);
/// assert!(service.oneshot(0).await.is_err());
/// assert_eq!(calls.load(Ordering::Relaxed), 1); // sent once
/// # }
/// ```
pub trait RetryPredicate<Req, Res, E> {
    /// Whether `request` may be retried at all; `true` by default. A request
    /// that may not is sent once and not copied.
    fn may_retry(&self, request: &Req) -> bool {
        let _ = request;
        true
    }

    /// The decision about an attempt's `result`.
    fn decide(&self, result: &Result<Res, E>) -> Decision;

    /// How hooks show a response this predicate retried (`caused_by`). By
    /// default its type name: its `Debug` form may carry what logs must not.
    fn describe_response(response: &Res, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = response;
        write!(f, "Ok({})", core::any::type_name::<Res>())
    }

    /// The error as `&dyn Error` for hooks, so that logs show its `Display`;
    /// by default `None`, and logs show its (capped) `Debug` form.
    fn error_view(error: &E) -> Option<&(dyn Error + 'static)> {
        let _ = error;
        None
    }
}

impl<F, D, Req, Res, E> RetryPredicate<Req, Res, E> for F
where
    F: Fn(&Result<Res, E>) -> D,
    D: IntoDecision,
{
    #[inline]
    fn decide(&self, result: &Result<Res, E>) -> Decision {
        self(result).into_decision()
    }
}

impl<P, D, B, RB, E> RetryPredicate<http::Request<B>, http::Response<RB>, E> for RetryOnHttp<P>
where
    P: Fn(&E) -> D,
    D: IntoDecision,
    E: Error + 'static,
{
    fn may_retry(&self, request: &http::Request<B>) -> bool {
        self.retries_method(request.method())
    }

    fn decide(&self, result: &Result<http::Response<RB>, E>) -> Decision {
        self.decide_result(result)
    }

    fn describe_response(response: &http::Response<RB>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe_response(response, f)
    }

    fn error_view(error: &E) -> Option<&(dyn Error + 'static)> {
        Some(error)
    }
}

/// How a [`Retry`] service copies a request for each attempt: `None` when
/// this request cannot be copied (its body is a stream), which makes it a
/// single attempt, reported.
///
/// Any `Fn(&Req) -> Option<Req>` is one; [`CloneIfClone`] (the default) is
/// `Clone`, and [`clone_http_request`] copies an `http::Request` with a
/// cloneable body.
///
/// ```
/// use stamina::tower::CloneRequest;
///
/// /// Copies small bodies only: a large one is sent once.
/// struct SmallBodies;
///
/// impl CloneRequest<Vec<u8>> for SmallBodies {
///     fn clone_request(&self, body: &Vec<u8>) -> Option<Vec<u8>> {
///         (body.len() <= 1024).then(|| body.clone())
///     }
/// }
///
/// assert_eq!(SmallBodies.clone_request(&vec![1, 2]), Some(vec![1, 2]));
/// assert_eq!(SmallBodies.clone_request(&vec![0; 4096]), None);
/// // A closure is one too.
/// assert_eq!((|id: &u32| Some(*id)).clone_request(&7), Some(7));
/// ```
pub trait CloneRequest<Req> {
    /// A copy of `request` for another attempt, if it can be made.
    fn clone_request(&self, request: &Req) -> Option<Req>;
}

impl<Req, F: Fn(&Req) -> Option<Req>> CloneRequest<Req> for F {
    #[inline]
    fn clone_request(&self, request: &Req) -> Option<Req> {
        self(request)
    }
}

/// Copies requests with `Clone`: the default of [`RetryLayer`].
///
/// ```
/// use stamina::tower::{CloneIfClone, CloneRequest};
///
/// assert_eq!(CloneIfClone.clone_request(&String::from("GET /")), Some(String::from("GET /")));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CloneIfClone;

impl<Req: Clone> CloneRequest<Req> for CloneIfClone {
    #[inline]
    fn clone_request(&self, request: &Req) -> Option<Req> {
        Some(request.clone())
    }
}

/// Copies an `http::Request` whose body is `Clone` (`String`, `Bytes`,
/// `Full<Bytes>`): method, URI, version, headers, extensions and body.
///
/// ```
/// use http::Request;
/// use stamina::tower::clone_http_request;
///
/// let request = Request::post("http://127.0.0.1/items").header("x-id", "7").body("{}").unwrap();
/// let copy = clone_http_request(&request).unwrap();
/// assert_eq!((copy.method(), copy.uri(), copy.headers(), copy.body()), (request.method(), request.uri(), request.headers(), request.body()));
/// ```
pub fn clone_http_request<B: Clone>(request: &http::Request<B>) -> Option<http::Request<B>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    Some(copy)
}

/// The configuration a [`Retry`] service shares with its calls.
struct Config<P, C, S> {
    policy: RetryPolicy,
    name: CallableName,
    predicate: P,
    clone_request: C,
    sleeper: S,
}

/// A `tower::Layer` that retries the calls of the service it wraps with a
/// stamina policy; see the [module documentation](self).
///
/// Parameters and the name are set with the builder methods every stamina
/// loop has (`attempts`, `timeout`, `wait_*`, `budget`, `name`).
///
/// ```
/// use std::time::Duration;
///
/// use stamina::tower::RetryLayer;
///
/// let layer = RetryLayer::new(|result: &Result<u32, std::io::Error>| result.is_err())
///     .attempts(3)
///     .timeout(Duration::from_secs(5))
///     .name("ids");
/// assert_eq!(layer.get_policy().get_attempts(), Some(3));
/// assert_eq!(layer.get_policy().get_timeout(), Some(Duration::from_secs(5)));
/// assert!(format!("{layer:?}").contains("ids"));
/// ```
pub struct RetryLayer<P, C = CloneIfClone, S = DefaultSleeper> {
    policy: RetryPolicy,
    name: CallableName,
    predicate: P,
    clone_request: C,
    sleeper: S,
}

impl<P> RetryLayer<P> {
    /// A layer retrying with stamina's defaults (10 attempts, 45 s) when
    /// `predicate` says so, copying requests with `Clone`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::time::Duration;
    ///
    /// use stamina::tower::RetryLayer;
    /// use tower::{Layer, ServiceExt, service_fn};
    ///
    /// let layer = RetryLayer::new(|result: &Result<u32, std::io::Error>| result.is_err()).name("ids");
    /// assert_eq!(layer.get_name(), "ids");
    /// assert_eq!(layer.get_policy(), &stamina::RetryPolicy::new());
    ///
    /// // Fails once, then answers twice the request.
    /// let calls = Arc::new(AtomicU32::new(0));
    /// let counter = Arc::clone(&calls);
    /// let flaky = service_fn(move |id: u32| {
    ///     let first = counter.fetch_add(1, Ordering::Relaxed) == 0;
    ///     async move { if first { Err(std::io::Error::other("reset")) } else { Ok(id * 2) } }
    /// });
    /// let service = layer.wait_max(Duration::ZERO).layer(flaky);
    /// assert_eq!(service.oneshot(21).await.unwrap(), 42);
    /// assert_eq!(calls.load(Ordering::Relaxed), 2);
    /// # }
    /// ```
    pub fn new(predicate: P) -> Self {
        Self {
            policy: RetryPolicy::new(),
            name: CallableName::CONTEXT_BLOCK,
            predicate,
            clone_request: CloneIfClone,
            sleeper: DefaultSleeper::default(),
        }
    }
}

impl<P, C, S> RetryLayer<P, C, S> {
    policy_setters!();

    /// Copies requests for each attempt with `clone_request` instead (see
    /// [`CloneRequest`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::time::Duration;
    ///
    /// use stamina::tower::RetryLayer;
    /// use tower::{Layer, ServiceExt, service_fn};
    ///
    /// let calls = Arc::new(AtomicU32::new(0));
    /// let counter = Arc::clone(&calls);
    /// let down = service_fn(move |_: u32| {
    ///     counter.fetch_add(1, Ordering::Relaxed);
    ///     async { Err::<u32, _>(std::io::Error::other("down")) }
    /// });
    /// // A request that cannot be copied is sent once.
    /// let layer = RetryLayer::new(|result: &Result<u32, std::io::Error>| result.is_err())
    ///     .wait_max(Duration::ZERO)
    ///     .clone_requests_with(|_: &u32| None);
    /// assert!(layer.layer(down).oneshot(7).await.is_err());
    /// assert_eq!(calls.load(Ordering::Relaxed), 1);
    /// # }
    /// ```
    #[must_use]
    pub fn clone_requests_with<C2>(self, clone_request: C2) -> RetryLayer<P, C2, S> {
        RetryLayer {
            policy: self.policy,
            name: self.name,
            predicate: self.predicate,
            clone_request,
            sleeper: self.sleeper,
        }
    }

    /// Waits with `sleeper` instead of tokio's timer.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::sync::{Arc, Mutex};
    /// use std::time::Duration;
    ///
    /// use stamina::tower::RetryLayer;
    /// use tower::{Layer, ServiceExt, service_fn};
    ///
    /// let waits = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&waits);
    /// let layer = RetryLayer::new(|result: &Result<u32, std::io::Error>| result.is_err())
    ///     .attempts(3)
    ///     .wait_initial(Duration::from_millis(100))
    ///     .wait_jitter(Duration::ZERO)
    ///     .sleeper(move |wait| {
    ///         log.lock().unwrap().push(wait);
    ///         std::future::ready(()) // a test's sleeper: no real waiting
    ///     });
    /// let down = service_fn(|_: u32| async { Err::<u32, _>(std::io::Error::other("down")) });
    /// assert!(layer.layer(down).oneshot(7).await.is_err());
    /// assert_eq!(*waits.lock().unwrap(), [Duration::from_millis(100), Duration::from_millis(200)]);
    /// # }
    /// ```
    #[must_use]
    pub fn sleeper<S2: Sleeper>(self, sleeper: S2) -> RetryLayer<P, C, S2> {
        RetryLayer {
            policy: self.policy,
            name: self.name,
            predicate: self.predicate,
            clone_request: self.clone_request,
            sleeper,
        }
    }
}

impl<P: Clone, C: Clone, S: Clone> Clone for RetryLayer<P, C, S> {
    fn clone(&self) -> Self {
        Self {
            policy: self.policy,
            name: self.name,
            predicate: self.predicate.clone(),
            clone_request: self.clone_request.clone(),
            sleeper: self.sleeper.clone(),
        }
    }
}

impl<P, C, S> fmt::Debug for RetryLayer<P, C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryLayer")
            .field("name", &self.name.path())
            .field("policy", &self.policy)
            .field("predicate", &core::any::type_name::<P>())
            .finish_non_exhaustive()
    }
}

impl<Svc, P: Clone, C: Clone, S: Clone> Layer<Svc> for RetryLayer<P, C, S> {
    type Service = Retry<Svc, P, C, S>;

    fn layer(&self, inner: Svc) -> Self::Service {
        let layer = self.clone();
        Retry {
            inner,
            config: Arc::new(Config {
                policy: layer.policy,
                name: layer.name,
                predicate: layer.predicate,
                clone_request: layer.clone_request,
                sleeper: layer.sleeper,
            }),
        }
    }
}

/// The service a [`RetryLayer`] makes: calls the inner service once per
/// attempt, the first when the caller's `poll_ready` readied it, each retry
/// after its own.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
///
/// use stamina::tower::{Retry, RetryLayer};
/// use tower::{Layer, ServiceExt, service_fn};
///
/// let double = service_fn(|id: u32| async move { Ok::<_, std::io::Error>(id * 2) });
/// let layer = RetryLayer::new(|result: &Result<u32, std::io::Error>| result.is_err()).wait_max(Duration::ZERO);
/// let service: Retry<_, _> = layer.layer(double);
/// // Clones share the configuration.
/// assert_eq!(service.clone().oneshot(1).await.unwrap(), 2);
/// assert_eq!(service.oneshot(2).await.unwrap(), 4);
/// # }
/// ```
pub struct Retry<Svc, P, C = CloneIfClone, S = DefaultSleeper> {
    inner: Svc,
    config: Arc<Config<P, C, S>>,
}

impl<Svc: Clone, P, C, S> Clone for Retry<Svc, P, C, S> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone(), config: Arc::clone(&self.config) }
    }
}

impl<Svc, P, C, S> fmt::Debug for Retry<Svc, P, C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retry")
            .field("name", &self.config.name.path())
            .field("policy", &self.config.policy)
            .field("inner", &core::any::type_name::<Svc>())
            .finish_non_exhaustive()
    }
}

pin_project! {
    /// The response future of [`Retry`]: the attempts of one call, each
    /// after the service's `poll_ready`, and the waits between them.
    ///
    /// Not boxed: it allocates nothing of its own (a non-zero wait boxes the
    /// sleeper's timer, as every stamina loop does), and it is `Send` exactly
    /// when its parts are: the inner service and its future, the request,
    /// the sleeper's future, and the predicate, copier and sleeper, which it
    /// shares with the service (so those must be `Sync` too). Nothing runs
    /// before the first poll, where the loop starts (and reads the testing
    /// switches), as an async fn's would. Dropping it drops the attempt or
    /// the wait in progress, and no hook is called.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use stamina::tower::{ResponseFuture, RetryLayer};
    /// use tower::{Layer, Service, ServiceExt, service_fn};
    ///
    /// let double = service_fn(|id: u32| async move { Ok::<_, std::io::Error>(id * 2) });
    /// let mut service = RetryLayer::new(|result: &Result<u32, std::io::Error>| result.is_err()).layer(double);
    /// let future: ResponseFuture<_, u32, _, _, _> = service.ready().await.unwrap().call(21);
    /// assert!(format!("{future:?}").starts_with("ResponseFuture"));
    /// // The service's future is `Send`, so this one is, and can move to another task.
    /// assert_eq!(tokio::spawn(future).await.unwrap().unwrap(), 42);
    /// # }
    /// ```
    #[must_use = "futures do nothing unless polled"]
    pub struct ResponseFuture<Svc, Req, P, C, S>
    where
        Svc: Service<Req>,
        S: Sleeper,
    {
        #[pin]
        phase: Phase<Svc::Future, S::Sleep>,
        service: Svc,
        config: Arc<Config<P, C, S>>,
        // The request the next attempt sends, from the call until that
        // attempt's `poll_ready` is done.
        request: Option<Req>,
        // The copy for the attempt after the one in progress.
        next: Option<Req>,
        // `None` until the first poll starts the loop.
        replaying: Option<Replaying>,
    }
}

pin_project! {
    #[project = PhaseProj]
    enum Phase<F, Z> {
        // Sending the request once the service is ready: `readied` when the
        // caller's `poll_ready` already made it so (the first attempt),
        // else after polling it (each retry).
        Ready { readied: bool },
        Calling { #[pin] future: F },
        Sleeping { sleeping: Sleeping<Z> },
        Done,
    }
}

impl<Svc, Req, P, C, S> fmt::Debug for ResponseFuture<Svc, Req, P, C, S>
where
    Svc: Service<Req>,
    S: Sleeper,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = &self.config.policy;
        f.debug_struct("ResponseFuture")
            .field("name", &self.config.name.path())
            .field("attempt", &self.replaying.as_ref().map(|replaying| replaying.attempt(policy)))
            .field("waiting", &matches!(self.phase, Phase::Sleeping { .. }))
            .field("done", &matches!(self.phase, Phase::Done))
            .finish_non_exhaustive()
    }
}

impl<Svc, Req, P, C, S> Future for ResponseFuture<Svc, Req, P, C, S>
where
    Svc: Service<Req>,
    Svc::Error: fmt::Debug,
    P: RetryPredicate<Req, Svc::Response, Svc::Error>,
    C: CloneRequest<Req>,
    S: Sleeper,
{
    type Output = Result<Svc::Response, Svc::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let config = &**this.config;
        let site = Site { policy: &config.policy, name: &config.name };
        let shown = Shown {
            describe_ok: P::describe_response,
            view: CarriedView(PredicateView::<P, Req, Svc::Response>(core::marker::PhantomData)),
        };
        let now = || config.sleeper.stamp();
        let copy = |replaying: &Replaying, request: Option<&Req>| {
            request.and_then(|request| {
                replaying.copy(request, |request| config.clone_request.clone_request(request))
            })
        };
        let replaying = if let Some(replaying) = this.replaying {
            replaying
        } else {
            let may_retry = this.request.as_ref().is_some_and(|request| config.predicate.may_retry(request));
            let replaying = this.replaying.insert(Replaying::start(&config.policy, may_retry, now));
            *this.next = copy(replaying, this.request.as_ref());
            replaying
        };
        loop {
            let result = match this.phase.as_mut().project() {
                PhaseProj::Ready { readied } => {
                    let ready = if *readied { Ok(()) } else { ready!(this.service.poll_ready(cx)) };
                    match ready {
                        Ok(()) => {
                            let Some(request) = this.request.take() else {
                                unreachable!("the ready phase holds the request it sends")
                            };
                            let future = this.service.call(request);
                            this.phase.set(Phase::Calling { future });
                            continue;
                        }
                        Err(error) => {
                            *this.request = None;
                            Err(error)
                        }
                    }
                }
                PhaseProj::Calling { future } => ready!(future.poll(cx)),
                PhaseProj::Sleeping { sleeping } => {
                    ready!(Pin::new(sleeping).poll(cx));
                    *this.next = copy(replaying, this.request.as_ref());
                    this.phase.set(Phase::Ready { readied: false });
                    continue;
                }
                PhaseProj::Done => panic!("`ResponseFuture` polled after completion"),
            };
            // The attempt's future goes before the wait: what it holds (a
            // connection) is not kept through the backoff.
            this.phase.set(Phase::Done);
            let decide = |result: &Result<_, _>| config.predicate.decide(result);
            match replaying.settle(site, shown, result, decide, this.next.take(), now) {
                AfterAttempt::Done(result) => return Poll::Ready(result),
                AfterAttempt::Retry(pause, request) => {
                    if let Some(sleeping) = pause.sleep_async(&config.sleeper) {
                        this.phase.set(Phase::Sleeping { sleeping });
                    } else {
                        // A zero wait: the next attempt starts now, with its copy.
                        *this.next = copy(replaying, Some(&request));
                        this.phase.set(Phase::Ready { readied: false });
                    }
                    *this.request = Some(request);
                }
            }
        }
    }
}

impl<Svc, Req, P, C, S> Service<Req> for Retry<Svc, P, C, S>
where
    Svc: Service<Req> + Clone,
    Svc::Error: fmt::Debug,
    P: RetryPredicate<Req, Svc::Response, Svc::Error>,
    C: CloneRequest<Req>,
    S: Sleeper,
{
    type Response = Svc::Response;
    type Error = Svc::Error;
    type Future = ResponseFuture<Svc, Req, P, C, S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Req) -> Self::Future {
        // The service that was made ready goes into the call; this one keeps a
        // fresh clone, which its next `poll_ready` readies (tower's rule).
        let fresh = self.inner.clone();
        let service = core::mem::replace(&mut self.inner, fresh);
        ResponseFuture {
            phase: Phase::Ready { readied: true },
            service,
            config: Arc::clone(&self.config),
            request: Some(request),
            next: None,
            replaying: None,
        }
    }
}

/// Views an error through the predicate's [`RetryPredicate::error_view`].
struct PredicateView<P, Req, Res>(core::marker::PhantomData<fn(&P, &Req, &Res)>);

impl<P, Req, Res> Clone for PredicateView<P, Req, Res> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, Req, Res> Copy for PredicateView<P, Req, Res> {}

impl<P, Req, Res, E> crate::instrumentation::ErrorView<E> for PredicateView<P, Req, Res>
where
    P: RetryPredicate<Req, Res, E>,
{
    fn view<'e>(&self, error: &'e E) -> Option<&'e (dyn Error + 'static)> {
        P::error_view(error)
    }
}
