//! The reqwest-middleware middleware: a `ClientWithMiddleware` against the
//! scripted server.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use stamina::instrumentation::{GiveUpDetails, GiveUpReason, RetryDetails, give_up_hook, retry_hook};
use stamina::reqwest_middleware::RetryMiddleware;
use stamina::testing::{self, Recorder, TestMode};

use crate::server::Server;
use crate::support;

fn middleware() -> RetryMiddleware {
    RetryMiddleware::new()
        .attempts(3)
        .wait_initial(Duration::from_millis(1))
        .wait_jitter(Duration::ZERO)
        .name("reqwest_client")
}

fn client(middleware: RetryMiddleware) -> ClientWithMiddleware {
    // See tests/Cargo.toml: an error means one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    ClientBuilder::new(reqwest::Client::new()).with(middleware).build()
}

#[tokio::test]
async fn attempts_per_endpoint_are_counted_on_the_server() {
    let server = Server::start().await;
    let client = client(middleware());

    let flaky = client.get(server.url("/flaky")).send().await.unwrap();
    assert_eq!(flaky.status(), StatusCode::OK);
    assert_eq!(flaky.text().await.unwrap(), "ok");
    assert_eq!(server.count("flaky"), 3, "503, 503, 200");

    let missing = client.get(server.url("/missing")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(server.count("missing"), 1, "a 404 is not retried");

    let down = client.delete(server.url("/down")).send().await.unwrap();
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE, "the last response, unchanged");
    assert_eq!(server.count("down"), 3);

    let reset = client.get(server.reset_url()).send().await.unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(server.count("reset"), 2, "the closed connection, then 200");
}

#[tokio::test]
async fn a_refused_connection_is_retried() {
    // A port that was free a moment ago: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let recorder = Recorder::new();
    let error = recorder
        .future_scope(client(middleware()).get(format!("http://127.0.0.1:{port}/")).send())
        .await
        .unwrap_err();
    assert!(stamina::reqwest_middleware::is_transient(&error), "{error}");
    assert_eq!(recorder.retries(), 2);
    assert_eq!(recorder.give_ups(), [GiveUpReason::AttemptsExhausted]);
}

#[tokio::test]
async fn hooks_see_transport_errors_by_their_display_and_responses_by_their_status() {
    let server = Server::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    // Loops of other tests run meanwhile: only this test's name is recorded.
    let _isolated = support::isolated_with((retry_hook(move |details: &RetryDetails<'_>| {
        if details.name == "reqwest_shown" {
            let summary = details.error_summary().to_string();
            sink.lock().unwrap().push((summary, details.error_type, details.error.is_some()));
        }
    }),));
    let client = client(middleware().name("reqwest_shown"));
    assert_eq!(client.get(server.reset_url()).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(client.get(server.url("/throttled")).send().await.unwrap().status(), StatusCode::OK);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let (reset, error_type, is_error) = &seen[0];
    assert!(
        reset.starts_with("error sending request for url"),
        "the Display chain, not a Debug form: {reset}"
    );
    assert_eq!((*error_type, *is_error), ("reqwest_middleware::error::Error", true));
    assert_eq!(seen[1], ("HTTP 429 Too Many Requests".to_owned(), "", false));
}

#[tokio::test]
async fn a_post_is_retried_only_when_opted_in_with_its_body_each_time() {
    let server = Server::start().await;
    let body = Bytes::from_static(b"{\"order\": 42}");

    let once = client(middleware()).post(server.url("/upload")).body(body.clone()).send().await.unwrap();
    assert_eq!(once.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.bodies("upload"), std::slice::from_ref(&body), "a POST is not retried by default");

    let server = Server::start().await;
    let retried = client(middleware().all_methods())
        .post(server.url("/upload"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), StatusCode::OK);
    assert_eq!(server.bodies("upload"), [body.clone(), body], "every attempt carries the same bytes");
}

#[tokio::test]
async fn a_streaming_body_is_sent_once_and_reported() {
    let server = Server::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    // Loops of other tests run meanwhile: only this test's name is recorded.
    let _isolated = support::isolated_with((give_up_hook(move |details: &GiveUpDetails<'_>| {
        if details.name == "reqwest_streaming" {
            sink.lock().unwrap().push((
                details.reason,
                details.error_summary().to_string(),
                details.error_type,
            ));
        }
    }),));
    let chunks =
        vec![Ok::<_, std::io::Error>(Bytes::from_static(b"part one, ")), Ok(Bytes::from_static(b"part two"))];
    let streaming = reqwest::Body::wrap_stream(futures_lite::stream::iter(chunks));
    let client = client(middleware().name("reqwest_streaming"));
    // A PUT is idempotent: its 503 would have been retried.
    let response = client.put(server.url("/upload")).body(streaming).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        server.bodies("upload"),
        [Bytes::from_static(b"part one, part two")],
        "sent once, never empty"
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [(GiveUpReason::RequestNotCloneable, "HTTP 503 Service Unavailable".to_owned(), "")]
    );
}

#[tokio::test]
async fn retry_after_is_waited_as_the_server_measures_it() {
    let server = Server::start().await;
    let response = client(middleware()).get(server.url("/throttled")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let arrivals = server.arrivals("throttled");
    assert_eq!(arrivals.len(), 2);
    let gap = arrivals[1] - arrivals[0];
    assert!(gap >= Duration::from_secs(1) && gap < Duration::from_secs(3), "{gap:?}");
}

#[tokio::test]
async fn a_retry_after_above_the_cap_waits_the_cap() {
    let server = Server::start().await;
    let capped = middleware().max_retry_after(Duration::from_millis(100));
    let response = client(capped).get(server.url("/throttled")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let arrivals = server.arrivals("throttled");
    let gap = arrivals[1] - arrivals[0];
    assert!(gap >= Duration::from_millis(100) && gap < Duration::from_millis(900), "{gap:?}");
}

#[tokio::test]
async fn testing_mode_runs_without_waits() {
    let server = Server::start().await;
    let client = client(middleware().wait_initial(Duration::from_secs(5)));
    let started = Instant::now();
    testing::future_scope(TestMode::new(3), async {
        assert_eq!(client.get(server.url("/throttled")).send().await.unwrap().status(), StatusCode::OK);
        assert_eq!(client.get(server.url("/flaky")).send().await.unwrap().status(), StatusCode::OK);
    })
    .await;
    // Scripted: 1 s of `Retry-After` and two backoffs of 5 s and 10 s.
    assert!(started.elapsed() < Duration::from_millis(800), "{:?}", started.elapsed());
    assert_eq!((server.count("throttled"), server.count("flaky")), (2, 3));
}

#[tokio::test]
async fn with_retrying_off_each_request_is_sent_once() {
    let server = Server::start().await;
    let client = client(middleware());
    let response =
        testing::future_scope(testing::Mode::Inactive, client.get(server.url("/flaky")).send()).await;
    assert_eq!(response.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.count("flaky"), 1);
}
