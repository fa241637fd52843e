//! Finding arguments the body moves, which a retry loop cannot do: the second
//! attempt would use a moved value.
//!
//! rustc reports such a move as "value moved here, in previous iteration of
//! loop", which names neither the cause nor the fix. Where the move is plain to
//! see, the macro reports it itself, on the argument, naming `clone(...)`. The
//! check is deliberately narrow, so it never rejects code that compiles: only
//! arguments of owned standard types that are never `Copy` (`String`, `Vec<T>`,
//! `Box<T>`, ...), passed by value in a position that always moves (a call
//! argument, a `let` initializer, a struct field, `return`, an `into*` method
//! receiver), and never re-bound in the body. Every other move is left to
//! rustc's message.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, FnArg, Ident, ItemFn, Pat, PatType, Type};

/// Owned standard types that are never `Copy`.
const NEVER_COPY: &[&str] = &[
    "String",
    "Vec",
    "Box",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "VecDeque",
    "PathBuf",
    "OsString",
    "Rc",
    "Arc",
    "BinaryHeap",
    "LinkedList",
];

fn never_copy(ty: &Type) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            path.path.segments.last().is_some_and(|last| NEVER_COPY.iter().any(|name| last.ident == name))
        }
        Type::Paren(paren) => never_copy(&paren.elem),
        Type::Group(group) => never_copy(&group.elem),
        _ => false,
    }
}

/// The arguments `function`'s body visibly moves.
pub(crate) fn consumed_arguments(function: &ItemFn) -> Vec<(&Ident, &PatType)> {
    let candidates: Vec<(&Ident, &PatType)> = function
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => match &*typed.pat {
                Pat::Ident(pat) if pat.by_ref.is_none() && never_copy(&typed.ty) => Some((&pat.ident, typed)),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let mut finder = MoveFinder {
        names: candidates.iter().map(|(ident, _)| (*ident).clone()).collect(),
        moved: Vec::new(),
        rebound: Vec::new(),
    };
    let mut body = (*function.block).clone();
    finder.visit_block_mut(&mut body);
    candidates
        .into_iter()
        .filter(|(ident, _)| finder.moved.contains(ident) && !finder.rebound.contains(ident))
        .collect()
}

struct MoveFinder {
    names: Vec<Ident>,
    moved: Vec<Ident>,
    rebound: Vec<Ident>,
}

impl MoveFinder {
    /// Records `expr` if it is exactly one of the candidate names.
    fn moves(&mut self, expr: &Expr) {
        if let Expr::Path(path) = expr
            && path.qself.is_none()
            && let Some(ident) = path.path.get_ident()
            && self.names.contains(ident)
        {
            self.moved.push(ident.clone());
        }
    }
}

impl VisitMut for MoveFinder {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match &*expr {
            Expr::Call(call) => call.args.iter().for_each(|arg| self.moves(arg)),
            Expr::MethodCall(call) => {
                call.args.iter().for_each(|arg| self.moves(arg));
                if call.method.to_string().starts_with("into") {
                    self.moves(&call.receiver);
                }
            }
            Expr::Struct(init) => init.fields.iter().for_each(|field| self.moves(&field.expr)),
            Expr::Return(ret) => {
                if let Some(value) = &ret.expr {
                    self.moves(value);
                }
            }
            Expr::Assign(assign) => self.moves(&assign.right),
            Expr::Tuple(tuple) => tuple.elems.iter().for_each(|elem| self.moves(elem)),
            Expr::Array(array) => array.elems.iter().for_each(|elem| self.moves(elem)),
            // A `move` closure or block takes what it names; leave it to rustc.
            _ => {}
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        if let Some(init) = &local.init {
            self.moves(&init.expr);
        }
        visit_mut::visit_local_mut(self, local);
    }

    fn visit_pat_ident_mut(&mut self, pat: &mut syn::PatIdent) {
        if self.names.contains(&pat.ident) {
            self.rebound.push(pat.ident.clone());
        }
        visit_mut::visit_pat_ident_mut(self, pat);
    }

    fn visit_item_mut(&mut self, _item: &mut syn::Item) {
        // Nested items cannot see the fn's arguments.
    }
}
