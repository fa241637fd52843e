//! Any token stream as `#[retry(...)]` arguments or `retry_block!` input: the
//! macros' parser and argument checks return parameters or errors, never
//! panic.
#![no_main]

use std::str::FromStr;

use libfuzzer_sys::fuzz_target;

// The macros' own modules, compiled in (stamina-macros is a proc-macro crate):
// `args` names `crate::{duration, errors, parse}`, so they sit at the root.
#[allow(dead_code, unreachable_pub)]
#[path = "../../../stamina-macros/src/args.rs"]
mod args;
#[allow(dead_code, unreachable_pub)]
#[path = "../../../stamina-macros/src/duration.rs"]
mod duration;
#[allow(dead_code, unreachable_pub)]
#[path = "../../../stamina-macros/src/errors.rs"]
mod errors;
#[allow(dead_code, unreachable_pub)]
#[path = "../../../stamina-macros/src/parse.rs"]
mod parse;

fuzz_target!(|text: &str| {
    let Ok(tokens) = proc_macro2::TokenStream::from_str(text) else { return };
    if let Ok(raw) = parse::attr_args(tokens.clone()) {
        let mut errors = errors::Errors::default();
        let (_, params) = args::check(raw, args::Macro::Attribute, &mut errors);
        // Parameters only when nothing was wrong.
        assert!(params.is_none() || errors.len() == 0);
    }
    if let Ok(input) = parse::block_input(tokens) {
        let mut errors = errors::Errors::default();
        let (_, params) = args::check(input.args, args::Macro::Block, &mut errors);
        assert!(params.is_none() || errors.len() == 0);
    }
});
