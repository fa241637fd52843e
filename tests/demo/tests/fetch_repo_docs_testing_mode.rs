//! The whole `fetch_repo_docs` demo under stamina's process-wide testing mode:
//! the retry decisions stay, the waits go. A binary of its own, because
//! `set_testing` reaches every thread of the process.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use stamina::instrumentation::{RetryDetails, set_on_retry_hooks};
use stamina::testing::{self, TestMode};
use stamina_demo::docs_fetcher::{GitHub, fetch_all};
use stamina_demo::fake_github::{Endpoint, FakeGithub, FakeRepo, Fault, demo_repos};

/// The demo, with the rate-limited repository asking for 120 s instead of 1 s:
/// a run that waited could not finish this test in time.
fn impatient_demo() -> Vec<FakeRepo> {
    demo_repos()
        .into_iter()
        .map(|repo| {
            if repo.full_name() == "stamina-demo/rate-limited" {
                FakeRepo::new("stamina-demo/rate-limited")
                    .readme("# rate-limited\n")
                    .fault(Endpoint::Readme, Fault::RateLimited { retry_after: "120".to_owned() })
            } else {
                repo
            }
        })
        .collect()
}

async fn run_demo() -> (FakeGithub, Vec<usize>) {
    let server = FakeGithub::start(impatient_demo()).await.unwrap();
    let gh = Arc::new(GitHub::new(&server.url(), None, Duration::from_secs(10)).unwrap());
    let names: Vec<String> = demo_repos().iter().map(|repo| repo.full_name().to_owned()).collect();
    let results = fetch_all(&gh, &names).await;
    let counts = results.iter().map(|result| server.count_repo(&result.repo)).collect();
    (server, counts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn testing_mode_keeps_the_decisions_and_drops_the_waits() {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&waits);
    set_on_retry_hooks((move |details: &RetryDetails<'_>| seen.lock().unwrap().push(details.wait_for),));

    // With the fetcher's own 3 attempts: every retry, none of the waits.
    testing::set_testing(TestMode::new(3));
    let started = tokio::time::Instant::now();
    let (server, counts) = run_demo().await;
    let elapsed = started.elapsed();
    assert_eq!(counts, [1, 3, 2, 2, 6, 2, 6]);
    let scheduled = std::mem::take(&mut *waits.lock().unwrap());
    // flaky 2, rate-limited 1, reset 1, listing 1 + file 1, down 2 + 2.
    assert_eq!(scheduled.len(), 10, "{scheduled:?}");
    assert!(scheduled.iter().all(Duration::is_zero), "testing mode waited: {scheduled:?}");
    let rate_limited = server.requests_to(&Endpoint::Readme.path("stamina-demo/rate-limited"));
    assert_eq!(rate_limited.len(), 2);
    assert!(rate_limited[1].at - rate_limited[0].at < Duration::from_secs(60), "Retry-After: 120 was waited");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");

    // `set_testing(true)`: one attempt per call, so every failing call is asked
    // once, and a README behind a fault is lost to the fallback (README, listing,
    // README.md as a root file): the bug the retries fix.
    testing::set_testing(true);
    let (server, counts) = run_demo().await;
    assert_eq!(counts, [1, 3, 3, 3, 2, 2, 2]);
    assert_eq!(server.count_of("stamina-demo/flaky-readme", &Endpoint::Readme), 1);
    assert_eq!(server.count_of("stamina-demo/down", &Endpoint::Contents), 1);
    assert!(waits.lock().unwrap().iter().all(Duration::is_zero));
    testing::set_testing(false);
}
