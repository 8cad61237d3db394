//! The printer of `webhooks listen`: event lines go to stdout on a thread of their own, so a
//! slow reader never blocks the receiver's tasks, and an event is acknowledged only once its
//! line was written.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ringg_webhooks::HandlerError;
use tokio::sync::{mpsc, oneshot};

use crate::term::emit;

/// Lines waiting for stdout.
const OUTPUT_QUEUE: usize = 1024;

/// How long a delivery waits for its line to be written before it is answered 500 (so Ringg
/// sends it again): well within the 30 s Ringg waits for an answer.
const PRINT_WAIT: Duration = Duration::from_secs(20);

/// How often the count of lines not printed is reported on stderr.
const REPORT_EVERY: Duration = Duration::from_secs(1);

/// One item for the writer thread.
enum Line {
    /// An event's line; the sender hears once it was written (and it is not written when the
    /// delivery stopped waiting for it).
    Event(String, oneshot::Sender<()>),
    /// A line nothing waits for (the forwarder's, whose app holds the event).
    Plain(String),
    /// No more lines.
    End,
}

/// Writes lines to stdout through a bounded queue (see the [module docs](self)).
#[derive(Clone)]
pub(super) struct Printer {
    lines: mpsc::Sender<Line>,
    /// Event lines not written in time (answered 500) and plain lines dropped on a full queue.
    not_printed: Arc<AtomicU64>,
    done: Arc<Mutex<Option<std::sync::mpsc::Receiver<()>>>>,
}

impl Printer {
    pub(super) fn start() -> Self {
        let (lines, mut queue) = mpsc::channel::<Line>(OUTPUT_QUEUE);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            // `emit` ends the program quietly when stdout is closed (`ringg … | head`).
            while let Some(line) = queue.blocking_recv() {
                match line {
                    // The delivery gave up waiting: it was answered 500 and comes again.
                    Line::Event(_, ack) if ack.is_closed() => {}
                    Line::Event(line, ack) => {
                        emit(line);
                        let _ = ack.send(());
                    }
                    Line::Plain(line) => emit(line),
                    Line::End => break,
                }
            }
            let _ = done_tx.send(());
        });
        let not_printed = Arc::new(AtomicU64::new(0));
        let counted = not_printed.clone();
        std::thread::spawn(move || {
            let mut reported = 0;
            loop {
                std::thread::sleep(REPORT_EVERY);
                reported = report_not_printed(&counted, reported);
            }
        });
        Self {
            lines,
            not_printed,
            done: Arc::new(Mutex::new(Some(done_rx))),
        }
    }

    /// Prints an event's line, and returns once it was written. When stdout is not being read
    /// and the line could not be written within [`PRINT_WAIT`], fails instead, so the
    /// delivery is answered 500, its dedupe key is forgotten and Ringg sends it again: an event
    /// is never acknowledged without having been printed.
    pub(super) async fn print_event(self, line: String) -> Result<(), HandlerError> {
        let (ack, written) = oneshot::channel();
        let printed = tokio::time::timeout(PRINT_WAIT, async {
            self.lines.send(Line::Event(line, ack)).await.ok()?;
            written.await.ok()
        })
        .await;
        if let Ok(Some(())) = printed {
            return Ok(());
        }
        self.not_printed.fetch_add(1, Ordering::Relaxed);
        Err(HandlerError::msg(
            "the event's line could not be written (stdout is not being read), so it was not acknowledged",
        ))
    }

    /// Queues a line nothing waits for, or counts it when the queue is full. Never blocks.
    pub(super) fn print(&self, line: String) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.lines.try_send(Line::Plain(line)) {
            self.not_printed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Lets the writer print what is queued, waiting at most `wait`, then reports the count of
    /// lines not printed.
    pub(super) fn finish(&self, wait: Duration) {
        let until = std::time::Instant::now() + wait;
        let mut queued_end = false;
        while std::time::Instant::now() < until {
            match self.lines.try_send(Line::End) {
                Ok(()) => {
                    queued_end = true;
                    break;
                }
                Err(mpsc::error::TrySendError::Full(_)) => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(mpsc::error::TrySendError::Closed(_)) => break,
            }
        }
        let done = self.done.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let (true, Some(done)) = (queued_end, done) {
            let left = until.saturating_duration_since(std::time::Instant::now());
            let _ = done.recv_timeout(left);
        }
        let n = self.not_printed.load(Ordering::Relaxed);
        if n > 0 {
            crate::term::err_line(format!(
                "warning: {n} line(s) not printed in all: output was not being read (events among them were answered 500, so Ringg sends them again)"
            ));
        }
    }
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
