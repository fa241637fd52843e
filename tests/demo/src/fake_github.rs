//! A GitHub-compatible API server on 127.0.0.1 with scripted faults, for the
//! `fetch_repo_docs` example and its integration tests.
//!
//! It serves the endpoints the docs fetcher calls, in GitHub's JSON shapes
//! (base64 content wrapped at 60 columns, as GitHub sends it):
//!
//! - `GET /repos/{owner}/{repo}/readme`
//! - `GET /repos/{owner}/{repo}/contents/` (the root listing)
//! - `GET /repos/{owner}/{repo}/contents/{path}`
//! - `GET /users/{user}/starred?page=N`, paginated with a `Link` header (see
//!   [`FakeStars`])
//!
//! Each repository can be [forbidden](FakeRepo::forbidden) (403 everywhere),
//! [down](FakeRepo::down) (one status everywhere, forever), or have a script of
//! one-off [`Fault`]s per endpoint, consumed one per request before it serves
//! normally. Every request is logged with the time it arrived, on tokio's clock,
//! so tests can count requests per endpoint and measure the gaps between them.
//!
//! A [`Fault::Reset`] is a real one: the server reads the request, then aborts
//! the TCP connection (`SO_LINGER` 0, so the kernel sends RST) without a byte of
//! response. That is why the server runs hyper's HTTP/1 connection loop itself
//! around the axum router, rather than `axum::serve`.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine as _;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower_service::Service;

mod starred;
pub use starred::{DEMO_PAGE_REQUESTS, DEMO_USER, FakeStars, demo_stars};

/// One of the three endpoints of a repository.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/repos/{owner}/{repo}/readme`.
    Readme,
    /// `/repos/{owner}/{repo}/contents/`.
    Contents,
    /// `/repos/{owner}/{repo}/contents/{path}`.
    File(String),
}

impl Endpoint {
    /// The request path of this endpoint of `repo` (`owner/name`).
    pub fn path(&self, repo: &str) -> String {
        match self {
            Self::Readme => format!("/repos/{repo}/readme"),
            Self::Contents => format!("/repos/{repo}/contents/"),
            Self::File(path) => format!("/repos/{repo}/contents/{path}"),
        }
    }
}

/// A one-off misbehaviour of an endpoint, for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (and a GitHub-style JSON message).
    Status(StatusCode),
    /// Answer 429 Too Many Requests with this `Retry-After` value, verbatim.
    RateLimited {
        /// The `Retry-After` header's value.
        retry_after: String,
    },
    /// Abort the connection after reading the request, without a response.
    Reset,
    /// Wait this long, then answer normally: longer than the client's timeout,
    /// the client has given up by then.
    Slow(Duration),
}

/// How a repository answers, apart from its one-off faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Open,
    /// 403 on every endpoint.
    Forbidden,
    /// This status on every endpoint, forever.
    Down(StatusCode),
}

/// A repository the fake server serves: its README, its root files and how it
/// misbehaves.
///
/// ```
/// use stamina_demo::fake_github::{Endpoint, Fault, FakeRepo};
/// use http::StatusCode;
///
/// let repo = FakeRepo::new("octo/flaky")
///     .readme("# Flaky\n")
///     .fault(Endpoint::Readme, Fault::Status(StatusCode::SERVICE_UNAVAILABLE));
/// assert_eq!(repo.full_name(), "octo/flaky");
/// ```
#[derive(Clone, Debug)]
pub struct FakeRepo {
    full_name: String,
    readme: Option<(String, String)>,
    files: Vec<(String, String)>,
    dirs: Vec<String>,
    access: Access,
    faults: HashMap<Endpoint, VecDeque<Fault>>,
}

impl FakeRepo {
    /// An open repository `owner/name` with no files at all.
    pub fn new(full_name: impl Into<String>) -> Self {
        Self {
            full_name: full_name.into(),
            readme: None,
            files: Vec::new(),
            dirs: Vec::new(),
            access: Access::Open,
            faults: HashMap::new(),
        }
    }

    /// `owner/name`.
    pub fn full_name(&self) -> &str {
        &self.full_name
    }

    /// Gives it a `README.md` with `text`, which is also a root file.
    #[must_use]
    pub fn readme(self, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut repo = self.file("README.md", text.clone());
        repo.readme = Some(("README.md".to_owned(), text));
        repo
    }

    /// Adds a file at the root.
    #[must_use]
    pub fn file(mut self, path: impl Into<String>, text: impl Into<String>) -> Self {
        self.files.push((path.into(), text.into()));
        self
    }

    /// Adds a directory at the root (listed, never fetched).
    #[must_use]
    pub fn dir(mut self, path: impl Into<String>) -> Self {
        self.dirs.push(path.into());
        self
    }

    /// Answers 403 Forbidden on every endpoint.
    #[must_use]
    pub fn forbidden(mut self) -> Self {
        self.access = Access::Forbidden;
        self
    }

    /// Answers `status` on every endpoint, forever.
    #[must_use]
    pub fn down(mut self, status: StatusCode) -> Self {
        self.access = Access::Down(status);
        self
    }

    /// Appends `fault` to `endpoint`'s script: the next request to it that no
    /// earlier fault took gets this one.
    #[must_use]
    pub fn fault(mut self, endpoint: Endpoint, fault: Fault) -> Self {
        self.faults.entry(endpoint).or_default().push_back(fault);
        self
    }

    /// Appends `fault` `times` times.
    #[must_use]
    pub fn faults(self, endpoint: &Endpoint, fault: &Fault, times: usize) -> Self {
        (0..times).fold(self, |repo, _| repo.fault(endpoint.clone(), fault.clone()))
    }
}

/// What the server did with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered with this status.
    Answered(StatusCode),
    /// Held by a [`Fault::Slow`]: logged on arrival, since the client may well
    /// hang up before the answer.
    Slow,
    /// Aborted the connection.
    Reset,
}

/// One request the server saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenRequest {
    /// The request path, without the query (but with `?page=N` for a page of
    /// starred repositories, see [`FakeStars::page_path`]).
    pub path: String,
    /// When it arrived, on tokio's clock.
    pub at: Instant,
    /// What the server did with it.
    pub outcome: Outcome,
}

/// The seven repositories of the `fetch_repo_docs` demo, one per row of the
/// decision table.
///
/// | repository | what the server does | what the fetcher should end with |
/// |---|---|---|
/// | `steady` | nothing unusual | README, 1 request |
/// | `flaky-readme` | README: 503, 503, then 200 | README, 3 requests |
/// | `rate-limited` | README: 429 with `Retry-After: 1`, then 200 | README, 2 requests, ≥ 1 s apart |
/// | `dropped-connection` | README: connection reset, then 200 | README, 2 requests |
/// | `no-readme` | README 404; listing 502 once; `CHANGELOG.md` 500 once | 2 root Markdown files, 6 requests |
/// | `sso-protected` | 403 everywhere | nothing: README and listing asked once each |
/// | `down` | 503 everywhere | nothing: README and listing asked 3 times each |
pub fn demo_repos() -> Vec<FakeRepo> {
    let unavailable = Fault::Status(StatusCode::SERVICE_UNAVAILABLE);
    vec![
        FakeRepo::new("stamina-demo/steady")
            .readme("# steady\n\nAnswers the first time.\n")
            .file("LICENSE", "MIT"),
        FakeRepo::new("stamina-demo/flaky-readme").readme("# flaky-readme\n\nBehind two 503s.\n").faults(
            &Endpoint::Readme,
            &unavailable,
            2,
        ),
        FakeRepo::new("stamina-demo/rate-limited")
            .readme("# rate-limited\n\nBehind a 429.\n")
            .fault(Endpoint::Readme, Fault::RateLimited { retry_after: "1".to_owned() }),
        FakeRepo::new("stamina-demo/dropped-connection")
            .readme("# dropped-connection\n\nBehind a reset.\n")
            .fault(Endpoint::Readme, Fault::Reset),
        FakeRepo::new("stamina-demo/no-readme")
            .file("GUIDE.md", "# Guide\n")
            .file("CHANGELOG.md", "# Changelog\n")
            .file("Cargo.toml", "[package]\n")
            .dir("src")
            .fault(Endpoint::Contents, Fault::Status(StatusCode::BAD_GATEWAY))
            .fault(
                Endpoint::File("CHANGELOG.md".to_owned()),
                Fault::Status(StatusCode::INTERNAL_SERVER_ERROR),
            ),
        FakeRepo::new("stamina-demo/sso-protected").readme("# secret\n").forbidden(),
        FakeRepo::new("stamina-demo/down").readme("# down\n").down(StatusCode::SERVICE_UNAVAILABLE),
    ]
}

/// The shared state: repositories with their remaining faults, and the log.
struct Shared {
    repos: Mutex<HashMap<String, FakeRepo>>,
    seen: Mutex<Vec<SeenRequest>>,
    /// The starred repositories, if any (`FakeGithub::start_with_stars`).
    stars: Mutex<Option<FakeStars>>,
}

impl Shared {
    fn record(&self, path: String, at: Instant, outcome: Outcome) {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).push(SeenRequest { path, at, outcome });
    }
}

/// A running fake GitHub API on 127.0.0.1; stops when dropped.
pub struct FakeGithub {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for FakeGithub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeGithub").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl FakeGithub {
    /// Binds 127.0.0.1 on a free port and serves `repos` until dropped. Call
    /// it inside a tokio runtime.
    pub async fn start(repos: impl IntoIterator<Item = FakeRepo>) -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            repos: Mutex::new(repos.into_iter().map(|repo| (repo.full_name.clone(), repo)).collect()),
            seen: Mutex::new(Vec::new()),
            stars: Mutex::new(None),
        });
        let router = router(Arc::clone(&shared));
        let server = tokio::spawn(accept_loop(listener, router));
        Ok(Self { addr, shared, server })
    }

    /// The base URL to give a client: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far, in order of arrival.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.shared.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// How many requests `path` got.
    pub fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|request| request.path == path).count()
    }

    /// How many requests `endpoint` of `repo` got.
    pub fn count_of(&self, repo: &str, endpoint: &Endpoint) -> usize {
        self.count(&endpoint.path(repo))
    }

    /// How many requests went to any endpoint of `repo`.
    pub fn count_repo(&self, repo: &str) -> usize {
        let prefix = format!("/repos/{repo}/");
        self.requests().iter().filter(|request| request.path.starts_with(&prefix)).count()
    }

    /// The requests to `path`, in order.
    pub fn requests_to(&self, path: &str) -> Vec<SeenRequest> {
        self.requests().into_iter().filter(|request| request.path == path).collect()
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every
        // connection task with it.
        self.server.abort();
    }
}

/// Accepts connections and runs hyper's HTTP/1 loop on each, around the axum
/// router, until aborted.
async fn accept_loop(listener: TcpListener, router: Router) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        while connections.try_join_next().is_some() {}
        let reset = Arc::new(AtomicBool::new(false));
        let io = TokioIo::new(ResettableStream { stream, reset: Arc::clone(&reset) });
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
            let mut router = router.clone();
            let reset = Arc::clone(&reset);
            async move {
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectionControl(Arc::clone(&reset)));
                let Ok(()) = std::future::poll_fn(|cx| {
                    <Router as Service<Request<Body>>>::poll_ready(&mut router, cx)
                })
                .await;
                let Ok(response) = router.call(request).await;
                if reset.load(Ordering::SeqCst) {
                    // hyper closes the connection, without a response, when the
                    // service fails; the stream then aborts it on drop.
                    return Err(ConnectionAborted);
                }
                Ok(response)
            }
        });
        connections.spawn(async move {
            // A reset connection ends in an error here, on purpose.
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
        });
    }
}

/// The error that makes hyper drop a connection.
#[derive(Debug)]
struct ConnectionAborted;

impl fmt::Display for ConnectionAborted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection aborted by a scripted fault")
    }
}

impl std::error::Error for ConnectionAborted {}

/// Lets a handler ask for its connection to be aborted.
#[derive(Clone, Debug)]
struct ConnectionControl(Arc<AtomicBool>);

/// A TCP stream that, once asked to reset, skips the graceful shutdown and
/// closes with `SO_LINGER` 0, which makes the kernel send RST.
struct ResettableStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl AsyncRead for ResettableStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/repos/{owner}/{repo}/readme", get(readme))
        .route("/repos/{owner}/{repo}/contents", get(listing))
        .route("/repos/{owner}/{repo}/contents/", get(listing))
        .route("/repos/{owner}/{repo}/contents/{*path}", get(file))
        .route("/users/{user}/starred", get(starred::starred))
        .fallback(|| async { github_error(StatusCode::NOT_FOUND) })
        .with_state(shared)
}

type SharedState = State<Arc<Shared>>;

async fn readme(
    State(shared): SharedState,
    Extension(control): Extension<ConnectionControl>,
    Path((owner, repo)): Path<(String, String)>,
) -> Response<Body> {
    serve(&shared, &control, &format!("{owner}/{repo}"), Endpoint::Readme).await
}

async fn listing(
    State(shared): SharedState,
    Extension(control): Extension<ConnectionControl>,
    Path((owner, repo)): Path<(String, String)>,
) -> Response<Body> {
    serve(&shared, &control, &format!("{owner}/{repo}"), Endpoint::Contents).await
}

async fn file(
    State(shared): SharedState,
    Extension(control): Extension<ConnectionControl>,
    Path((owner, repo, path)): Path<(String, String, String)>,
) -> Response<Body> {
    serve(&shared, &control, &format!("{owner}/{repo}"), Endpoint::File(path)).await
}

/// Logs the request, applies the repository's access rule or next fault, and
/// otherwise answers like GitHub.
async fn serve(
    shared: &Shared,
    control: &ConnectionControl,
    repo: &str,
    endpoint: Endpoint,
) -> Response<Body> {
    let at = Instant::now();
    let path = endpoint.path(repo);
    let (fault, answer) = {
        let mut repos = shared.repos.lock().unwrap_or_else(PoisonError::into_inner);
        match repos.get_mut(repo) {
            None => (None, Err(StatusCode::NOT_FOUND)),
            Some(fake) => match fake.access {
                Access::Forbidden => (None, Err(StatusCode::FORBIDDEN)),
                Access::Down(status) => (None, Err(status)),
                Access::Open => {
                    let fault = fake.faults.get_mut(&endpoint).and_then(VecDeque::pop_front);
                    (fault, answer(fake, &endpoint))
                }
            },
        }
    };
    let response = match fault {
        Some(Fault::Status(status)) => github_error(status),
        Some(Fault::RateLimited { retry_after }) => {
            let mut response = github_error(StatusCode::TOO_MANY_REQUESTS);
            if let Ok(value) = HeaderValue::from_str(&retry_after) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Some(Fault::Reset) => {
            control.0.store(true, Ordering::SeqCst);
            shared.record(path, at, Outcome::Reset);
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(Fault::Slow(delay)) => {
            shared.record(path, at, Outcome::Slow);
            tokio::time::sleep(delay).await;
            return respond(answer);
        }
        None => respond(answer),
    };
    shared.record(path, at, Outcome::Answered(response.status()));
    response
}

fn respond(answer: Result<Value, StatusCode>) -> Response<Body> {
    match answer {
        Ok(body) => axum::Json(body).into_response(),
        Err(status) => github_error(status),
    }
}

/// The JSON GitHub would send for `endpoint` of an open repository.
fn answer(repo: &FakeRepo, endpoint: &Endpoint) -> Result<Value, StatusCode> {
    match endpoint {
        Endpoint::Readme => {
            let (path, text) = repo.readme.as_ref().ok_or(StatusCode::NOT_FOUND)?;
            Ok(file_json(&repo.full_name, path, text))
        }
        Endpoint::Contents => {
            let files = repo.files.iter().map(
                |(path, text)| json!({ "type": "file", "name": path, "path": path, "size": text.len() }),
            );
            let dirs =
                repo.dirs.iter().map(|path| json!({ "type": "dir", "name": path, "path": path, "size": 0 }));
            Ok(Value::Array(files.chain(dirs).collect()))
        }
        Endpoint::File(wanted) => {
            let (path, text) =
                repo.files.iter().find(|(path, _)| path == wanted).ok_or(StatusCode::NOT_FOUND)?;
            Ok(file_json(&repo.full_name, path, text))
        }
    }
}

/// A file object as the contents API returns it: base64 wrapped at 60 columns.
fn file_json(repo: &str, path: &str, text: &str) -> Value {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let wrapped: Vec<&str> =
        encoded.as_bytes().chunks(60).map(|line| std::str::from_utf8(line).unwrap_or("")).collect();
    json!({
        "type": "file",
        "name": path.rsplit('/').next().unwrap_or(path),
        "path": path,
        "size": text.len(),
        "encoding": "base64",
        "content": wrapped.join("\n") + "\n",
        "url": format!("/repos/{repo}/contents/{path}"),
    })
}

/// An error answer with GitHub's JSON shape.
fn github_error(status: StatusCode) -> Response<Body> {
    let message = match status {
        StatusCode::NOT_FOUND => "Not Found",
        StatusCode::FORBIDDEN => "Resource protected by organization SAML enforcement.",
        StatusCode::TOO_MANY_REQUESTS => "API rate limit exceeded.",
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    let body = json!({ "message": message, "documentation_url": "https://docs.github.com/rest", "status": status.as_str() });
    (status, axum::Json(body)).into_response()
}
