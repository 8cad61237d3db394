//! When a request guarded by a journal entry must be over: a settler counts the wait recorded
//! with the entry from the entry's time, so the request must end by then however long the
//! journal's write took.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::journal::JournalError;

/// The instant (on Tokio's clock) by which a request whose journal entry was stamped `stamped`
/// with `wait` must be over: a settler rules out what it may still do once `wait` has passed
/// since `stamped`, however long the journal's write took (another process holding its file's
/// lock). Fails, and the request must not be sent, when the write took that whole wait.
pub(crate) fn answer_deadline(
    stamped: DateTime<Utc>,
    wait: Duration,
    what: &str,
) -> Result<tokio::time::Instant, Error> {
    let taken = (Utc::now() - stamped).to_std().unwrap_or_default();
    match wait.checked_sub(taken).filter(|left| !left.is_zero()) {
        Some(left) => {
            let now = tokio::time::Instant::now();
            // A wait too long for the clock (`Duration::MAX`, "never settle") bounds nothing.
            Ok(now
                .checked_add(left)
                .unwrap_or_else(|| now + FAR_FUTURE))
        }
        None => Err(Error::journal(JournalError::store(format!(
            "recording {what} took {} s, as long as the {} s a settler waits for its answer, so nothing was sent",
            taken.as_secs_f64().round(),
            wait.as_secs_f64().round()
        )))
        .with_hint("another process held the journal's file for long; try again")),
    }
}

/// Far enough in the future to mean "never", and near enough for every clock to add.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
