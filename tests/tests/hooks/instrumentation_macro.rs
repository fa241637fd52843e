//! The names hooks see for code retried by the macros: a free fn's path, a
//! method's `Self` type path and name, `<context block>` for blocks.

use std::sync::{Arc, Mutex, PoisonError};

use stamina::instrumentation::{retry_hook, set_on_retry_hooks};

use crate::support::{Transient, always, isolated};

#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
fn free_fn() -> Result<(), Transient> {
    Err(Transient(1))
}

#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
async fn async_free_fn() -> Result<(), Transient> {
    Err(Transient(2))
}

struct Client;

impl Client {
    #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
    fn get(&self) -> Result<(), Transient> {
        Err(Transient(3))
    }

    #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
    async fn fetch(&self) -> Result<(), Transient> {
        Err(Transient(4))
    }
}

/// Installs a hook that records every name it sees.
fn record_names() -> Arc<Mutex<Vec<String>>> {
    let names = Arc::new(Mutex::new(Vec::new()));
    set_on_retry_hooks((retry_hook({
        let names = Arc::clone(&names);
        move |details| names.lock().unwrap_or_else(PoisonError::into_inner).push(details.name.to_owned())
    }),));
    names
}

fn taken(names: &Mutex<Vec<String>>) -> Vec<String> {
    std::mem::take(&mut *names.lock().unwrap_or_else(PoisonError::into_inner))
}

#[tokio::test(start_paused = true)]
async fn fns_and_methods_report_their_paths() {
    let _isolated = isolated();
    let names = record_names();

    assert_eq!(free_fn(), Err(Transient(1)));
    assert_eq!(async_free_fn().await, Err(Transient(2)));
    assert_eq!(Client.get(), Err(Transient(3)));
    assert_eq!(Client.fetch().await, Err(Transient(4)));

    assert_eq!(
        taken(&names),
        [
            "hooks::instrumentation_macro::free_fn",
            "hooks::instrumentation_macro::async_free_fn",
            "hooks::instrumentation_macro::Client::get",
            "hooks::instrumentation_macro::Client::fetch",
        ]
    );
}

#[test]
fn blocks_report_the_context_block_name() {
    let _isolated = isolated();
    let names = record_names();

    let result: Result<(), Transient> =
        stamina::retry_block!(on = always, attempts = 2, wait_max = 0, |attempt| Err(Transient(
            attempt.num()
        )));

    assert_eq!(result, Err(Transient(2)));
    assert_eq!(taken(&names), ["<context block>"]);
}
