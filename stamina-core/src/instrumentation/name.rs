//! The name a retried callable is reported under.

use core::fmt;

/// The name hooks see for a retry loop: a static path (`module::function`,
/// `<context block>`), or a method's `Self` type path joined with its name.
///
/// The method form is joined only when a hook asks for it, so a loop without
/// hooks never formats or allocates a name.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct CallableName {
    path: &'static str,
    self_type: Option<fn() -> &'static str>,
}

impl CallableName {
    /// A name known at compile time.
    pub const fn new(path: &'static str) -> Self {
        Self { path, self_type: None }
    }

    /// A method `method` of the type whose name `self_type` returns (the macros
    /// pass `core::any::type_name::<Self>`).
    pub const fn method(self_type: fn() -> &'static str, method: &'static str) -> Self {
        Self { path: method, self_type: Some(self_type) }
    }

    /// The name of callers and `retry_context` blocks, as in Python stamina.
    pub const CONTEXT_BLOCK: Self = Self::new("<context block>");

    /// The static part of the name: the whole name, unless it is a method's.
    pub(crate) const fn path(&self) -> &'static str {
        self.path
    }

    /// Calls `f` with the full name, joining a method's name only now.
    pub fn with<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self.self_type {
            None => f(self.path),
            Some(self_type) => f(&format!("{}::{}", self_type(), self.path)),
        }
    }
}

impl fmt::Display for CallableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.self_type {
            None => f.write_str(self.path),
            Some(self_type) => write!(f, "{}::{}", self_type(), self.path),
        }
    }
}

/// Names are equal when they read the same.
impl PartialEq for CallableName {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
            && match (self.self_type, other.self_type) {
                (None, None) => true,
                (Some(mine), Some(theirs)) => mine() == theirs(),
                _ => false,
            }
    }
}

impl Default for CallableName {
    /// [`CallableName::CONTEXT_BLOCK`].
    fn default() -> Self {
        Self::CONTEXT_BLOCK
    }
}

impl fmt::Debug for CallableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CallableName({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Client;

    #[test]
    fn names_render_lazily() {
        assert_eq!(CallableName::new("app::fetch").to_string(), "app::fetch");
        let method = CallableName::method(core::any::type_name::<Client>, "get");
        assert_eq!(method.to_string(), format!("{}::get", core::any::type_name::<Client>()));
        assert!(method.with(|name| name.ends_with("Client::get")));
        assert_eq!(CallableName::CONTEXT_BLOCK.to_string(), "<context block>");
    }
}
