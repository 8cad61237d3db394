//! `sim-serve.json` in the state folder: how `ringg login --sim` finds the `ringg sim serve`
//! running on this machine.
//!
//! A simulator writes its base URL and process id there when it starts and takes them away
//! when it stops. Simulators started one after another share the file: the newest is named,
//! and one that stops puts back the record of the one it replaced while that one still runs,
//! and leaves the file alone when a newer simulator has taken it over.

use std::path::{Path, PathBuf};

use crate::error::CliError;

/// This simulator's claim on the file.
pub(crate) struct Marker {
    path: PathBuf,
    /// The record of the simulator this one replaced, while that one was running.
    previous: Option<Record>,
}

impl Marker {
    /// Names the simulator at `base_url` (this process) in the file.
    ///
    /// # Errors
    /// The state folder cannot be chosen or created, or the file cannot be written.
    pub(crate) fn write(base_url: &str) -> Result<Self, CliError> {
        let path = crate::state::path(crate::state::SIM_SERVE_FILE)?;
        let previous = Record::read(&path).filter(|r| r.pid.is_some_and(process_alive));
        let record = Record {
            base_url: Some(base_url.to_owned()),
            pid: Some(u64::from(std::process::id())),
        };
        std::fs::write(&path, record.to_json())
            .map_err(|e| CliError::io(format!("cannot write {}", path.display()), &e))?;
        Ok(Self { path, previous })
    }

    /// On stop: when the file still names this process, puts back the simulator this one
    /// replaced if it still runs, else removes the file.
    pub(crate) fn remove(self) {
        let ours = Record::read(&self.path).and_then(|r| r.pid);
        if ours != Some(u64::from(std::process::id())) {
            return;
        }
        // Still running: its process (where the system can tell) and its port answer.
        let running = |r: &Record| {
            r.pid.is_some_and(process_alive) && r.base_url.as_deref().is_some_and(answers)
        };
        match self.previous.filter(running) {
            Some(previous) => {
                let _ = std::fs::write(&self.path, previous.to_json());
            }
            None => {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }
}

/// The base URL of the `ringg sim serve` running on this machine, from its file.
///
/// # Errors
/// No simulator runs (no file, or one left by a simulator killed without its cleanup, which
/// is removed), or the file is damaged.
pub(crate) fn running_base_url() -> Result<String, CliError> {
    let path = crate::state::path(crate::state::SIM_SERVE_FILE)?;
    if !path.exists() {
        return Err(CliError::failed(
            "no `ringg sim serve` is running for this user (start one in another terminal), or give its --base-url",
        ));
    }
    let Record { base_url, pid } = Record::read(&path).unwrap_or_default();
    if let Some(pid) = pid
        && !process_alive(pid)
        && !base_url.as_deref().is_some_and(answers)
    {
        // Left by a simulator killed without its cleanup (SIGKILL).
        let _ = std::fs::remove_file(&path);
        return Err(gone(&path));
    }
    base_url.ok_or_else(|| {
        CliError::failed(format!(
            "{} is damaged; restart `ringg sim serve`, or give its --base-url",
            path.display()
        ))
    })
}

fn gone(path: &Path) -> CliError {
    CliError::failed(format!(
        "no `ringg sim serve` is running for this user (the one that wrote {} stopped without removing it); start one in another terminal, or give its --base-url",
        path.display()
    ))
}

/// What the file holds: the simulator's base URL and process id (either may be missing from
/// a damaged file).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Record {
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    pid: Option<u64>,
}

impl Record {
    /// The record in `path`; `None` when it cannot be read or is not a JSON object.
    fn read(path: &Path) -> Option<Self> {
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Whether something accepts connections at `base_url`'s host and port within half a second
/// (a simulator in another process namespace, whose process id this one cannot see).
fn answers(base_url: &str) -> bool {
    let Ok(url) = url::Url::parse(base_url) else {
        return false;
    };
    let Ok(addrs) = url.socket_addrs(|| None) else {
        return false;
    };
    addrs.iter().any(|a| {
        std::net::TcpStream::connect_timeout(a, std::time::Duration::from_millis(500)).is_ok()
    })
}

/// Whether process `pid` is running, where the system can tell (Linux's `/proc`); true
/// elsewhere.
fn process_alive(pid: u64) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}
