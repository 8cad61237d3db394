//! `campaigns launch`'s plan against a simulator: each launch that would fail (credits, file
//! size, caller numbers, pool, quiet hours) is refused before anything is uploaded, the
//! dry-run's figures are what the launch then does, `--split` launches a file over the
//! upload limit in parts, and without a terminal nothing is launched, terminated, deleted or
//! rotated without --yes.

mod common;

use common::{fails, launch_args, ok, ringg, sim, tomorrow_ist};
use ringg_sim::demo::{AGENT_ID, NUMBER_POOL_ID};
use ringg_sim::{RunningSimulator, Simulator};
use serde_json::Value;

const CONTACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");

/// Launches the fixture for tomorrow 10:00 in India, so its calls stay queued.
async fn launch_tomorrow(sim: &RunningSimulator, name: &str) -> common::Run {
    launch_tomorrow_with(sim, name, &[]).await
}

/// [`launch_tomorrow`] with more flags.
async fn launch_tomorrow_with(sim: &RunningSimulator, name: &str, more: &[&str]) -> common::Run {
    let start = tomorrow_ist("10:00");
    let mut flags = vec![
        "--number-pool",
        NUMBER_POOL_ID,
        "--timezone",
        "Asia/Kolkata",
        "--start",
        &start,
        "--yes",
        "--no-follow",
    ];
    flags.extend_from_slice(more);
    ok(ringg(sim, &launch_args(CONTACTS, name, &flags))).await
}

/// Nothing was uploaded: no list, no upload request.
fn nothing_uploaded(sim: &RunningSimulator) {
    assert!(
        sim.handle().list_ids().is_empty(),
        "the simulator holds a new list"
    );
    let ops = sim.handle().stats().by_operation;
    for op in ["saveCampaign", "uploadLargeCampaignCsv"] {
        assert!(!ops.contains_key(op), "{op} was sent: {ops:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn launches_that_would_fail_are_refused_before_any_upload() {
    // Credits: 5 rows need 5 credits; the workspace has 2.
    let poor = Simulator::builder()
        .time_scale(0.002)
        .credits(2.0)
        .start()
        .await
        .unwrap();
    let r = fails(
        ringg(
            &poor,
            &launch_args(
                CONTACTS,
                "Credits",
                &["--number-pool", NUMBER_POOL_ID, "--yes"],
            ),
        ),
        1,
    )
    .await;
    assert!(
        r.stderr.contains("refused before uploading anything")
            && r.stderr.contains("need 5 credits"),
        "{}",
        r.stderr
    );
    nothing_uploaded(&poor);
    // `campaigns check` finds it too.
    let r = fails(
        ringg(
            &poor,
            &["campaigns", "check", CONTACTS, "--agent", AGENT_ID],
        ),
        1,
    )
    .await;
    assert!(r.stderr.contains("need 5 credits"), "{}", r.stderr);

    let sim = sim().await;
    // A caller number that is not the workspace's, and a pool that is not its pool.
    let r = fails(
        ringg(
            &sim,
            &launch_args(
                CONTACTS,
                "Number",
                &["--from-number", "+911111111111", "--yes"],
            ),
        ),
        1,
    )
    .await;
    assert!(
        r.stderr.contains("--from-number \"+911111111111\""),
        "{}",
        r.stderr
    );
    let r = fails(
        ringg(
            &sim,
            &launch_args(
                CONTACTS,
                "Pool",
                &[
                    "--number-pool",
                    "0b84b167-0000-4000-8000-000000000000",
                    "--yes",
                ],
            ),
        ),
        1,
    )
    .await;
    assert!(
        r.stderr.contains("is not a pool of this workspace"),
        "{}",
        r.stderr
    );
    // A window at night in India.
    let night = tomorrow_ist("22:00");
    let r = fails(
        ringg(
            &sim,
            &launch_args(
                CONTACTS,
                "Night",
                &[
                    "--number-pool",
                    NUMBER_POOL_ID,
                    "--timezone",
                    "Asia/Kolkata",
                    "--start",
                    &night,
                    "--yes",
                ],
            ),
        ),
        1,
    )
    .await;
    assert!(
        r.stderr
            .contains("5 row(s) would be dialled in their quiet hours"),
        "{}",
        r.stderr
    );
    // A file over the upload limit.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    write_padded_csv(&big, 1_400, 8_000);
    let r = fails(
        ringg(
            &sim,
            &launch_args(
                big.to_str().unwrap(),
                "Big",
                &["--number-pool", NUMBER_POOL_ID, "--yes"],
            ),
        ),
        1,
    )
    .await;
    assert!(
        r.stderr.contains("over Ringg's 10.0 MiB upload limit") && r.stderr.contains("--split"),
        "{}",
        r.stderr
    );
    nothing_uploaded(&sim);
}

/// A CSV of `rows` Indian numbers, each row padded to about `row_bytes`.
fn write_padded_csv(path: &std::path::Path, rows: usize, row_bytes: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "Mobile Number,Name,Company Name,Notes").unwrap();
    let pad = "x".repeat(row_bytes);
    for i in 0..rows {
        writeln!(f, "+9198{i:08},Person {i},Acme,{pad}").unwrap();
    }
}

/// The demo number pool calling from `start` to `end` in India.
fn pool_window<'a>(start: &'a str, end: &'a str) -> [&'a str; 8] {
    [
        "--number-pool",
        NUMBER_POOL_ID,
        "--timezone",
        "Asia/Kolkata",
        "--start",
        start,
        "--end",
        end,
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dry_run_is_what_the_launch_does() {
    let sim = sim().await;
    let (start, end) = (tomorrow_ist("10:00"), tomorrow_ist("18:00"));
    let window = pool_window(&start, &end);
    let mut dry = vec!["-o", "json"];
    dry.extend(launch_args(CONTACTS, "Planned", &window));
    dry.push("--dry-run");
    let plan = ok(ringg(&sim, &dry)).await.json();
    nothing_uploaded(&sim);
    assert_eq!(plan["rows"], 5);
    assert_eq!(plan["flow"], "standard");
    assert_eq!(plan["credits"]["locked"], 5.0);
    assert_eq!(plan["rows_in_quiet_hours"], 0);
    assert_eq!(plan["recipient_zones"]["Asia/Kolkata"], 5);
    assert_eq!(plan["window"]["start"], start.as_str());
    assert_eq!(plan["problems"], serde_json::json!([]));
    // For people, at 80 columns: every line fits, broken at spaces, so the pool id, the
    // number and the times stay whole.
    let mut text = launch_args(CONTACTS, "Planned", &window);
    text.push("--dry-run");
    let mut cmd = ringg(&sim, &text);
    cmd.env("COLUMNS", "80");
    let shown = ok(cmd).await.stdout;
    assert!(shown.contains(NUMBER_POOL_ID), "{shown}");
    assert!(shown.contains("dialling: first call at"), "{shown}");
    for line in shown.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line}");
    }

    let mut real = vec!["-o", "json"];
    real.extend(launch_args(CONTACTS, "Planned", &window));
    real.extend(["--yes", "--no-follow"]);
    let r = ok(ringg(&sim, &real)).await;
    let launched = &r.json_lines()[0];
    assert_eq!(launched["event"], "launched");
    assert_eq!(launched["flow"], plan["flow"]);
    assert_eq!(launched["plan"]["rows"], plan["rows"]);
    let list_id = launched["list_id"].as_str().unwrap();
    assert_eq!(sim.handle().list_ids().len(), 1);
    // As many calls as planned rows, and as many credits held as planned.
    let calls: Vec<_> = sim
        .handle()
        .calls()
        .into_iter()
        .filter(|c| c.bulk_list_id.as_ref().map(|l| l.as_str()) == Some(list_id))
        .collect();
    assert_eq!(calls.len() as u64, plan["rows"].as_u64().unwrap());
    assert_eq!(
        sim.handle().workspace().locked_credits,
        plan["credits"]["locked"].as_f64().unwrap()
    );
    // The campaign runs in the planned window.
    let list = ok(ringg(&sim, &["-o", "json", "campaigns", "list"]))
        .await
        .json();
    let c = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == list_id)
        .unwrap()
        .clone();
    let instant = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    assert_eq!(
        instant(&c["campaign_start_time"]),
        instant(&plan["window"]["start_utc"])
    );
    assert_eq!(
        instant(&c["campaign_end_time"]),
        instant(&plan["window"]["end_utc"])
    );
    assert_eq!(
        instant(&plan["first_call_at"]),
        instant(&plan["window"]["start_utc"])
    );
}

/// Checks and plans `contents` (a contact file) with a dry run, then launches it with
/// `--remove-invalid-rows`: the dry run's report holds `report` and `warning`, the plan counts
/// as many calls as are placed, and the numbers called are `called`.
async fn planned_is_placed(contents: &str, report: &str, warning: &str, called: &[&str]) {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.csv");
    std::fs::write(&file, contents).unwrap();
    let file = file.to_str().unwrap();
    let (start, end) = (tomorrow_ist("10:00"), tomorrow_ist("18:00"));
    let mut window = pool_window(&start, &end).to_vec();
    window.push("--remove-invalid-rows");
    let mut dry = launch_args(file, "Planned rows", &window);
    dry.push("--dry-run");
    let shown = ok(ringg(&sim, &dry)).await;
    let said = format!("{}{}", shown.stdout, shown.stderr);
    assert!(said.contains(report), "{said}");
    assert!(said.contains(warning), "{said}");
    let mut real = vec!["-o", "json"];
    real.extend(launch_args(file, "Planned rows", &window));
    real.extend(["--yes", "--no-follow"]);
    let launched = ok(ringg(&sim, &real)).await.json_lines()[0].clone();
    let mut placed: Vec<String> = sim
        .handle()
        .calls()
        .into_iter()
        .map(|c| c.to_number.to_string())
        .collect();
    placed.sort();
    assert_eq!(placed, called);
    assert_eq!(launched["plan"]["rows"], called.len());
}

/// Without `--country`, a number written without its `+` is read with +91 by the check and
/// the plan as by the launch, and the check says so: the launch calls exactly the rows the plan
/// counted, and none the check reported as skipped.
#[tokio::test(flavor = "multi_thread")]
async fn a_number_without_its_prefix_is_read_alike_by_the_plan_and_the_launch() {
    planned_is_placed(
        "Mobile Number,Name\n+919876500301,Asha\n9876500302,Ravi\n",
        "2 rows, 2 valid, 0 invalid",
        "read with the country code +91 (the first on line 3",
        &["+919876500301", "+919876500302"],
    )
    .await;
}

/// What the launch uploads is what the check read: a number written with the international
/// prefix 00, which the check refuses (the simulator, like any server that puts the country
/// code in front of a number without `+`, dials someone else), is left out of the upload with
/// `--remove-invalid-rows`, and a number written with no-break spaces, which the check reads
/// and the simulator does not, is dialled as the check read it.
#[tokio::test(flavor = "multi_thread")]
async fn the_launch_uploads_the_rows_the_check_read_as_it_read_them() {
    planned_is_placed(
        "Mobile Number,Name\n+919876500341,Asha\n0091 98765 00342,Ravi\n+91\u{a0}98765\u{a0}00343,Meera\n",
        "3 rows, 2 valid, 1 invalid",
        "starts with the international prefix 00",
        &["+919876500341", "+919876500343"],
    )
    .await;
}

/// A row one field short of the header is imported with that value empty, so the check counts
/// it (and names it) instead of calling it invalid: the plan counts the call placed for it.
#[tokio::test(flavor = "multi_thread")]
async fn a_row_short_of_a_field_is_counted_by_the_plan_as_it_is_called() {
    planned_is_placed(
        "Name,Mobile Number,company_name\nAsha,+919876500311,Acme\nZed,+919876500312\n",
        "2 rows, 2 valid, 0 invalid",
        "(the first on line 3: 2)",
        &["+919876500311", "+919876500312"],
    )
    .await;
}

/// A number on two rows (written two ways) would be called twice by one campaign: the launch
/// is refused before anything is uploaded, naming the first repeated line; with
/// `--allow-duplicate-numbers` every row is called.
#[tokio::test(flavor = "multi_thread")]
async fn a_number_on_two_rows_is_refused_unless_allowed() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.csv");
    let rows = "Mobile Number,Name\n+919876500321,Asha\n+919876500322,Ravi\n+91 98765 00321,Asha\n";
    std::fs::write(&file, rows).unwrap();
    let (start, end) = (tomorrow_ist("10:00"), tomorrow_ist("18:00"));
    let window = pool_window(&start, &end);
    let mut args = launch_args(file.to_str().unwrap(), "Twice", &window);
    args.extend(["--yes", "--no-follow"]);
    let r = fails(ringg(&sim, &args), 1).await;
    assert!(
        r.stderr.contains("1 row(s) repeat a number")
            && r.stderr.contains("(the first on line 4)")
            && r.stderr.contains("--allow-duplicate-numbers"),
        "{}",
        r.stderr
    );
    nothing_uploaded(&sim);
    args.push("--allow-duplicate-numbers");
    ok(ringg(&sim, &args)).await;
    assert_eq!(sim.handle().calls().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn split_launches_a_file_over_the_limit_in_parts() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    write_padded_csv(&big, 1_400, 8_000);
    let start = tomorrow_ist("10:00");
    // The parts of a launch killed an hour ago are still there.
    let state = dir.path().join("state");
    let leftover = state.join("split").join("killed");
    std::fs::create_dir_all(&leftover).unwrap();
    std::fs::write(leftover.join("big-part-001.csv"), "Name,Mobile Number\n").unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::open(&leftover)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let mut c = ringg(
        &sim,
        &launch_args(
            big.to_str().unwrap(),
            "Big",
            &[
                "--number-pool",
                NUMBER_POOL_ID,
                "--timezone",
                "Asia/Kolkata",
                "--start",
                &start,
                "--split",
                "--yes",
                "--no-follow",
            ],
        ),
    );
    c.env("RINGG_STATE_DIR", &state);
    let r = ok(c).await;
    // Its own parts are gone too, and the leftover with them.
    let left: Vec<_> = std::fs::read_dir(state.join("split")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(
        r.stdout.contains("(part 1/2)") && r.stdout.contains("(part 2/2)"),
        "{}",
        r.stdout
    );
    assert_eq!(sim.handle().list_ids().len(), 2);
    assert_eq!(sim.handle().calls().len(), 1_400);
}

/// A file of national numbers just under the upload limit (one of them, on line 2, `extra`),
/// launched with `--remove-invalid-rows`: the numbers in their + form would take the checked
/// rows over the limit. What the launch printed, and the numbers the simulator dialled.
async fn launch_near_the_limit(extra: Option<&str>) -> (String, Vec<String>) {
    use std::io::Write;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("national.csv");
    let limit = (10 * 1024 * 1024 - 64 * 1024) as usize;
    let (rows, header) = (1_000, "Mobile Number,Notes\n");
    // 1,000 numbers without their +91 add 3,000 bytes; the file is about 1,000 under the limit.
    let row_bytes = (limit - 1_000 - 100 - header.len()) / rows;
    let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    f.write_all(header.as_bytes()).unwrap();
    if let Some(row) = extra {
        writeln!(f, "{row}").unwrap();
    }
    for i in 0..rows {
        let pad = "x".repeat(row_bytes - "9876500000,\n".len());
        writeln!(f, "98765{i:05},{pad}").unwrap();
    }
    drop(f);
    let size = std::fs::metadata(&file).unwrap().len() as usize;
    assert!(size <= limit && size + 3 * rows > limit, "{size}");
    let (start, end) = (tomorrow_ist("10:00"), tomorrow_ist("18:00"));
    let mut args = pool_window(&start, &end).to_vec();
    args.extend(["--remove-invalid-rows", "--yes", "--no-follow"]);
    let r = ok(ringg(
        &sim,
        &launch_args(file.to_str().unwrap(), "Grown", &args),
    ))
    .await;
    let out = format!("{}{}", r.stdout, r.stderr);
    assert!(
        out.contains("1000 contact(s)") && !out.contains("(part 1/"),
        "{out}"
    );
    let placed = sim
        .handle()
        .calls()
        .into_iter()
        .map(|c| c.to_number.to_string());
    (out, placed.collect())
}

/// When every row is valid, its rows go as the file holds them (one campaign, as before the
/// checked rows were uploaded), and the launch says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_valid_file_whose_checked_rows_are_over_the_limit_goes_as_the_file_holds_it() {
    let (out, placed) = launch_near_the_limit(None).await;
    assert!(
        out.contains("warning: the valid rows were uploaded as the file holds them, any row the check refused left out (the checked rows, each number in its + form, came to more than one upload carries)"),
        "{out}"
    );
    assert_eq!(placed.len(), 1_000);
}

/// With a row the check refused (a number written with 00, which the simulator would dial as
/// someone else's), the valid rows go with their numbers as written and that row is left
/// out: nobody the check did not count is dialled.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_row_is_left_out_when_the_checked_rows_are_over_the_limit() {
    let (out, placed) = launch_near_the_limit(Some("0091 98765 00342,refused")).await;
    assert!(
        out.contains("warning: the valid rows were uploaded as the file holds them, any row the check refused left out"),
        "{out}"
    );
    assert_eq!(placed.len(), 1_000);
    assert!(
        placed.iter().all(|n| n.starts_with("+9198765")),
        "{placed:?}"
    );
}

/// With `mobile_number` mapped to another column than `Mobile Number`, which of the two Ringg
/// dials is not documented (the simulator dials the mapped one): the check says so, and the
/// launch uploads the file as written instead of rows chosen by the column the check reads,
/// so no contact is dropped for an empty `Mobile Number`.
#[tokio::test(flavor = "multi_thread")]
async fn numbers_mapped_to_another_column_go_as_written() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("phones.csv");
    std::fs::write(
        &file,
        "Mobile Number,Phone,Name\n,+919876500401,Asha\n+919876500499,+919876500402,Ravi\n",
    )
    .unwrap();
    let (start, end) = (tomorrow_ist("10:00"), tomorrow_ist("18:00"));
    let mut extra = pool_window(&start, &end).to_vec();
    extra.extend([
        "--map",
        "mobile_number=Phone",
        "--map",
        "callee_name=Name",
        "--remove-invalid-rows",
        "--yes",
        "--no-follow",
    ]);
    let r = ok(ringg(
        &sim,
        &launch_args(file.to_str().unwrap(), "Phones", &extra),
    ))
    .await;
    let out = format!("{}{}", r.stdout, r.stderr);
    assert!(
        out.contains("variables_map maps mobile_number to the column \"Phone\"")
            && out.contains("warning: the file was uploaded as written, since variables_map maps mobile_number to the column \"Phone\""),
        "{out}"
    );
    let mut placed: Vec<String> = sim
        .handle()
        .calls()
        .into_iter()
        .map(|c| c.to_number.to_string())
        .collect();
    placed.sort();
    assert_eq!(placed, ["+919876500401", "+919876500402"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_terminal_and_without_yes_nothing_happens() {
    let sim = sim().await;
    let r = fails(
        ringg(
            &sim,
            &launch_args(
                CONTACTS,
                "Asked",
                &["--number-pool", NUMBER_POOL_ID, "--quiet-hours", "off"],
            ),
        ),
        2,
    )
    .await;
    assert!(
        r.stderr.contains("refused") && r.stderr.contains("--yes"),
        "{}",
        r.stderr
    );
    nothing_uploaded(&sim);

    // A queued campaign (tomorrow) stays queued.
    launch_tomorrow(&sim, "Queued").await;
    let r = fails(ringg(&sim, &["terminate", "--agent", AGENT_ID]), 2).await;
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert!(
        sim.handle()
            .calls()
            .iter()
            .all(|c| c.status == "registered"),
        "a call was cancelled"
    );
    let r = fails(ringg(&sim, &["assistants", "delete", AGENT_ID]), 2).await;
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(sim.handle().workspace().assistants, 2);
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("new.key");
    fails(
        ringg(
            &sim,
            &[
                "workspace",
                "rotate-key",
                "--key-file",
                key_file.to_str().unwrap(),
            ],
        ),
        2,
    )
    .await;
    assert!(!key_file.exists());
    assert_eq!(
        sim.handle().workspace().api_key.expose(),
        ringg_sim::DEMO_API_KEY
    );

    // With --yes, terminate says how many calls it stopped, naming the campaign that was
    // scheduled for later.
    let r = ok(ringg(
        &sim,
        &["terminate", "--agent", "Sales Assistant", "--yes"],
    ))
    .await;
    assert!(
        r.stdout.contains("stopped 5 queued call(s)"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("scheduled to start at"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_scheduled_leaves_campaigns_that_start_later() {
    let sim = sim().await;
    let keep_scheduled = [
        "terminate",
        "--agent",
        AGENT_ID,
        "--keep-scheduled",
        "--yes",
    ];
    // Nothing queued: with --keep-scheduled nothing is sent (an assistant-wide request would
    // also stop the calls of campaigns the history does not show).
    let r = ok(ringg(&sim, &keep_scheduled)).await;
    assert!(
        r.stdout.contains("nothing to terminate")
            && r.stdout
                .contains("--keep-scheduled stops only the calls it shows"),
        "says why: {}",
        r.stdout
    );
    let sent = sim.handle().stats().by_operation;
    assert!(
        !sent.keys().any(|op| op.starts_with("terminate")),
        "no termination request: {sent:?}"
    );
    launch_tomorrow(&sim, "Tomorrow").await;
    let r = ok(ringg(&sim, &keep_scheduled)).await;
    assert!(
        r.stdout.contains("nothing to terminate")
            && r.stdout
                .contains("scheduled to start later, which --keep-scheduled leaves"),
        "says why: {}",
        r.stdout
    );
    assert!(
        sim.handle()
            .calls()
            .iter()
            .all(|c| c.status == "registered")
    );
}

/// Without --timezone, the plan reads its window in the local zone as tables do: `TZ` first.
#[tokio::test(flavor = "multi_thread")]
async fn the_plan_takes_the_local_zone_from_tz_as_tables_do() {
    let sim = sim().await;
    let flags = ["--number-pool", NUMBER_POOL_ID, "--dry-run"];
    let mut cmd = ringg(&sim, &launch_args(CONTACTS, "Local", &flags));
    cmd.env("TZ", "Asia/Kolkata");
    let r = ok(cmd).await;
    assert!(r.stdout.contains("(Asia/Kolkata, from TZ;"), "{}", r.stdout);
    nothing_uploaded(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_started_launch_run_again_is_not_refused_for_the_credits_it_holds() {
    // 5 rows need 5 credits; once started, the campaign holds them and 2 are left.
    let sim = Simulator::builder()
        .time_scale(0.002)
        .credits(7.0)
        .start()
        .await
        .unwrap();
    launch_tomorrow(&sim, "Holds its credits").await;
    let ws = sim.handle().workspace();
    assert!(ws.credits - ws.locked_credits < 5.0, "{ws:?}");
    let r = launch_tomorrow(&sim, "Holds its credits").await;
    let out = format!("{}{}", r.stdout, r.stderr);
    assert!(out.contains("already started"), "{out}");
    assert!(
        out.contains("an earlier run of this launch started campaign"),
        "{out}"
    );
    // With --split, a file under the limit is one launch, the same one.
    let r = launch_tomorrow_with(&sim, "Holds its credits", &["--split"]).await;
    assert!(r.stdout.contains("already started"), "{}", r.stdout);
    assert_eq!(sim.handle().list_ids().len(), 1);
    // Renamed in the dashboard since, it is still found, and still not counted again.
    let list = sim.handle().list_ids()[0].to_string();
    assert!(sim.handle().rename_list(&list, "Renamed in the dashboard"));
    let r = launch_tomorrow(&sim, "Holds its credits").await;
    let out = format!("{}{}", r.stdout, r.stderr);
    assert!(out.contains("already started"), "{out}");
    assert_eq!(sim.handle().list_ids().len(), 1);
}
