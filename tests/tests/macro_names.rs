//! The name hooks see for retried fns and blocks. One test in this binary: the
//! hook registry is process-wide.

use std::sync::{Arc, Mutex};

use stamina::instrumentation::{self, RetryDetails};

#[derive(Debug)]
struct Unavailable;

fn always(_: &Unavailable) -> bool {
    true
}

mod api {
    use super::{Unavailable, always};

    #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
    pub(crate) fn fetch() -> Result<(), Unavailable> {
        Err(Unavailable)
    }

    pub(crate) struct Client;

    impl Client {
        #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
        pub(crate) fn get(&self) -> Result<(), Unavailable> {
            Err(Unavailable)
        }
    }
}

#[test]
fn names_are_paths() {
    let names = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&names);
    instrumentation::set_on_retry_hooks((instrumentation::retry_hook(move |details: &RetryDetails<'_>| {
        sink.lock().unwrap().push(details.name.to_owned());
    }),));
    let _ = api::fetch();
    let _ = api::Client.get();
    let _: Result<(), Unavailable> =
        stamina::retry_block!(on = always, attempts = 2, wait_max = 0, |_| Err(Unavailable));
    instrumentation::set_on_retry_hooks(Vec::<instrumentation::Hook>::new());
    assert_eq!(
        *names.lock().unwrap(),
        ["macro_names::api::fetch", "macro_names::api::Client::get", "<context block>"]
    );
}
