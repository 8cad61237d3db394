//! Workspace: the current workspace and its credits, every workspace the key can see, the
//! members, and (against the simulator only) key rotation.
//!
//! ```text
//! cargo run -p ringg-api --example workspace
//! ```

mod common;

use futures::TryStreamExt;
use ringg_api::Client;

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::connect().await?;
    let client = &setup.client;

    let info = client.workspace().info().await?.workspace_info;
    println!(
        "workspace {} ({}): {} credits available",
        info.name.as_deref().unwrap_or("unnamed"),
        info.id,
        info.available_credits()
    );

    for ws in client.workspace().all().await?.workspaces {
        println!(
            "  can access {} as {}",
            ws.name.as_deref().unwrap_or("?"),
            ws.role.map(|r| r.to_string()).unwrap_or_default()
        );
    }

    let users: Vec<_> = client.workspace().users_stream().try_collect().await?;
    for u in &users {
        println!(
            "  member {} <{}>",
            u.username.as_deref().unwrap_or("?"),
            u.email.as_deref().unwrap_or("?")
        );
    }

    // Rotating the key invalidates the old one at once, so only do it against the simulator.
    if setup.writes_allowed() && std::env::var("RINGG_BASE_URL").is_err() {
        let new_key = client.workspace().regenerate_api_key().await?.new_api_key;
        let rotated = Client::builder()
            .api_key(new_key)
            .base_url(client.base_url())
            .build()?;
        let still = rotated.workspace().info().await?.workspace_info;
        println!(
            "rotated the key; the new key reaches workspace {}",
            still.id
        );
        match client.workspace().info().await {
            Err(e) if e.is_auth() => println!("the old key is refused now: {e}"),
            other => println!("unexpected: {other:?}"),
        }
    }

    setup.finish().await;
    Ok(())
}
