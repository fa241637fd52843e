//! The name hooks see for retried fns in a nested module, a method there, and
//! a block: the whole module path, as `module_path!` gives it.

use std::sync::{Arc, Mutex};

use stamina::instrumentation::{self, RetryDetails};

use crate::support::{Transient, always, isolated};

mod api {
    use crate::support::{Transient, always};

    #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
    pub(crate) fn fetch() -> Result<(), Transient> {
        Err(Transient(1))
    }

    pub(crate) struct Client;

    impl Client {
        #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
        pub(crate) fn get(&self) -> Result<(), Transient> {
            Err(Transient(2))
        }
    }
}

#[test]
fn names_are_paths() {
    let _isolated = isolated();
    let names = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&names);
    instrumentation::set_on_retry_hooks((instrumentation::retry_hook(move |details: &RetryDetails<'_>| {
        sink.lock().unwrap().push(details.name.to_owned());
    }),));
    let _ = api::fetch();
    let _ = api::Client.get();
    let _: Result<(), Transient> =
        stamina::retry_block!(on = always, attempts = 2, wait_max = 0, |_| Err(Transient(3)));
    instrumentation::set_on_retry_hooks(Vec::<instrumentation::Hook>::new());
    assert_eq!(
        *names.lock().unwrap(),
        ["hooks::macro_names::api::fetch", "hooks::macro_names::api::Client::get", "<context block>"]
    );
}
