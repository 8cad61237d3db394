//! Setup shared by the examples: a client for the API named by `RINGG_BASE_URL` (with
//! `RINGG_API_KEY`), or, when `RINGG_BASE_URL` is unset, for the embedded simulator.

use ringg_api::Client;
use ringg_sim::{RunningSimulator, Simulator};

/// The result type of the examples.
pub(crate) type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A connected client, and the simulator behind it when there is one.
pub(crate) struct Setup {
    /// The client.
    pub(crate) client: Client,
    sim: Option<RunningSimulator>,
}

/// Connects to `RINGG_BASE_URL` when it is set, else starts the simulator (1000× faster
/// than real time, with a week of call history) and connects to it with its demo key.
pub(crate) async fn connect() -> Result<Setup> {
    let base_url = std::env::var("RINGG_BASE_URL").unwrap_or_default();
    if !base_url.trim().is_empty() {
        let client = Client::from_env()?;
        println!("using {}", client.base_url());
        return Ok(Setup { client, sim: None });
    }
    let sim = Simulator::builder()
        .time_scale(0.001)
        .history_rows(40)
        .start()
        .await?;
    println!(
        "RINGG_BASE_URL is unset: using the embedded simulator at {}",
        sim.base_url()
    );
    let client = Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()?;
    Ok(Setup {
        client,
        sim: Some(sim),
    })
}

impl Setup {
    /// True when the example may change things: always against the simulator, and against a
    /// real workspace only with `RINGG_EXAMPLES_WRITE=1` (calls cost credits).
    #[allow(dead_code)] // not every example writes
    pub(crate) fn writes_allowed(&self) -> bool {
        self.sim.is_some() || std::env::var("RINGG_EXAMPLES_WRITE").is_ok_and(|v| v == "1")
    }

    /// Against the simulator, makes the next call to `to` be answered (its outcomes are
    /// random otherwise, and a call that is not answered has no transcript); against a real
    /// workspace, the person at `to` decides.
    #[allow(dead_code)] // only the calls example places a call
    pub(crate) fn answer_next_call(&self, to: &str) {
        if let Some(sim) = &self.sim {
            sim.handle()
                .script_outcomes(to, [ringg_sim::CallOutcome::Answered]);
        }
    }

    /// Stops the simulator, if one was started.
    pub(crate) async fn finish(self) {
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
    }
}
