//! The signals that ask a long-running command to stop: Ctrl-C, and on Unix SIGTERM and
//! SIGHUP.

use crate::error::CliError;

/// Ctrl-C (SIGINT), and on Unix SIGTERM (`kill`, a service manager stopping it) and SIGHUP
/// (the terminal closed), as a stream: each asks the command (`webhooks listen`, `calls tail`)
/// to stop as Ctrl-C does, rather than ending the process before it saved or showed what it
/// holds. SIGHUP is left alone off Linux, and when the process started with it ignored
/// (`nohup`), so it keeps running. On Unix the handlers are installed when this is created.
pub(crate) struct Interrupts {
    #[cfg(unix)]
    signals: Vec<(tokio::signal::unix::Signal, i32)>,
}

/// Whether SIGHUP is to keep its disposition: the process started with it ignored, as
/// `nohup` starts it, or that cannot be told (read from `/proc/self/status` on Linux; other
/// systems keep SIGHUP's disposition).
#[cfg(unix)]
fn sighup_left_alone() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| sighup_ignored_in(&status))
        .unwrap_or(true)
}

/// Whether the `SigIgn` mask of a `/proc/<pid>/status` text holds SIGHUP (signal 1, the
/// mask's lowest bit); `None` without a readable mask.
#[cfg(unix)]
fn sighup_ignored_in(status: &str) -> Option<bool> {
    let mask = status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))?
        .trim();
    let last = mask.get(mask.len().checked_sub(1)?..)?;
    u8::from_str_radix(last, 16).ok().map(|low| low & 1 == 1)
}

impl Interrupts {
    pub(crate) fn new() -> Result<Self, CliError> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let install = |kind: SignalKind| {
                signal(kind).map_err(|e| CliError::io("could not install the Ctrl-C handler", &e))
            };
            // Each with the exit code of a process it ends: 128 and its number.
            let mut signals = vec![
                (install(SignalKind::interrupt())?, 130),
                (install(SignalKind::terminate())?, 143),
            ];
            if !sighup_left_alone() {
                signals.push((install(SignalKind::hangup())?, 129));
            }
            Ok(Self { signals })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Waits for the next of these signals and returns the exit code of a process it ends;
    /// `None` when none can arrive any more.
    pub(crate) async fn recv(&mut self) -> Option<i32> {
        #[cfg(unix)]
        {
            let next = self.signals.iter_mut().map(|(signal, code)| {
                let code = *code;
                Box::pin(async move { signal.recv().await.map(|()| code) })
            });
            // A stream that ended (`None`) is dropped and the others awaited.
            let mut pending: Vec<_> = next.collect();
            while !pending.is_empty() {
                let (heard, _, rest) = futures::future::select_all(pending).await;
                if heard.is_some() {
                    return heard;
                }
                pending = rest;
            }
            None
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.ok().map(|()| 130)
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::sighup_ignored_in;

    #[test]
    fn the_sighup_bit_is_read_from_the_ignored_mask() {
        let status =
            |mask: &str| format!("Name:\tringg\nSigBlk:\t0000000000000001\nSigIgn:\t{mask}\n");
        assert_eq!(sighup_ignored_in(&status("0000000000000001")), Some(true));
        assert_eq!(sighup_ignored_in(&status("0000000000001000")), Some(false));
        assert_eq!(sighup_ignored_in(&status("0000000000000003")), Some(true));
        assert_eq!(sighup_ignored_in(&status("0000000000000002")), Some(false));
        assert_eq!(sighup_ignored_in("Name:\tringg\n"), None);
        assert_eq!(sighup_ignored_in(&status("")), None);
        assert_eq!(sighup_ignored_in(&status("zz")), None);
    }
}
