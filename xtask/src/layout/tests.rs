//! Unit tests of the layout rules on small made-up crates.

use std::collections::BTreeMap;

use super::Finding;
use super::graph::{circles, expand_use};
use super::length::length_findings;

fn crate_of(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(m, t)| (m.to_string(), t.to_string()))
        .collect()
}

#[test]
fn a_two_module_circle_is_found() {
    let texts = crate_of(&[
        ("crate", "mod a;\nmod b;\n"),
        ("a", "use crate::b::Thing;\npub struct Other;\n"),
        (
            "b",
            "pub struct Thing;\nfn f() -> crate::a::Other { todo() }\n",
        ),
    ]);
    assert_eq!(
        circles(&texts),
        vec![vec!["a".to_string(), "b".to_string()]]
    );
}

#[test]
fn re_exports_and_declarations_are_not_circles() {
    let texts = crate_of(&[
        ("crate", "mod error;\nmod calls;\npub use error::Error;\n"),
        ("error", "pub struct Error;\n"),
        ("calls", "use crate::Error;\nuse super::error;\n"),
    ]);
    assert!(circles(&texts).is_empty(), "{:?}", circles(&texts));
    // A child that uses an item defined in its parent's file closes a circle with it.
    let texts = crate_of(&[
        ("crate", "mod app;\n"),
        (
            "app",
            "mod engine;\npub use engine::run;\npub struct Shared;\n",
        ),
        ("app::engine", "use super::Shared;\npub fn run() {}\n"),
    ]);
    assert_eq!(circles(&texts).len(), 1);
}

#[test]
fn test_modules_and_comments_do_not_count() {
    let texts = crate_of(&[
        (
            "a",
            "//! see [`crate::b`]\npub fn x() {}\n#[cfg(test)]\nmod tests {\n    use crate::b::y;\n}\n",
        ),
        ("b", "use crate::a::x;\npub fn y() {}\n"),
    ]);
    assert!(circles(&texts).is_empty());
}

#[test]
fn use_trees_expand() {
    assert_eq!(
        expand_use("crate::assistants::{Agent as A, x}"),
        vec![
            vec!["crate".to_string(), "assistants".into(), "Agent".into()],
            vec!["crate".into(), "assistants".into(), "x".into()],
        ]
    );
    assert_eq!(
        expand_use("crate::{a::{self, B}, c::D}"),
        vec![
            vec!["crate".to_string(), "a".into()],
            vec!["crate".into(), "a".into(), "B".into()],
            vec!["crate".into(), "c".into(), "D".into()],
        ]
    );
}

#[test]
fn long_functions_and_files_are_found() {
    let body: String = (0..130).map(|i| format!("    let x{i} = {i};\n")).collect();
    let text = format!("pub fn big() {{\n{body}}}\n\nfn small() {{}}\n");
    let found = length_findings("x.rs", &text);
    assert_eq!(
        found,
        vec![Finding::LongFn {
            path: "x.rs".into(),
            name: "big".into(),
            line: 1,
            lines: 132
        }]
    );
    let long: String = "// line\n".repeat(601);
    assert!(matches!(
        length_findings("y.rs", &long).as_slice(),
        [Finding::LongFile { lines: 601, .. }]
    ));
}
