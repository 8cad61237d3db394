//! Reading the source tree: which files are which modules, and their code lines.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Every `.rs` file under `src`, keyed by its module path (`crate`, `a`, `a::b`). Binaries under
/// `src/bin` are crates of their own and left out.
pub(super) fn source_files(src: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                if path != src.join("bin") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap_or(&path);
            let mut parts: Vec<String> = rel
                .iter()
                .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            let module = match parts.as_slice() {
                [only] if only == "lib" || only == "main" => "crate".to_string(),
                _ => parts.join("::"),
            };
            out.insert(module, path);
        }
    }
    Ok(out)
}

/// The part of a file outside its `#[cfg(test)]` module(s), with comments removed.
pub(super) fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            // Skip the item that follows: up to the line that closes it at the same indent.
            let indent = line.len() - trimmed.len();
            let Some((_, item)) = lines.next() else { break };
            if item.trim_end().ends_with(';') {
                continue;
            }
            for (_, l) in lines.by_ref() {
                if l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}') {
                    break;
                }
            }
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = match line.find("//") {
            Some(pos) if !line[..pos].contains('"') => &line[..pos],
            _ => line,
        };
        out.push((i + 1, code));
    }
    out
}
