//! The setup the simulator-backed test files share: a started simulator and a client for it.
#![allow(dead_code)] // each test file uses a part

use ringg_api::{Client, ClientBuilder};
use ringg_sim::{RunningSimulator, SimulatorBuilder};

/// A client builder pointed at `sim` with its key, ignoring the environment.
pub(crate) fn client_builder(sim: &RunningSimulator) -> ClientBuilder {
    Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
}

/// A client with the default settings for `sim`.
pub(crate) fn client(sim: &RunningSimulator) -> Client {
    client_builder(sim).build().unwrap()
}

/// Starts the simulator `builder` describes and a default client for it.
pub(crate) async fn start(builder: SimulatorBuilder) -> (RunningSimulator, Client) {
    let sim = builder.start().await.unwrap();
    let client = client(&sim);
    (sim, client)
}
