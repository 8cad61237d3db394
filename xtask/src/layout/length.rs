//! The length rules: files and functions.

use super::findings::{Finding, MAX_FILE_LINES, MAX_FN_LINES};
use super::source::code_lines;

/// Files and functions that are too long.
pub(super) fn length_findings(path: &str, text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let lines = text.lines().count();
    if lines > MAX_FILE_LINES {
        out.push(Finding::LongFile {
            path: path.to_string(),
            lines,
        });
    }
    let code = code_lines(text);
    for (idx, (line_no, line)) in code.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        if line.trim_end().ends_with(';') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let end = code[idx..]
            .iter()
            .find(|(_, l)| {
                let t = l.trim_start();
                l.len() - t.len() == indent && t.starts_with('}')
            })
            .map(|(n, _)| *n);
        // One-line bodies (`fn f() {}`) close on their own line.
        let end = if line.trim_end().ends_with('}') {
            Some(*line_no)
        } else {
            end
        };
        if let Some(end) = end {
            let len = end - line_no + 1;
            if len > MAX_FN_LINES {
                out.push(Finding::LongFn {
                    path: path.to_string(),
                    name,
                    line: *line_no,
                    lines: len,
                });
            }
        }
    }
    out
}

/// The name of the function a line declares, if it declares one.
fn fn_name(line: &str) -> Option<String> {
    let t = line.trim_start();
    let mut rest = t;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
        "extern \"C\" ",
    ] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
        }
    }
    for prefix in ["const ", "async ", "unsafe "] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
        }
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}
