//! The repository keeps the layout rules of `xtask::layout`: no import circle between the
//! modules of a crate, no hand-written file over 600 lines, no function over 120.

use xtask::layout;
use xtask::repo_root;

#[test]
fn the_repository_keeps_its_layout_rules() {
    let findings = layout::check(&repo_root()).unwrap();
    let report: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(
        findings.is_empty(),
        "run `cargo xtask layout`:\n{}",
        report.join("\n")
    );
}
