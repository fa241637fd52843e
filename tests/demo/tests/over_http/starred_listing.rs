//! The starred listing against the fake GitHub server: the pages follow the
//! `Link` headers, and a failed page is retried where it failed (resume), so
//! the requests per page are exact. Testing mode (3 attempts, no waits) local
//! to each test's future, as in `fetch_repo_docs`.

use std::sync::atomic::AtomicU32;
use std::time::Duration;

use futures_lite::StreamExt as _;
use http::StatusCode;
use stamina::testing::{self, TestMode};
use stamina_demo::docs_fetcher::{GitHub, list_starred, starred_repos};
use stamina_demo::fake_github::{
    DEMO_PAGE_REQUESTS, DEMO_USER, FakeGithub, FakeRepo, FakeStars, Fault, demo_repos, demo_stars,
};

const USER: &str = "octo";

fn stars(repos: usize, per_page: usize) -> FakeStars {
    FakeStars::new(USER, (1..=repos).map(|n| format!("octo/repo-{n}")), per_page)
}

fn names(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range.map(|n| format!("octo/repo-{n}")).collect()
}

async fn serve(stars: FakeStars) -> (FakeGithub, GitHub) {
    let server = FakeGithub::start_with_stars(Vec::<FakeRepo>::new(), stars).await.unwrap();
    let gh = GitHub::new(&server.url(), None, Duration::from_secs(10)).unwrap();
    (server, gh)
}

fn page_counts(server: &FakeGithub, pages: u32) -> Vec<usize> {
    (1..=pages).map(|page| server.count_page(USER, page)).collect()
}

#[tokio::test]
async fn the_pages_follow_the_link_headers() {
    let (server, gh) = serve(stars(7, 3)).await;
    let starred = testing::future_scope(TestMode::new(3), starred_repos(&gh, USER)).await.unwrap();
    assert_eq!(starred.repos, names(1..=7));
    assert_eq!((starred.pages, starred.requests), (3, 3));
    assert_eq!(page_counts(&server, 3), [1, 1, 1]);
}

#[tokio::test]
async fn a_503_on_page_2_resumes_at_page_2() {
    let unavailable = Fault::Status(StatusCode::SERVICE_UNAVAILABLE);
    let (server, gh) = serve(stars(7, 3).fault(2, unavailable.clone()).fault(2, unavailable)).await;
    let starred = testing::future_scope(TestMode::new(3), starred_repos(&gh, USER)).await.unwrap();
    // Each repository once: page 1 was not fetched (nor yielded) again.
    assert_eq!(starred.repos, names(1..=7));
    assert_eq!((starred.pages, starred.requests), (3, 5));
    assert_eq!(page_counts(&server, 3), [1, 3, 1]);
}

#[tokio::test]
async fn a_page_that_stays_down_is_the_last_item_after_the_pages_before_it() {
    let unavailable = Fault::Status(StatusCode::SERVICE_UNAVAILABLE);
    let (server, gh) =
        serve(stars(7, 3).fault(3, unavailable.clone()).fault(3, unavailable.clone()).fault(3, unavailable))
            .await;
    let requests = AtomicU32::new(0);
    let pages: Vec<_> =
        testing::future_scope(TestMode::new(3), list_starred(&gh, USER, &requests).collect::<Vec<_>>()).await;
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].as_ref().unwrap().repos, names(1..=3));
    assert_eq!(pages[1].as_ref().unwrap().repos, names(4..=6));
    assert_eq!(pages[2].as_ref().unwrap_err().status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(page_counts(&server, 3), [1, 1, 3]);
    // A 404 (no such user) is not retried.
    let missing = testing::future_scope(TestMode::new(3), starred_repos(&gh, "nobody")).await;
    assert_eq!(missing.unwrap_err().status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(server.count_page("nobody", 1), 1);
}

#[tokio::test]
async fn the_demo_listing_resumes_with_the_demo_counts_and_real_waits() {
    let repos = demo_repos();
    let server = FakeGithub::start_with_stars(repos.clone(), demo_stars(&repos)).await.unwrap();
    let gh = GitHub::new(&server.url(), None, Duration::from_secs(10)).unwrap();
    let starred = starred_repos(&gh, DEMO_USER).await.unwrap();
    let expected: Vec<&str> = repos.iter().map(FakeRepo::full_name).collect();
    assert_eq!(starred.repos, expected);
    for (page, requests) in DEMO_PAGE_REQUESTS {
        assert_eq!(server.count_page(DEMO_USER, page), requests, "page {page}");
    }
    // The retry of page 2 waited its backoff (at least `wait_initial`, 500 ms).
    let page_2 = server.requests_to(&FakeStars::page_path(DEMO_USER, 2));
    assert!(page_2[1].at - page_2[0].at >= Duration::from_millis(500), "{page_2:?}");
}
