//! `stamina::http` with reqwest and `AsyncRetryingCaller` against the fake
//! GitHub server on 127.0.0.1: the status predicate and `Retry-After` (both
//! forms, garbage, the cap) over real sockets. Gaps are measured on the server.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use stamina::http::RetryOnStatus;
use stamina::{AsyncRetryingCaller, Decision};
use stamina_demo::fake_github::{Endpoint, FakeGithub, FakeRepo, Fault};

const REPO: &str = "octo/api";

#[derive(Debug)]
enum ApiError {
    Status { status: StatusCode, headers: HeaderMap },
    Transport(reqwest::Error),
}

/// Fetches the README once; error statuses become `ApiError::Status`.
async fn get_readme(client: &reqwest::Client, url: &str) -> Result<String, ApiError> {
    let response = client.get(url).send().await.map_err(ApiError::Transport)?;
    if !response.status().is_success() {
        return Err(ApiError::Status { status: response.status(), headers: response.headers().clone() });
    }
    response.text().await.map_err(ApiError::Transport)
}

/// Serves a repository whose README endpoint runs `faults`, and retries it with
/// `on_status` and a backoff of 1 ms (so that waits that are not 1 ms come from
/// `Retry-After`).
async fn run(faults: Vec<Fault>, on_status: RetryOnStatus) -> (FakeGithub, Result<String, ApiError>) {
    let repo = faults
        .into_iter()
        .fold(FakeRepo::new(REPO).readme("# api\n"), |repo, fault| repo.fault(Endpoint::Readme, fault));
    let server = FakeGithub::start([repo]).await.unwrap();
    let client = stamina_demo::http_client_builder().retry(reqwest::retry::never()).build().unwrap();
    let url = format!("{}{}", server.url(), Endpoint::Readme.path(REPO));
    let on = |error: &ApiError| match error {
        ApiError::Status { status, headers } => on_status.decide(*status, headers),
        ApiError::Transport(error) if error.is_connect() || error.is_request() || error.is_timeout() => {
            Decision::Retry
        }
        ApiError::Transport(_) => Decision::NoRetry,
    };
    let result = AsyncRetryingCaller::new()
        .attempts(3)
        .wait_initial(Duration::from_millis(1))
        .wait_jitter(Duration::ZERO)
        .call(on, || get_readme(&client, &url))
        .await;
    (server, result)
}

fn gaps(server: &FakeGithub) -> Vec<Duration> {
    let seen = server.requests_to(&Endpoint::Readme.path(REPO));
    seen.windows(2).map(|pair| pair[1].at - pair[0].at).collect()
}

fn status(code: StatusCode) -> Fault {
    Fault::Status(code)
}

fn retry_after(value: &str) -> Fault {
    Fault::RateLimited { retry_after: value.to_owned() }
}

#[tokio::test]
async fn server_errors_and_429_are_retried() {
    let faults = vec![status(StatusCode::BAD_GATEWAY), status(StatusCode::TOO_MANY_REQUESTS)];
    let (server, result) = run(faults, RetryOnStatus::new()).await;
    assert!(result.unwrap().contains("\"encoding\":\"base64\""));
    assert_eq!(server.count_of(REPO, &Endpoint::Readme), 3);
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    for code in
        [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN, StatusCode::BAD_REQUEST, StatusCode::UNAUTHORIZED]
    {
        let (server, result) = run(vec![status(code)], RetryOnStatus::new()).await;
        assert!(matches!(result, Err(ApiError::Status { status, .. }) if status == code), "{code}");
        assert_eq!(server.count_of(REPO, &Endpoint::Readme), 1, "{code}");
    }
}

#[tokio::test]
async fn giving_up_returns_the_last_status() {
    let unavailable = status(StatusCode::SERVICE_UNAVAILABLE);
    let (server, result) =
        run(vec![unavailable.clone(), unavailable.clone(), unavailable], RetryOnStatus::new()).await;
    assert!(matches!(result, Err(ApiError::Status { status: StatusCode::SERVICE_UNAVAILABLE, .. })));
    assert_eq!(server.count_of(REPO, &Endpoint::Readme), 3);
}

#[tokio::test]
async fn delay_seconds_are_waited() {
    let (server, result) = run(vec![retry_after("1")], RetryOnStatus::new()).await;
    assert!(result.is_ok());
    let gaps = gaps(&server);
    assert_eq!(gaps.len(), 1);
    assert!(gaps[0] >= Duration::from_secs(1), "{gaps:?}");
}

#[tokio::test]
async fn http_dates_are_waited_until() {
    // Two seconds ahead, at whole-second precision: at least one second away.
    let date = httpdate_in(Duration::from_secs(2));
    let (server, result) = run(vec![retry_after(&date)], RetryOnStatus::new()).await;
    assert!(result.is_ok());
    let gaps = gaps(&server);
    assert!(gaps[0] >= Duration::from_millis(900), "{gaps:?}");
}

#[tokio::test]
async fn past_dates_and_garbage_fall_back_to_the_backoff() {
    // A date in the past is an immediate retry; garbage is ignored, leaving the
    // policy's 1 ms backoff. Either way the call is retried, not given up.
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
    let (server, result) = run(vec![retry_after(&past), retry_after("-5")], RetryOnStatus::new()).await;
    assert!(result.is_ok());
    assert_eq!(server.count_of(REPO, &Endpoint::Readme), 3);
}

#[tokio::test]
async fn the_cap_bounds_a_hostile_retry_after() {
    // Asked for 11 days; capped at 50 ms. Without the cap this test would hang.
    let wary = RetryOnStatus::new().max_retry_after(Duration::from_millis(50));
    let (server, result) = run(vec![retry_after("999999")], wary).await;
    assert!(result.is_ok());
    let gaps = gaps(&server);
    assert!(gaps[0] >= Duration::from_millis(50), "{gaps:?}");
    assert!(gaps[0] < Duration::from_secs(60), "the cap was not applied: {gaps:?}");
}

fn httpdate_in(from_now: Duration) -> String {
    // `Retry-After` dates have whole seconds; round up so that the wait is not
    // shortened by the truncation.
    let secs = (SystemTime::now() + from_now).duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() + 1;
    httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}
