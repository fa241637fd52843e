//! Fetches the documentation of many GitHub repositories concurrently: each
//! README, or where there is none, the Markdown files at the root. Transient
//! failures (5xx, 429, network errors) are retried; deterministic ones (404,
//! 403) are not.
//!
//! ```text
//! cargo run --example fetch_repo_docs
//! ```
//!
//! By default it starts a GitHub-compatible server on 127.0.0.1 whose
//! repositories misbehave on a script (503s, a 429 with `Retry-After`, a reset
//! connection, a missing README, a 403, an outage), lists the repositories the
//! demo user starred (three pages; page 2 answers 503 once, and the listing
//! resumes at page 2), fetches their docs, prints every retry as it is
//! scheduled and a table of what it got, and checks that against what the
//! script calls for: it exits non-zero only on a bug.
//!
//! With `--api-url URL [OWNER/REPO...]` it talks to that API instead, sending
//! `GITHUB_TOKEN` when set. HTTPS needs the `tls` feature of the demo crate:
//!
//! ```text
//! GITHUB_TOKEN=... cargo run --example fetch_repo_docs --features stamina-demo/tls -- \
//!     --api-url https://api.github.com hynek/stamina rust-lang/log
//! ```
//!
//! With `--middleware`, the same fetch retries inside the HTTP client, through
//! stamina's reqwest-middleware middleware (`tests/demo/src/middleware_fetcher.rs`),
//! with the same decision table and self-check.
//!
//! The retried code is in `tests/demo/src/docs_fetcher.rs`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use stamina_demo::docs_fetcher::{DocSource, GitHub, RepoDocs, Starred, fetch_all, starred_repos};
use stamina_demo::fake_github::{DEMO_PAGE_REQUESTS, DEMO_USER, FakeGithub, demo_repos, demo_stars};
use stamina_demo::middleware_fetcher;

const USAGE: &str = "\
usage: fetch_repo_docs [--middleware] [--api-url URL] [--timeout SECONDS] [OWNER/REPO...]

Without --api-url, runs against an embedded GitHub-compatible server with
scripted faults on 127.0.0.1. With it, fetches OWNER/REPO... (by default a few
well-known repositories) from URL, sending GITHUB_TOKEN when it is set.
With --middleware, the retries run in the HTTP client (reqwest-middleware).";

/// The repositories asked for from a real API when none are named.
const DEFAULT_REPOS: &[&str] = &["hynek/stamina", "tokio-rs/tokio", "rust-lang/log"];

/// What the embedded server's script must produce, per repository: where the
/// docs come from, how many files, how many requests.
const EXPECTED: &[(&str, DocSource, usize, u32)] = &[
    ("stamina-demo/steady", DocSource::Readme, 1, 1),
    ("stamina-demo/flaky-readme", DocSource::Readme, 1, 3),
    ("stamina-demo/rate-limited", DocSource::Readme, 1, 2),
    ("stamina-demo/dropped-connection", DocSource::Readme, 1, 2),
    ("stamina-demo/no-readme", DocSource::RootMarkdown, 2, 6),
    ("stamina-demo/sso-protected", DocSource::Nothing, 0, 2),
    ("stamina-demo/down", DocSource::Nothing, 0, 6),
];

struct Args {
    middleware: bool,
    api_url: Option<String>,
    timeout: Duration,
    repos: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args =
        Args { middleware: false, api_url: None, timeout: Duration::from_secs(10), repos: Vec::new() };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        match word.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--middleware" => args.middleware = true,
            "--api-url" => args.api_url = Some(words.next().ok_or("--api-url needs a URL")?),
            "--timeout" => {
                let seconds = words.next().ok_or("--timeout needs a number of seconds")?;
                let seconds: f64 =
                    seconds.parse().map_err(|_| format!("--timeout: not a number: {seconds}"))?;
                args.timeout = Duration::try_from_secs_f64(seconds)
                    .map_err(|_| format!("--timeout: out of range: {seconds}"))?;
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            repo if repo.split('/').count() == 2 => args.repos.push(repo.to_owned()),
            other => return Err(format!("not OWNER/REPO: {other}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("error: {problem}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // stamina's default `tracing` hook reports every retry (target `stamina`);
    // this subscriber prints them, with the seconds since start.
    tracing_subscriber::fmt().with_timer(tracing_subscriber::fmt::time::uptime()).with_ansi(false).init();

    match args.api_url {
        Some(api_url) => run_against(&api_url, args.timeout, args.repos, args.middleware).await,
        None => run_embedded(args.timeout, args.middleware).await,
    }
}

/// Runs against a real API.
async fn run_against(api_url: &str, timeout: Duration, mut repos: Vec<String>, middleware: bool) -> ExitCode {
    #[cfg(not(feature = "tls"))]
    if api_url.starts_with("https://") {
        eprintln!(
            "error: {api_url} needs TLS, which this build leaves out to keep the demo's build small.\n\
             Run it with `cargo run --example fetch_repo_docs --features stamina-demo/tls -- --api-url {api_url}`."
        );
        return ExitCode::from(2);
    }

    if repos.is_empty() {
        repos = DEFAULT_REPOS.iter().map(|&repo| repo.to_owned()).collect();
    }
    let token = std::env::var("GITHUB_TOKEN").ok().filter(|token| !token.is_empty());
    if middleware {
        return match fetch_through_middleware(api_url, token.as_deref(), timeout, &repos).await {
            Ok(results) => {
                print_table(&results);
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        };
    }
    let gh = match GitHub::new(api_url, token.as_deref(), timeout) {
        Ok(gh) => Arc::new(gh),
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    print_table(&fetch_all(&gh, &repos).await);
    ExitCode::SUCCESS
}

/// Runs against the embedded server and checks the outcome against its script.
async fn run_embedded(timeout: Duration, middleware: bool) -> ExitCode {
    let repos = demo_repos();
    let server = match FakeGithub::start_with_stars(repos.clone(), demo_stars(&repos)).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("bug: cannot start the embedded server on 127.0.0.1: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("Embedded GitHub API with scripted faults at {}\n", server.url());
    let gh = match GitHub::new(&server.url(), None, timeout) {
        Ok(gh) => Arc::new(gh),
        Err(error) => {
            eprintln!("bug: cannot build the HTTP client: {error}");
            return ExitCode::FAILURE;
        }
    };
    let started = tokio::time::Instant::now();
    // The repositories to fetch: the ones the demo user starred.
    let stars = match starred_repos(&gh, DEMO_USER).await {
        Ok(stars) => stars,
        Err(error) => {
            eprintln!("bug: listing {DEMO_USER}'s starred repositories failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{DEMO_USER} starred {} repositories ({} pages in {} requests)\n",
        stars.repos.len(),
        stars.pages,
        stars.requests
    );
    let results = if middleware {
        println!("Retrying in the HTTP client: stamina's reqwest-middleware middleware\n");
        match fetch_through_middleware(&server.url(), None, timeout, &stars.repos).await {
            Ok(results) => results,
            Err(error) => {
                eprintln!("bug: cannot build the HTTP client: {error}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        fetch_all(&gh, &stars.repos).await
    };
    let elapsed = started.elapsed();
    println!();
    print_table(&results);
    println!("\n{} repositories in {:.1} s", results.len(), elapsed.as_secs_f64());

    let mut bugs = check_starred(&stars, &server);
    bugs.extend(check(&results, &server));
    if bugs.is_empty() {
        println!("every repository ended as the decision table says");
        ExitCode::SUCCESS
    } else {
        for bug in &bugs {
            eprintln!("bug: {bug}");
        }
        ExitCode::FAILURE
    }
}

/// Compares the results with [`EXPECTED`], and the fetcher's request counts
/// with the server's.
fn check(results: &[RepoDocs], server: &FakeGithub) -> Vec<String> {
    let mut bugs = Vec::new();
    for (result, &(repo, source, files, requests)) in results.iter().zip(EXPECTED) {
        let got = (result.source, result.documents.len(), result.requests);
        if result.repo != repo || got != (source, files, requests) {
            bugs.push(format!(
                "{repo}: expected {source} with {files} file(s) in {requests} request(s), got {} with {} in {}",
                got.0, got.1, got.2
            ));
        }
        let seen = server.count_repo(repo);
        if usize::try_from(result.requests).ok() != Some(seen) {
            bugs.push(format!(
                "{repo}: the fetcher counted {} requests, the server saw {seen}",
                result.requests
            ));
        }
    }
    bugs
}

/// The starred listing: every repository of [`EXPECTED`], once each, and per
/// page the requests of a listing that resumed at the page that failed.
fn check_starred(starred: &Starred, server: &FakeGithub) -> Vec<String> {
    let mut bugs = Vec::new();
    let expected: Vec<&str> = EXPECTED.iter().map(|(repo, ..)| *repo).collect();
    if starred.repos != expected {
        bugs.push(format!("starred: expected {expected:?}, got {:?}", starred.repos));
    }
    for (page, requests) in DEMO_PAGE_REQUESTS {
        let seen = server.count_page(DEMO_USER, page);
        if seen != requests {
            bugs.push(format!("starred page {page}: expected {requests} request(s), the server saw {seen}"));
        }
    }
    let total: usize = DEMO_PAGE_REQUESTS.iter().map(|(_, requests)| requests).sum();
    if usize::try_from(starred.requests).ok() != Some(total) {
        bugs.push(format!("starred: the fetcher counted {} requests, expected {total}", starred.requests));
    }
    bugs
}

fn print_table(results: &[RepoDocs]) {
    let width = results.iter().map(|result| result.repo.len()).max().unwrap_or(0).max("repository".len());
    println!("{:<width$}  {:<9}  {:>5}  {:>8}  problems", "repository", "docs", "files", "attempts");
    for result in results {
        println!(
            "{:<width$}  {:<9}  {:>5}  {:>8}  {}",
            result.repo,
            result.source.to_string(),
            result.documents.len(),
            result.requests,
            result.problems.join("; ")
        );
    }
}

/// Fetches `repos` with the middleware client.
async fn fetch_through_middleware(
    api_url: &str,
    token: Option<&str>,
    timeout: Duration,
    repos: &[String],
) -> Result<Vec<RepoDocs>, stamina_demo::docs_fetcher::GitHubError> {
    let gh = Arc::new(middleware_fetcher::MiddlewareGitHub::new(api_url, token, timeout)?);
    Ok(middleware_fetcher::fetch_all(&gh, repos).await)
}
