//! `GET /users/{user}/starred`: the repositories a user starred, paginated as
//! GitHub paginates them: `?page=N` (from 1), a page of `per_page`
//! repositories, and a `Link` header with the `next` and `last` pages' URLs
//! (absent on the last page). A page can have a script of one-off [`Fault`]s,
//! consumed one per request, as the repositories' endpoints do.
//!
//! Requests are logged with the page in their path:
//! [`FakeStars::page_path`] gives it, for [`FakeGithub::count`].

use std::collections::{HashMap, VecDeque};
use std::sync::PoisonError;

use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde_json::json;
use tokio::time::Instant;

use super::{ConnectionControl, FakeGithub, FakeRepo, Fault, Outcome, SharedState, github_error};

/// The user whose stars the demo lists.
pub const DEMO_USER: &str = "stamina-demo";

/// The starred repositories of one user, and how their pages misbehave.
///
/// ```
/// use stamina_demo::fake_github::{FakeStars, Fault};
/// use http::StatusCode;
///
/// let stars = FakeStars::new("octo", ["octo/a", "octo/b", "octo/c"], 2)
///     .fault(2, Fault::Status(StatusCode::SERVICE_UNAVAILABLE));
/// assert_eq!(stars.pages(), 2);
/// assert_eq!(FakeStars::page_path("octo", 2), "/users/octo/starred?page=2");
/// ```
#[derive(Clone, Debug)]
pub struct FakeStars {
    user: String,
    repos: Vec<String>,
    per_page: usize,
    faults: HashMap<u32, VecDeque<Fault>>,
}

impl FakeStars {
    /// `user` starred `repos` (`owner/name`, in this order), served `per_page`
    /// a page (at least 1).
    pub fn new(
        user: impl Into<String>,
        repos: impl IntoIterator<Item = impl Into<String>>,
        per_page: usize,
    ) -> Self {
        Self {
            user: user.into(),
            repos: repos.into_iter().map(Into::into).collect(),
            per_page: per_page.max(1),
            faults: HashMap::new(),
        }
    }

    /// Appends `fault` to the script of page `page`.
    #[must_use]
    pub fn fault(mut self, page: u32, fault: Fault) -> Self {
        self.faults.entry(page).or_default().push_back(fault);
        self
    }

    /// The number of pages (1 for no repositories: an empty page).
    pub fn pages(&self) -> u32 {
        u32::try_from(self.repos.len().div_ceil(self.per_page).max(1)).unwrap_or(u32::MAX)
    }

    /// The path a request for page `page` is logged under.
    pub fn page_path(user: &str, page: u32) -> String {
        format!("/users/{user}/starred?page={page}")
    }
}

/// The demo's stars: [`DEMO_USER`] starred the seven [demo
/// repositories](super::demo_repos), in their order, 3 a page; page 2 answers
/// 503 once. A fetcher that resumes asks for pages 1, 2, 2, 3; one that
/// restarted would ask for page 1 twice.
pub fn demo_stars(repos: &[FakeRepo]) -> FakeStars {
    FakeStars::new(DEMO_USER, repos.iter().map(FakeRepo::full_name), 3)
        .fault(2, Fault::Status(StatusCode::SERVICE_UNAVAILABLE))
}

/// The requests the demo's listing must have made, per page, when it resumes
/// at the page that failed.
pub const DEMO_PAGE_REQUESTS: [(u32, usize); 3] = [(1, 1), (2, 2), (3, 1)];

impl FakeGithub {
    /// [`start`](Self::start), also serving the starred repositories `stars`.
    pub async fn start_with_stars(
        repos: impl IntoIterator<Item = FakeRepo>,
        stars: FakeStars,
    ) -> std::io::Result<Self> {
        let server = Self::start(repos).await?;
        *server.shared.stars.lock().unwrap_or_else(PoisonError::into_inner) = Some(stars);
        Ok(server)
    }

    /// How many requests page `page` of `user`'s stars got.
    pub fn count_page(&self, user: &str, page: u32) -> usize {
        self.count(&FakeStars::page_path(user, page))
    }
}

/// `?page=N`, 1 when absent; `None` when it is not a positive number.
fn page_of(uri: &Uri) -> Option<u32> {
    let Some(query) = uri.query() else { return Some(1) };
    match query.split('&').find_map(|pair| pair.strip_prefix("page=")) {
        None => Some(1),
        Some(page) => page.parse().ok().filter(|page| *page >= 1),
    }
}

pub(super) async fn starred(
    State(shared): SharedState,
    Extension(control): Extension<ConnectionControl>,
    Path(user): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response<Body> {
    let at = Instant::now();
    let Some(page) = page_of(&uri) else {
        return github_error(StatusCode::UNPROCESSABLE_ENTITY);
    };
    let path = FakeStars::page_path(&user, page);
    let (fault, answer) = {
        let mut stars = shared.stars.lock().unwrap_or_else(PoisonError::into_inner);
        match stars.as_mut().filter(|stars| stars.user == user) {
            None => (None, Err(StatusCode::NOT_FOUND)),
            Some(stars) => {
                let fault = stars.faults.get_mut(&page).and_then(VecDeque::pop_front);
                let first = usize::try_from(page - 1).unwrap_or(usize::MAX).saturating_mul(stars.per_page);
                let repos: Vec<String> =
                    stars.repos.iter().skip(first).take(stars.per_page).cloned().collect();
                (fault, Ok((repos, stars.pages())))
            }
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
            control.0.store(true, std::sync::atomic::Ordering::SeqCst);
            shared.record(path, at, Outcome::Reset);
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(Fault::Slow(delay)) => {
            shared.record(path, at, Outcome::Slow);
            tokio::time::sleep(delay).await;
            return page_response(answer, &headers, &user, page);
        }
        None => page_response(answer, &headers, &user, page),
    };
    shared.record(path, at, Outcome::Answered(response.status()));
    response
}

/// One page as GitHub sends it: repository objects, and the `Link` header.
fn page_response(
    answer: Result<(Vec<String>, u32), StatusCode>,
    headers: &HeaderMap,
    user: &str,
    page: u32,
) -> Response<Body> {
    let (repos, pages) = match answer {
        Ok(found) => found,
        Err(status) => return github_error(status),
    };
    let body: Vec<_> = repos
        .iter()
        .map(|full_name| {
            let (owner, name) = full_name.split_once('/').unwrap_or(("", full_name));
            json!({ "full_name": full_name, "name": name, "owner": { "login": owner } })
        })
        .collect();
    let mut response = axum::Json(body).into_response();
    if page < pages {
        // Absolute URLs, as GitHub's.
        let host = headers.get(header::HOST).and_then(|host| host.to_str().ok()).unwrap_or("127.0.0.1");
        let url = |page: u32| format!("http://{host}{}", FakeStars::page_path(user, page));
        let link = format!("<{}>; rel=\"next\", <{}>; rel=\"last\"", url(page + 1), url(pages));
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}
