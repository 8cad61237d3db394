//! Maintenance tasks of ringg-rs, as a library so tests can drive them.
//!
//! * [`codegen`]: derive the operation table (`ringg_types::operations`) and
//!   `docs/endpoints.md` from `docs/openapi.yaml`, or check that they are up to date;
//! * [`release`]: bump the workspace version, check the changelog and READMEs, and package every
//!   publishable crate;
//! * [`layout`]: the shape rules of the source tree (no import circle between modules, no file
//!   over 600 lines, no function over 120), checked;
//! * [`spec`]: what both read from the OpenAPI spec.

pub mod codegen;
pub mod layout;
pub mod release;
pub mod spec;

use std::path::PathBuf;

/// The repository root: the parent of the `xtask` directory.
pub fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
