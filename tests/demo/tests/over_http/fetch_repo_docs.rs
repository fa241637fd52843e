//! The docs fetcher of the `fetch_repo_docs` example against the fake GitHub
//! server on 127.0.0.1, over real sockets and in real time: one test per row of
//! the decision table, each counting the requests the server saw per endpoint.
//!
//! Most tests count requests, and run the fetcher in stamina's testing mode with
//! its own 3 attempts (`with_testing`, local to the test's future): the same
//! retries, without the waits. The tests about waiting (the 429's `Retry-After`,
//! the backoff, the concurrent demo) wait for real, as in production. Elapsed
//! times are only ever asserted as lower bounds (a wait happened), measured on
//! the server, or as bounds far above what the scripted waits need.

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use stamina::testing::{self, TestMode};
use stamina_demo::docs_fetcher::{DocSource, GitHub, RepoDocs, fetch_all, fetch_repo_docs};
use stamina_demo::fake_github::{Endpoint, FakeGithub, FakeRepo, Fault, Outcome, demo_repos};

const REPO: &str = "octo/docs";

fn readme() -> Endpoint {
    Endpoint::Readme
}

fn listing() -> Endpoint {
    Endpoint::Contents
}

fn file(path: &str) -> Endpoint {
    Endpoint::File(path.to_owned())
}

/// Serves `repo` alone and fetches its docs with a client that gives up on a
/// request after `timeout`, in testing mode `mode`.
async fn fetch_with(repo: FakeRepo, timeout: Duration, mode: Option<TestMode>) -> (FakeGithub, RepoDocs) {
    let server = FakeGithub::start([repo]).await.unwrap();
    let gh = GitHub::new(&server.url(), None, timeout).unwrap();
    let docs = testing::future_scope(mode, fetch_repo_docs(&gh, REPO)).await;
    (server, docs)
}

/// Every retry the fetcher would make, without the waits.
async fn fetch(repo: FakeRepo) -> (FakeGithub, RepoDocs) {
    fetch_with(repo, Duration::from_secs(10), Some(TestMode::new(3))).await
}

/// As in production: the waits are real.
async fn fetch_waiting(repo: FakeRepo) -> (FakeGithub, RepoDocs) {
    fetch_with(repo, Duration::from_secs(10), None).await
}

fn with_readme() -> FakeRepo {
    FakeRepo::new(REPO).readme("# docs\n\nHello.\n")
}

fn without_readme() -> FakeRepo {
    FakeRepo::new(REPO)
        .file("GUIDE.md", "# Guide\n")
        .file("NOTES.md", "# Notes\n")
        .file("build.rs", "")
        .dir("docs")
}

#[tokio::test]
async fn a_healthy_readme_is_one_request() {
    let (server, docs) = fetch(with_readme()).await;
    assert_eq!(docs.source, DocSource::Readme);
    assert_eq!(docs.documents[0].path, "README.md");
    assert_eq!(docs.documents[0].text, "# docs\n\nHello.\n");
    assert_eq!((docs.requests, docs.problems.len()), (1, 0));
    assert_eq!(server.count_of(REPO, &readme()), 1);
    assert_eq!(server.count_repo(REPO), 1);
}

#[tokio::test]
async fn readme_503s_are_retried_instead_of_falling_back() {
    let unavailable = Fault::Status(StatusCode::SERVICE_UNAVAILABLE);
    let (server, docs) = fetch_waiting(with_readme().faults(&readme(), &unavailable, 2)).await;
    assert_eq!(docs.source, DocSource::Readme, "{docs:?}");
    assert_eq!(server.count_of(REPO, &readme()), 3);
    assert_eq!(server.count_of(REPO, &listing()), 0, "a 503 must not send the fetcher to the fallback");
    assert_eq!(docs.requests, 3);
    // The policy's backoff: at least wait_initial (0.5 s) between attempts.
    let seen = server.requests_to(&readme().path(REPO));
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(500));
}

#[tokio::test]
async fn a_429_waits_its_retry_after() {
    let rate_limited = Fault::RateLimited { retry_after: "1".to_owned() };
    let (server, docs) = fetch_waiting(with_readme().fault(readme(), rate_limited)).await;
    assert_eq!(docs.source, DocSource::Readme);
    let seen = server.requests_to(&readme().path(REPO));
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].outcome, Outcome::Answered(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(seen[1].outcome, Outcome::Answered(StatusCode::OK));
    let gap = seen[1].at - seen[0].at;
    assert!(gap >= Duration::from_secs(1), "the server asked for 1 s, the client came back after {gap:?}");
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let (server, docs) = fetch(with_readme().fault(readme(), Fault::Reset)).await;
    assert_eq!(docs.source, DocSource::Readme, "{docs:?}");
    let outcomes: Vec<Outcome> =
        server.requests_to(&readme().path(REPO)).iter().map(|request| request.outcome).collect();
    assert_eq!(outcomes, [Outcome::Reset, Outcome::Answered(StatusCode::OK)]);
    assert_eq!(docs.requests, 2);
}

#[tokio::test]
async fn a_slow_answer_cut_by_the_client_timeout_is_retried() {
    let slow = Fault::Slow(Duration::from_secs(3));
    let (server, docs) =
        fetch_with(with_readme().fault(readme(), slow), Duration::from_millis(300), Some(TestMode::new(3)))
            .await;
    assert_eq!(docs.source, DocSource::Readme, "{docs:?}");
    let outcomes: Vec<Outcome> =
        server.requests_to(&readme().path(REPO)).iter().map(|request| request.outcome).collect();
    assert_eq!(outcomes, [Outcome::Slow, Outcome::Answered(StatusCode::OK)]);
    assert_eq!(docs.requests, 2);
}

#[tokio::test]
async fn a_missing_readme_is_asked_once_then_the_root_markdown_is_fetched() {
    let (server, docs) = fetch(without_readme()).await;
    assert_eq!(docs.source, DocSource::RootMarkdown);
    let paths: Vec<&str> = docs.documents.iter().map(|document| document.path.as_str()).collect();
    assert_eq!(paths, ["GUIDE.md", "NOTES.md"]);
    assert_eq!(docs.documents[1].text, "# Notes\n");
    assert!(docs.problems.is_empty(), "a 404 README is not a problem: {:?}", docs.problems);
    assert_eq!(server.count_of(REPO, &readme()), 1);
    assert_eq!(server.count_of(REPO, &listing()), 1);
    assert_eq!(server.count_of(REPO, &file("GUIDE.md")), 1);
    assert_eq!(server.count_of(REPO, &file("NOTES.md")), 1);
    assert_eq!(server.count_of(REPO, &file("build.rs")), 0, "only Markdown is fetched");
    assert_eq!(docs.requests, 4);
}

#[tokio::test]
async fn listing_and_file_failures_are_retried() {
    let repo = without_readme()
        .fault(listing(), Fault::Status(StatusCode::BAD_GATEWAY))
        .fault(file("NOTES.md"), Fault::Status(StatusCode::INTERNAL_SERVER_ERROR));
    let (server, docs) = fetch(repo).await;
    assert_eq!(docs.source, DocSource::RootMarkdown);
    assert_eq!(docs.documents.len(), 2, "{docs:?}");
    assert_eq!(server.count_of(REPO, &readme()), 1);
    assert_eq!(server.count_of(REPO, &listing()), 2);
    assert_eq!(server.count_of(REPO, &file("GUIDE.md")), 1);
    assert_eq!(server.count_of(REPO, &file("NOTES.md")), 2);
    assert_eq!(docs.requests, 6);
}

#[tokio::test]
async fn a_404_file_is_not_retried() {
    // Listed, then gone by the time it is fetched.
    let repo = without_readme().fault(file("GUIDE.md"), Fault::Status(StatusCode::NOT_FOUND));
    let (server, docs) = fetch(repo).await;
    assert_eq!(server.count_of(REPO, &file("GUIDE.md")), 1);
    assert_eq!(docs.documents.len(), 1);
    assert_eq!(docs.problems, ["GUIDE.md: 404 Not Found: Not Found"]);
}

#[tokio::test]
async fn a_403_is_asked_once_per_endpoint() {
    let (server, docs) = fetch(with_readme().forbidden()).await;
    assert_eq!(docs.source, DocSource::Nothing);
    assert_eq!(server.count_of(REPO, &readme()), 1);
    assert_eq!(server.count_of(REPO, &listing()), 1);
    assert_eq!(server.count_repo(REPO), 2);
    assert_eq!(docs.problems.len(), 2);
    assert!(docs.problems[0].starts_with("README: 403 Forbidden"), "{:?}", docs.problems);
}

#[tokio::test]
async fn a_permanent_outage_gives_up_after_three_attempts_per_call() {
    let (server, docs) = fetch(with_readme().down(StatusCode::SERVICE_UNAVAILABLE)).await;
    assert_eq!(docs.source, DocSource::Nothing);
    assert_eq!(server.count_of(REPO, &readme()), 3);
    assert_eq!(server.count_of(REPO, &listing()), 3);
    assert_eq!(docs.requests, 6);
    assert_eq!(
        docs.problems,
        [
            "README: 503 Service Unavailable: Service Unavailable",
            "listing: 503 Service Unavailable: Service Unavailable"
        ]
    );
}

#[tokio::test]
async fn an_unknown_repository_is_a_404_everywhere_and_not_retried() {
    let server = FakeGithub::start([]).await.unwrap();
    let gh = GitHub::new(&server.url(), None, Duration::from_secs(10)).unwrap();
    let docs = testing::future_scope(TestMode::new(3), fetch_repo_docs(&gh, "octo/missing")).await;
    assert_eq!(docs.source, DocSource::Nothing);
    assert_eq!(server.count_repo("octo/missing"), 2);
    assert_eq!(docs.problems, ["listing: 404 Not Found: Not Found"]);
}

#[tokio::test]
async fn the_demo_runs_concurrently_and_every_endpoint_sees_the_scripted_count() {
    let server = FakeGithub::start(demo_repos()).await.unwrap();
    let gh = Arc::new(GitHub::new(&server.url(), None, Duration::from_secs(10)).unwrap());
    let names: Vec<String> = demo_repos().iter().map(|repo| repo.full_name().to_owned()).collect();
    let results = fetch_all(&gh, &names).await;

    let counts: Vec<(&str, usize, usize)> = names
        .iter()
        .map(|name| (name.as_str(), server.count_of(name, &readme()), server.count_of(name, &listing())))
        .collect();
    assert_eq!(
        counts,
        [
            ("stamina-demo/steady", 1, 0),
            ("stamina-demo/flaky-readme", 3, 0),
            ("stamina-demo/rate-limited", 2, 0),
            ("stamina-demo/dropped-connection", 2, 0),
            ("stamina-demo/no-readme", 1, 2),
            ("stamina-demo/sso-protected", 1, 1),
            ("stamina-demo/down", 3, 3),
        ]
    );
    assert_eq!(server.count_of("stamina-demo/no-readme", &file("GUIDE.md")), 1);
    assert_eq!(server.count_of("stamina-demo/no-readme", &file("CHANGELOG.md")), 2);
    assert_eq!(server.count_of("stamina-demo/no-readme", &file("Cargo.toml")), 0);
    for result in &results {
        assert_eq!(Ok(server.count_repo(&result.repo)), usize::try_from(result.requests), "{}", result.repo);
    }

    // Concurrently: in a sequential run, the retries' minimum waits (0.5 + 1 s,
    // 1 s, 0.5 s, 0.5 + 0.5 s) would hold the last repository back 4 s at least.
    let requests = server.requests();
    let first = requests.first().unwrap().at;
    for name in &names {
        let first_of_repo = requests.iter().find(|request| request.path.contains(name.as_str())).unwrap().at;
        assert!(first_of_repo - first < Duration::from_secs(3), "{name} started late");
    }
}
