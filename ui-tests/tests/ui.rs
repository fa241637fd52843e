//! trybuild cases of `#[stamina::retry]` and `retry_block!`.
//!
//! `pass/` must compile. `fail/` must fail with exactly the committed `.stderr`;
//! rustc's wording and spans change between releases, so these are checked only
//! on the compiler they were recorded with (set `STAMINA_UI_ANY_RUSTC=1` to
//! check them anyway, `TRYBUILD=overwrite` to re-record).

const RECORDED_WITH: &str = "rustc 1.95.";

fn rustc_matches() -> bool {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).starts_with(RECORDED_WITH))
}

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/pass/*.rs");
    if rustc_matches() || std::env::var_os("STAMINA_UI_ANY_RUSTC").is_some() {
        cases.compile_fail("tests/fail/*.rs");
    } else {
        eprintln!("skipping compile-fail cases: their .stderr was recorded with {RECORDED_WITH}x");
    }
}
