//! The intent journal: what the client is about to do, written down before it does it.
//!
//! The duplicate-call guarantee of [`Calls::initiate`](crate::calls::Calls::initiate) (never
//! resend after an ambiguous failure; settle it with
//! [`reconcile`](crate::calls::Calls::reconcile)) needs the client reference, and a process
//! that dies while the request is in flight takes the reference with it. A [`Journal`] keeps it:
//! a client built with [`ClientBuilder::journal`](crate::ClientBuilder::journal)
//!
//! - records a [`CallIntent`] **before** a call initiation is sent, and its [`CallOutcome`]
//!   (placed with its call id, refused, or unknown) once the answer (or the failure) is in;
//!   [`Calls::pending`](crate::calls::Calls::pending) lists the initiations that are not
//!   settled and [`Calls::settle_pending`](crate::calls::Calls::settle_pending) settles each
//!   through `reconcile`;
//! - records each step of a [`campaign launch`](crate::campaigns::Campaigns::launch) as a
//!   [`LaunchEntry`] (the CSV's digest, name and assistant, the list id once known, the step
//!   reached), so the same launch run again after a crash resumes instead of uploading the list
//!   a second time or starting a second campaign;
//! - keeps [`SavedSubscriptions`]: an assistant's webhook subscriptions as they were before a
//!   tool changed them for a while, so a later run can put them back.
//!
//! A client without a journal behaves exactly as before. [`MemoryJournal`] lives as long as
//! its process (for tests, and for simulators that end with the process);
//! [`SqliteJournal`] (feature `sqlite`) is durable: an intent is on disk, synced, before the
//! request leaves, it survives `kill -9`, and several processes can share one file.
//!
//! Every journal is scoped: entries recorded for one base URL and workspace are not seen by a
//! client of another (see [`journal_scope`]).

#[cfg(feature = "sqlite")]
mod adopt;
mod entry;
#[cfg(feature = "sqlite")]
mod file_mode;
mod memory;
#[cfg(feature = "sqlite")]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;

pub(crate) use entry::{CLOCK_SLACK, answerable_at, answerable_until, caller_text, rfc3339_secs};
pub use entry::{
    CallEntry, CallIntent, CallOutcome, JournalError, LaunchEntry, LaunchKey, LaunchStage,
    PlannedStart, SavedSubscriptions, journal_scope,
};
pub use memory::MemoryJournal;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteJournal;
pub use store::Journal;
