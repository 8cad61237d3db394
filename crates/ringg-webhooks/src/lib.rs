//! ringg-webhooks.
