//! Fetches the documentation of GitHub repositories: the README, or where there
//! is none, the Markdown files at the root. The code of the `fetch_repo_docs`
//! example, kept in the library so that the integration tests run exactly it.
//!
//! The retry decisions follow one table:
//!
//! | call | on | retried? | why |
//! |---|---|---|---|
//! | `.../readme` | 5xx, 429, network error | yes | otherwise a blip silently loses the README to the fallback |
//! | `.../contents/` | 5xx, 429, network error | yes | otherwise a blip loses the repository's whole file list |
//! | `.../contents/{path}` | 5xx, 429, network error | yes | otherwise a blip loses one file |
//! | `.../readme` | 404 | no | there is no README: the branch to the fallback |
//! | any | 403 | no | a permission problem; retrying only burns rate limit |
//!
//! A 429 (or 5xx) with `Retry-After` waits what the server asked, up to
//! [`MAX_RETRY_AFTER`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use base64::Engine as _;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use stamina::Decision;
use stamina::http::RetryOnStatus;
use tokio::task::JoinSet;
use tracing::Instrument as _;

mod starred;
pub use starred::{Starred, StarredPage, list_starred, starred_repos};

/// The longest `Retry-After` the fetcher honours: a server asking for more
/// gets its retry after this long (and the policy's attempts still bound it).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// 5xx and 429 retried, after `Retry-After` (at most [`MAX_RETRY_AFTER`]).
const ON_STATUS: RetryOnStatus = RetryOnStatus::new().max_retry_after(MAX_RETRY_AFTER);

/// What can go wrong with one API call.
///
/// Its `Display` form, which stamina's retry log shows as `caused_by` (with
/// the `source()` chain, which is empty here), is short: the status and
/// GitHub's message, or the root cause of a network error. Its `Debug` form
/// is as short: the status with `Retry-After`.
pub enum GitHubError {
    /// The API answered with an error status.
    Status {
        /// The status.
        status: StatusCode,
        /// The response headers (`Retry-After` among them).
        headers: HeaderMap,
        /// GitHub's `message`, or the body.
        message: String,
    },
    /// No answer: connection refused or reset, a timeout, a body cut short.
    Transport(reqwest::Error),
    /// An answer we cannot read: not the JSON we expect, or not UTF-8 text.
    Invalid(String),
}

impl GitHubError {
    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Status { status, .. } => Some(*status),
            Self::Transport(_) | Self::Invalid(_) => None,
        }
    }
}

impl fmt::Debug for GitHubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status { status, headers, .. } => {
                let mut status_error = f.debug_struct("Status");
                status_error.field("status", &status.as_u16());
                if let Some(retry_after) = headers.get(header::RETRY_AFTER) {
                    status_error.field("retry_after", retry_after);
                }
                status_error.finish()
            }
            Self::Transport(_) => f.debug_tuple("Transport").field(&format_args!("{self}")).finish(),
            Self::Invalid(why) => f.debug_tuple("Invalid").field(why).finish(),
        }
    }
}

impl fmt::Display for GitHubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status { status, message, .. } => write!(f, "{status}: {message}"),
            Self::Transport(error) if error.is_timeout() => f.write_str("timed out"),
            Self::Transport(error) => {
                // reqwest's own message is "error sending request"; the cause
                // (reset, refused...) is further down the chain.
                let mut cause: &dyn std::error::Error = error;
                while let Some(source) = cause.source() {
                    cause = source;
                }
                write!(f, "network error: {cause}")
            }
            Self::Invalid(why) => write!(f, "invalid answer: {why}"),
        }
    }
}

// No `source()`: `Display` already names a network error's root cause, and
// a chain would repeat it in logs, after reqwest's own message with the URL.
impl std::error::Error for GitHubError {}

/// The `on` predicate of every call: transient failures are retried,
/// deterministic ones are not.
///
/// - An error status goes to [`RetryOnStatus`]: 5xx and 429 are retried, after
///   `Retry-After` when the server sent one; 404, 403 and every other 4xx are
///   not.
/// - A transport error is retried when the request may not have reached the
///   server or its answer was lost: connecting, sending, a timeout, a body cut
///   short.
/// - An answer we cannot read will not read better the second time.
pub fn is_retriable(error: &GitHubError) -> Decision {
    match error {
        GitHubError::Status { status, headers, .. } => ON_STATUS.decide(*status, headers),
        GitHubError::Transport(error)
            if error.is_connect() || error.is_timeout() || error.is_request() || error.is_body() =>
        {
            Decision::Retry
        }
        GitHubError::Transport(_) | GitHubError::Invalid(_) => Decision::NoRetry,
    }
}

/// A client of the GitHub REST API (or of anything that answers like it).
#[derive(Clone, Debug)]
pub struct GitHub {
    client: reqwest::Client,
    api_url: String,
}

impl GitHub {
    /// A client of the API at `api_url` (`https://api.github.com`, or a fake's
    /// URL), sending `token` when there is one, and giving up on a request
    /// after `timeout`.
    pub fn new(api_url: &str, token: Option<&str>, timeout: Duration) -> Result<Self, GitHubError> {
        let client = api_client(token, timeout)?;
        Ok(Self { client, api_url: api_url.trim_end_matches('/').to_owned() })
    }

    /// One GET of `path`, counted in `requests`, as JSON.
    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        requests: &AtomicU32,
    ) -> Result<T, GitHubError> {
        requests.fetch_add(1, Ordering::Relaxed);
        let response = self
            .client
            .get(format!("{}{path}", self.api_url))
            .send()
            .await
            .map_err(GitHubError::Transport)?;
        read_json(response).await
    }
}

/// The HTTP client both fetchers build on (this one and the middleware's):
/// GitHub's headers, `token` when there is one, `timeout` per request, and
/// no retries of reqwest's own (stamina decides about retries, alone).
pub(crate) fn api_client(token: Option<&str>, timeout: Duration) -> Result<reqwest::Client, GitHubError> {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/vnd.github+json"));
    headers.insert("x-github-api-version", HeaderValue::from_static("2022-11-28"));
    if let Some(token) = token {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| GitHubError::Invalid("GITHUB_TOKEN is not a valid header value".to_owned()))?;
        value.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, value);
    }
    crate::http_client_builder()
        .user_agent("stamina-fetch-repo-docs")
        .default_headers(headers)
        .timeout(timeout)
        .retry(reqwest::retry::never())
        .build()
        .map_err(GitHubError::Transport)
}

/// A response as JSON, or its status as an error with GitHub's message.
pub(crate) async fn read_json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, GitHubError> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(GitHubError::Transport)?;
    if !status.is_success() {
        let message = serde_json::from_slice::<ErrorBody>(&body)
            .map_or_else(|_| String::from_utf8_lossy(&body).into_owned(), |error| error.message);
        return Err(GitHubError::Status { status, headers, message });
    }
    serde_json::from_slice(&body).map_err(|error| GitHubError::Invalid(error.to_string()))
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

/// A file as the contents API returns it.
#[derive(Deserialize)]
pub(crate) struct ContentFile {
    path: String,
    content: String,
}

impl ContentFile {
    /// The text: base64, wrapped in lines, of UTF-8.
    pub(crate) fn decode(self) -> Result<Document, GitHubError> {
        let packed: String = self.content.split_ascii_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(packed)
            .map_err(|error| GitHubError::Invalid(format!("{}: {error}", self.path)))?;
        let text = String::from_utf8(bytes)
            .map_err(|error| GitHubError::Invalid(format!("{}: {error}", self.path)))?;
        Ok(Document { path: self.path, text })
    }
}

/// An entry of a directory listing.
#[derive(Deserialize)]
pub(crate) struct ListingEntry {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) path: String,
}

/// One fetched file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Its path in the repository.
    pub path: String,
    /// Its text.
    pub text: String,
}

/// Where a repository's documentation came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocSource {
    /// Its README.
    Readme,
    /// The Markdown files at its root, because it has no README.
    RootMarkdown,
    /// Nowhere: see the problems.
    Nothing,
}

impl fmt::Display for DocSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Readme => "README",
            Self::RootMarkdown => "root *.md",
            Self::Nothing => "-",
        })
    }
}

/// The documentation of one repository, and what it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoDocs {
    /// `owner/name`.
    pub repo: String,
    /// Where the documents came from.
    pub source: DocSource,
    /// The documents.
    pub documents: Vec<Document>,
    /// HTTP requests made, retries included.
    pub requests: u32,
    /// What went wrong on the way, after retries.
    pub problems: Vec<String>,
}

/// Lists the Markdown files at the root of `repo`; a transient failure is
/// retried, since it would lose the whole list.
#[stamina::retry(on = is_retriable, attempts = 3, wait_initial = "500ms", wait_max = "10s")]
async fn get_root_markdown_files(
    gh: &GitHub,
    repo: &str,
    requests: &AtomicU32,
) -> Result<Vec<String>, GitHubError> {
    let listing: Vec<ListingEntry> = gh.get_json(&format!("/repos/{repo}/contents/"), requests).await?;
    Ok(listing
        .into_iter()
        .filter(|entry| entry.kind == "file" && is_markdown(&entry.path))
        .map(|entry| entry.path)
        .collect())
}

/// Fetches one file of `repo`; a transient failure is retried, since it would
/// lose the file.
#[stamina::retry(on = is_retriable, attempts = 3, wait_initial = "500ms", wait_max = "10s")]
async fn fetch_markdown_content(
    gh: &GitHub,
    repo: &str,
    path: &str,
    requests: &AtomicU32,
) -> Result<Document, GitHubError> {
    let file: ContentFile = gh.get_json(&format!("/repos/{repo}/contents/{path}"), requests).await?;
    file.decode()
}

pub(crate) fn is_markdown(path: &str) -> bool {
    std::path::Path::new(path).extension().is_some_and(|extension| extension.eq_ignore_ascii_case("md"))
}

/// Fetches the documentation of `repo` (`owner/name`): its README, or, when it
/// has none, the Markdown files at its root.
pub async fn fetch_repo_docs(gh: &GitHub, repo: &str) -> RepoDocs {
    let requests = AtomicU32::new(0);
    let mut problems = Vec::new();

    // The README in a retried block rather than a retried fn, so that what
    // comes out of it, a 404 above all, is ours to branch on.
    let readme = stamina::retry_block!(
        on = is_retriable,
        attempts = 3,
        wait_initial = "500ms",
        wait_max = "10s",
        async |_attempt| {
            let file: ContentFile = gh.get_json(&format!("/repos/{repo}/readme"), &requests).await?;
            file.decode()
        }
    )
    .await;
    match readme {
        Ok(document) => {
            return RepoDocs {
                repo: repo.to_owned(),
                source: DocSource::Readme,
                documents: vec![document],
                requests: requests.into_inner(),
                problems,
            };
        }
        // No README: not an error, the reason for the fallback.
        Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => {}
        Err(error) => problems.push(format!("README: {error}")),
    }

    // The fallback: the root Markdown files (both helpers retry on their own).
    let mut documents = Vec::new();
    match get_root_markdown_files(gh, repo, &requests).await {
        Ok(paths) => {
            for path in paths {
                match fetch_markdown_content(gh, repo, &path, &requests).await {
                    Ok(document) => documents.push(document),
                    Err(error) => problems.push(format!("{path}: {error}")),
                }
            }
        }
        Err(error) => problems.push(format!("listing: {error}")),
    }
    RepoDocs {
        repo: repo.to_owned(),
        source: if documents.is_empty() { DocSource::Nothing } else { DocSource::RootMarkdown },
        documents,
        requests: requests.into_inner(),
        problems,
    }
}

/// Fetches the documentation of every repository in `repos` concurrently, one
/// task each; the results come back in the order of `repos`.
pub async fn fetch_all(gh: &Arc<GitHub>, repos: &[String]) -> Vec<RepoDocs> {
    let mut tasks = JoinSet::new();
    for (index, repo) in repos.iter().enumerate() {
        let gh = Arc::clone(gh);
        let repo = repo.clone();
        // The span names the repository in every retry log line of its task.
        let span = tracing::info_span!("fetch", repo = %repo);
        tasks.spawn(async move { (index, fetch_repo_docs(&gh, &repo).await) }.instrument(span));
    }
    let mut results: Vec<(usize, RepoDocs)> = tasks.join_all().await;
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, docs)| docs).collect()
}
