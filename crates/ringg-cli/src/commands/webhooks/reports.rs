//! The counts of `webhooks listen`'s lines not printed in time, reported on stderr as they
//! grow (see `printer.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often the count of lines not printed is reported on stderr.
const REPORT_EVERY: Duration = Duration::from_secs(1);

/// Starts the thread that reports, every [`REPORT_EVERY`], the count of lines not printed
/// (`not_printed`) and of lines held (`held`) when either grew.
pub(super) fn start(not_printed: Arc<AtomicU64>, held: Arc<AtomicU64>) {
    std::thread::spawn(move || {
        let (mut reported, mut reported_held) = (0, 0);
        loop {
            std::thread::sleep(REPORT_EVERY);
            reported = report_not_printed(&not_printed, reported);
            reported_held = report_held(&held, reported_held);
        }
    });
}

/// Reports the count of held lines when it grew since `reported`; returns the count reported.
fn report_held(counted: &AtomicU64, reported: u64) -> u64 {
    let n = counted.load(Ordering::Relaxed);
    if n > reported {
        crate::term::err_line(format!(
            "warning: {n} line(s) not printed in time were answered 200 (callbacks and notices, which Ringg does not send again, and attempts of events refused once already), and are printed once the output is read (saved to a file in the state folder if listen stops first)"
        ));
    }
    n
}

/// Reports the count when it grew since `reported`; returns the count reported.
fn report_not_printed(counted: &AtomicU64, reported: u64) -> u64 {
    let n = counted.load(Ordering::Relaxed);
    if n > reported {
        crate::term::err_line(format!(
            "warning: {n} line(s) not printed: output is not being read (events among them are answered 500, so Ringg sends them again)"
        ));
    }
    n
}
