//! Placeholder: the registry stress test (issue 19, section 2).
