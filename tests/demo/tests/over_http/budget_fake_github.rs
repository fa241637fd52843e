//! A retry budget against a dependency that is down for good: 50 concurrent
//! tasks fetch a README from the embedded fake GitHub server (real reqwest
//! client, real server on 127.0.0.1) with a small shared budget. The server
//! counts what reached it: at most the budgeted retries; every task ends with
//! its last error; the refusals are in the Prometheus scrape.

use std::sync::Arc;

use http::StatusCode;
use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;
use stamina::budget::{QuotaParams, RetryBudget};
use stamina::instrumentation::register_prometheus_metrics;
use stamina_demo::fake_github::{Endpoint, FakeGithub, FakeRepo};

/// 50 tokens at 5 a retry: ten retries for all the tasks together.
static GITHUB: RetryBudget =
    RetryBudget::token_quota(QuotaParams { capacity: 50, ..QuotaParams::AWS_STANDARD }).named("fake_github");

const TASKS: usize = 50;
const REPO: &str = "octo/down";

#[derive(Debug)]
enum FetchError {
    Status(StatusCode),
    Transport(#[allow(dead_code)] reqwest::Error), // shown by `Debug` when a task fails
}

fn is_retriable(error: &FetchError) -> bool {
    match error {
        FetchError::Status(status) => status.is_server_error(),
        FetchError::Transport(_) => true,
    }
}

#[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0, budget = GITHUB)]
async fn fetch_readme(client: &reqwest::Client, url: &str) -> Result<String, FetchError> {
    let response = client.get(url).send().await.map_err(FetchError::Transport)?;
    if !response.status().is_success() {
        return Err(FetchError::Status(response.status()));
    }
    response.text().await.map_err(FetchError::Transport)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_budget_bounds_the_retries_a_down_dependency_sees() {
    let mut registry = Registry::default();
    register_prometheus_metrics(&mut registry);
    let server =
        FakeGithub::start([FakeRepo::new(REPO).down(StatusCode::SERVICE_UNAVAILABLE)]).await.unwrap();
    let client = stamina_demo::http_client_builder().build().unwrap();
    let url = Arc::new(format!("{}{}", server.url(), Endpoint::Readme.path(REPO)));

    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, url) = (client.clone(), Arc::clone(&url));
            tokio::spawn(async move { fetch_readme(&client, &url).await })
        })
        .collect();
    for task in tasks {
        let result = task.await.unwrap();
        assert!(matches!(result, Err(FetchError::Status(StatusCode::SERVICE_UNAVAILABLE))), "{result:?}");
    }

    // Without the budget, 50 tasks x 3 attempts = 150 requests.
    let requests = server.count_of(REPO, &Endpoint::Readme);
    assert_eq!(requests, TASKS + 10, "50 first attempts and the 10 retries the budget paid for");
    assert_eq!(GITHUB.level(), 0);
    // Each task that was refused gave up at its first refused retry.
    let refusals = GITHUB.refusals();
    assert!(refusals >= (TASKS - 10) as u64, "{refusals}");

    let mut text = String::new();
    encode(&mut text, &registry).unwrap();
    assert!(
        text.contains(&format!("stamina_budget_refusals_total{{budget=\"fake_github\"}} {refusals}")),
        "{text}"
    );
    assert!(text.contains("stamina_budget_level{budget=\"fake_github\"} 0"), "{text}");
}
