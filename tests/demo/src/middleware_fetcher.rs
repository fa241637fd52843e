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

use http::{Extensions, StatusCode};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, Middleware, Next};
use serde::de::DeserializeOwned;
use stamina::reqwest_middleware::RetryMiddleware;
use tokio::task::JoinSet;
use tracing::Instrument as _;

use crate::docs_fetcher::{
    ContentFile, DocSource, GitHubError, ListingEntry, MAX_RETRY_AFTER, RepoDocs, is_markdown, read_json,
};

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
        let client = crate::docs_fetcher::api_client(token, timeout)?;
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
        read_json(response).await
    }
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
