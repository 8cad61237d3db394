//! `ringg campaigns …` and `ringg terminate` against a simulator: pre-flight of a good and a
//! bad CSV, a launch from a CSV fixture followed to the end, list/status, and the five
//! termination modes.

mod common;

use common::{fails, ok, ringg, sim};
use ringg_sim::CallOutcome;
use ringg_sim::demo::{AGENT_ID, NUMBER_ID, NUMBER_POOL_ID};

const CONTACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");
const BAD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/bad_contacts.csv"
);
const NUMBERS: [&str; 5] = [
    "+919876500101",
    "+919876500102",
    "+919876500103",
    "+919876500104",
    "+919876500105",
];

/// A file saved as UTF-16 (with or without its byte-order mark) or Latin-1 is refused with
/// what to do, not with the CSV reader's own message.
#[tokio::test(flavor = "multi_thread")]
async fn check_of_a_file_not_in_utf8_says_how_to_save_it() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let text = "Mobile Number,Name\n+919876543210,Asha\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let latin1 = b"Mobile Number,Pr\xe9nom\n+919876543210,Ren\xe9e\n".to_vec();
    for (name, bytes) in [
        ("bom.csv", [&[0xff, 0xfe][..], &le].concat()),
        ("nobom.csv", le.clone()),
        ("latin1.csv", latin1),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let r = common::run(ringg(
            &sim,
            &[
                "campaigns",
                "check",
                file.to_str().unwrap(),
                "--agent",
                AGENT_ID,
            ],
        ))
        .await;
        assert_ne!(r.code, 0, "{name}");
        assert!(
            r.stderr.contains("not UTF-8") && r.stderr.contains("CSV UTF-8"),
            "{name}: {}",
            r.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reports_every_bad_row_with_its_line() {
    let sim = sim().await;
    let r = ok(ringg(
        &sim,
        &["campaigns", "check", CONTACTS, "--agent", AGENT_ID],
    ))
    .await;
    assert!(
        r.stdout
            .contains("5 rows, 5 valid, 0 invalid; standard flow"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(r#"callee_name <- "Name""#)
            && r.stdout.contains(r#"company_name <- "Company Name""#)
    );

    let r = fails(
        ringg(&sim, &["campaigns", "check", BAD, "--agent", AGENT_ID]),
        1,
    )
    .await;
    assert!(
        r.stdout.contains("5 rows, 2 valid, 3 invalid"),
        "{}",
        r.stdout
    );
    // Line 5's extra field is ignored on import: the row is counted, and named.
    assert!(
        r.stdout.contains("(the first on line 5: 4)")
            || r.stderr.contains("(the first on line 5: 4)"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    for line in ["3", "4", "6"] {
        assert!(
            r.stdout.lines().any(|l| l
                .trim_start_matches(['│', ' '])
                .starts_with(&format!("{line} "))),
            "line {line} not listed:\n{}",
            r.stdout
        );
    }
    assert!(
        r.stderr.contains("lines 3, 4, 6") && r.stderr.contains("--remove-invalid-rows"),
        "{}",
        r.stderr
    );
    // Skipping the bad rows makes the file usable.
    ok(ringg(
        &sim,
        &[
            "campaigns",
            "check",
            BAD,
            "--agent",
            AGENT_ID,
            "--remove-invalid-rows",
        ],
    ))
    .await;

    let r = fails(
        ringg(
            &sim,
            &["-o", "json", "campaigns", "check", BAD, "--agent", AGENT_ID],
        ),
        1,
    )
    .await;
    let v = r.json();
    let lines: Vec<u64> = v["report"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4, 6]);
    assert_eq!(v["report"]["valid_rows"], 2);

    // A file without the Mobile Number column is not usable at all.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("phones.csv");
    std::fs::write(&f, "phone_number,Name\n+919876500301,A\n").unwrap();
    let r = fails(
        ringg(
            &sim,
            &[
                "campaigns",
                "check",
                f.to_str().unwrap(),
                "--agent",
                AGENT_ID,
            ],
        ),
        1,
    )
    .await;
    assert!(
        r.stdout.contains("rename the column \"phone_number\""),
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_from_a_csv_and_follow_it_to_the_end() {
    let sim = sim().await;
    for n in NUMBERS {
        sim.handle().script_outcomes(n, [CallOutcome::Answered]);
    }
    let r = ok(ringg(
        &sim,
        &[
            "campaigns",
            "launch",
            "--yes",
            "--quiet-hours",
            "off",
            CONTACTS,
            "--agent",
            AGENT_ID,
            "--name",
            "Renewals",
            "--number-pool",
            NUMBER_POOL_ID,
        ],
    ))
    .await;
    assert!(
        r.stdout.contains("launched campaign \"Renewals\""),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("standard flow, 5 contact(s)"));
    assert!(
        r.stdout.contains("5 of 5 call(s) completed"),
        "{}",
        r.stdout
    );
    let list_id = r
        .stdout
        .lines()
        .find_map(|l| l.split("id ").nth(1))
        .and_then(|rest| rest.split(',').next())
        .unwrap()
        .to_string();
    let calls = sim.handle().calls();
    assert_eq!(calls.len(), 5);
    assert!(
        calls
            .iter()
            .all(|c| c.bulk_list_id.as_ref().map(|l| l.as_str()) == Some(list_id.as_str()))
    );
    assert!(calls.iter().any(|c| {
        c.custom_args_values
            .get("company_name")
            .and_then(|v| v.as_str())
            == Some("Globex")
    }));

    let r = ok(ringg(&sim, &["--wide", "campaigns", "list"])).await;
    assert!(
        r.stdout.contains("Renewals") && r.stdout.contains(&list_id),
        "{}",
        r.stdout
    );
    let r = ok(ringg(&sim, &["-o", "json", "campaigns", "list", "--all"])).await;
    assert!(r.json_lines().iter().any(|c| c["id"] == list_id.as_str()));
    let r = ok(ringg(&sim, &["campaigns", "status", &list_id])).await;
    assert!(r.stdout.contains("completed 5"), "{}", r.stdout);
    let r = ok(ringg(
        &sim,
        &["-o", "json", "campaigns", "status", &list_id],
    ))
    .await;
    assert_eq!(r.json()["calls"]["completed"], 5);
    fails(ringg(&sim, &["campaigns", "status", "no-such-campaign"]), 3).await;

    // A second launch in JSON: JSON lines, launched first and done last. One call is handed
    // over to a person (forwarded): it has ended, and is counted so.
    for n in &NUMBERS[1..] {
        sim.handle().script_outcomes(n, [CallOutcome::Answered]);
    }
    sim.handle()
        .script_outcomes(NUMBERS[0], [CallOutcome::Forwarded]);
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
            CONTACTS,
            "--agent",
            AGENT_ID,
            "--name",
            "Again",
            "--from-number",
            NUMBER_ID,
        ],
    ))
    .await;
    let lines = r.json_lines();
    assert_eq!(lines.first().unwrap()["event"], "launched");
    assert_eq!(lines.first().unwrap()["flow"], "standard");
    assert_eq!(lines.first().unwrap()["upload"], "checked_rows");
    assert_eq!(lines.last().unwrap()["event"], "done");
    assert_eq!(lines.last().unwrap()["counts"]["completed"], 4);
    assert_eq!(lines.last().unwrap()["counts"]["forwarded"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_refuses_bad_rows_unless_told_to_skip_them() {
    let sim = sim().await;
    let r = fails(
        ringg(
            &sim,
            &[
                "campaigns",
                "launch",
                "--yes",
                "--quiet-hours",
                "off",
                BAD,
                "--agent",
                AGENT_ID,
                "--name",
                "Bad",
                "--number-pool",
                NUMBER_POOL_ID,
            ],
        ),
        1,
    )
    .await;
    assert!(r.stderr.contains("--remove-invalid-rows"), "{}", r.stderr);
    assert!(sim.handle().calls().is_empty(), "nothing may be uploaded");
    let r = ok(ringg(
        &sim,
        &[
            "campaigns",
            "launch",
            "--yes",
            "--quiet-hours",
            "off",
            BAD,
            "--agent",
            AGENT_ID,
            "--name",
            "Skip",
            "--number-pool",
            NUMBER_POOL_ID,
            "--remove-invalid-rows",
            "--no-follow",
        ],
    ))
    .await;
    assert!(r.stdout.contains("2 contact(s)"), "{}", r.stdout);
    fails(
        ringg(
            &sim,
            &[
                "campaigns",
                "launch",
                "--yes",
                "--quiet-hours",
                "off",
                CONTACTS,
                "--agent",
                AGENT_ID,
                "--name",
                "Past",
                "--number-pool",
                NUMBER_POOL_ID,
                "--start",
                "01/01/2020, 09:00",
            ],
        ),
        2,
    )
    .await;
}

/// Launches the fixture scheduled for tomorrow (so its calls stay queued) and returns its id.
async fn queued_campaign(sim: &ringg_sim::RunningSimulator, name: &str) -> String {
    let tz: chrono_tz::Tz = "Asia/Kolkata".parse().unwrap();
    let tomorrow = (chrono::Utc::now().with_timezone(&tz) + chrono::Duration::days(1))
        .format("%d/%m/%Y, %H:%M")
        .to_string();
    let r = ok(ringg(
        sim,
        &[
            "-o",
            "json",
            "campaigns",
            "launch",
            "--yes",
            "--quiet-hours",
            "off",
            CONTACTS,
            "--agent",
            AGENT_ID,
            "--name",
            name,
            "--number-pool",
            NUMBER_POOL_ID,
            "--start",
            &tomorrow,
            "--no-follow",
        ],
    ))
    .await;
    r.json_lines()[0]["list_id"].as_str().unwrap().to_string()
}

fn status_of(sim: &ringg_sim::RunningSimulator, number: &str, list: &str) -> String {
    sim.handle()
        .calls()
        .into_iter()
        .find(|c| {
            c.to_number == number && c.bulk_list_id.as_ref().map(|l| l.as_str()) == Some(list)
        })
        .map(|c| c.status)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn terminate_in_each_of_its_five_modes() {
    let sim = sim().await;
    let first = queued_campaign(&sim, "Queued").await;
    assert!(
        NUMBERS
            .iter()
            .all(|n| status_of(&sim, n, &first) == "registered")
    );

    // By call ids.
    let call = sim
        .handle()
        .calls()
        .into_iter()
        .find(|c| c.to_number == NUMBERS[0])
        .unwrap();
    // Among 150 ids (more than Ringg takes in one request: sent 100 at a time).
    let unknown: Vec<String> = (1..150)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect();
    let mut args = vec!["terminate", "--yes", "--calls"];
    args.extend(unknown.iter().map(String::as_str));
    args.push(call.id.as_str());
    let r = ok(ringg(&sim, &args)).await;
    assert!(
        r.stdout.contains("stopped 1 queued call(s)"),
        "{}",
        r.stdout
    );
    assert_eq!(status_of(&sim, NUMBERS[0], &first), "cancelled");
    // By numbers inside the campaign.
    ok(ringg(
        &sim,
        &[
            "terminate",
            "--yes",
            "--campaign",
            &first,
            "--numbers",
            NUMBERS[1],
        ],
    ))
    .await;
    assert_eq!(status_of(&sim, NUMBERS[1], &first), "cancelled");
    // By numbers everywhere.
    let r = ok(ringg(
        &sim,
        &["-o", "json", "terminate", "--yes", "--numbers", NUMBERS[2]],
    ))
    .await;
    assert_eq!(r.json()["terminated"], true);
    assert_eq!(r.json()["request"]["mobile_numbers"][0], NUMBERS[2]);
    assert_eq!(status_of(&sim, NUMBERS[2], &first), "cancelled");
    // By campaign.
    ok(ringg(&sim, &["terminate", "--yes", "--campaign", &first])).await;
    assert!(
        NUMBERS
            .iter()
            .all(|n| status_of(&sim, n, &first) == "cancelled")
    );
    // Nothing left: said plainly, exit 0.
    let r = ok(ringg(&sim, &["terminate", "--yes", "--campaign", &first])).await;
    assert!(r.stdout.contains("nothing to terminate"), "{}", r.stdout);

    // By assistant.
    let second = queued_campaign(&sim, "Queued again").await;
    ok(ringg(&sim, &["terminate", "--yes", "--agent", AGENT_ID])).await;
    assert!(
        NUMBERS
            .iter()
            .all(|n| status_of(&sim, n, &second) == "cancelled")
    );

    // Mixed or missing modes are usage errors.
    fails(
        ringg(
            &sim,
            &["terminate", "--yes", "--agent", AGENT_ID, "--calls", "c1"],
        ),
        2,
    )
    .await;
    fails(ringg(&sim, &["terminate"]), 2).await;
    fails(
        ringg(&sim, &["terminate", "--yes", "--numbers", "12345"]),
        2,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn terminate_takes_the_call_id_prefixes_tables_show() {
    let sim = sim().await;
    let list = queued_campaign(&sim, "Prefixes").await;
    let id_of = |number: &str| {
        let calls = sim.handle().calls();
        let call = calls.into_iter().find(|c| c.to_number == number).unwrap();
        call.id.as_str().to_string()
    };
    let (first, second) = (id_of(NUMBERS[0]), id_of(NUMBERS[1]));
    // A prefix no call has is refused before anything is sent.
    let r = fails(
        ringg(
            &sim,
            &["terminate", "--yes", "--calls", &first[..8], "ffffffff"],
        ),
        3,
    )
    .await;
    assert!(
        r.stderr.contains("\"ffffffff\"") && r.stderr.contains("ringg calls list --wide"),
        "{}",
        r.stderr
    );
    assert_eq!(status_of(&sim, NUMBERS[0], &list), "registered");
    // The 8 characters a table shows, with or without its ellipsis, name the call.
    let shown = format!("{}…", &second[..8]);
    let r = ok(ringg(
        &sim,
        &["terminate", "--yes", "--calls", &first[..8], &shown],
    ))
    .await;
    assert!(
        r.stdout.contains("stopped 2 queued call(s)"),
        "{}",
        r.stdout
    );
    assert_eq!(status_of(&sim, NUMBERS[0], &list), "cancelled");
    assert_eq!(status_of(&sim, NUMBERS[1], &list), "cancelled");
    assert_eq!(status_of(&sim, NUMBERS[2], &list), "registered");
}

#[tokio::test(flavor = "multi_thread")]
async fn discard_deletes_a_draft_and_points_a_started_campaign_elsewhere() {
    let sim = sim().await;
    let started = queued_campaign(&sim, "Started").await;
    let r = fails(ringg(&sim, &["campaigns", "discard", "Started"]), 1).await;
    assert!(
        r.stderr
            .contains("deletes only a list that was never started")
            && r.stderr
                .contains(&format!("ringg terminate --campaign {started}"))
            && !r.stderr.contains("terminate request"),
        "{}",
        r.stderr
    );
    assert!(
        sim.handle()
            .list_ids()
            .iter()
            .any(|l| l.as_str() == started)
    );
    // A draft (saved, never started) is deleted.
    let draft = common::save_draft(&sim, CONTACTS, AGENT_ID, "Draft").await;
    // Without a terminal and without --yes: refused, the list still there.
    let r = fails(ringg(&sim, &["campaigns", "discard", "Draft"]), 2).await;
    assert!(
        r.stderr.contains("--yes") && r.stderr.contains("Draft"),
        "{}",
        r.stderr
    );
    assert!(sim.handle().list_ids().iter().any(|l| l.as_str() == draft));
    let r = ok(ringg(&sim, &["campaigns", "discard", "Draft", "--yes"])).await;
    assert!(r.stdout.contains(&draft), "{}", r.stdout);
    assert!(!sim.handle().list_ids().iter().any(|l| l.as_str() == draft));
    // A whole list id that no campaign has is not found (exit 3), not a usage error.
    let unknown = "00000000-0000-4000-8000-000000000000";
    let r = fails(ringg(&sim, &["campaigns", "discard", unknown, "--yes"]), 3).await;
    assert!(
        r.stderr
            .contains(&format!("no campaign has list id {unknown}")),
        "{}",
        r.stderr
    );
}

/// A row the check lets through and Ringg refuses (here a number written with no-break
/// spaces, which the simulator does not read, in a file uploaded as written): the launch says
/// Ringg imported fewer rows and counts the contacts as Ringg did, instead of the check's
/// count.
#[tokio::test(flavor = "multi_thread")]
async fn a_launch_says_when_ringg_imported_fewer_rows_than_the_check_found_valid() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("nbsp.csv");
    std::fs::write(
        &f,
        "Mobile Number,Name,Company\n+919876600001,ok,X\n+91\u{a0}98766\u{a0}00002,nbsp,X\nbad,bad,X\n+91 98766 00004,ok2,X\n",
    )
    .unwrap();
    let file = f.to_str().unwrap();
    let r = ok(ringg(
        &sim,
        &common::launch_args(
            file,
            "Refused by Ringg",
            &[
                "--yes",
                "--quiet-hours",
                "off",
                "--number-pool",
                NUMBER_POOL_ID,
                "--remove-invalid-rows",
                "--no-follow",
                "--upload-as-written",
            ],
        ),
    ))
    .await;
    let out = format!("{}{}", r.stdout, r.stderr);
    assert!(
        out.contains(
            "Ringg imported 2 of the 3 rows the check found valid, so 1 row(s) will not be called"
        ),
        "{out}"
    );
    assert!(r.stdout.contains("2 contact(s)"), "{}", r.stdout);
}
