//! `ringg analytics …` against a simulator with seeded history.

mod common;

use common::{fails, ok, ringg, sim};
use ringg_sim::demo::{AGENT_ID, NUMBER_POOL_ID};

#[tokio::test(flavor = "multi_thread")]
async fn all_five_reports_in_both_formats() {
    let sim = sim().await;
    sim.handle().seed_history(40);
    let r = ok(ringg(&sim, &["analytics", "platform"])).await;
    // Words, units and percentages; no flattened keys, no bookkeeping fields.
    assert!(r.stdout.contains("total calls"), "{}", r.stdout);
    assert!(
        r.stdout.contains("credits") && r.stdout.contains('%'),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("metrics_summary.") && !r.stdout.contains("cached"),
        "{}",
        r.stdout
    );
    let r = ok(ringg(
        &sim,
        &["-o", "json", "analytics", "platform", "--agent", AGENT_ID],
    ))
    .await;
    assert!(r.json()["metrics_summary"]["total_calls"].as_u64().unwrap() > 0);

    let r = ok(ringg(&sim, &["-o", "json", "analytics", "durations"])).await;
    assert!(r.json()["duration_distribution"].is_object());
    let r = ok(ringg(&sim, &["analytics", "numbers"])).await;
    // One row per caller number.
    for number in [ringg_sim::demo::NUMBER, ringg_sim::demo::NUMBER_2] {
        let rows = r.stdout.lines().filter(|l| l.contains(number)).count();
        assert_eq!(rows, 1, "{number}:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains("number_analytics.0"), "{}", r.stdout);
    let r = ok(ringg(&sim, &["-o", "json", "analytics", "classification"])).await;
    assert!(r.json()["classification_analytics"].is_object());
    let today = chrono::Utc::now().date_naive().to_string();
    ok(ringg(
        &sim,
        &[
            "analytics",
            "platform",
            "--start",
            "2020-01-01",
            "--end",
            &today,
            "--voicemail",
            "false",
        ],
    ))
    .await;

    // Drill-down needs a campaign list.
    let r = fails(ringg(&sim, &["analytics", "drill-down"]), 2).await;
    assert!(r.stderr.contains("--list"), "{}", r.stderr);
    let contacts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "campaigns",
            "launch",
            "--yes",
            "--quiet-hours",
            "off",
            contacts,
            "--agent",
            AGENT_ID,
            "--name",
            "A",
            "--number-pool",
            NUMBER_POOL_ID,
            "--no-follow",
        ],
    ))
    .await;
    let list = r.json_lines()[0]["list_id"].as_str().unwrap().to_string();
    let r = ok(ringg(
        &sim,
        &["-o", "json", "analytics", "drill-down", "--list", &list],
    ))
    .await;
    assert!(r.json()["performance_metrics"].is_object(), "{}", r.stdout);
    ok(ringg(&sim, &["analytics", "drill-down", "--list", &list])).await;

    fails(
        ringg(&sim, &["analytics", "platform", "--start", "01-01-2020"]),
        2,
    )
    .await;
}
