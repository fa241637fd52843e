//! Pages of the manual that are not about one item: how this port differs
//! from Python stamina, what the built-in sinks print, and the three kinds of
//! time limit.
//!
//! The manual itself is the [crate documentation](crate); each item's page
//! has the details and an example.

pub mod differences_from_python;
pub mod sink_output;
pub mod time_limits;
