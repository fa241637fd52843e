//! trybuild UI tests of stamina's macros live in `tests/`.
