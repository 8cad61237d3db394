//! The crates can be published one by one in `PUBLISH_ORDER`: no dev-dependency on a crate
//! published later carries a version (cargo would look for that crate on crates.io).

use std::fs;

use xtask::release::{PUBLISH_ORDER, versioned_dev_dependencies};
use xtask::repo_root;

#[test]
fn the_workspace_can_be_published_in_order() {
    let found = versioned_dev_dependencies(&repo_root()).unwrap();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_versioned_dev_dependency_on_a_later_crate_is_found() {
    let root = tempfile::tempdir().unwrap();
    for name in PUBLISH_ORDER {
        let dir = root.path().join("crates").join(name);
        fs::create_dir_all(&dir).unwrap();
        let dev = match name {
            // Later crates, inherited, versioned and path-only; an earlier one is fine either way.
            "ringg-api" => {
                "ringg-sim.workspace = true\nringg-webhooks = { path = \"../ringg-webhooks\" }\nringg-types.workspace = true\n"
            }
            "ringg-webhooks" => "ringg-sim = { path = \"../ringg-sim\", version = \"0.1.0\" }\n",
            _ => "",
        };
        fs::write(
            dir.join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\n\n[dev-dependencies]\n{dev}"),
        )
        .unwrap();
    }
    let found = versioned_dev_dependencies(root.path()).unwrap();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("crates/ringg-api/Cargo.toml: the dev-dependency `ringg-sim`"));
    assert!(
        found[1].starts_with("crates/ringg-webhooks/Cargo.toml: the dev-dependency `ringg-sim`")
    );
}
