//! The printer of `webhooks listen`: event lines go to stdout on a thread of their own, so a
//! slow reader never blocks the receiver's tasks, and an event is acknowledged only once its
//! line was written; a delivery Ringg does not send again, or an attempt of an event this
//! `listen` refused once already, is answered 200 after a while even so, its line still queued
//! and its event kept on disk (see [`held`]) until the line was written, and saved to a file in
//! the state folder if `listen` stops first.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ringg_webhooks::{HandlerError, WebhookEvent};
use tokio::sync::{mpsc, oneshot};

use super::held;
use super::refused_before::RefusedBefore;
use super::renewal::{Claim, written_renewing};
use crate::term::try_emit;

/// Lines waiting for stdout.
const OUTPUT_QUEUE: usize = 1024;

/// How long a delivery waits for its line to be written before it is answered 500 (so Ringg
/// sends it again): well within the 30 s Ringg waits for an answer.
const PRINT_WAIT: Duration = Duration::from_secs(20);

/// Where an event's line is: queued; taken by the writer (being written, or written); or given
/// up by its delivery, which was answered 500 (then the writer skips it). Each moves out of
/// `QUEUED` once, by compare-and-swap, so a line is never both written and given up. A line
/// of a delivery Ringg does not send again may be `HELD` instead of given up: answered 200 and
/// still to be written, which moves it on to `TAKEN` and, once written, `WRITTEN`; or to
/// `SAVED` when `listen` stops first and its event is saved to a file instead. Past
/// [`MAX_HELD`], such a line is `OVERFLOWING` instead of held: not to be written, its event
/// being added to the overflow file, then `GIVEN_UP` (or `SAVED`, as a held line, when
/// `listen` stops first).
const QUEUED: u8 = 0;
const TAKEN: u8 = 1;
const GIVEN_UP: u8 = 2;
const HELD: u8 = 3;
const WRITTEN: u8 = 4;
const SAVED: u8 = 5;
const OVERFLOWING: u8 = 6;

/// The most held lines not written yet; past it, such a delivery's event is added to a file in
/// the state folder instead (see [`held::Overflow`]) and its line is not printed, so a reader
/// that never comes back does not make memory grow without end (the file grows instead: it
/// is the last place such an event can go).
const MAX_HELD: usize = 4096;

/// One item for the writer thread.
enum Line {
    /// An event's line, where it is (`QUEUED`, …), and who hears once it was written.
    Event(String, Arc<AtomicU8>, oneshot::Sender<()>),
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
    /// Lines of deliveries Ringg does not send again, not written in time: answered 200 and
    /// still queued (in all, for the report).
    held: Arc<AtomicU64>,
    /// Held lines not written yet.
    unwritten_held: Arc<AtomicUsize>,
    /// The events of held lines (those written are dropped as lines are held), saved to a
    /// file when `listen` stops before their lines were written.
    held_events: Arc<Mutex<HeldEvents>>,
    /// The copies on disk of held lines' events.
    folder: Arc<held::Folder>,
    /// Where events go that are not held as [`MAX_HELD`] lines are held already.
    overflow: Arc<held::Overflow>,
    /// How many went there.
    overflowed: Arc<AtomicU64>,
    /// Whether a copy that could not be written was said on stderr.
    unkept_said: Arc<std::sync::atomic::AtomicBool>,
    /// Subscription events answered 500, whose next attempt is held instead.
    refused_before: Arc<RefusedBefore>,
    done: Arc<Mutex<Option<std::sync::mpsc::Receiver<()>>>>,
}

impl Printer {
    pub(super) fn start() -> Self {
        let (lines, mut queue) = mpsc::channel::<Line>(OUTPUT_QUEUE);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let unwritten_held = Arc::new(AtomicUsize::new(0));
        let written_held = unwritten_held.clone();
        let held_events = Arc::<Mutex<HeldEvents>>::default();
        let folder = Arc::<held::Folder>::default();
        let (events, files) = (held_events.clone(), folder.clone());
        std::thread::spawn(move || {
            // A write that fails ends the program, as `emit` does (quietly when stdout was
            // closed: `ringg … | head`), once the held lines' events are saved.
            let write = |line: String| {
                if let Err(e) = try_emit(line) {
                    save_held(&events, &files);
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        std::process::exit(0);
                    }
                    crate::term::err_line(format!("error: could not write to stdout: {e}"));
                    std::process::exit(1);
                }
            };
            while let Some(line) = queue.blocking_recv() {
                match line {
                    Line::Event(line, state, ack) => {
                        // Skipped when its delivery gave up (answered 500: it comes again).
                        if take(&state, TAKEN) {
                            write(line);
                            state.store(WRITTEN, Ordering::Release);
                            let _ = ack.send(());
                        } else if state
                            .compare_exchange(HELD, TAKEN, Ordering::AcqRel, Ordering::Acquire)
                            .is_ok()
                        {
                            write(line);
                            forget_file(&events, &state);
                            state.store(WRITTEN, Ordering::Release);
                            written_held.fetch_sub(1, Ordering::AcqRel);
                        }
                    }
                    Line::Plain(line) => write(line),
                    Line::End => break,
                }
            }
            let _ = done_tx.send(());
        });
        let not_printed = Arc::new(AtomicU64::new(0));
        let held = Arc::new(AtomicU64::new(0));
        let (counted, held_counted) = (not_printed.clone(), held.clone());
        super::reports::start(counted, held_counted);
        Self {
            lines,
            not_printed,
            held,
            unwritten_held,
            held_events,
            folder,
            overflow: Arc::default(),
            overflowed: Arc::default(),
            unkept_said: Arc::default(),
            refused_before: Arc::default(),
            done: Arc::new(Mutex::new(Some(done_rx))),
        }
    }

    /// Prints an event's line, and returns once it was written. When stdout is not being read
    /// and the line could not be written within [`PRINT_WAIT`], fails instead, so the
    /// delivery is answered 500, its dedupe key is forgotten and Ringg sends it again: an event
    /// is never acknowledged without having been printed.
    ///
    /// A delivery Ringg does not send again (a per-call callback, a campaign's notice; see
    /// [`WebhookEvent::is_retried_by_ringg`]) would be lost by that 500, and so would a
    /// subscription event once Ringg's last attempt was refused: such a line (a subscription
    /// event's from the attempt after one answered 500, see [`RefusedBefore`]) stays queued
    /// instead, printed once the output is read while this `listen` runs (or its event saved
    /// by [`finish`](Self::finish) when `listen` stops first), and the delivery is answered
    /// 200 (up to [`MAX_HELD`] such lines at once) once its event was written to disk, so
    /// that a `listen` killed meanwhile does not lose it either.
    ///
    /// A line the writer took before the wait ran out is waited for, as long as its write
    /// takes, with the delivery's `claim` in the dedupe store renewed meanwhile: answering 500
    /// then would print it twice, once now and once for Ringg's retry. Only one line is in the
    /// writer's hands at a time, and the process ending ends the renewals (the claim then
    /// expires, and Ringg's retry is handed over to the next receiver).
    pub(super) async fn print_event(
        self,
        line: String,
        claim: Option<Claim>,
        event: WebhookEvent,
    ) -> Result<(), HandlerError> {
        let state = Arc::new(AtomicU8::new(QUEUED));
        // A delivery Ringg does not send again, or an attempt after one refused, is kept track
        // of until its line is written (or its event saved), from before the writer can take it.
        // The event's key, as the handler computed it for its claim.
        let key = claim.as_ref().map(|c| c.key.clone());
        let refused_before = key
            .as_ref()
            .is_some_and(|k| self.refused_before.contains(k));
        let holdable =
            (!event.is_retried_by_ringg() || refused_before) && self.track(&state, &event);
        let (ack, mut written) = oneshot::channel();
        let item = Line::Event(line, state.clone(), ack);
        // Queued at once when the queue has room; else by a task of its own, which outlives
        // this delivery's answer when the line is to be printed later. A line that could not
        // be queued drops `ack`, so `written` ends.
        let queued = match self.lines.try_send(item) {
            Err(mpsc::error::TrySendError::Full(item)) => {
                let lines = self.lines.clone();
                Some(tokio::spawn(async move {
                    let _ = lines.send(item).await;
                }))
            }
            _ => None,
        };
        let printed = match tokio::time::timeout(PRINT_WAIT, &mut written).await {
            Ok(printed) => printed.is_ok(),
            Err(_) => {
                if holdable && self.hold_kept(&state, &event).await {
                    // Held; or its event in the overflow file (or saved), its line not to be
                    // written.
                    let unwritten = [OVERFLOWING, GIVEN_UP, SAVED];
                    if let Some(queued) =
                        queued.filter(|_| unwritten.contains(&state.load(Ordering::Acquire)))
                    {
                        queued.abort();
                    }
                    return Ok(());
                }
                if take(&state, GIVEN_UP) {
                    if let Some(queued) = queued {
                        queued.abort();
                    }
                    false
                } else {
                    // Tracked from now on, so that `listen` stopping while the write is stuck
                    // saves the event: Ringg's attempts meanwhile are answered 503. Copied to
                    // disk too, so that a `listen` killed meanwhile does not lose it either.
                    if !holdable {
                        self.track(&state, &event);
                    }
                    // The claim is renewed while the copy is written, not after.
                    let (copy, written) =
                        tokio::join!(self.keep_taken(&state), written_renewing(written, claim));
                    if let Some(copy) = copy.filter(|_| written) {
                        let _ = std::fs::remove_file(copy);
                    }
                    written
                }
            }
        };
        // Written, or (`listen` stopping) its event saved to a file instead.
        if printed || state.load(Ordering::Acquire) == SAVED {
            if let Some(key) = key.filter(|_| refused_before) {
                self.refused_before.forget(&key);
            }
            return Ok(());
        }
        if let Some(key) = key {
            self.refused_before.note(key);
        }
        self.not_printed.fetch_add(1, Ordering::Relaxed);
        Err(HandlerError::msg(
            "the event's line could not be written (stdout is not being read), so it was not acknowledged",
        ))
    }

    /// Keeps `event` with its line's `state` until the line is written, so that
    /// [`save_held`] saves it if `listen` stops first; false (not kept) once the events were
    /// saved.
    fn track(&self, state: &Arc<AtomicU8>, event: &WebhookEvent) -> bool {
        let mut held = self.held_events.lock().unwrap_or_else(|p| p.into_inner());
        if held.saved {
            return false;
        }
        held.events
            .retain(|h| !matches!(h.state.load(Ordering::Acquire), WRITTEN | GIVEN_UP));
        held.events.push(HeldEvent {
            state: state.clone(),
            json: held::one_line_json(event),
            file: None,
        });
        true
    }

    /// Writes the event of a still queued line to disk ([`held::Folder::keep`]), then holds
    /// the line ([`hold`](Self::hold)); the file is removed again when the line is not held.
    /// A copy that cannot be written is said on stderr, and the line held even so (in memory
    /// only, as answering 500 would lose the event for sure). True when held, or when
    /// [`MAX_HELD`] lines are held already and the event went to the overflow file instead
    /// (see [`overflow`](Self::overflow); its line given up).
    async fn hold_kept(&self, state: &Arc<AtomicU8>, event: &WebhookEvent) -> bool {
        if state.load(Ordering::Acquire) != QUEUED {
            return false;
        }
        // The line `track` made of the event (made again only if it is not tracked).
        let json = self
            .held_events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .tracked(state)
            .map(|h| h.json.clone())
            .unwrap_or_else(|| held::one_line_json(event));
        // No copy when it is not going to be held (then it is not held: see `hold`).
        let may_hold = self.unwritten_held.load(Ordering::Acquire) < MAX_HELD;
        let kept = if may_hold {
            let (folder, json) = (self.folder.clone(), json.clone());
            tokio::task::spawn_blocking(move || folder.keep(&json))
                .await
                .unwrap_or_else(|e| Err(e.to_string()))
        } else {
            Ok(None)
        };
        let file = kept
            .inspect_err(|e| {
                if !self.unkept_said.swap(true, Ordering::AcqRel) {
                    crate::term::err_line(format!(
                        "warning: an event answered 200 before its line was printed is held in memory only, as no copy could be written ({e}); it is lost if listen is killed. Free space in the state folder, or fix its permissions, so later ones are kept (said once)"
                    ));
                }
            })
            .ok()
            .flatten();
        let held = self.hold(state, file.clone(), may_hold);
        if held == Hold::Held {
            return true;
        }
        if let Some(file) = file {
            let _ = std::fs::remove_file(file);
        }
        if held == Hold::Full {
            self.overflow(state, json).await;
            return true;
        }
        false
    }

    /// Copies to disk ([`held::Folder::keep`]) the tracked event of a line the writer took and
    /// has not written, for the next `listen` to save if this one is killed first; `None` when
    /// none was kept (the events were saved, or it could not be written: said once).
    async fn keep_taken(&self, state: &Arc<AtomicU8>) -> Option<PathBuf> {
        let json = self
            .held_events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .tracked(state)
            .map(|h| h.json.clone())?;
        let folder = self.folder.clone();
        let kept = tokio::task::spawn_blocking(move || folder.keep(&json))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        let file = match kept {
            Ok(file) => file?,
            Err(e) => {
                if !self.unkept_said.swap(true, Ordering::AcqRel) {
                    crate::term::err_line(format!(
                        "warning: an event whose line is stuck in the output is kept in memory only, as no copy could be written ({e}); it is lost if listen is killed (said once)"
                    ));
                }
                return None;
            }
        };
        let mut held = self.held_events.lock().unwrap_or_else(|p| p.into_inner());
        // Not when saved meanwhile (`listen` stopping).
        if let (false, Some(tracked)) = (held.saved, held.tracked(state)) {
            tracked.file = Some(file.clone());
            return Some(file);
        }
        let _ = std::fs::remove_file(file);
        None
    }

    /// Adds the event `json` of an `OVERFLOWING` line (`state`) to the overflow file, synced
    /// (saying where on stderr, once per file), then gives the line up; until then a save
    /// ([`save_held`]) takes the event as it takes a held one. When it cannot be written, says
    /// so and writes the event on stderr, its line left for a save when `listen` stops: the
    /// delivery is answered 200 either way (a 500 would lose it for sure).
    async fn overflow(&self, state: &AtomicU8, json: String) {
        let overflow = self.overflow.clone();
        let line = json.clone();
        let added = tokio::task::spawn_blocking(move || overflow.add(&line))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        match added {
            Ok((path, new)) => {
                self.overflowed.fetch_add(1, Ordering::Relaxed);
                // Saved meanwhile (`listen` stopping): in both files.
                let _ = state.compare_exchange(
                    OVERFLOWING,
                    GIVEN_UP,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
                if new {
                    crate::term::err_line(format!(
                        "warning: {MAX_HELD} held lines are waiting for the output to be read; the events of further ones are answered 200 and saved in {} instead of printed (one event's JSON per line)",
                        path.display()
                    ));
                }
            }
            Err(e) => crate::term::err_line(format!(
                "warning: {MAX_HELD} held lines are waiting for the output to be read, and a further event answered 200 could not be saved ({e}); free space in the state folder, or fix its permissions. Here it is (it is saved again when listen stops, if it can be): {json}"
            )),
        }
    }

    /// Holds a queued line of a tracked event (see [`HELD`], [`track`](Self::track)), with
    /// its event's copy on disk (`file`) noted for the writer to remove once the line is
    /// written. Not when the writer took it meanwhile or the events were saved (`listen` is
    /// stopping); and when [`MAX_HELD`] are held already, or `may_hold` is false (no copy was
    /// made, as they were a moment ago), the line is `OVERFLOWING` instead ([`Hold::Full`]).
    fn hold(&self, state: &Arc<AtomicU8>, file: Option<PathBuf>, may_hold: bool) -> Hold {
        // Under the lock `save_held` takes: a line is never held or given up here after the
        // events were saved.
        let mut held = self.held_events.lock().unwrap_or_else(|p| p.into_inner());
        if held.saved {
            return Hold::No;
        }
        let counted = may_hold
            && self
                .unwritten_held
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    (n < MAX_HELD).then_some(n + 1)
                })
                .is_ok();
        if !counted {
            return match take(state, OVERFLOWING) {
                true => Hold::Full,
                false => Hold::No,
            };
        }
        if take(state, HELD) {
            if let Some(tracked) = held.tracked(state) {
                tracked.file = file;
            }
            self.held.fetch_add(1, Ordering::Relaxed);
            return Hold::Held;
        }
        self.unwritten_held.fetch_sub(1, Ordering::AcqRel);
        Hold::No
    }

    /// Queues a line nothing waits for, or counts it when the queue is full. Never blocks.
    pub(super) fn print(&self, line: String) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.lines.try_send(Line::Plain(line)) {
            self.not_printed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Lets the writer print what is queued, waiting at most `wait`, then saves the events of
    /// held lines still not written (see [`save_held`](Self::save_held)) and reports the count
    /// of lines not printed.
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
        // What the writer did not write by now (nothing, when it drained the queue).
        self.save_held();
        let n = self.overflowed.load(Ordering::Relaxed);
        if n > 0 {
            crate::term::err_line(format!(
                "warning: {n} held event(s) answered 200 were saved to a webhooks-unprinted-*.jsonl file in the state folder instead of printed (named when the first went there)"
            ));
        }
        let n = self.not_printed.load(Ordering::Relaxed);
        if n > 0 {
            crate::term::err_line(format!(
                "warning: {n} line(s) not printed in all: output was not being read (events among them were answered 500, so Ringg sends them again)"
            ));
        }
    }

    /// Saves the events of held lines not written yet, once (see [`save_held`]).
    pub(super) fn save_held(&self) {
        save_held(&self.held_events, &self.folder);
    }
}

/// What [`Printer::hold`] did with a line.
#[derive(Debug, PartialEq, Eq)]
enum Hold {
    /// Held (`HELD`).
    Held,
    /// Not to be written (`OVERFLOWING`), as [`MAX_HELD`] lines are held already: its event
    /// goes to the overflow file.
    Full,
    /// Nothing: the writer took it, or the events were saved.
    No,
}

/// The events of held lines, and whether they were saved (then no line is held any more).
#[derive(Default)]
struct HeldEvents {
    events: Vec<HeldEvent>,
    saved: bool,
}

impl HeldEvents {
    /// The tracked event whose line is `state`.
    fn tracked(&mut self, state: &Arc<AtomicU8>) -> Option<&mut HeldEvent> {
        self.events
            .iter_mut()
            .find(|h| Arc::ptr_eq(&h.state, state))
    }
}

/// Saves the events of held lines not written yet (a line the writer holds but has not
/// finished writing included: it may appear in the output too; so is a subscription event's
/// line stuck in the writer past [`PRINT_WAIT`], whose delivery may never be answered) to a new
/// file in the state folder, one event's JSON per line, and says where on stderr; their
/// deliveries were answered 200, or may not be sent again. Called when `listen` stops (or its output fails);
/// a held line still queued is not written afterwards, and no line is held after it. A second
/// call waits for the first one's file, then saves nothing. The copies on disk are removed once
/// the file is written (kept when it could not be, for the next `listen` to save).
fn save_held(held: &Mutex<HeldEvents>, folder: &held::Folder) {
    let mut held = held.lock().unwrap_or_else(|p| p.into_inner());
    if held.saved {
        return;
    }
    held.saved = true;
    let unwritten: Vec<String> = std::mem::take(&mut held.events)
        .into_iter()
        .filter(|h| {
            // Queued, held or being added to the overflow file: the writer skips it from now
            // on. Taken: being written, and maybe never finished.
            [QUEUED, HELD, OVERFLOWING].into_iter().any(|from| {
                h.state
                    .compare_exchange(from, SAVED, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            }) || h.state.load(Ordering::Acquire) == TAKEN
        })
        .map(|h| h.json)
        .collect();
    if unwritten.is_empty() {
        folder.remove();
        return;
    }
    let n = unwritten.len();
    let why = "output was not being read when listen stopped";
    match held::save_lines(folder.root(), &unwritten) {
        Ok(path) => {
            folder.remove();
            crate::term::err_line(format!(
                "warning: {n} event line(s) were not printed ({why}); their events are saved in {} (one event's JSON per line)",
                path.display()
            ));
        }
        Err(e) => {
            // The last place left for them (those held also keep their copies, for the next
            // `listen` to save).
            let copies = folder.dir().map_or_else(String::new, |dir| {
                format!(
                    "; those held also stay in {} (a listen started later saves them, on Unix)",
                    dir.display()
                )
            });
            crate::term::err_line(format!(
                "warning: {n} event line(s) were not printed ({why}), and their events could not be saved ({e}){copies}; here they are, one event's JSON per line:"
            ));
            for line in &unwritten {
                crate::term::err_line(line);
            }
        }
    }
    // `held` stays locked until here: a second caller returns only once the file is written.
    drop(held);
}

/// The event of a held line, where the line is, and the event's copy on disk once held.
struct HeldEvent {
    state: Arc<AtomicU8>,
    json: String,
    file: Option<PathBuf>,
}

/// Removes the copy on disk of the event whose held line (`state`) was just written.
fn forget_file(held: &Mutex<HeldEvents>, state: &Arc<AtomicU8>) {
    let file = held
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .tracked(state)
        .and_then(|h| h.file.take());
    if let Some(file) = file {
        let _ = std::fs::remove_file(file);
    }
}

/// Moves a queued line to `to` (`TAKEN` by the writer, `GIVEN_UP` or `HELD` by its delivery);
/// false when the other side moved it first.
fn take(state: &AtomicU8, to: u8) -> bool {
    state
        .compare_exchange(QUEUED, to, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
}

#[cfg(test)]
mod tests;
