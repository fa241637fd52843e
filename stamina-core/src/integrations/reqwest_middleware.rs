//! A [`reqwest_middleware::Middleware`] that retries with stamina (feature
//! `reqwest-middleware`, for reqwest-middleware 0.5 on reqwest 0.13).
//!
//! [`RetryMiddleware`] retries, with a stamina policy (10 attempts, 45 s and
//! Python stamina's backoff by default), requests with an idempotent method
//! (GET, HEAD, OPTIONS, PUT, DELETE, TRACE; others after
//! [`all_methods`](RetryMiddleware::all_methods)) that failed:
//!
//! - with a transient transport error ([`is_transient`]: connect, timeout,
//!   a connection reset or closed before the response);
//! - with a 5xx or 429 response, after the response's `Retry-After` when it
//!   has one, capped at 60 s by default
//!   ([`max_retry_after`](RetryMiddleware::max_retry_after)). The policy
//!   sees the response, so the wait is the server's, not a guess; when the
//!   loop gives up, the last response is returned as it is, not an error.
//!
//! A request whose body cannot be copied (a stream) is sent once: never again
//! without its body. If its result would have been retried, hooks hear that
//! the loop gave up with
//! [`GiveUpReason::RequestNotCloneable`](crate::instrumentation::GiveUpReason::RequestNotCloneable).
//! Hooks see a retried response as `HTTP 503 Service Unavailable`, and
//! errors by their `Display`; the loops are named by
//! [`name`](RetryMiddleware::name). Testing mode, `set_active(false)`,
//! budgets and hooks work as for every stamina loop.
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), reqwest_middleware::Error> {
//! use stamina::reqwest_middleware::RetryMiddleware;
//!
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(RetryMiddleware::new().attempts(5).name("github"))
//!     .build();
//! let response = client.get("http://127.0.0.1:8080/repos").send().await?;
//! # drop(response);
//! # Ok(())
//! # }
//! ```

use core::fmt;
use core::future::Future;
use core::time::Duration;
use std::error::Error as StdError;

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Error, Middleware, Next};

use super::replay::{AsError, Replay, run_replaying};
use crate::RetryPolicy;
use crate::api::results::{CarriedView, Shown};
use crate::engine::{Site, TokioSleeper};
use crate::http::{RetryOnHttp, RetryOnStatus, describe_response};
use crate::instrumentation::CallableName;
use crate::on::{Decision, IntoDecision};
use crate::policy::policy_setters;

/// Whether `error` is a transport failure worth another attempt: the
/// connection could not be made, timed out, or was reset or closed before the
/// response came. Errors of other middleware, and of building the request or
/// reading a body the server sent, are not.
///
/// ```no_run
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use stamina::reqwest_middleware::is_transient;
///
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).build();
/// // Nothing listens on port 9 (discard) here: the connection is refused.
/// let error = client.get("http://127.0.0.1:9/").send().await.unwrap_err();
/// assert!(is_transient(&error));
/// # }
/// ```
pub fn is_transient(error: &Error) -> bool {
    let Error::Reqwest(error) = error else { return false };
    if error.is_connect() || error.is_timeout() {
        return true;
    }
    // A reset or a connection closed mid-request shows deeper in the chain:
    // an `io::Error`, or hyper's "connection closed before message completed".
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
            if matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof) {
                return true;
            }
        }
        if let Some(hyper) = cause.downcast_ref::<hyper::Error>()
            && hyper.is_incomplete_message()
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// The type of [`is_transient`], the default error predicate.
///
/// ```
/// use stamina::http::RetryOnHttp;
/// use stamina::reqwest_middleware::{IsTransient, RetryMiddleware, is_transient};
///
/// // The default middleware's type, spelled out.
/// let middleware: RetryMiddleware<IsTransient> = RetryMiddleware::new();
/// let same: RetryMiddleware<IsTransient> = RetryMiddleware::with_rule(RetryOnHttp::new(is_transient as IsTransient).all_methods());
/// assert_ne!(middleware.get_rule().get_all_methods(), same.get_rule().get_all_methods());
/// ```
pub type IsTransient = fn(&Error) -> bool;

/// A reqwest-middleware middleware retrying with stamina; see the
/// [module documentation](self).
///
/// Configured like every stamina loop, then added to a client as the
/// module's example shows (not run here: a reqwest client may need a TLS
/// provider installed first):
///
/// ```
/// use std::time::Duration;
///
/// use stamina::reqwest_middleware::RetryMiddleware;
///
/// let middleware: RetryMiddleware = RetryMiddleware::new().attempts(2).wait_max(Duration::ZERO).name("local");
/// assert_eq!(middleware.get_name(), "local");
/// assert_eq!(middleware.get_policy().get_attempts(), Some(2));
/// assert_eq!(middleware.get_policy().get_wait_max(), Duration::ZERO);
/// ```
pub struct RetryMiddleware<P = IsTransient> {
    policy: RetryPolicy,
    name: CallableName,
    rule: RetryOnHttp<P>,
}

impl RetryMiddleware {
    /// Retries idempotent requests on transient transport errors
    /// ([`is_transient`]) and 5xx and 429 responses, with stamina's defaults.
    ///
    /// ```
    /// use stamina::reqwest_middleware::RetryMiddleware;
    ///
    /// let middleware = RetryMiddleware::new().name("github");
    /// assert_eq!(middleware.get_name(), "github");
    /// assert_eq!(middleware.get_policy().get_attempts(), Some(10));
    /// assert!(!middleware.get_rule().get_all_methods());
    /// ```
    pub fn new() -> Self {
        Self::with_rule(RetryOnHttp::new(is_transient as IsTransient))
    }
}

impl Default for RetryMiddleware {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> RetryMiddleware<P> {
    /// Retries as `rule` says: statuses, errors and methods.
    ///
    /// ```
    /// use stamina::http::RetryOnHttp;
    /// use stamina::reqwest_middleware::{RetryMiddleware, is_transient};
    ///
    /// // Also retry errors of the middleware below (a rate limiter, say).
    /// let rule = RetryOnHttp::new(|error: &reqwest_middleware::Error| {
    ///     is_transient(error) || matches!(error, reqwest_middleware::Error::Middleware(_))
    /// });
    /// let middleware = RetryMiddleware::with_rule(rule);
    /// # drop(middleware);
    /// ```
    pub fn with_rule(rule: RetryOnHttp<P>) -> Self {
        Self { policy: RetryPolicy::new(), name: CallableName::CONTEXT_BLOCK, rule }
    }

    policy_setters!();

    /// Retries requests of every method, also POST and PATCH: only for
    /// endpoints that make them safe to repeat (an idempotency key).
    ///
    /// ```
    /// let middleware = stamina::reqwest_middleware::RetryMiddleware::new().all_methods();
    /// assert!(middleware.get_rule().get_all_methods());
    /// ```
    #[must_use]
    pub fn all_methods(mut self) -> Self {
        self.rule = self.rule.all_methods();
        self
    }

    /// Waits at most `cap` for a `Retry-After` (60 s by default).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let middleware = stamina::reqwest_middleware::RetryMiddleware::new().max_retry_after(Duration::from_secs(5));
    /// assert_eq!(middleware.get_rule().get_on_status().get_max_retry_after(), Some(Duration::from_secs(5)));
    /// ```
    #[must_use]
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.rule = self.rule.on_status(RetryOnStatus::new().max_retry_after(cap));
        self
    }

    /// The rule it retries by.
    ///
    /// ```
    /// use http::Method;
    /// use stamina::reqwest_middleware::RetryMiddleware;
    ///
    /// let rule = RetryMiddleware::new().get_rule().clone();
    /// assert!(rule.retries_method(&Method::GET));
    /// assert!(!rule.retries_method(&Method::POST));
    /// ```
    pub fn get_rule(&self) -> &RetryOnHttp<P> {
        &self.rule
    }
}

impl<P> fmt::Debug for RetryMiddleware<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryMiddleware")
            .field("name", &self.name.path())
            .field("policy", &self.policy)
            .field("rule", &self.rule)
            .finish()
    }
}

#[async_trait::async_trait]
impl<P, D> Middleware for RetryMiddleware<P>
where
    P: Fn(&Error) -> D + Send + Sync + 'static,
    D: IntoDecision,
{
    async fn handle(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let shown = Shown { describe_ok: describe_response::<Response>, view: CarriedView(AsError) };
        let may_retry = self.rule.retries_method(request.method());
        let adapter = ReqwestAdapter { next, extensions, rule: &self.rule };
        run_replaying(
            Site { policy: &self.policy, name: &self.name },
            shown,
            &TokioSleeper,
            request,
            may_retry,
            adapter,
        )
        .await
    }
}

/// One request's attempts, each down the rest of the middleware chain.
struct ReqwestAdapter<'a, 'e, P> {
    next: Next<'a>,
    extensions: &'e mut Extensions,
    rule: &'a RetryOnHttp<P>,
}

impl<P, D> Replay<Request, Response, Error> for ReqwestAdapter<'_, '_, P>
where
    P: Fn(&Error) -> D + Send + Sync,
    D: IntoDecision,
{
    fn clone_request(&self, request: &Request) -> Option<Request> {
        // `None` for a streaming body: it cannot be sent twice.
        request.try_clone()
    }

    fn decide(&self, result: &Result<Response, Error>) -> Decision {
        self.rule.decide_result(result)
    }

    fn send(&mut self, request: Request) -> impl Future<Output = Result<Response, Error>> + Send + '_ {
        self.next.clone().run(request, self.extensions)
    }
}

// `AsError` needs the error to be one.
const _: fn() = || {
    fn is_error<E: StdError + 'static>() {}
    is_error::<Error>();
};
