//! ringg-transport.
