//! `fetch_repo_docs --middleware`: the same fetch retried in the HTTP client
//! (stamina's reqwest-middleware middleware) ends every repository of the
//! demo's script as the attribute's fetcher does, with as many requests, as
//! the server counts them.

use std::time::{Duration, Instant};

use stamina::testing::{self, TestMode};
use stamina_demo::docs_fetcher::{self, GitHub, RepoDocs};
use stamina_demo::fake_github::{FakeGithub, demo_repos};
use stamina_demo::middleware_fetcher::{self, MiddlewareGitHub};

/// The demo's repositories, in the example's order.
fn repos() -> Vec<String> {
    ["steady", "flaky-readme", "rate-limited", "dropped-connection", "no-readme", "sso-protected", "down"]
        .map(|name| format!("stamina-demo/{name}"))
        .to_vec()
}

/// What the table shows of each repository.
fn table(results: &[RepoDocs]) -> Vec<(String, String, usize, u32)> {
    results
        .iter()
        .map(|docs| (docs.repo.clone(), docs.source.to_string(), docs.documents.len(), docs.requests))
        .collect()
}

#[tokio::test]
async fn the_middleware_fetch_ends_as_the_attribute_fetch_does() {
    let timeout = Duration::from_secs(10);
    let started = Instant::now();

    let server = FakeGithub::start(demo_repos()).await.unwrap();
    let gh = GitHub::new(&server.url(), None, timeout).unwrap();
    // One repository after the other in this test's future: testing mode is
    // local to it, and `fetch_all`'s tasks would run outside it.
    let by_attribute = testing::future_scope(TestMode::new(3), async {
        let mut results = Vec::new();
        for repo in repos() {
            results.push(docs_fetcher::fetch_repo_docs(&gh, &repo).await);
        }
        results
    })
    .await;

    let middleware_server = FakeGithub::start(demo_repos()).await.unwrap();
    let client = MiddlewareGitHub::new(&middleware_server.url(), None, timeout).unwrap();
    let by_middleware = testing::future_scope(TestMode::new(3), async {
        let mut results = Vec::new();
        for repo in repos() {
            results.push(middleware_fetcher::fetch_repo_docs(&client, &repo).await);
        }
        results
    })
    .await;

    assert_eq!(table(&by_middleware), table(&by_attribute));
    for docs in &by_middleware {
        assert_eq!(middleware_server.count_repo(&docs.repo), docs.requests as usize, "{}", docs.repo);
    }
    // Testing mode: none of the script's waits (a 1 s `Retry-After`, backoffs
    // of 0.5 s and more) are slept.
    assert!(started.elapsed() < Duration::from_millis(900), "{:?}", started.elapsed());
}
