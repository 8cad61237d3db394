//! Caller numbers: every number of the workspace, its pool and inbound routing.
//!
//! ```text
//! cargo run -p ringg-api --example numbers
//! ```

mod common;

use futures::StreamExt;

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::connect().await?;
    let client = &setup.client;

    let numbers = client.numbers().stream();
    futures::pin_mut!(numbers);
    let mut count = 0;
    while let Some(n) = numbers.next().await {
        let n = n?;
        count += 1;
        println!(
            "{} {} (id {}): pool {}, inbound {}, assistant {}",
            n.number.as_deref().unwrap_or("?"),
            n.display_name.as_deref().unwrap_or(""),
            n.id,
            n.number_pool_id
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "none".into()),
            if n.is_inbound_enabled == Some(true) {
                "on"
            } else {
                "off"
            },
            n.agent
                .as_ref()
                .map(|a| a.id.to_string())
                .unwrap_or_else(|| "none".into()),
        );
    }
    println!("{count} numbers");

    setup.finish().await;
    Ok(())
}
