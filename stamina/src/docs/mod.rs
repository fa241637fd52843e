//! Pages of the manual that are not about one item: how this port differs
//! from Python stamina, what the built-in sinks print, the three kinds of time
//! limit, retrying streams, and (features `tower` and `reqwest-middleware`)
//! retrying in middleware stacks.
//!
//! The manual itself is the [crate documentation](crate); each item's page
//! has the details and an example.

#[cfg(all(feature = "tower", feature = "reqwest-middleware"))]
pub mod adapters;
pub mod differences_from_python;
pub mod sink_output;
pub mod streams;
pub mod time_limits;
