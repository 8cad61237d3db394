//! The journal's pending call initiations, settled through the history or by hand.

use super::{Calls, ReconcileQuery, Settlement, reconcile};
use crate::error::Error;
#[cfg(doc)]
use crate::error::ErrorKind;
use crate::journal::{CLOCK_SLACK, CallEntry, CallOutcome, answerable_until};

impl Calls<'_> {
    /// The call initiations of the client's [journal](crate::journal) whose outcome is not
    /// known: the process died before their answer arrived, or the answer was ambiguous.
    /// Oldest first.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when the client has no journal; the journal's failure when
    /// it cannot be read.
    pub async fn pending(&self) -> Result<Vec<CallEntry>, Error> {
        self.journal_or_err()?
            .pending_calls()
            .await
            .map_err(Error::journal)
    }

    /// The call initiations of the client's [journal](crate::journal) recorded at or after
    /// `since`, settled or not (see [`Journal::calls_since`](crate::journal::Journal::calls_since)).
    /// Oldest first. A journal of your own that does not override `calls_since` returns only
    /// the pending ones, so a call it recorded as placed is not among them.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when the client has no journal; the journal's failure when
    /// it cannot be read.
    pub async fn journaled_since(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<CallEntry>, Error> {
        self.journal_or_err()?
            .calls_since(since)
            .await
            .map_err(Error::journal)
    }

    /// Settles every [`pending`](Self::pending) initiation through
    /// [`reconcile`](Self::reconcile) (narrowed to its assistant and recipient, from ten
    /// minutes before it was recorded, the slack allowed between our clock and the server's)
    /// and records the outcome: [`CallOutcome::Placed`] with the call
    /// id when the call is found, [`CallOutcome::NotPlaced`] when it is not and its request can
    /// no longer be answered (placing it again is then safe). An initiation that cannot be
    /// settled now stays pending and is returned with its error: the history could not be
    /// read, or the call is missing but its request was recorded less than
    /// [`ClientBuilder::settle_after`](crate::ClientBuilder::settle_after) (or the longer wait
    /// its sender recorded) ago
    /// ([`ErrorKind::TooEarly`]: its process may still be waiting, or the server still working
    /// on it after a crash). That wait is counted to when the initiation's search began: a call
    /// made while it ran may be missing from the pages it read. An outcome is recorded only
    /// over the entry read before the search
    /// ([`Journal::put_call_if_unchanged`](crate::journal::Journal::put_call_if_unchanged)):
    /// one its sender (or another settlement) recorded meanwhile is kept and returned instead.
    ///
    /// # Errors
    /// As [`pending`](Self::pending).
    pub async fn settle_pending(&self) -> Result<Vec<Settlement>, Error> {
        let journal = self.journal_or_err()?;
        let mut out = Vec::new();
        for entry in self.pending().await? {
            let wait = self.client.settle_wait(entry.intent.settle_after);
            // A call missing from the history while its request may still be answered is
            // `TooEarly`, and stays pending: as of the search's start, since a call made
            // while it ran may be missing from the pages it read.
            let searched_at = chrono::Utc::now();
            let searched = match self.search(&ReconcileQuery::for_pending(&entry)).await {
                Ok(None) => reconcile::too_early(&entry, wait, searched_at).map_or(Ok(None), Err),
                other => other,
            };
            let found = match searched {
                Ok(found) => found,
                Err(e) => {
                    out.push(Settlement {
                        entry,
                        result: Err(e),
                    });
                    continue;
                }
            };
            let outcome = match &found {
                Some(row) => CallOutcome::Placed {
                    call_id: row.id.clone(),
                },
                None => CallOutcome::NotPlaced,
            };
            let settled = entry.clone().with_outcome(outcome.clone());
            // Written only over the record read before the search: its sender (or another
            // settlement) may have recorded an outcome meanwhile, which wins.
            let settlement = match journal.put_call_if_unchanged(&settled, &entry).await {
                Ok(true) => Settlement {
                    entry: settled,
                    result: Ok(outcome),
                },
                Ok(false) => {
                    overtaken(
                        journal.as_ref(),
                        entry,
                        wait,
                        found.is_some().then_some(&outcome),
                    )
                    .await
                }
                Err(e) => Settlement {
                    entry,
                    result: Err(Error::journal(e)),
                },
            };
            out.push(settlement);
        }
        Ok(out)
    }

    pub(super) fn journal_or_err(
        &self,
    ) -> Result<&std::sync::Arc<dyn crate::journal::Journal>, Error> {
        self.client.journal().ok_or_else(|| {
            Error::invalid_input("this client keeps no journal")
                .with_hint("build it with ClientBuilder::journal to track pending initiations")
        })
    }

    /// Records the outcome of the pending initiation with client `reference` as you found it
    /// by hand: after [`reconcile`](Self::reconcile) or [`settle_pending`](Self::settle_pending)
    /// could not tell ([`ErrorKind::Unverifiable`]: calls whose variables the server does not
    /// show), look at the calls it named, then record [`CallOutcome::Placed`] with the call's
    /// id, or [`CallOutcome::NotPlaced`] when none of them is it (placing the call again is
    /// then allowed). A call recorded as placed is read first (`GET /calling/call-details`): it
    /// must exist, have gone to the initiation's number (all its digits, where both show them)
    /// from its assistant, and not have been made before the initiation was recorded. Returns
    /// the entry as recorded.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when the client has no journal, for an outcome other than
    /// those two, for an initiation already settled, or for a call to another number, from
    /// another assistant or made earlier; [`ErrorKind::TooEarly`] for "not placed" while the initiation's
    /// request may still be answered (as [`reconcile`](Self::reconcile) would say), and when
    /// the initiation was recorded again while this was checked (nothing is written then);
    /// [`ErrorKind::NotFound`] when the journal holds no initiation with this reference; the
    /// journal's failure, or the call details request's, otherwise.
    pub async fn settle_by_hand(
        &self,
        reference: &str,
        outcome: CallOutcome,
    ) -> Result<CallEntry, Error> {
        if !matches!(outcome, CallOutcome::Placed { .. } | CallOutcome::NotPlaced) {
            return Err(Error::invalid_input(
                "an initiation is settled by hand as placed (with its call id) or not placed",
            ));
        }
        let journal = self.journal_or_err()?;
        let entry = journal
            .call(reference)
            .await
            .map_err(Error::journal)?
            .ok_or_else(|| {
                Error::not_found(format!(
                    "the journal holds no call initiation with client reference {reference:?}"
                ))
            })?;
        if entry.is_settled() {
            let settled = match &entry.outcome {
                Some(CallOutcome::Placed { call_id }) => format!("placed: call {call_id}"),
                Some(CallOutcome::Refused { reason }) => format!("refused: {reason}"),
                _ => "not placed".to_owned(),
            };
            return Err(Error::invalid_input(format!(
                "the initiation with client reference {reference:?} is settled already ({settled}); only a pending one is settled by hand"
            )));
        }
        match &outcome {
            CallOutcome::Placed { call_id } => {
                let details = self.details(call_id, false).await?;
                let to = details.to_number.as_deref();
                let same_agent = details
                    .agent_id
                    .as_ref()
                    .is_none_or(|a| *a == entry.intent.agent_id);
                // Made before the initiation was recorded (the clocks' slack allowed): not it.
                let before = details.initiation_time.as_ref().is_some_and(|t| {
                    entry
                        .intent
                        .recorded_at
                        .checked_sub_signed(CLOCK_SLACK)
                        .is_some_and(|since| t.to_utc() < since)
                });
                if before {
                    return Err(Error::invalid_input(format!(
                        "call {call_id} was made before the initiation with client reference {reference:?} was recorded ({}), so it is not that initiation's",
                        entry.intent.recorded_at.to_rfc3339()
                    )));
                }
                if !(same_agent && reconcile::is_same_number(to, &entry.intent.to_number)) {
                    return Err(Error::invalid_input(format!(
                        "call {call_id} went to {} from assistant {}, not to {} from assistant {} as the initiation with client reference {reference:?}",
                        to.unwrap_or("an unknown number"),
                        details
                            .agent_id
                            .as_ref()
                            .map_or("(unknown)", |a| a.as_str()),
                        entry.intent.to_number,
                        entry.intent.agent_id
                    )));
                }
            }
            _ => {
                let wait = self.client.settle_wait(entry.intent.settle_after);
                if let Some(until) = answerable_until(entry.updated_at, wait) {
                    return Err(Error::too_early(format!(
                        "the request of the initiation with client reference {reference:?} may still be answered until {until}: it cannot be recorded as not placed before then"
                    )));
                }
            }
        }
        let settled = entry.clone().with_outcome(outcome);
        if !journal
            .put_call_if_unchanged(&settled, &entry)
            .await
            .map_err(Error::journal)?
        {
            return Err(Error::too_early(format!(
                "the initiation with client reference {reference:?} was recorded again while this was checked (its sender's answer, or another settlement), so nothing was written: read its entry again before settling it"
            )));
        }
        Ok(settled)
    }
}

/// The settlement of an initiation whose record changed while its history was searched
/// (`seen` is the record read before): what the journal records now. Settled, that outcome;
/// still pending (its sender recorded an ambiguous failure), `placed` when the search found
/// the call (written over that record), else [`ErrorKind::TooEarly`] (an ambiguous failure
/// waits longer).
async fn overtaken(
    journal: &dyn crate::journal::Journal,
    seen: CallEntry,
    wait: std::time::Duration,
    placed: Option<&CallOutcome>,
) -> Settlement {
    let current = match journal.call(&seen.intent.reference).await {
        Ok(Some(current)) => current,
        Ok(None) => seen,
        Err(e) => {
            return Settlement {
                entry: seen,
                result: Err(Error::journal(e)),
            };
        }
    };
    if let Some(placed) = placed
        && !current.is_settled()
    {
        let settled = current.clone().with_outcome(placed.clone());
        let result = match journal.put_call_if_unchanged(&settled, &current).await {
            Ok(true) => {
                return Settlement {
                    entry: settled,
                    result: Ok(placed.clone()),
                };
            }
            Ok(false) => Err(Error::too_early(format!(
                "the call with reference {} is in the history, but its journal entry changed again while that was recorded; settle it again",
                current.intent.reference
            ))),
            Err(e) => Err(Error::journal(e)),
        };
        return Settlement {
            entry: current,
            result,
        };
    }
    let result = match current.outcome.as_ref().filter(|o| o.is_settled()) {
        Some(outcome) => Ok(outcome.clone()),
        None => Err(
            reconcile::too_early(&current, wait, chrono::Utc::now()).unwrap_or_else(|| {
                Error::too_early(format!(
                    "the call with reference {} was recorded again while its history was searched; settle it again",
                    current.intent.reference
                ))
            }),
        ),
    };
    Settlement {
        entry: current,
        result,
    }
}
