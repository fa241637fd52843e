//! Lists the repositories a user starred (`GET /users/{user}/starred`),
//! following the `Link: <...>; rel="next"` headers page by page, as a retried
//! stream that **resumes**: a transient failure on page 2 retries page 2, not
//! the listing from page 1 (which would yield page 1's repositories twice).
//!
//! The cursor is the URL of the next page to fetch: each page yielded moves it
//! to that page's `next` link, and each attempt's stream starts from it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_lite::{Stream, StreamExt as _, stream};
use http::{HeaderMap, header};
use serde::Deserialize;

use super::{ErrorBody, GitHub, GitHubError, is_retriable};

/// One page of a user's starred repositories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StarredPage {
    /// The URL it was fetched from.
    pub url: String,
    /// The repositories on it, `owner/name`.
    pub repos: Vec<String>,
    /// The next page's URL, from the `Link` header; `None` on the last page.
    pub next: Option<String>,
}

/// All of a user's starred repositories, and what listing them took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Starred {
    /// `owner/name`, in GitHub's order.
    pub repos: Vec<String>,
    /// The pages yielded (each once).
    pub pages: u32,
    /// HTTP requests made, retries included.
    pub requests: u32,
}

#[derive(Deserialize)]
struct StarredRepo {
    full_name: String,
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get(header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        let is_next = params.split(';').any(|param| param.trim() == "rel=\"next\"");
        is_next.then(|| url.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
    })
}

impl GitHub {
    /// One GET of the page at `url`, counted in `requests`. Only URLs on this
    /// client's API are followed: a `Link` elsewhere would get our token.
    async fn get_starred_page(&self, url: &str, requests: &AtomicU32) -> Result<StarredPage, GitHubError> {
        if !url.starts_with(&self.api_url) {
            return Err(GitHubError::Invalid(format!("a next-page link off the API: {url}")));
        }
        requests.fetch_add(1, Ordering::Relaxed);
        let response = self.client.get(url).send().await.map_err(GitHubError::Transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(GitHubError::Transport)?;
        if !status.is_success() {
            let message = serde_json::from_slice::<ErrorBody>(&body)
                .map_or_else(|_| String::from_utf8_lossy(&body).into_owned(), |error| error.message);
            return Err(GitHubError::Status { status, headers, message });
        }
        let repos: Vec<StarredRepo> =
            serde_json::from_slice(&body).map_err(|error| GitHubError::Invalid(error.to_string()))?;
        Ok(StarredPage {
            url: url.to_owned(),
            repos: repos.into_iter().map(|repo| repo.full_name).collect(),
            next: next_link(&headers),
        })
    }
}

/// The pages of `user`'s starred repositories, fetched as they are polled;
/// each page is retried (3 attempts, as the other calls) where it failed.
///
/// The last item is an `Err` when a page could not be fetched.
pub fn list_starred<'a>(
    gh: &'a GitHub,
    user: &str,
    requests: &'a AtomicU32,
) -> impl Stream<Item = Result<StarredPage, GitHubError>> + 'a {
    let first = format!("{}/users/{user}/starred?per_page=100", gh.api_url);
    stamina::retry_context(is_retriable)
        .attempts(3)
        .wait_initial(Duration::from_millis(500))
        .wait_max(Duration::from_secs(10))
        .name("list_starred")
        .stream_resumed(
            Some(first),
            // After a page, the next attempt would start at the page after it.
            |next: &mut Option<String>, page: &StarredPage| next.clone_from(&page.next),
            move |_attempt, next: &Option<String>| {
                stream::unfold(next.clone(), move |url| async move {
                    let page = gh.get_starred_page(&url?, requests).await;
                    // After an error, this stream ends: the retry makes the next.
                    let after = page.as_ref().ok().and_then(|page| page.next.clone());
                    Some((page, after))
                })
            },
        )
        // The log shows the error's `Display`, as for the other calls.
        .with_dyn_error()
}

/// Every repository `user` starred: [`list_starred`], collected.
pub async fn starred_repos(gh: &GitHub, user: &str) -> Result<Starred, GitHubError> {
    let requests = AtomicU32::new(0);
    let mut starred = Starred { repos: Vec::new(), pages: 0, requests: 0 };
    let mut pages = std::pin::pin!(list_starred(gh, user, &requests));
    while let Some(page) = pages.next().await {
        let page = page?;
        starred.pages += 1;
        starred.repos.extend(page.repos);
    }
    starred.requests = requests.load(Ordering::Relaxed);
    Ok(starred)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_the_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::LINK,
            "<https://api.github.com/user/1/starred?page=1>; rel=\"prev\", \
             <https://api.github.com/user/1/starred?page=3>; rel=\"next\", \
             <https://api.github.com/user/1/starred?page=9>; rel=\"last\""
                .parse()
                .unwrap(),
        );
        assert_eq!(next_link(&headers).as_deref(), Some("https://api.github.com/user/1/starred?page=3"));
        assert_eq!(next_link(&HeaderMap::new()), None);
    }
}
