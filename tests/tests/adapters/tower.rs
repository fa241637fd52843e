//! The tower layer: a real hyper client (hyper-util's) under
//! `tower::ServiceBuilder`, against the scripted server.

use std::cell::Cell;
use std::convert::Infallible;
use std::error::Error as _;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Either, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::client::legacy::{Client, Error as ClientError, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use stamina::http::RetryOnHttp;
use stamina::instrumentation::{GiveUpDetails, GiveUpReason, give_up_hook};
use stamina::testing::{self, TestMode};
use stamina::tower::RetryLayer;
use tower::{Layer, Service, ServiceBuilder, ServiceExt};

use crate::server::Server;
use crate::support;

type Chunks = futures_lite::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>;
/// A body that can be copied (`Full`) or not (a stream).
type Body = Either<Full<Bytes>, StreamBody<Chunks>>;

fn full(request: http::request::Builder) -> Request<Body> {
    request.body(Either::Left(Full::new(Bytes::new()))).unwrap()
}

fn get(url: &str) -> Request<Body> {
    full(Request::get(url))
}

/// Copies requests with a full body; a streaming one cannot be.
#[allow(clippy::unnecessary_wraps)] // the shape `clone_requests_with` takes
fn copy(request: &Request<Body>) -> Option<Request<Body>> {
    let Either::Left(body) = request.body() else { return None };
    let mut copy = Request::new(Either::Left(body.clone()));
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    Some(copy)
}

/// Transport failures worth another attempt: no connection, or one closed
/// before the response.
fn is_transient(error: &ClientError) -> bool {
    if error.is_connect() {
        return true;
    }
    let mut source = error.source();
    while let Some(cause) = source {
        if cause.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_incomplete_message) {
            return true;
        }
        source = cause.source();
    }
    false
}

fn client() -> Client<HttpConnector, Body> {
    Client::builder(TokioExecutor::new()).build_http()
}

type Copier = fn(&Request<Body>) -> Option<Request<Body>>;

type OnError = fn(&ClientError) -> bool;

fn layer() -> RetryLayer<RetryOnHttp<OnError>, Copier> {
    RetryLayer::new(RetryOnHttp::new(is_transient as OnError))
        .clone_requests_with(copy as Copier)
        .attempts(3)
        .wait_initial(Duration::from_millis(1))
        .wait_jitter(Duration::ZERO)
        .name("tower_client")
}

async fn send<S>(service: &mut S, request: Request<Body>) -> Result<Response<Incoming>, S::Error>
where
    S: Service<Request<Body>, Response = Response<Incoming>>,
{
    service.ready().await?.call(request).await
}

#[tokio::test]
async fn attempts_per_endpoint_are_counted_on_the_server() {
    let server = Server::start().await;
    let mut service = ServiceBuilder::new().layer(layer()).service(client());

    let flaky = send(&mut service, get(&server.url("/flaky"))).await.unwrap();
    assert_eq!(flaky.status(), StatusCode::OK);
    assert_eq!(flaky.into_body().collect().await.unwrap().to_bytes(), "ok");
    assert_eq!(server.count("flaky"), 3, "503, 503, 200");

    let missing = send(&mut service, get(&server.url("/missing"))).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(server.count("missing"), 1, "a 404 is not retried");

    let down = send(&mut service, get(&server.url("/down"))).await.unwrap();
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE, "the last response, unchanged");
    assert_eq!(server.count("down"), 3);

    let reset = send(&mut service, get(&server.reset_url())).await.unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(server.count("reset"), 2, "the closed connection, then 200");

    let post = send(&mut service, full(Request::post(server.url("/upload")))).await.unwrap();
    assert_eq!(post.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.count("upload"), 1, "a POST is not retried by default");
}

#[tokio::test]
async fn retry_after_is_waited_as_the_server_measures_it() {
    let server = Server::start().await;
    let mut service = ServiceBuilder::new().layer(layer()).service(client());
    let response = send(&mut service, get(&server.url("/throttled"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let arrivals = server.arrivals("throttled");
    assert_eq!(arrivals.len(), 2);
    let gap = arrivals[1] - arrivals[0];
    // `Retry-After: 1`, not the policy's 1 ms backoff.
    assert!(gap >= Duration::from_secs(1) && gap < Duration::from_secs(3), "{gap:?}");
}

/// A strict deadline in the layer's policy: a `Retry-After` longer than the
/// time left is not waited, the last response is returned as it came.
#[tokio::test]
async fn under_a_strict_deadline_a_retry_after_past_it_is_not_waited() {
    let server = Server::start().await;
    let base = layer();
    let policy =
        base.get_policy().timeout(Duration::from_millis(500)).timeout_mode(stamina::TimeoutMode::Strict);
    let mut service = ServiceBuilder::new().layer(base.policy(policy)).service(client());
    let response = send(&mut service, get(&server.url("/throttled"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(server.count("throttled"), 1, "`Retry-After: 1` ends past the 500 ms deadline");
}

#[tokio::test]
async fn a_request_that_cannot_be_copied_is_sent_once_and_reported() {
    let server = Server::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    // Loops of other tests run meanwhile: only this test's name is recorded.
    let _isolated = support::isolated_with((give_up_hook(move |details: &GiveUpDetails<'_>| {
        if details.name != "tower_streaming" {
            return;
        }
        sink.lock().unwrap().push((
            details.name.to_owned(),
            details.reason,
            details.attempts,
            details.error_summary().to_string(),
            details.error_type,
        ));
    }),));
    let mut service = ServiceBuilder::new().layer(layer().name("tower_streaming")).service(client());
    let chunks = vec![Ok(Frame::data(Bytes::from_static(b"streamed")))];
    let streaming = Request::put(server.url("/down"))
        .body(Either::Right(StreamBody::new(futures_lite::stream::iter(chunks))));
    let response = send(&mut service, streaming.unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.count("down"), 1);
    assert_eq!(server.bodies("down"), [Bytes::from_static(b"streamed")]);
    let reported = seen.lock().unwrap().clone();
    assert_eq!(
        reported,
        [(
            "tower_streaming".to_owned(),
            GiveUpReason::RequestNotCloneable,
            1,
            "HTTP 503 Service Unavailable".to_owned(),
            ""
        )]
    );
}

/// Checks tower's contract: `call` only after `poll_ready` said ready, once;
/// counts the polls that said so.
#[derive(Clone)]
struct ReadyChecked<S> {
    inner: S,
    ready: bool,
    readied: Arc<AtomicU32>,
}

impl<S: Service<R>, R> Service<R> for ReadyChecked<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        let poll = self.inner.poll_ready(cx);
        self.ready = poll.is_ready();
        if self.ready {
            self.readied.fetch_add(1, Ordering::Relaxed);
        }
        poll
    }

    fn call(&mut self, request: R) -> S::Future {
        assert!(std::mem::take(&mut self.ready), "called without poll_ready");
        self.inner.call(request)
    }
}

fn assert_send<T: Send>(_: &T) {}

#[tokio::test]
async fn every_attempt_is_sent_to_a_ready_service_readied_once_and_the_future_is_send() {
    let server = Server::start().await;
    let readied = Arc::new(AtomicU32::new(0));
    let checked = ReadyChecked { inner: client(), ready: false, readied: Arc::clone(&readied) };
    let mut service = ServiceBuilder::new().layer(layer()).service(checked);
    std::future::poll_fn(|cx| service.poll_ready(cx)).await.unwrap();
    let future = service.call(get(&server.url("/flaky")));
    assert_send(&future);
    assert_eq!(future.await.unwrap().status(), StatusCode::OK);
    assert_eq!(server.count("flaky"), 3);
    // Ready once per attempt: the caller's poll readies the first (it is not
    // polled again), each retry's own poll the next.
    assert_eq!(readied.load(Ordering::Relaxed), 3);
}

#[tokio::test]
async fn testing_mode_runs_without_waits() {
    let server = Server::start().await;
    let mut service =
        ServiceBuilder::new().layer(layer().wait_initial(Duration::from_secs(5))).service(client());
    let started = Instant::now();
    testing::future_scope(TestMode::new(3), async {
        assert_eq!(
            send(&mut service, get(&server.url("/throttled"))).await.unwrap().status(),
            StatusCode::OK
        );
        assert_eq!(send(&mut service, get(&server.url("/flaky"))).await.unwrap().status(), StatusCode::OK);
    })
    .await;
    // Scripted: 1 s of `Retry-After` and two backoffs of 5 s and 10 s.
    assert!(started.elapsed() < Duration::from_millis(800), "{:?}", started.elapsed());
    assert_eq!((server.count("throttled"), server.count("flaky")), (2, 3));
}

#[tokio::test]
async fn with_retrying_off_each_request_is_sent_once() {
    let server = Server::start().await;
    let mut service = ServiceBuilder::new().layer(layer()).service(client());
    let response =
        testing::future_scope(testing::Mode::Inactive, send(&mut service, get(&server.url("/flaky")))).await;
    assert_eq!(response.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.count("flaky"), 1);
}

/// An error whose construction does not allocate.
#[derive(Debug)]
struct Busy;

/// The attempts of [`a_call_through_the_layer_allocates_nothing`]'s service.
static ALLOCATION_TEST_CALLS: AtomicU32 = AtomicU32::new(0);

fn assert_no_allocations(what: &str, run: impl FnOnce()) {
    let info = allocation_counter::measure(run);
    assert_eq!(info.count_total, 0, "{what} allocated: {info:?}");
}

#[test]
fn a_call_through_the_layer_allocates_nothing() {
    let _no_hooks = support::isolated_with([]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    // The request is how many attempts fail before one succeeds.
    let inner = tower::service_fn(|failures: u32| {
        let attempt = ALLOCATION_TEST_CALLS.fetch_add(1, Ordering::Relaxed);
        std::future::ready(if attempt < failures { Err(Busy) } else { Ok(attempt) })
    });
    let layer = RetryLayer::new(|result: &Result<u32, Busy>| result.is_err())
        .attempts(3)
        .wait_max(Duration::ZERO)
        .sleeper(|_| std::future::ready(()))
        .name("tower_allocations");
    let mut service = layer.layer(inner);
    let mut call = |failures: u32| {
        ALLOCATION_TEST_CALLS.store(0, Ordering::Relaxed);
        runtime.block_on(async { service.ready().await?.call(failures).await })
    };
    // Warm up the runtime's and the RNG's thread-locals outside the measurement.
    assert_eq!(call(2).unwrap(), 2);

    assert_no_allocations("a success", || assert_eq!(call(0).unwrap(), 0));
    assert_no_allocations("a call retried twice with zero waits", || assert_eq!(call(2).unwrap(), 2));
    assert_no_allocations("a call that gives up", || assert!(call(5).is_err()));
}

/// A service whose future holds an `Rc`, and a request that borrows: neither
/// `Send` nor `'static`, on a current-thread runtime.
#[tokio::test]
async fn a_service_whose_future_is_not_send_works_through_the_layer() {
    let calls = Rc::new(Cell::new(0_u32));
    let counter = Rc::clone(&calls);
    let flaky = tower::service_fn(move |name: &str| {
        let counter = Rc::clone(&counter);
        let length = name.len();
        async move {
            counter.set(counter.get() + 1);
            // Across an await, so that the future is not `Send`.
            tokio::task::yield_now().await;
            if counter.get() < 3 { Err(Busy) } else { Ok(length) }
        }
    });
    let layer = RetryLayer::new(|result: &Result<usize, Busy>| result.is_err()).wait_max(Duration::ZERO);
    let mut service = layer.layer(flaky);
    let name = String::from("stamina");
    assert_eq!(service.ready().await.unwrap().call(name.as_str()).await.unwrap(), 7);
    assert_eq!(calls.get(), 3);
}

/// Ready at every poll but the second: the first attempt's, after the
/// caller's.
/// Fails its first call, then is not ready once: on the poll after the
/// caller's, which is the first retry's.
#[derive(Clone)]
struct NotReadyOnce {
    polls: Arc<AtomicU32>,
    calls: Arc<AtomicU32>,
}

#[derive(Debug, PartialEq)]
enum Refused {
    Call,
    NotReady,
}

impl Service<u32> for NotReadyOnce {
    type Response = u32;
    type Error = Refused;
    type Future = std::future::Ready<Result<u32, Refused>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Refused>> {
        let poll = self.polls.fetch_add(1, Ordering::Relaxed);
        Poll::Ready(if poll == 1 { Err(Refused::NotReady) } else { Ok(()) })
    }

    fn call(&mut self, id: u32) -> Self::Future {
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        std::future::ready(if call == 0 { Err(Refused::Call) } else { Ok(id) })
    }
}

#[tokio::test]
async fn a_poll_ready_error_is_the_attempts_result() {
    let (polls, calls) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
    let service = NotReadyOnce { polls: Arc::clone(&polls), calls: Arc::clone(&calls) };
    let counts = || (polls.swap(0, Ordering::Relaxed), calls.swap(0, Ordering::Relaxed));
    // The caller's poll, the failed call; the retry's poll fails; the next
    // retry's poll and call succeed.
    let retried = RetryLayer::new(|result: &Result<u32, Refused>| result.is_err()).wait_max(Duration::ZERO);
    assert_eq!(retried.layer(service.clone()).oneshot(7).await, Ok(7));
    assert_eq!(counts(), (3, 2));

    // The poll error, not retried, is returned, and nothing more is sent.
    let calls_retried = RetryLayer::new(|result: &Result<u32, Refused>| result == &Err(Refused::Call))
        .wait_max(Duration::ZERO);
    assert_eq!(calls_retried.layer(service).oneshot(7).await, Err(Refused::NotReady));
    assert_eq!(counts(), (2, 1), "nothing sent after the poll error");
}
