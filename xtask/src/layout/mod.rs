//! `cargo xtask layout`: the shape rules of the source tree, checked.
//!
//! * **No import circle between modules of a crate.** Module `a` depends on module `b` when a
//!   non-test line of `a` names an item of `b` through `crate::…`, `super::…` or `self::…`
//!   (in a `use` or in an expression). A name re-exported with `pub use` is followed to the
//!   module that defines it, so a child using `crate::Error` depends on `error`, not on the
//!   crate root that re-exports it. Declaring a submodule (`mod x;`) is not a dependency. Every
//!   strongly connected set of more than one module is a circle.
//! * **No hand-written source file over [`MAX_FILE_LINES`] lines** (generated files, files of
//!   `tests/` folders and `tests.rs` unit-test files aside).
//! * **No function over [`MAX_FN_LINES`] lines**, from its `fn` line to its closing brace, in
//!   the same files, outside `#[cfg(test)]` modules.
//!
//! The scan is textual: it reads Rust the way rustfmt writes it, which is how every file of
//! this repository is written (CI runs `cargo fmt --check`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

mod findings;
mod graph;
mod length;
mod source;
#[cfg(test)]
mod tests;

use graph::{circles, dependency_graph};
use length::length_findings;
use source::source_files;

pub use findings::{Finding, MAX_FILE_LINES, MAX_FN_LINES};

/// Checks every crate of the workspace under `root`: `crates/*`, `xtask` and `bench`.
pub fn check(root: &Path) -> Result<Vec<Finding>> {
    let mut crate_dirs: Vec<PathBuf> = fs::read_dir(root.join("crates"))
        .with_context(|| format!("cannot list {}", root.join("crates").display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("src").is_dir())
        .collect();
    crate_dirs.push(root.join("xtask"));
    crate_dirs.push(root.join("bench"));
    crate_dirs.sort();
    let mut findings = Vec::new();
    for dir in crate_dirs {
        let files = source_files(&dir.join("src"))?;
        let rel = |p: &Path| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        };
        let mut texts = BTreeMap::new();
        for (module, path) in &files {
            let text = fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if !is_exempt(path, &text) {
                findings.extend(length_findings(&rel(path), &text));
            }
            texts.insert(module.clone(), text);
        }
        for modules in circles(&texts) {
            findings.push(Finding::Circle {
                krate: rel(&dir),
                modules,
            });
        }
    }
    Ok(findings)
}

/// Generated files and unit-test files are not held to the length rules.
fn is_exempt(path: &Path, text: &str) -> bool {
    path.file_name()
        .is_some_and(|n| n == "tests.rs" || n == "generated.rs")
        || text.starts_with("// @generated")
}

/// The module dependency graph of the crate in `crate_dir`: each module (`crate` for the root)
/// and the modules it depends on. `cargo xtask layout --graph DIR` prints it.
pub fn module_graph(crate_dir: &Path) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut texts = BTreeMap::new();
    for (module, path) in source_files(&crate_dir.join("src"))? {
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        texts.insert(module, text);
    }
    Ok(dependency_graph(&texts))
}
