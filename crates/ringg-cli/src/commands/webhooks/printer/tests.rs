//! Unit tests of the printer's holding of lines.

use super::*;

/// A line is held only while it is queued and fewer than [`MAX_HELD`] are held; the count
/// follows.
#[tokio::test]
async fn a_line_is_held_only_while_queued_and_under_the_cap() {
    let printer = Printer::start();
    let queued = Arc::new(AtomicU8::new(QUEUED));
    assert_eq!(printer.hold(&queued, None, true), Hold::Held);
    assert_eq!(queued.load(Ordering::Acquire), HELD);
    assert_eq!(printer.unwritten_held.load(Ordering::Acquire), 1);
    // Taken by the writer meanwhile: not held, the count as it was.
    let taken = Arc::new(AtomicU8::new(TAKEN));
    assert_eq!(printer.hold(&taken, None, true), Hold::No);
    assert_eq!(taken.load(Ordering::Acquire), TAKEN);
    assert_eq!(printer.unwritten_held.load(Ordering::Acquire), 1);
    // Not to be held (no copy was made): not held even with room, but to overflow.
    let uncopied = Arc::new(AtomicU8::new(QUEUED));
    assert_eq!(printer.hold(&uncopied, None, false), Hold::Full);
    assert_eq!(uncopied.load(Ordering::Acquire), OVERFLOWING);
    assert_eq!(printer.unwritten_held.load(Ordering::Acquire), 1);
    // At the cap: not held, to overflow (its event goes to the overflow file).
    printer.unwritten_held.store(MAX_HELD, Ordering::Release);
    let over = Arc::new(AtomicU8::new(QUEUED));
    assert_eq!(printer.hold(&over, None, true), Hold::Full);
    assert_eq!(over.load(Ordering::Acquire), OVERFLOWING);
    assert_eq!(printer.unwritten_held.load(Ordering::Acquire), MAX_HELD);
    // Taken by the writer meanwhile: nothing.
    assert_eq!(printer.hold(&taken, None, true), Hold::No);
    assert_eq!(taken.load(Ordering::Acquire), TAKEN);
}

/// Once [`MAX_HELD`] lines are held, the event of a further line not printed in time is
/// not lost: it is added to the overflow file (synced, one JSON object per line, the file
/// kept private), no copy of it is left among the held ones, and its line is given up so
/// the writer skips it.
#[tokio::test]
async fn past_the_cap_an_event_goes_to_the_overflow_file() {
    let root = tempfile::tempdir().unwrap();
    let mut printer = Printer::start();
    printer.folder = Arc::new(held::Folder::in_root(root.path()));
    printer.overflow = Arc::new(held::Overflow::in_root(root.path()));
    printer.unwritten_held.store(MAX_HELD, Ordering::Release);
    let mut states = Vec::new();
    for id in ["c-1", "c-2"] {
        let event = WebhookEvent::from_slice(
            format!(r#"{{"status":"success","data":{{"call_id":"{id}"}}}}"#).as_bytes(),
        )
        .unwrap();
        let state = Arc::new(AtomicU8::new(QUEUED));
        assert!(printer.track(&state, &event));
        assert!(printer.hold_kept(&state, &event).await);
        assert_eq!(state.load(Ordering::Acquire), GIVEN_UP);
        states.push(state);
    }
    assert_eq!(printer.overflowed.load(Ordering::Relaxed), 2);
    let files: Vec<PathBuf> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("webhooks-unprinted-") && name.ends_with(".jsonl"),
        "{name}"
    );
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["data"]["call_id"].to_string()
        })
        .collect();
    assert_eq!(ids, [r#""c-1""#, r#""c-2""#]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // No copy among the held events (none was made), and a save writes neither event again.
    assert!(!root.path().join(held::HELD_DIR).exists());
    printer.save_held();
    let files = std::fs::read_dir(root.path()).unwrap().count();
    assert_eq!(files, 1, "a save wrote a file");
}

/// A `listen` stopping while an event is being added to the overflow file (its line
/// `OVERFLOWING`) saves that event with the held ones: it is not left out of both files.
#[tokio::test]
async fn a_save_takes_an_event_still_being_added_to_the_overflow_file() {
    let root = tempfile::tempdir().unwrap();
    let mut printer = Printer::start();
    printer.folder = Arc::new(held::Folder::in_root(root.path()));
    let event =
        WebhookEvent::from_slice(br#"{"status":"success","data":{"call_id":"c-over"}}"#).unwrap();
    let state = Arc::new(AtomicU8::new(QUEUED));
    assert!(printer.track(&state, &event));
    printer.unwritten_held.store(MAX_HELD, Ordering::Release);
    assert_eq!(printer.hold(&state, None, true), Hold::Full);
    printer.save_held();
    assert_eq!(state.load(Ordering::Acquire), SAVED);
    let saved: Vec<String> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(saved[0].contains("c-over"), "{saved:?}");
}

/// An overflow file removed while `listen` runs is not written to any more: the next event
/// goes to a new file, which is named again.
#[test]
fn an_overflow_file_removed_meanwhile_is_made_again() {
    let root = tempfile::tempdir().unwrap();
    let overflow = held::Overflow::in_root(root.path());
    let (first, new) = overflow.add(r#"{"a":1}"#).unwrap();
    assert!(new);
    assert_eq!(overflow.add(r#"{"a":2}"#).unwrap(), (first.clone(), false));
    std::fs::remove_file(&first).unwrap();
    let (second, new) = overflow.add(r#"{"a":3}"#).unwrap();
    assert!(new);
    assert_eq!(std::fs::read_to_string(&second).unwrap(), "{\"a\":3}\n");
}

/// Once the events were saved (`listen` is stopping), no event is tracked and no line
/// held.
#[tokio::test]
async fn nothing_is_tracked_or_held_once_the_events_were_saved() {
    let printer = Printer::start();
    let event =
        WebhookEvent::from_slice(br#"{"status":"success","data":{"call_id":"c-1"}}"#).unwrap();
    printer.held_events.lock().unwrap().saved = true;
    let queued = Arc::new(AtomicU8::new(QUEUED));
    assert!(!printer.track(&queued, &event));
    assert_eq!(printer.hold(&queued, None, true), Hold::No);
    assert_eq!(queued.load(Ordering::Acquire), QUEUED);
    assert_eq!(printer.unwritten_held.load(Ordering::Acquire), 0);
}

/// Tracked events are kept until their line is written or given up; the events of lines
/// queued, held or being written are what a save takes, and the writer skips them then.
#[tokio::test]
async fn a_save_takes_the_events_of_lines_not_written() {
    let printer = Printer::start();
    let event =
        WebhookEvent::from_slice(br#"{"status":"success","data":{"call_id":"c-1"}}"#).unwrap();
    let states: Vec<Arc<AtomicU8>> = [QUEUED, HELD, TAKEN, WRITTEN, GIVEN_UP]
        .into_iter()
        .map(|s| Arc::new(AtomicU8::new(s)))
        .collect();
    for state in &states {
        assert!(printer.track(state, &event));
    }
    // Written and given-up lines are dropped at the next track.
    let next = Arc::new(AtomicU8::new(QUEUED));
    assert!(printer.track(&next, &event));
    assert_eq!(printer.held_events.lock().unwrap().events.len(), 4);
    let saved: Vec<u8> = std::mem::take(&mut printer.held_events.lock().unwrap().events)
        .into_iter()
        .map(|h| h.state.load(Ordering::Acquire))
        .collect();
    assert_eq!(saved, [QUEUED, HELD, TAKEN, QUEUED]);
}
