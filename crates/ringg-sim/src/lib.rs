//! ringg-sim.
