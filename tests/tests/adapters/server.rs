//! A real HTTP server on 127.0.0.1 with scripted faults, for the adapters'
//! tests: an axum router, and beside it a raw TCP listener that closes the
//! first connection without an answer (a reset connection, which axum cannot
//! script). Every request is counted and timed on the server, and every body
//! it receives is kept, so the tests assert what reached the wire.
//!
//! | path | script |
//! |---|---|
//! | `/flaky` | 503 twice, then 200 |
//! | `/throttled` | 429 with `Retry-After: 1` once, then 200 |
//! | `/missing` | 404, always |
//! | `/down` | 503, always |
//! | `/upload` (any method) | records the body; 503 once, then 200 |
//! | `reset_url()` | closes the first connection unanswered, then 200 |

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header::RETRY_AFTER};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server saw, per path.
#[derive(Default)]
struct Seen {
    /// When each request to a path arrived, in order.
    arrivals: HashMap<String, Vec<Instant>>,
    /// The body of each request to a path, in order.
    bodies: HashMap<String, Vec<Bytes>>,
}

/// A running server; it stops with the test's runtime.
#[derive(Clone)]
pub(crate) struct Server {
    base: String,
    reset_base: String,
    seen: Arc<Mutex<Seen>>,
}

impl Server {
    /// Starts the server on two free ports of 127.0.0.1.
    pub(crate) async fn start() -> Self {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let router = Router::new().route("/{path}", any(scripted)).with_state(Arc::clone(&seen));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

        let reset_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let reset_base = format!("http://{}", reset_listener.local_addr().unwrap());
        let reset_seen = Arc::clone(&seen);
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = reset_listener.accept().await else { return };
                let mut buffer = vec![0; 4096];
                // The whole request head arrives in one read on loopback.
                let _ = stream.read(&mut buffer).await;
                let count = record(&reset_seen, "reset", Bytes::new());
                if count == 1 {
                    // Closed with nothing sent: the client's request fails
                    // mid-flight, as on a reset connection.
                    drop(stream);
                    continue;
                }
                let answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
        });
        Self { base, reset_base, seen }
    }

    /// The URL of `path` (`"/flaky"`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The URL of the listener that resets its first connection.
    pub(crate) fn reset_url(&self) -> String {
        format!("{}/reset", self.reset_base)
    }

    /// How many requests to `path` (`"flaky"`, `"reset"`) arrived.
    pub(crate) fn count(&self, path: &str) -> usize {
        self.lock().arrivals.get(path).map_or(0, Vec::len)
    }

    /// When the requests to `path` arrived.
    pub(crate) fn arrivals(&self, path: &str) -> Vec<Instant> {
        self.lock().arrivals.get(path).cloned().unwrap_or_default()
    }

    /// The bodies the requests to `path` carried.
    pub(crate) fn bodies(&self, path: &str) -> Vec<Bytes> {
        self.lock().bodies.get(path).cloned().unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Records a request to `path`; returns how many there were, this one included.
fn record(seen: &Mutex<Seen>, path: &str, body: Bytes) -> usize {
    let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    seen.bodies.entry(path.to_owned()).or_default().push(body);
    let arrivals = seen.arrivals.entry(path.to_owned()).or_default();
    arrivals.push(Instant::now());
    arrivals.len()
}

async fn scripted(State(seen): State<Arc<Mutex<Seen>>>, Path(path): Path<String>, body: Bytes) -> Response {
    let count = record(&seen, &path, body);
    match (path.as_str(), count) {
        ("flaky", 1 | 2) | ("upload", 1) | ("down", _) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        ("throttled", 1) => {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
            (StatusCode::TOO_MANY_REQUESTS, headers).into_response()
        }
        ("missing", _) => StatusCode::NOT_FOUND.into_response(),
        _ => (StatusCode::OK, "ok").into_response(),
    }
}
