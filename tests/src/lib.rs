//! Behaviour and integration tests of stamina live in `tests/`.
