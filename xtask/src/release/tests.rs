use super::*;

const MANIFEST: &str = r#"[workspace]
members = ["crates/*", "xtask"]

[workspace.package]
version = "0.1.0"   # kept in sync by cargo xtask release
edition = "2024"

[workspace.dependencies]
# Our own crates (path + version so `cargo package` works).
ringg-types = { path = "crates/ringg-types", version = "0.1.0" }
ringg-api = { version = "0.1.0", path = "crates/ringg-api" }
serde = { version = "1.0.219", features = ["derive"] }
anyhow = "1.0.98"

[workspace.dependencies.ringg-sim]
path = "crates/ringg-sim"
version = "0.1.0"
"#;

#[test]
fn bump_touches_only_the_versions() {
    let bump = bump_manifest(MANIFEST, &Version::new(0, 2, 0)).unwrap();
    let expected = MANIFEST
        .replace(
            "version = \"0.1.0\"   # kept",
            "version = \"0.2.0\"   # kept",
        )
        .replace(
            "ringg-types\", version = \"0.1.0\"",
            "ringg-types\", version = \"0.2.0\"",
        )
        .replace("{ version = \"0.1.0\", path", "{ version = \"0.2.0\", path")
        .replace(
            "path = \"crates/ringg-sim\"\nversion = \"0.1.0\"",
            "path = \"crates/ringg-sim\"\nversion = \"0.2.0\"",
        );
    assert_eq!(bump.manifest, expected);
    assert_eq!(bump.previous, Version::new(0, 1, 0));
    assert_eq!(
        bump.changes,
        vec![
            "[workspace.package] version: 0.1.0 -> 0.2.0",
            "ringg-types: 0.1.0 -> 0.2.0",
            "ringg-api: 0.1.0 -> 0.2.0",
            "ringg-sim: 0.1.0 -> 0.2.0",
        ]
    );
    assert!(bump.manifest.contains("serde = { version = \"1.0.219\""));
}

#[test]
fn bump_to_the_same_version_is_a_no_op() {
    let bump = bump_manifest(MANIFEST, &Version::new(0, 1, 0)).unwrap();
    assert_eq!(bump.manifest, MANIFEST);
    assert_eq!(bump.changes[1], "ringg-types: 0.1.0 (unchanged)");
}

#[test]
fn bump_needs_versions_on_path_dependencies() {
    let text = MANIFEST.replace(", version = \"0.1.0\" }", " }");
    let err = bump_manifest(&text, &Version::new(0, 2, 0)).unwrap_err();
    assert!(err.to_string().contains("ringg-types"), "{err}");
    let err = bump_manifest("[workspace]\n", &Version::new(0, 2, 0)).unwrap_err();
    assert!(
        err.to_string().contains("[workspace.package] version"),
        "{err}"
    );
}

#[test]
fn changelog_sections() {
    let text =
        "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-11-02\n\n## [0.1.0] - Unreleased\n";
    let v = |s: &str| Version::parse(s).unwrap();
    assert_eq!(
        changelog_section(text, &v("0.2.0")),
        ChangelogSection::Dated("2026-11-02".into())
    );
    assert_eq!(
        changelog_section(text, &v("0.1.0")),
        ChangelogSection::Unreleased
    );
    assert_eq!(
        changelog_section(text, &v("0.3.0")),
        ChangelogSection::Missing
    );
    assert_eq!(
        changelog_section("## [0.1.0]\n", &v("0.1.0")),
        ChangelogSection::Unreleased
    );
    // `## [0.1.0-rc.1]` is not the section of 0.1.0.
    assert_eq!(
        changelog_section("## [0.1.0-rc.1] - 2026-01-01\n", &v("0.1.0")),
        ChangelogSection::Missing
    );
}

#[test]
fn cargo_versions() {
    assert_eq!(
        parse_cargo_version("cargo 1.95.0 (f2d3ce0bd 2026-03-21)"),
        Some((1, 95))
    );
    assert_eq!(parse_cargo_version("cargo 1.89.0-nightly"), Some((1, 89)));
    assert_eq!(parse_cargo_version("nonsense"), None);
    assert!((1, 95) >= MULTI_PACKAGE_CARGO && (1, 89) < MULTI_PACKAGE_CARGO);
}
