//! What a broken layout rule looks like.

use std::fmt;

/// The longest a hand-written source file may be.
pub const MAX_FILE_LINES: usize = 600;
/// The longest a function may be.
pub const MAX_FN_LINES: usize = 120;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Modules of one crate that depend on each other in a circle.
    Circle {
        /// The crate's folder, relative to the repository root.
        krate: String,
        /// The modules in the circle (`crate` for the root), sorted.
        modules: Vec<String>,
    },
    /// A file over [`MAX_FILE_LINES`].
    LongFile {
        /// The file, relative to the repository root.
        path: String,
        /// Its line count.
        lines: usize,
    },
    /// A function over [`MAX_FN_LINES`].
    LongFn {
        /// The file, relative to the repository root.
        path: String,
        /// The function's name.
        name: String,
        /// Its first line (1-based).
        line: usize,
        /// Its length in lines.
        lines: usize,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Circle { krate, modules } => {
                write!(f, "{krate}: import circle between {}", modules.join(", "))
            }
            Self::LongFile { path, lines } => {
                write!(f, "{path}: {lines} lines (at most {MAX_FILE_LINES})")
            }
            Self::LongFn {
                path,
                name,
                line,
                lines,
            } => write!(
                f,
                "{path}:{line}: fn {name} is {lines} lines (at most {MAX_FN_LINES})"
            ),
        }
    }
}
