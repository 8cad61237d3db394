//! `cargo xtask release <version> [--dry-run]`: bump the workspace version, check the
//! changelog and the READMEs, and package every publishable crate.
//!
//! The real run needs a clean git tree. It writes the new version into `[workspace.package]`
//! and into the `version` of every path dependency in `[workspace.dependencies]` (with
//! `toml_edit`, so formatting and comments stay), refreshes `Cargo.lock`, commits both, and runs
//! `cargo package` for the crates in [`PUBLISH_ORDER`]. It never publishes: `docs/releasing.md`
//! lists the remaining steps.
//!
//! The dry run changes nothing in the repository: it copies the files git knows about
//! (tracked, plus untracked files that are not ignored) to a temporary directory, applies the
//! bump there and packages from there. Only the build output in the target directory is
//! written.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use semver::Version;
use toml_edit::{DocumentMut, Item, Value};

/// The publishable crates, in the order they must be published (dependencies first).
pub const PUBLISH_ORDER: [&str; 6] = [
    "ringg-types",
    "ringg-transport",
    "ringg-api",
    "ringg-webhooks",
    "ringg-sim",
    "ringg-cli",
];

/// The first cargo that packages several workspace members in one invocation, verifying each
/// against the freshly packaged (unpublished) path dependencies through a local registry overlay.
pub const MULTI_PACKAGE_CARGO: (u64, u64) = (1, 90);

/// What `cargo xtask release` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The repository root.
    pub root: PathBuf,
    /// The version to release, e.g. `0.2.0`.
    pub version: String,
    /// Change nothing in the repository.
    pub dry_run: bool,
}

/// The result of [`bump_manifest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bump {
    /// The edited manifest text.
    pub manifest: String,
    /// The version `[workspace.package]` had before.
    pub previous: Version,
    /// One line per edited value, e.g. `ringg-types: 0.1.0 -> 0.2.0`.
    pub changes: Vec<String>,
}

/// Sets `version` in `[workspace.package]` and on every path dependency of
/// `[workspace.dependencies]`, keeping the rest of the manifest byte for byte.
pub fn bump_manifest(text: &str, version: &Version) -> Result<Bump> {
    let mut doc: DocumentMut = text.parse().context("Cargo.toml is not valid TOML")?;
    let new = version.to_string();
    let mut changes = Vec::new();

    let package_version = doc
        .get_mut("workspace")
        .and_then(|w| w.get_mut("package"))
        .and_then(|p| p.get_mut("version"))
        .and_then(Item::as_value_mut)
        .context("Cargo.toml has no `[workspace.package] version`; add one and inherit it with `version.workspace = true`")?;
    let previous_text = package_version
        .as_str()
        .context("`[workspace.package] version` must be a string")?
        .to_owned();
    let previous = Version::parse(&previous_text).with_context(|| {
        format!("`[workspace.package] version` {previous_text:?} is not semver")
    })?;
    replace_keeping_decor(package_version, &new);
    changes.push(change_line(
        "[workspace.package] version",
        &previous_text,
        &new,
    ));

    let deps = doc
        .get_mut("workspace")
        .and_then(|w| w.get_mut("dependencies"))
        .and_then(Item::as_table_like_mut)
        .context("Cargo.toml has no `[workspace.dependencies]` table")?;
    for (name, dep) in deps.iter_mut() {
        let Some(table) = dep.as_table_like_mut() else {
            continue;
        };
        if table.get("path").is_none() {
            continue;
        }
        let Some(value) = table.get_mut("version").and_then(Item::as_value_mut) else {
            bail!(
                "path dependency `{name}` in [workspace.dependencies] has no `version`; \
                 add `version = \"{previous_text}\"` so it can be packaged"
            );
        };
        let old = value.as_str().unwrap_or_default().to_owned();
        replace_keeping_decor(value, &new);
        changes.push(change_line(&name, &old, &new));
    }

    Ok(Bump {
        manifest: doc.to_string(),
        previous,
        changes,
    })
}

fn change_line(what: &str, old: &str, new: &str) -> String {
    if old == new {
        format!("{what}: {new} (unchanged)")
    } else {
        format!("{what}: {old} -> {new}")
    }
}

fn replace_keeping_decor(value: &mut Value, new: &str) {
    let decor = value.decor().clone();
    *value = Value::from(new);
    *value.decor_mut() = decor;
}

/// What the changelog says about a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangelogSection {
    /// No `## [<version>]` heading.
    Missing,
    /// `## [<version>] - Unreleased` (or no date).
    Unreleased,
    /// `## [<version>] - <date>`.
    Dated(String),
}

/// Finds the `## [<version>]` section of a Keep a Changelog file.
pub fn changelog_section(text: &str, version: &Version) -> ChangelogSection {
    let heading = format!("## [{version}]");
    for line in text.lines() {
        let Some(rest) = line.trim_end().strip_prefix(&heading) else {
            continue;
        };
        let date = rest.trim().trim_start_matches(['-', '–']).trim();
        let is_date = date.len() == 10
            && date.chars().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        return if is_date {
            ChangelogSection::Dated(date.to_owned())
        } else {
            ChangelogSection::Unreleased
        };
    }
    ChangelogSection::Missing
}

/// The README files the publishable crates' manifests point at that do not exist, relative to
/// `root`.
pub fn missing_readmes(root: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    for name in PUBLISH_ORDER {
        let dir = Path::new("crates").join(name);
        let manifest_path = root.join(&dir).join("Cargo.toml");
        let text = fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let doc: DocumentMut = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", manifest_path.display()))?;
        let readme = doc
            .get("package")
            .and_then(|p| p.get("readme"))
            .and_then(Item::as_str)
            .unwrap_or("README.md");
        let path = dir.join(readme);
        if !root.join(&path).is_file() {
            missing.push(path);
        }
    }
    Ok(missing)
}

/// The dev-dependencies of the publishable crates under `root` that would stop `cargo publish`
/// in [`PUBLISH_ORDER`]: one on a crate published later that carries a version (its own, or the
/// workspace's through `workspace = true`). Cargo keeps such a dev-dependency in the published
/// manifest, so the crate it names must be on crates.io already; a path-only one is dropped.
/// One line per finding, naming the manifest and the fix.
pub fn versioned_dev_dependencies(root: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for (i, name) in PUBLISH_ORDER.iter().enumerate() {
        let manifest_path = root.join("crates").join(name).join("Cargo.toml");
        let text = fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let doc: DocumentMut = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", manifest_path.display()))?;
        let Some(deps) = doc.get("dev-dependencies").and_then(Item::as_table_like) else {
            continue;
        };
        for (dep, item) in deps.iter() {
            if !PUBLISH_ORDER[i + 1..].contains(&dep) {
                continue;
            }
            let versioned = match item.as_table_like() {
                Some(t) => t.contains_key("version") || t.contains_key("workspace"),
                // `dep = "0.1"`: a version only.
                None => true,
            };
            if versioned {
                found.push(format!(
                    "crates/{name}/Cargo.toml: the dev-dependency `{dep}` carries a version, but \
                     {dep} is published after {name}; make it path-only: \
                     `{dep} = {{ path = \"../{dep}\" }}`"
                ));
            }
        }
    }
    Ok(found)
}

/// The `(major, minor)` version of the cargo that runs the packaging.
pub fn cargo_version() -> Result<(u64, u64)> {
    let output = Command::new(cargo())
        .arg("--version")
        .output()
        .context("cannot run `cargo --version`")?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_cargo_version(&text)
        .with_context(|| format!("cannot read the cargo version from {text:?}"))
}

/// Reads `(major, minor)` from `cargo 1.95.0 (f2d3ce0bd 2026-03-21)`.
pub fn parse_cargo_version(text: &str) -> Option<(u64, u64)> {
    let number = text.split_whitespace().nth(1)?;
    let mut parts = number.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The cargo that runs this xtask (`$CARGO`), or `cargo` from `PATH`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .with_context(|| format!("cannot run `git {}`", args.join(" ")))?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `git status --porcelain` lines: changed, staged and untracked (not ignored) files.
pub fn dirty_files(root: &Path) -> Result<Vec<String>> {
    Ok(git(root, &["status", "--porcelain"])?
        .lines()
        .map(str::to_owned)
        .collect())
}

/// Copies the files git would hand to `cargo package` (tracked, plus untracked files that are
/// not ignored) from `root` to `dest`.
pub fn copy_workspace(root: &Path, dest: &Path) -> Result<usize> {
    let listing = git(
        root,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    )?;
    let mut copied = 0;
    for rel in listing.split('\0').filter(|s| !s.is_empty()) {
        let from = root.join(rel);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = dest.join(rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::copy(&from, &to).with_context(|| format!("cannot copy {rel}"))?;
        copied += 1;
    }
    Ok(copied)
}

/// The target directory for packaging: `CARGO_TARGET_DIR`, else `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Runs one `cargo package` invocation in `dir`, echoing its output. On failure the error names
/// the crate cargo was working on and carries the tail of its output.
fn run_cargo_package(dir: &Path, target: &Path, args: &[&str]) -> Result<()> {
    println!("$ cargo package {}", args.join(" "));
    let mut child = Command::new(cargo())
        .current_dir(dir)
        .arg("package")
        .args(args)
        .arg("--target-dir")
        .arg(target)
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `cargo package`")?;
    let stderr = child.stderr.take().context("no stderr pipe")?;
    let mut lines = Vec::new();
    let mut current: Option<String> = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.context("cannot read the output of `cargo package`")?;
        eprintln!("{line}");
        let mut words = line.split_whitespace();
        if let (Some("Packaging" | "Verifying" | "Packaged"), Some(name)) =
            (words.next(), words.next())
            && PUBLISH_ORDER.contains(&name)
        {
            current = Some(name.to_owned());
        }
        lines.push(line);
    }
    let status = child.wait().context("`cargo package` did not finish")?;
    if status.success() {
        return Ok(());
    }
    let tail: Vec<&str> = lines
        .iter()
        .rev()
        .filter(|l| !l.trim().is_empty())
        .take(25)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    bail!(
        "packaging stopped at {} ({status}); the crate must build from its packaged sources. \
         Last lines of cargo's output:\n{}",
        current.as_deref().unwrap_or("the first crate"),
        tail.join("\n")
    )
}

/// Packages [`PUBLISH_ORDER`] from `dir`, in one invocation where cargo supports it.
fn package_all(dir: &Path, target: &Path, extra: &[&str]) -> Result<()> {
    let cargo_version = cargo_version()?;
    if cargo_version >= MULTI_PACKAGE_CARGO {
        let mut args: Vec<&str> = Vec::new();
        for name in PUBLISH_ORDER {
            args.extend(["-p", name]);
        }
        args.extend(extra);
        run_cargo_package(dir, target, &args)
    } else {
        println!(
            "cargo {}.{} packages one crate at a time: crates whose path dependencies are not yet \
             on crates.io are packaged with --no-verify (verification would need them published)",
            cargo_version.0, cargo_version.1
        );
        for (i, name) in PUBLISH_ORDER.into_iter().enumerate() {
            let mut args = vec!["-p", name];
            if i > 0 {
                args.push("--no-verify");
            }
            args.extend(extra);
            run_cargo_package(dir, target, &args)
                .with_context(|| format!("packaging stopped at {name}"))?;
        }
        Ok(())
    }
}

fn list_packages(target: &Path, version: &Version) {
    for name in PUBLISH_ORDER {
        let file = target
            .join("package")
            .join(format!("{name}-{version}.crate"));
        match fs::metadata(&file) {
            Ok(meta) => println!("  {} ({} bytes)", file.display(), meta.len()),
            Err(_) => println!("  {} (not found)", file.display()),
        }
    }
}

/// Steps 2–4 of a release: the changelog section, the READMEs `cargo package` needs, a clean
/// tree (a dry run only notes a dirty one).
fn check_release_inputs(root: &Path, version: &Version, dry_run: bool) -> Result<()> {
    // 2. The changelog.
    let changelog_path = root.join("CHANGELOG.md");
    let changelog = fs::read_to_string(&changelog_path).with_context(|| {
        format!(
            "cannot read {}; create it in Keep a Changelog format",
            changelog_path.display()
        )
    })?;
    match changelog_section(&changelog, version) {
        ChangelogSection::Missing => {
            bail!("CHANGELOG.md has no `## [{version}]` section; add one describing the release")
        }
        ChangelogSection::Unreleased if !dry_run => bail!(
            "CHANGELOG.md's `## [{version}]` section is not dated; write `## [{version}] - YYYY-MM-DD` before releasing"
        ),
        ChangelogSection::Unreleased => println!(
            "  CHANGELOG.md has `## [{version}]`, still undated: date it before the real release"
        ),
        ChangelogSection::Dated(date) => println!("  CHANGELOG.md has `## [{version}] - {date}`"),
    }

    // 3. READMEs: `cargo package` needs the file each manifest names.
    let missing = missing_readmes(root)?;
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|p| format!("  {}", p.display()))
            .collect();
        bail!(
            "{} publishable crate(s) lack the README their Cargo.toml names, so they cannot be \
             packaged; write them first:\n{}",
            missing.len(),
            list.join("\n")
        );
    }
    println!("  every publishable crate has its README");
    let versioned = versioned_dev_dependencies(root)?;
    if !versioned.is_empty() {
        bail!(
            "publishing in order would fail at the first of these:\n{}",
            versioned.join("\n")
        );
    }
    println!("  every dev-dependency on a crate published later is path-only");

    // 4. A clean tree, so the packages are exactly what is committed.
    let dirty = dirty_files(root)?;
    if !dirty.is_empty() {
        if dry_run {
            println!(
                "  note: the working tree has {} uncommitted change(s); the real release refuses to run until they are committed or removed",
                dirty.len()
            );
        } else {
            bail!(
                "the working tree is not clean; commit or remove these first:\n{}",
                dirty.join("\n")
            );
        }
    }

    Ok(())
}

/// Runs the release (or its dry run) as described in the module docs.
pub fn run(options: &Options) -> Result<()> {
    let root = options.root.as_path();
    let version = Version::parse(options.version.trim_start_matches('v')).with_context(|| {
        format!(
            "{:?} is not a semantic version; pass something like 0.2.0",
            options.version
        )
    })?;
    let mode = if options.dry_run { " (dry run)" } else { "" };
    println!("release {version}{mode}");

    // 1. The version bump, computed in memory.
    let manifest_path = root.join("Cargo.toml");
    let manifest = fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let bump = bump_manifest(&manifest, &version)?;
    if version < bump.previous {
        bail!(
            "{version} is lower than the current version {}; releases only move forward",
            bump.previous
        );
    }
    for change in &bump.changes {
        println!("  Cargo.toml {change}");
    }

    check_release_inputs(root, &version, options.dry_run)?;

    let target = target_dir(root);
    if options.dry_run {
        let scratch = tempfile::Builder::new()
            .prefix("ringg-release-")
            .tempdir()
            .context("cannot create a temporary directory for the dry run")?;
        let copied = copy_workspace(root, scratch.path())?;
        fs::write(scratch.path().join("Cargo.toml"), &bump.manifest)
            .context("cannot write the bumped manifest into the scratch copy")?;
        println!(
            "  packaging a scratch copy ({copied} files) in {}",
            scratch.path().display()
        );
        package_all(scratch.path(), &target, &[])?;
        println!("packaged:");
        list_packages(&target, &version);
        println!("dry run: nothing in {} was changed", root.display());
        return Ok(());
    }

    if bump.manifest != manifest {
        fs::write(&manifest_path, &bump.manifest)
            .with_context(|| format!("cannot write {}", manifest_path.display()))?;
        let status = Command::new(cargo())
            .current_dir(root)
            .args(["update", "--workspace"])
            .status()
            .context("cannot run `cargo update --workspace`")?;
        if !status.success() {
            bail!(
                "`cargo update --workspace` failed after the bump; Cargo.toml now says {version}"
            );
        }
        git(
            root,
            &[
                "commit",
                "-m",
                &format!("Release {version}"),
                "--",
                "Cargo.toml",
                "Cargo.lock",
            ],
        )?;
        println!("  committed the version bump");
    }
    package_all(root, &target, &[]).with_context(|| {
        format!(
            "the version bump to {version} is committed; fix the problem, commit, and run \
             `cargo xtask release {version}` again (it skips the bump)"
        )
    })?;
    println!("packaged:");
    list_packages(&target, &version);
    println!(
        "next: `git tag v{version}`, push, then publish in this order (see docs/releasing.md):"
    );
    for name in PUBLISH_ORDER {
        println!("  cargo publish -p {name}");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
