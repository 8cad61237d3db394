//! Two clients with their own connections to one SQLite journal file (as two processes have)
//! calling one recipient at once: the check for a pending call and the journal write are one
//! step, so exactly one call is sent and the other is refused, naming it.

mod common;

use std::sync::Arc;

use common::{calls_to, pool_call as call};
use ringg_api::ErrorKind;
use ringg_api::journal::{Journal, SqliteJournal};
use ringg_sim::{FaultConfig, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_calling_one_recipient_at_once_send_one_call() {
    let sim = Simulator::builder()
        .time_scale(0.001)
        .seed(6)
        // Each answer takes a while, so the second call is tried while the first is in flight.
        .faults(FaultConfig::parse("op.initiateCallV2=1:latency,latency-ms=300").unwrap())
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let client = || {
        let journal: Arc<dyn Journal> = Arc::new(SqliteJournal::open(&path, "shared").unwrap());
        common::client_builder(&sim)
            .journal(journal)
            .build()
            .unwrap()
    };
    for round in 0..5 {
        let to = format!("+91980000070{round}");
        let (a, b) = (client(), client());
        let (calls_a, calls_b) = (a.calls(), b.calls());
        let (ra, rb) = tokio::join!(
            calls_a.initiate_unless_pending(call(&to)),
            calls_b.initiate_unless_pending(call(&to)),
        );
        let (sent, refused): (Vec<_>, Vec<_>) = [ra, rb].into_iter().partition(Result::is_ok);
        assert_eq!(sent.len(), 1, "round {round}: {refused:?}");
        let err = refused.into_iter().next().unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains("is not settled"), "{err}");
        assert_eq!(calls_to(&sim, &to).len(), 1, "round {round}");
    }
    sim.shutdown().await;
}
