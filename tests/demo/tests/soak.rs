//! A bounded soak of the real job: the docs fetcher against the embedded
//! server, over thousands of repositories with random faults, fetched
//! concurrently. Ignored by default; `.ci/run` runs it small, and by hand:
//!
//! ```text
//! STAMINA_SOAK_REPOS=50000 STAMINA_SOAK_REAL_TIME_REPOS=2000 \
//!     cargo test --release -p stamina-demo --test soak -- --ignored --nocapture
//! ```
//!
//! Each request to an endpoint independently meets a fault with probability
//! 0.3, one of: 503, 429 with a random `Retry-After` of 0 to 2 s, a reset
//! connection, an answer slower than the client's timeout, 404, 403. From
//! each repository's script, a model of the decision table (5xx, 429, resets
//! and timeouts retried, at most 3 attempts per endpoint; 404 and 403 never
//! retried; a README that is not there, or 404, falls back to the root
//! Markdown files) says exactly how the fetch ends and how many requests
//! each endpoint gets; the fetcher's result and the server's own counts must
//! match it. Every fetch must end by its deadline, and the resident memory
//! must not grow from the first tenth of the run to the last.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use stamina::testing::{TestMode, future_scope};
use stamina_demo::docs_fetcher::{DocSource, GitHub, RepoDocs, fetch_repo_docs};
use stamina_demo::fake_github::{Endpoint, FakeGithub, FakeRepo, Fault};
use tokio::sync::Semaphore;

/// The client's timeout per request; a slow answer takes 1.5 times as long.
/// Generous, so that a loaded machine's ordinary answers stay well inside it
/// (an ordinary answer that timed out would be one request more than the
/// model allows).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(2);
/// How many fetches run at once (each holds at most one connection).
const CONCURRENCY: usize = 64;
/// The chance that a request meets a fault.
const FAULT_PERCENT: u64 = 30;
/// The attempts of every retried call of the fetcher.
const ATTEMPTS: usize = 3;

/// SplitMix64: a seeded generator, so that a failing run can be repeated
/// (`STAMINA_SOAK_SEED`).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// What the fault script makes of one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Retried: 503, 429, a reset, a timeout.
    Transient,
    NotFound,
    Forbidden,
}

fn random_fault(rng: &mut Rng) -> (Fault, Kind) {
    match rng.below(6) {
        0 => (Fault::Status(StatusCode::SERVICE_UNAVAILABLE), Kind::Transient),
        1 => (Fault::RateLimited { retry_after: rng.below(3).to_string() }, Kind::Transient),
        2 => (Fault::Reset, Kind::Transient),
        3 => (Fault::Slow(CLIENT_TIMEOUT * 3 / 2), Kind::Transient),
        4 => (Fault::Status(StatusCode::NOT_FOUND), Kind::NotFound),
        _ => (Fault::Status(StatusCode::FORBIDDEN), Kind::Forbidden),
    }
}

/// How one retried call of an endpoint ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ends {
    Ok,
    NotFound,
    Failed,
}

/// One endpoint's script: the faults its requests meet, in order, until the
/// first request that meets none (later requests never happen: the call
/// succeeds, or gives up before).
struct Script {
    faults: Vec<Fault>,
    kinds: Vec<Kind>,
}

impl Script {
    fn random(rng: &mut Rng, repo: FakeRepo, endpoint: &Endpoint) -> (FakeRepo, Self) {
        let mut repo = repo;
        let (mut faults, mut kinds) = (Vec::new(), Vec::new());
        while kinds.len() < ATTEMPTS && rng.below(100) < FAULT_PERCENT {
            let (fault, kind) = random_fault(rng);
            repo = repo.fault(endpoint.clone(), fault.clone());
            faults.push(fault);
            kinds.push(kind);
        }
        (repo, Self { faults, kinds })
    }

    /// The decision table: (requests, how the call ends), for an endpoint
    /// that answers `there` (or 404) when no fault takes the request.
    fn play(&self, there: bool) -> (usize, Ends) {
        for attempt in 0..ATTEMPTS {
            match self.kinds.get(attempt) {
                Some(Kind::Transient) if attempt + 1 == ATTEMPTS => return (ATTEMPTS, Ends::Failed),
                Some(Kind::Transient) => {}
                Some(Kind::NotFound) => return (attempt + 1, Ends::NotFound),
                Some(Kind::Forbidden) => return (attempt + 1, Ends::Failed),
                None => return (attempt + 1, if there { Ends::Ok } else { Ends::NotFound }),
            }
        }
        unreachable!("every attempt ends the loop or goes on to the next")
    }
}

/// A random repository, and what the fetch must end with.
struct Case {
    name: String,
    /// Requests per endpoint path.
    requests: HashMap<String, usize>,
    /// The faults per endpoint path, for failure messages.
    scripts: Vec<(String, Vec<Fault>)>,
    source: DocSource,
    documents: usize,
    problems: usize,
}

fn random_case(rng: &mut Rng, index: usize) -> (FakeRepo, Case) {
    let name = format!("soak/repo-{index}");
    let mut repo = FakeRepo::new(&name);
    let has_readme = rng.below(10) < 6;
    if has_readme {
        repo = repo.readme(format!("# {name}\n"));
    }
    let mut markdown = Vec::new();
    if has_readme {
        markdown.push("README.md".to_owned());
    }
    for file in 0..rng.below(3) {
        let path = format!("doc-{file}.md");
        repo = repo.file(&path, format!("{path} of {name}\n"));
        markdown.push(path);
    }
    if rng.below(2) == 0 {
        repo = repo.file("LICENSE", "MIT\n").dir("src");
    }

    let mut requests = HashMap::new();
    let mut scripts = Vec::new();
    let (mut repo, readme) = Script::random(rng, repo, &Endpoint::Readme);
    scripts.push((Endpoint::Readme.path(&name), readme.faults.clone()));
    let (count, readme_ends) = readme.play(has_readme);
    requests.insert(Endpoint::Readme.path(&name), count);
    if readme_ends == Ends::Ok {
        let case = Case { name, requests, scripts, source: DocSource::Readme, documents: 1, problems: 0 };
        return (repo, case);
    }
    // A README that failed otherwise than by 404 is a problem; either way the
    // fetcher falls back to the root Markdown files.
    let mut problems = usize::from(readme_ends == Ends::Failed);
    let mut documents = 0;
    let listing;
    (repo, listing) = Script::random(rng, repo, &Endpoint::Contents);
    scripts.push((Endpoint::Contents.path(&name), listing.faults.clone()));
    let (count, listing_ends) = listing.play(true);
    requests.insert(Endpoint::Contents.path(&name), count);
    if listing_ends == Ends::Ok {
        for path in markdown {
            let endpoint = Endpoint::File(path);
            let file;
            (repo, file) = Script::random(rng, repo, &endpoint);
            scripts.push((endpoint.path(&name), file.faults.clone()));
            let (count, file_ends) = file.play(true);
            requests.insert(endpoint.path(&name), count);
            documents += usize::from(file_ends == Ends::Ok);
            problems += usize::from(file_ends != Ends::Ok);
        }
    } else {
        problems += 1;
    }
    let source = if documents > 0 { DocSource::RootMarkdown } else { DocSource::Nothing };
    (repo, Case { name, requests, scripts, source, documents, problems })
}

/// The resident set size, in bytes (Linux; `None` elsewhere).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Runs `repos` repositories in ten rounds, each against a fresh server with
/// a fresh client; checks every repository against its model, and returns
/// the resident size after each round.
async fn soak(repos: usize, testing: bool, deadline: Duration) -> Vec<u64> {
    let seed = env_number("STAMINA_SOAK_SEED", 19);
    let mut rng = Rng(seed ^ u64::from(testing));
    let rounds = 10;
    let mut resident = Vec::new();
    for round in 0..rounds {
        let (fakes, cases): (Vec<FakeRepo>, Vec<Case>) = (round * repos / rounds
            ..(round + 1) * repos / rounds)
            .map(|index| random_case(&mut rng, index))
            .unzip();
        let server = FakeGithub::start(fakes).await.unwrap();
        let gh = Arc::new(GitHub::new(&server.url(), None, CLIENT_TIMEOUT).unwrap());
        let permits = Arc::new(Semaphore::new(CONCURRENCY));
        let mut tasks = tokio::task::JoinSet::new();
        for (index, case) in cases.iter().enumerate() {
            let (gh, permits, name) = (Arc::clone(&gh), Arc::clone(&permits), case.name.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                let fetch = async { fetch_repo_docs(&gh, &name).await };
                let docs = if testing {
                    tokio::time::timeout(deadline, future_scope(TestMode::new(3), fetch)).await
                } else {
                    tokio::time::timeout(deadline, fetch).await
                };
                (index, docs.unwrap_or_else(|_| panic!("{name}: no end within {deadline:?}")))
            });
        }
        let mut results: Vec<(usize, RepoDocs)> = tasks.join_all().await;
        results.sort_by_key(|(index, _)| *index);

        let mut counted: HashMap<String, usize> = HashMap::new();
        for request in server.requests() {
            *counted.entry(request.path).or_default() += 1;
        }
        for ((_, docs), case) in results.iter().zip(&cases) {
            let what = format!(
                "{} (seed {seed}, testing {testing}): {docs:?}, faults {:?}, expected {:?}, server saw {:?}",
                case.name,
                case.scripts,
                case.requests,
                case.requests.keys().map(|path| (path, counted.get(path))).collect::<Vec<_>>()
            );
            assert_eq!(docs.source, case.source, "{what}");
            assert_eq!(docs.documents.len(), case.documents, "{what}");
            assert_eq!(docs.problems.len(), case.problems, "{what}");
            assert_eq!(docs.requests as usize, case.requests.values().sum::<usize>(), "{what}");
            for (path, expected) in &case.requests {
                assert_eq!(counted.get(path).copied().unwrap_or(0), *expected, "{path}: {what}");
            }
        }
        // No request to anything the model did not expect.
        let expected_total: usize = cases.iter().flat_map(|case| case.requests.values()).sum();
        assert_eq!(counted.values().sum::<usize>(), expected_total);
        drop(results);
        drop(cases);
        drop(server);
        resident.push(resident_bytes().unwrap_or(0));
    }
    resident
}

/// The resident size must not grow from the first tenth of the run to the
/// last, beyond the allocator's noise: 16 MiB or a quarter, whichever is more.
fn assert_flat(resident: &[u64]) {
    let (first, last) = (resident[0], resident[resident.len() - 1]);
    eprintln!(
        "resident size after each tenth: {:?} MiB",
        resident.iter().map(|b| b >> 20).collect::<Vec<_>>()
    );
    let slack = (16 << 20).max(first / 4);
    assert!(last <= first + slack, "resident size grew from {first} to {last} bytes: {resident:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak: run with --ignored (STAMINA_SOAK_REPOS sets its size)"]
async fn thousands_of_repos_in_testing_mode_end_as_the_decision_table_says() {
    let repos = usize::try_from(env_number("STAMINA_SOAK_REPOS", 2_000)).unwrap();
    // Testing mode: no waits at all; slow answers still cost the client's
    // timeout, so each fetch ends well within seconds.
    let resident = soak(repos, true, Duration::from_secs(30)).await;
    assert_flat(&resident);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak: run with --ignored (STAMINA_SOAK_REAL_TIME_REPOS sets its size)"]
async fn repos_in_real_time_end_as_the_decision_table_says() {
    let repos = usize::try_from(env_number("STAMINA_SOAK_REAL_TIME_REPOS", 200)).unwrap();
    // Real waits: the fetcher's backoff (0.5 s doubling, up to 1 s of jitter,
    // 3 attempts) and `Retry-After`s of up to 2 s: a fetch of a README, a
    // listing and three files takes at most about 5 × (1.5 + 2.5 + 0.3) s.
    let resident = soak(repos, false, Duration::from_secs(45)).await;
    assert_flat(&resident);
}
