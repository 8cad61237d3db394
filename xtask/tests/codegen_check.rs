//! `cargo xtask codegen --check` detects generated files that no longer match the spec.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::codegen::{self, ENDPOINTS_MD, GENERATED_RS, SECRET_FIELDS_RS, SPEC_PATH};
use xtask::repo_root;

/// Copies the spec and the generated files of the real repository into `dest`, editing the
/// spec with `edit`.
fn scratch_copy(dest: &Path, edit: impl FnOnce(String) -> String) {
    let root = repo_root();
    for rel in [SPEC_PATH, GENERATED_RS, SECRET_FIELDS_RS, ENDPOINTS_MD] {
        let to = dest.join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(root.join(rel), &to).unwrap();
    }
    let spec_path = dest.join(SPEC_PATH);
    let original = fs::read_to_string(&spec_path).unwrap();
    let edited = edit(original.clone());
    fs::write(&spec_path, edited).unwrap();
}

fn replace_once(text: String, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must occur exactly once"
    );
    text.replacen(from, to, 1)
}

#[test]
fn the_repository_is_up_to_date() {
    let stale = codegen::check(&repo_root()).unwrap();
    assert!(
        stale.is_empty(),
        "run `cargo xtask codegen`; stale: {stale:?}"
    );
}

#[test]
fn an_unchanged_copy_passes() {
    let dir = tempfile::tempdir().unwrap();
    scratch_copy(dir.path(), |s| s);
    assert_eq!(codegen::check(dir.path()).unwrap(), Vec::<PathBuf>::new());
}

#[test]
fn a_changed_summary_makes_the_operation_table_stale() {
    let dir = tempfile::tempdir().unwrap();
    scratch_copy(dir.path(), |s| {
        replace_once(
            s,
            "summary: Get the current workspace\n",
            "summary: Get the workspace of the key\n",
        )
    });
    // The summary appears in generated.rs only, not in the coverage page.
    assert_eq!(
        codegen::check(dir.path()).unwrap(),
        vec![PathBuf::from(GENERATED_RS)]
    );
}

#[test]
fn a_changed_path_makes_both_outputs_stale() {
    let dir = tempfile::tempdir().unwrap();
    scratch_copy(dir.path(), |s| {
        replace_once(s, "  /workspace/users:\n", "  /workspace/members:\n")
    });
    assert_eq!(
        codegen::check(dir.path()).unwrap(),
        vec![PathBuf::from(GENERATED_RS), PathBuf::from(ENDPOINTS_MD)]
    );
}

#[test]
fn a_property_marked_secret_makes_only_the_secret_list_stale() {
    let dir = tempfile::tempdir().unwrap();
    scratch_copy(dir.path(), |s| {
        replace_once(
            s,
            "          description: A full HTTPS URL.\n",
            "          description: A full HTTPS URL.\n          x-secret: true\n",
        )
    });
    assert_eq!(
        codegen::check(dir.path()).unwrap(),
        vec![PathBuf::from(SECRET_FIELDS_RS)]
    );
    codegen::write(dir.path()).unwrap();
    let list = fs::read_to_string(dir.path().join(SECRET_FIELDS_RS)).unwrap();
    assert!(list.contains("\"callback_url\","), "{list}");
}

#[test]
fn a_changed_cli_command_makes_only_the_coverage_page_stale() {
    let dir = tempfile::tempdir().unwrap();
    scratch_copy(dir.path(), |s| {
        replace_once(
            s,
            "x-cli-command: ringg workspace users\n",
            "x-cli-command: ringg workspace members\n",
        )
    });
    assert_eq!(
        codegen::check(dir.path()).unwrap(),
        vec![PathBuf::from(ENDPOINTS_MD)]
    );
}

#[test]
fn a_missing_output_is_stale_and_codegen_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    scratch_copy(dir.path(), |s| s);
    fs::remove_file(dir.path().join(GENERATED_RS)).unwrap();
    assert_eq!(
        codegen::check(dir.path()).unwrap(),
        vec![PathBuf::from(GENERATED_RS)]
    );
    assert_eq!(
        codegen::write(dir.path()).unwrap(),
        vec![PathBuf::from(GENERATED_RS)]
    );
    assert!(codegen::check(dir.path()).unwrap().is_empty());
    assert_eq!(
        fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap(),
        fs::read_to_string(repo_root().join(GENERATED_RS)).unwrap()
    );
}

#[test]
fn a_broken_spec_is_an_error_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    scratch_copy(dir.path(), |s| {
        replace_once(
            s,
            "      x-idempotent: false\n      x-client-method: client.workspace().regenerate_api_key()\n",
            "      x-client-method: client.workspace().regenerate_api_key()\n",
        )
    });
    let err = format!("{:#}", codegen::check(dir.path()).unwrap_err());
    assert!(
        err.contains("PATCH /workspace/api-key (regenerateApiKey): missing `x-idempotent"),
        "{err}"
    );
}

#[test]
fn the_binary_exits_non_zero_and_names_each_stale_file() {
    let dir = tempfile::tempdir().unwrap();
    scratch_copy(dir.path(), |s| {
        replace_once(s, "  /workspace/users:\n", "  /workspace/members:\n")
    });
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("stale: {GENERATED_RS}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("stale: {ENDPOINTS_MD}")),
        "{stderr}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn generated_rust_is_rustfmt_stable() {
    // CI's `cargo fmt --all -- --check` covers the file on disk too; this names the cause.
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_owned());
    let out = Command::new(rustfmt)
        .args(["--edition", "2024", "--check"])
        .arg(repo_root().join(GENERATED_RS))
        .output()
        .expect("rustfmt must be installed (rustup component add rustfmt)");
    assert!(
        out.status.success(),
        "the generator's output is not rustfmt-formatted:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_multipart_operations_are_the_uploads() {
    let text = fs::read_to_string(repo_root().join(SPEC_PATH)).unwrap();
    let spec = xtask::spec::parse(&text).unwrap();
    let multipart: Vec<&str> = spec
        .operations
        .iter()
        .filter(|o| o.multipart)
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(
        multipart,
        [
            "saveCampaign",
            "uploadLargeCampaignCsv",
            "createKnowledgeBase",
            "editKnowledgeBase"
        ]
    );
}
