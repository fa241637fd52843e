//! The same fetch as [`docs_fetcher`](crate::docs_fetcher), with the retries
//! in the HTTP client instead of around the code: a
//! `reqwest_middleware::ClientWithMiddleware` with stamina's
//! [`RetryMiddleware`]. `fetch_repo_docs --middleware` runs it, with the same
//! decision table and the same self-check:
//!
//! | response or error | retried by the middleware? |
//! |---|---|
//! | 5xx, 429 (after `Retry-After`, at most [`MAX_RETRY_AFTER`]) | yes |
//! | connection refused, reset, timed out | yes ([`is_transient`](stamina::reqwest_middleware::is_transient)) |
//! | 404, 403, any other status | no |
//!
//! The code sees only the last response: a 404 to branch on, or the 503 the
//! loop gave up on, returned as it is. One difference: the middleware sees
//! the request being sent, not the body being read, so a body cut short is
//! not retried here (the attribute's fetcher retries it). The demo's script
//! has no such fault.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, Middleware, Next};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use stamina::reqwest_middleware::RetryMiddleware;
use tokio::task::JoinSet;
use tracing::Instrument as _;

use crate::docs_fetcher::{DocSource, Document, GitHubError, MAX_RETRY_AFTER, RepoDocs};

/// The attempts of one repository's requests, counted by [`CountAttempts`].
#[derive(Clone, Debug, Default)]
struct Attempts(Arc<AtomicU32>);

/// Counts every attempt the retry middleware sends: it sits below it.
struct CountAttempts;

#[async_trait::async_trait]
impl Middleware for CountAttempts {
    async fn handle(
        &self,
        request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        if let Some(Attempts(count)) = extensions.get::<Attempts>() {
            count.fetch_add(1, Ordering::Relaxed);
        }
        next.run(request, extensions).await
    }
}

/// A GitHub client whose requests the middleware retries.
#[derive(Clone, Debug)]
pub struct MiddlewareGitHub {
    client: ClientWithMiddleware,
    api_url: String,
}

impl MiddlewareGitHub {
    /// As [`GitHub::new`](crate::docs_fetcher::GitHub::new), with the retries
    /// of the attribute's fetcher (3 attempts, 500 ms initial wait, 10 s at
    /// most) in the client.
    pub fn new(api_url: &str, token: Option<&str>, timeout: Duration) -> Result<Self, GitHubError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/vnd.github+json"));
        headers.insert("x-github-api-version", HeaderValue::from_static("2022-11-28"));
        if let Some(token) = token {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| GitHubError::Invalid("GITHUB_TOKEN is not a valid header value".to_owned()))?;
            value.set_sensitive(true);
            headers.insert(header::AUTHORIZATION, value);
        }
        let client = crate::http_client_builder()
            .user_agent("stamina-fetch-repo-docs")
            .default_headers(headers)
            .timeout(timeout)
            // stamina decides about retries, alone: no hidden second layer.
            .retry(reqwest::retry::never())
            .build()
            .map_err(GitHubError::Transport)?;
        let retries = RetryMiddleware::new()
            .attempts(3)
            .wait_initial(Duration::from_millis(500))
            .wait_max(Duration::from_secs(10))
            .max_retry_after(MAX_RETRY_AFTER)
            .name("fetch_repo_docs::middleware");
        let client = ClientBuilder::new(client).with(retries).with(CountAttempts).build();
        Ok(Self { client, api_url: api_url.trim_end_matches('/').to_owned() })
    }

    /// One GET of `path` (retried inside the client), as JSON.
    async fn get_json<T: DeserializeOwned>(&self, path: &str, attempts: &Attempts) -> Result<T, GitHubError> {
        let response = self
            .client
            .get(format!("{}{path}", self.api_url))
            .with_extension(attempts.clone())
            .send()
            .await
            .map_err(|error| match error {
                reqwest_middleware::Error::Reqwest(error) => GitHubError::Transport(error),
                reqwest_middleware::Error::Middleware(error) => GitHubError::Invalid(format!("{error:#}")),
            })?;
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
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

#[derive(Deserialize)]
struct ContentFile {
    path: String,
    content: String,
}

impl ContentFile {
    fn decode(self) -> Result<Document, GitHubError> {
        use base64::Engine as _;
        let packed: String = self.content.split_ascii_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(packed)
            .map_err(|error| GitHubError::Invalid(format!("{}: {error}", self.path)))?;
        let text = String::from_utf8(bytes)
            .map_err(|error| GitHubError::Invalid(format!("{}: {error}", self.path)))?;
        Ok(Document { path: self.path, text })
    }
}

#[derive(Deserialize)]
struct ListingEntry {
    #[serde(rename = "type")]
    kind: String,
    path: String,
}

fn is_markdown(path: &str) -> bool {
    std::path::Path::new(path).extension().is_some_and(|extension| extension.eq_ignore_ascii_case("md"))
}

/// [`fetch_repo_docs`](crate::docs_fetcher::fetch_repo_docs), with every
/// retry done by the client: the README, or, when it has none, the Markdown
/// files at the root.
pub async fn fetch_repo_docs(gh: &MiddlewareGitHub, repo: &str) -> RepoDocs {
    let attempts = Attempts::default();
    let mut problems = Vec::new();
    let requests = |attempts: &Attempts| attempts.0.load(Ordering::Relaxed);

    let readme = async {
        let file: ContentFile = gh.get_json(&format!("/repos/{repo}/readme"), &attempts).await?;
        file.decode()
    };
    match readme.await {
        Ok(document) => {
            return RepoDocs {
                repo: repo.to_owned(),
                source: DocSource::Readme,
                documents: vec![document],
                requests: requests(&attempts),
                problems,
            };
        }
        // No README: not an error, the reason for the fallback.
        Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => {}
        Err(error) => problems.push(format!("README: {error}")),
    }

    let mut documents = Vec::new();
    match gh.get_json::<Vec<ListingEntry>>(&format!("/repos/{repo}/contents/"), &attempts).await {
        Ok(listing) => {
            let paths = listing.into_iter().filter(|entry| entry.kind == "file" && is_markdown(&entry.path));
            for entry in paths {
                let path = entry.path;
                let file =
                    gh.get_json::<ContentFile>(&format!("/repos/{repo}/contents/{path}"), &attempts).await;
                match file.and_then(ContentFile::decode) {
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
        requests: requests(&attempts),
        problems,
    }
}

/// [`fetch_all`](crate::docs_fetcher::fetch_all) through the middleware
/// client: one task per repository, results in the order of `repos`.
pub async fn fetch_all(gh: &Arc<MiddlewareGitHub>, repos: &[String]) -> Vec<RepoDocs> {
    let mut tasks = JoinSet::new();
    for (index, repo) in repos.iter().enumerate() {
        let gh = Arc::clone(gh);
        let repo = repo.clone();
        let span = tracing::info_span!("fetch", repo = %repo);
        tasks.spawn(async move { (index, fetch_repo_docs(&gh, &repo).await) }.instrument(span));
    }
    let mut results: Vec<(usize, RepoDocs)> = tasks.join_all().await;
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, docs)| docs).collect()
}
