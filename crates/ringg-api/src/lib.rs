//! ringg-api.
