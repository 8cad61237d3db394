//! `cargo xtask`: maintenance tasks of ringg-rs. See the `xtask` library for what each does.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use xtask::{codegen, layout, release, repo_root};

/// Maintenance tasks of ringg-rs.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    /// The repository root to work on (default: the checkout this xtask was built from).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Generate the operation table and docs/endpoints.md from docs/openapi.yaml.
    Codegen {
        /// Write nothing; fail and name every generated file that is out of date.
        #[arg(long)]
        check: bool,
    },
    /// Check the shape rules: no import circle between modules, no file over 600 lines, no
    /// function over 120.
    Layout {
        /// Print the module dependency graph of the crate in this folder instead.
        #[arg(long, value_name = "CRATE_DIR")]
        graph: Option<PathBuf>,
    },
    /// Bump the version, check CHANGELOG.md and the READMEs, and package every crate.
    Release {
        /// The version to release, e.g. 0.2.0.
        version: String,
        /// Change nothing in the repository: package a scratch copy with the bump applied.
        #[arg(long)]
        dry_run: bool,
    },
    /// Build the benchmarks in release mode and print every figure (with its baseline).
    Bench {
        /// Write the figures to docs/performance.md as well.
        #[arg(long)]
        write: bool,
        /// Scale the request counts (1.0 = the documented run; smaller for a quick look).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(repo_root);
    match run(root, cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: PathBuf, task: Task) -> Result<ExitCode> {
    match task {
        Task::Codegen { check: true } => {
            let stale = codegen::check(&root)?;
            if stale.is_empty() {
                println!("generated files are up to date with {}", codegen::SPEC_PATH);
                return Ok(ExitCode::SUCCESS);
            }
            for path in &stale {
                eprintln!(
                    "stale: {} does not match {}",
                    path.display(),
                    codegen::SPEC_PATH
                );
            }
            eprintln!("run `cargo xtask codegen` and commit the result");
            Ok(ExitCode::FAILURE)
        }
        Task::Codegen { check: false } => {
            let written = codegen::write(&root)?;
            if written.is_empty() {
                println!("generated files are already up to date");
            }
            for path in written {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Task::Layout { graph: Some(dir) } => {
            for (module, deps) in layout::module_graph(&root.join(dir))? {
                let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
                println!("{module} -> {}", deps.join(", "));
            }
            Ok(ExitCode::SUCCESS)
        }
        Task::Layout { graph: None } => {
            let findings = layout::check(&root)?;
            for f in &findings {
                eprintln!("{f}");
            }
            if findings.is_empty() {
                println!("every crate keeps the layout rules");
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!("{} finding(s)", findings.len());
            Ok(ExitCode::FAILURE)
        }
        Task::Bench { write, scale } => {
            let mut cmd = std::process::Command::new(release::cargo());
            cmd.current_dir(&root).args([
                "run",
                "--release",
                "--quiet",
                "-p",
                "ringg-bench",
                "--",
                "all",
                "--scale",
                &scale.to_string(),
            ]);
            if write {
                cmd.arg("--write").arg(root.join("docs/performance.md"));
            }
            let status = cmd.status()?;
            Ok(if status.success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Task::Release { version, dry_run } => {
            release::run(&release::Options {
                root,
                version,
                dry_run,
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
