//! `ringg assistants embed`'s widget options against a simulator: the mode (`defaultTab`,
//! `hideTabSelector`), the start screen and the pinned widget version.

mod common;

use common::{fails, ok, ringg, sim};
use ringg_sim::demo::{AGENT_ID, AGENT_WEBCALL_PUBLIC_KEY};

#[tokio::test(flavor = "multi_thread")]
async fn embed_sets_the_widget_mode_start_screen_and_version() {
    let sim = sim().await;
    let embed = |extra: &[&str]| {
        let mut args = vec![
            "-o",
            "json",
            "assistants",
            "embed",
            AGENT_ID,
            "--domain",
            "https://shop.example",
        ];
        args.extend_from_slice(extra);
        ringg(&sim, &args)
    };
    // Defaults: a fixed widget version, never `latest`; both tabs, opening on audio.
    let r = ok(embed(&[])).await;
    let json = r.json();
    let snippet = json["snippet"].as_str().unwrap();
    assert_eq!(json["widget_version"], "1.0.21");
    assert!(snippet.contains(r#"loadAgentsCdn("1.0.21""#), "{snippet}");
    assert!(!snippet.contains("latest"), "{snippet}");
    assert!(
        snippet.contains(r#"defaultTab: "audio""#) && snippet.contains("hideTabSelector: false")
    );
    assert!(snippet.contains("bypassStartScreen: false"));
    assert_eq!(json["public_key"], AGENT_WEBCALL_PUBLIC_KEY);

    // Chat only, straight into the conversation, on another release.
    let r = ok(embed(&[
        "--mode",
        "text",
        "--bypass-start-screen",
        "--widget-version",
        "1.0.19",
    ]))
    .await;
    let snippet = r.json()["snippet"].as_str().unwrap().to_string();
    assert!(snippet.contains(r#"defaultTab: "text""#) && snippet.contains("hideTabSelector: true"));
    assert!(snippet.contains("bypassStartScreen: true"));
    assert!(snippet.contains(r#"loadAgentsCdn("1.0.19""#), "{snippet}");
    // The public key, never the workspace key.
    assert!(!snippet.contains(sim.api_key()));

    let r = ok(embed(&["--mode", "audio"])).await;
    let snippet = r.json()["snippet"].as_str().unwrap().to_string();
    assert!(
        snippet.contains(r#"defaultTab: "audio""#) && snippet.contains("hideTabSelector: true")
    );

    // Bad values are usage errors.
    let r = fails(embed(&["--widget-version", "1.0.21\"; alert(1)//"]), 2).await;
    assert!(r.stderr.contains("--widget-version"), "{}", r.stderr);
    fails(embed(&["--mode", "video"]), 2).await;
}
