//! `ringg calls …` against a simulator: create (with --wait), list with filters and --all,
//! get, wait, reconcile, export.

mod common;

use common::{fails, ok, ringg, sim};
use ringg_sim::CallOutcome;
use ringg_sim::demo::{AGENT_ID, NUMBER, NUMBER_ID, NUMBER_POOL_ID};

const TO: &str = "+919876511111";

#[tokio::test(flavor = "multi_thread")]
async fn create_wait_get_and_list() {
    let sim = sim().await;
    sim.handle().script_outcomes(TO, [CallOutcome::Answered]);
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "calls",
            "create",
            "--agent",
            AGENT_ID,
            "--to",
            TO,
            "--name",
            "Asha",
            "--from-number-id",
            NUMBER_ID,
            "--var",
            "company_name=Acme",
            "--wait",
        ],
    ))
    .await;
    let d = r.json();
    assert_eq!(d["call_status"], "completed");
    assert_eq!(d["custom_args_values"]["company_name"], "Acme");
    assert!(d["platform_analysis"]["summary"].is_string(), "{d}");
    let call_id = d["id"].as_str().unwrap().to_string();
    // The status changes went to stderr, the JSON document alone to stdout.
    assert!(r.stderr.contains("status: completed"), "{}", r.stderr);

    let r = ok(ringg(&sim, &["calls", "get", &call_id, "--analysis"])).await;
    assert!(
        r.stdout.contains("transcript:") && r.stdout.contains("bot: Hello Asha"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("platform analysis:") && r.stdout.contains("summary"));
    let r = ok(ringg(&sim, &["-o", "json", "calls", "get", &call_id])).await;
    assert_eq!(r.json()["id"], call_id.as_str());
    assert!(
        r.json()
            .get("platform_analysis")
            .is_none_or(|v| v.is_null())
    );

    let r = ok(ringg(&sim, &["calls", "wait", &call_id])).await;
    assert!(r.stdout.contains("completed"));

    // Another call, from a number (E.164) and one from the pool, without waiting.
    let r = ok(ringg(
        &sim,
        &[
            "calls",
            "create",
            "--var",
            "company_name=Acme",
            "--agent",
            AGENT_ID,
            "--to",
            "+919876511112",
            "--name",
            "Ravi",
            "--from-number",
            NUMBER,
        ],
    ))
    .await;
    assert!(
        r.stdout.contains("client reference") && r.stdout.contains("rr-"),
        "{}",
        r.stdout
    );
    ok(ringg(
        &sim,
        &[
            "calls",
            "create",
            "--var",
            "company_name=Acme",
            "--agent",
            AGENT_ID,
            "--to",
            "+919876511113",
            "--name",
            "Meera",
            "--number-pool",
            NUMBER_POOL_ID,
        ],
    ))
    .await;

    let r = ok(ringg(&sim, &["--wide", "calls", "list"])).await;
    assert!(
        r.stdout.contains(&call_id) && r.stdout.contains("Ravi"),
        "{}",
        r.stdout
    );
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "calls",
            "list",
            "--status",
            "completed",
            "--agent",
            AGENT_ID,
        ],
    ))
    .await;
    let page = r.json();
    let calls = page["items"].as_array().unwrap();
    assert_eq!(page["paging"]["offset"], 0, "{page}");
    assert!(calls.iter().all(|c| c["status"] == "completed"), "{page}");
    assert!(calls.iter().any(|c| c["id"] == call_id.as_str()));
    let today = chrono::Utc::now().date_naive().to_string();
    let r = ok(ringg(
        &sim,
        &[
            "-o", "json", "calls", "list", "--start", &today, "--end", &today, "--limit", "2",
        ],
    ))
    .await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 2);
    let r = ok(ringg(
        &sim,
        &[
            "-o", "json", "calls", "list", "--limit", "1", "--offset", "1",
        ],
    ))
    .await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1);
    // Past the end of the list: said so, not blamed on the filters.
    let r = ok(ringg(&sim, &["calls", "list", "--offset", "100000"])).await;
    assert!(
        r.stdout
            .contains("nothing from offset 100000: the list ends before it")
            && !r.stdout.contains("widen the filters"),
        "{}",
        r.stdout
    );

    // Bad filters are usage errors.
    fails(ringg(&sim, &["calls", "list", "--status", "done"]), 2).await;
    fails(ringg(&sim, &["calls", "list", "--start", "yesterday"]), 2).await;
    fails(
        ringg(
            &sim,
            &[
                "calls",
                "create",
                "--var",
                "company_name=Acme",
                "--agent",
                AGENT_ID,
                "--to",
                "98765",
                "--name",
                "x",
                "--from-number-id",
                NUMBER_ID,
            ],
        ),
        2,
    )
    .await;
    // Two caller sources at once are refused by the parser.
    fails(
        ringg(
            &sim,
            &[
                "calls",
                "create",
                "--var",
                "company_name=Acme",
                "--agent",
                AGENT_ID,
                "--to",
                TO,
                "--name",
                "x",
                "--from-number-id",
                NUMBER_ID,
                "--number-pool",
                NUMBER_POOL_ID,
            ],
        ),
        2,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_streams_every_page_as_json_lines() {
    let sim = sim().await;
    let ids = sim.handle().seed_history(230);
    let r = ok(ringg(&sim, &["-o", "json", "calls", "list", "--all"])).await;
    let rows = r.json_lines();
    assert_eq!(rows.len(), ids.len());
    let r = ok(ringg(&sim, &["calls", "list", "--all"])).await;
    assert!(r.stderr.contains("230 calls"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn date_filters_are_read_in_the_zone_tables_show() {
    use chrono::{NaiveDate, TimeZone, Utc};
    let sim = sim().await;
    sim.handle().seed_history(300);
    let ist = chrono_tz::Asia::Kolkata;
    let day = (Utc::now().with_timezone(&ist) - chrono::Duration::days(3)).date_naive();
    let d = day.format("%Y-%m-%d").to_string();
    // The ids of the calls made in [from, to).
    let made_in = |from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>| {
        let mut ids: Vec<String> = sim
            .handle()
            .calls()
            .into_iter()
            .filter(|c| from <= c.created_at && c.created_at < to)
            .map(|c| c.id.as_str().to_string())
            .collect();
        ids.sort();
        ids
    };
    // The ids `calls list` shows, the machine's zone being India's.
    let listed = |extra: &[&str]| {
        let mut args = vec!["-o", "json", "calls", "list", "--all"];
        args.extend_from_slice(extra);
        let mut cmd = ringg(&sim, &args);
        cmd.env("TZ", "Asia/Kolkata");
        async move {
            let mut ids: Vec<String> = ok(cmd)
                .await
                .json_lines()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_string())
                .collect();
            ids.sort();
            ids
        }
    };
    let local = |date: NaiveDate, h: u32, m: u32| {
        ist.from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .to_utc()
    };
    let next = day.succ_opt().unwrap();
    let ist_day = made_in(local(day, 0, 0), local(next, 0, 0));
    let utc_day = made_in(
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap()),
        Utc.from_utc_datetime(&next.and_hms_opt(0, 0, 0).unwrap()),
    );
    assert!(
        !ist_day.is_empty() && ist_day != utc_day,
        "a day that tells them apart"
    );
    // A date is the whole day in the local zone, as the tables label the calls...
    assert_eq!(listed(&["--start", &d, "--end", &d]).await, ist_day);
    // ...or in UTC with --utc.
    assert_eq!(
        listed(&["--utc", "--start", &d, "--end", &d]).await,
        utc_day
    );
    // A time without an offset is local too.
    let (from, to) = (format!("{d}T06:00:00"), format!("{d}T17:59:59.999999"));
    assert_eq!(
        listed(&["--start", &from, "--end", &to]).await,
        made_in(local(day, 6, 0), local(day, 18, 0))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reconcile_finds_a_placed_call_and_says_when_none_was_placed() {
    let sim = sim().await;
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "calls",
            "create",
            "--var",
            "company_name=Acme",
            "--agent",
            AGENT_ID,
            "--to",
            TO,
            "--name",
            "Asha",
            "--from-number-id",
            NUMBER_ID,
        ],
    ))
    .await;
    let placed = r.json();
    let reference = placed["client_reference"].as_str().unwrap().to_string();
    let call_id = placed["call_id"].as_str().unwrap().to_string();

    let r = ok(ringg(&sim, &["calls", "reconcile", &reference])).await;
    assert!(
        r.stdout.contains("was placed") && r.stdout.contains(&call_id),
        "{}",
        r.stdout
    );
    // The next command names the call, not a placeholder.
    assert!(
        r.stderr.contains(&format!("ringg calls wait {call_id}"))
            || r.stderr.contains(&format!("ringg calls get {call_id}")),
        "{}",
        r.stderr
    );
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "calls",
            "reconcile",
            &reference,
            "--agent",
            AGENT_ID,
        ],
    ))
    .await;
    assert_eq!(r.json()["found"], true);
    assert_eq!(r.json()["placed"], true);
    assert_eq!(r.json()["call"]["id"], call_id.as_str());

    // A reference this client made two hours ago (it records when, and a 60 s wait): missing,
    // so ruled out.
    let made = chrono::Utc::now() - chrono::Duration::hours(2);
    let millis = u64::try_from(made.timestamp_millis()).unwrap();
    let id = uuid::Builder::from_unix_timestamp_millis(millis, &[9; 10]).into_uuid();
    let timed = format!("rr-{}-60s", id.simple());
    let r = ok(ringg(&sim, &["calls", "reconcile", &timed])).await;
    assert!(
        r.stdout.contains("among calls since") && r.stdout.contains("was not placed"),
        "{}",
        r.stdout
    );
    let r = ok(ringg(&sim, &["-o", "json", "calls", "reconcile", &timed])).await;
    assert_eq!(r.json()["placed"], false, "{}", r.stdout);
    // A reference that records no time (one of the caller's own, or mistyped) and that the
    // journal does not hold: a call sent before the search is not ruled out.
    // Neither found nor ruled out: an error (exit 1, as when the search stops at its row
    // limit), so a script does not take it for a call it may place again; in JSON, `placed`
    // is null.
    let r = fails(ringg(&sim, &["calls", "reconcile", "rr-never-sent"]), 1).await;
    assert!(
        r.stderr.contains("is not ruled out") && !r.stdout.contains("cannot create a duplicate"),
        "{}",
        r.stderr
    );
    let r = fails(
        ringg(&sim, &["-o", "json", "calls", "reconcile", "rr-never-sent"]),
        1,
    )
    .await;
    assert!(r.json()["placed"].is_null() && r.json()["found"] == false);
    assert!(r.json()["searched"]["since"].is_string());
    assert!(r.stderr.contains("--since"), "{}", r.stderr);

    // A search narrowed away from the call rules out only what it covered, and says so.
    let r = ok(ringg(
        &sim,
        &[
            "calls",
            "reconcile",
            &reference,
            "--agent",
            ringg_sim::demo::SECOND_AGENT_ID,
        ],
    ))
    .await;
    assert!(
        r.stdout.contains(&format!(
            "of assistant {}",
            ringg_sim::demo::SECOND_AGENT_ID
        )) && r.stdout.contains("if it was initiated there"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("search was narrowed"), "{}", r.stderr);
    // A search from the future could rule nothing out: refused.
    let future = (chrono::Utc::now() + chrono::Duration::minutes(5)).to_rfc3339();
    let r = fails(
        ringg(
            &sim,
            &["calls", "reconcile", &reference, "--since", &future],
        ),
        2,
    )
    .await;
    assert!(r.stderr.contains("in the future"), "{}", r.stderr);

    // A search that stops at its row limit says the call is neither found nor ruled out.
    sim.handle().seed_history(140);
    let r = fails(
        ringg(
            &sim,
            &["calls", "reconcile", "rr-never-sent", "--max-rows", "3"],
        ),
        1,
    )
    .await;
    assert!(
        r.stderr.contains("after 3 history rows")
            && r.stderr.contains("neither found nor ruled out")
            && r.stderr.contains("--max-rows"),
        "{}",
        r.stderr
    );
    fails(
        ringg(
            &sim,
            &["calls", "reconcile", "rr-never-sent", "--max-rows", "0"],
        ),
        2,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reconcile_of_a_reference_made_over_a_day_ago_searches_back_to_it() {
    let sim = sim().await;
    // Made 30 hours ago by a sender that could wait an hour on its request.
    let made = chrono::Utc::now() - chrono::Duration::hours(30);
    let millis = u64::try_from(made.timestamp_millis()).unwrap();
    let id = uuid::Builder::from_unix_timestamp_millis(millis, &[7; 10]).into_uuid();
    let reference = format!("rr-{}-3600s", id.simple());
    let r = ok(ringg(
        &sim,
        &["-o", "json", "calls", "reconcile", &reference],
    ))
    .await;
    assert_eq!(r.json()["found"], false, "{}", r.stdout);
    let since = r.json()["searched"]["since"].as_str().unwrap().to_string();
    let since = chrono::DateTime::parse_from_rfc3339(&since).unwrap();
    let gap = made - chrono::Duration::minutes(10) - since.to_utc();
    assert!(
        gap.num_seconds().abs() <= 1,
        "searched since {since}, made {made}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_streams_history_with_transcripts() {
    let sim = sim().await;
    sim.handle().seed_history(120);
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("calls.jsonl");
    let r = ok(ringg(
        &sim,
        &[
            "calls",
            "export",
            "--format",
            "jsonl",
            "--out",
            jsonl.to_str().unwrap(),
        ],
    ))
    .await;
    assert!(r.stderr.contains("exported 120 call(s)"), "{}", r.stderr);
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 120);
    assert!(
        rows.iter()
            .any(|r| r["transcript"].is_string() || r["transcript"].is_array())
    );

    let r = ok(ringg(
        &sim,
        &[
            "calls",
            "export",
            "--format",
            "csv",
            "--status",
            "completed",
        ],
    ))
    .await;
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let header = rdr.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == "transcript") && header.iter().any(|h| h == "status"));
    let records: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(!records.is_empty());
    let status = header.iter().position(|h| h == "status").unwrap();
    let transcript = header.iter().position(|h| h == "transcript").unwrap();
    assert!(records.iter().all(|r| &r[status] == "completed"));
    assert!(
        records.iter().any(|r| r[transcript].contains("bot: ")),
        "transcripts are exported"
    );
}

/// `--var` pairs that would be lost or change the call silently are refused before anything is
/// sent: a name given twice, a `callee_name` other than `--name` (it would override it), a
/// `mobile_number` other than `--to` (it would be dropped).
#[tokio::test(flavor = "multi_thread")]
async fn conflicting_vars_are_refused_before_sending() {
    let sim = sim().await;
    let before = sim.handle().stats().requests;
    for (extra, says) in [
        (
            ["--var", "company_name=Beta"],
            "--var company_name is given more than once",
        ),
        (["--var", "callee_name=Bob"], "differs from --name"),
        (
            ["--var", "mobile_number=+919000000000"],
            "differs from --to",
        ),
    ] {
        let mut args = common::call_args(TO, &["--var", "company_name=Acme"]);
        args.extend(extra);
        let r = fails(ringg(&sim, &args), 2).await;
        assert!(r.stderr.contains(says), "{}", r.stderr);
    }
    assert_eq!(sim.handle().stats().requests, before, "nothing was sent");
    // The same values as the flags are no conflict.
    let mut args = common::call_args(TO, &["--var", "company_name=Acme"]);
    args.extend([
        "--var",
        "callee_name=Asha",
        "--var",
        "mobile_number=+91 98765 11111",
    ]);
    ok(ringg(&sim, &args)).await;
}

/// Two `calls create` for one recipient started at the same moment (two processes, one
/// journal): one call is placed, the other command is refused naming the first.
#[tokio::test(flavor = "multi_thread")]
async fn two_creates_for_one_recipient_at_once_place_one_call() {
    let sim = common::sim_with_faults("op.initiateCallV2=1:latency,latency-ms=1500").await;
    let state = tempfile::tempdir().unwrap();
    let to = "+919876599901";
    let create = || {
        let mut cmd = ringg(
            &sim,
            &common::call_args(to, &["--var", "company_name=Acme"]),
        );
        cmd.env("RINGG_STATE_DIR", state.path());
        common::run(cmd)
    };
    let (a, b) = tokio::join!(create(), create());
    let codes = [a.code, b.code];
    assert!(
        codes.contains(&0) && codes.iter().any(|c| *c != 0),
        "{codes:?}"
    );
    let refused = if a.code == 0 { &b } else { &a };
    assert!(
        refused.stderr.contains("is not settled")
            && refused.stderr.contains("ringg calls reconcile --pending"),
        "{}",
        refused.stderr
    );
    let placed = sim
        .handle()
        .calls()
        .into_iter()
        .filter(|c| c.to_number == to)
        .count();
    assert_eq!(placed, 1);
}

/// A `calls create` whose answer was lost (the call placed) is pending in the journal; the
/// same command run with another spelling of the same server's URL (scheme in capitals) is
/// refused too, since the journal keeps one server's entries together however it is written.
#[tokio::test(flavor = "multi_thread")]
async fn a_pending_call_is_seen_under_another_spelling_of_the_servers_url() {
    let sim = common::sim_with_faults("op.initiateCallV2=1:reset-after").await;
    let state = tempfile::tempdir().unwrap();
    let to = "+919876599903";
    let create = |base_url: String| {
        let mut cmd = common::bare();
        cmd.args(["--base-url", &base_url, "--api-key", sim.api_key()]);
        cmd.args(common::call_args(to, &["--var", "company_name=Acme"]));
        cmd.env("RINGG_STATE_DIR", state.path());
        common::run(cmd)
    };
    let placed = || {
        sim.handle()
            .calls()
            .into_iter()
            .filter(|c| c.to_number == to)
            .count()
    };
    let base = sim.base_url();
    let first = create(base.clone()).await;
    assert_ne!(first.code, 0, "the answer was lost: {}", first.stderr);
    assert_eq!(placed(), 1, "the server placed the first call");
    let shouted = format!("{}/", base.replacen("http://", "HTTP://", 1));
    let second = create(shouted).await;
    assert!(
        second.stderr.contains("is not settled"),
        "{}",
        second.stderr
    );
    assert_eq!(placed(), 1, "the recipient was called once");
}

/// A key rotated while a call's answer is lost (the call placed) and another call was found
/// placed a moment ago: the journal's entries go with the key, so with the new key the pending call is
/// listed and both calls made again are refused, instead of every recipient being called twice.
#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_key_keeps_the_old_keys_pending_and_recent_calls() {
    let sim = common::sim_with_faults("op.initiateCallV2=1:reset-after").await;
    let state = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let run_with = |key: String, args: Vec<String>| {
        let mut cmd = common::bare();
        cmd.args(["--base-url", &sim.base_url(), "--api-key", &key])
            .args(&args)
            .env("RINGG_STATE_DIR", state.path());
        common::run(cmd)
    };
    let create = |key: String, to: &str| {
        let args = common::call_args(to, &["--var", "company_name=Acme"]);
        run_with(key, args.into_iter().map(String::from).collect())
    };
    let (lost, placed) = ("+919876599931", "+919876599932");
    let old = sim.api_key().to_string();
    // Every answer is lost: the first call is found placed by a reconcile, the second stays
    // pending.
    assert_eq!(create(old.clone(), placed).await.code, 6);
    let reconcile = ["calls", "reconcile", "--pending"]
        .map(String::from)
        .to_vec();
    assert_eq!(run_with(old.clone(), reconcile).await.code, 0);
    assert_eq!(create(old.clone(), lost).await.code, 6);
    let file = keys.path().join("new.key");
    let rotate = common::rotate_args(&file);
    let r = run_with(old, rotate.iter().map(|a| a.to_string()).collect()).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("The old key's journal entries (2:"),
        "{}",
        r.stdout
    );
    let new = std::fs::read_to_string(&file).unwrap().trim().to_string();
    let pending = run_with(new.clone(), vec!["calls".into(), "pending".into()]).await;
    assert!(pending.stdout.contains(lost), "{}", pending.stdout);
    let again = create(new.clone(), lost).await;
    assert!(again.stderr.contains("is not settled"), "{}", again.stderr);
    let again = create(new, placed).await;
    assert!(
        again.stderr.contains("was already called"),
        "{}",
        again.stderr
    );
    for to in [lost, placed] {
        assert_eq!(common::calls_to(&sim, to).len(), 1, "{to} was called once");
    }
}

/// The same with the key of a profile, which the rotation replaces in the profile: the entries
/// still go with it (read before the profile gets the new key).
#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_profile_key_keeps_the_old_keys_pending_calls() {
    let sim = common::sim_with_faults("op.initiateCallV2=1:reset-after").await;
    let (state, config) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let cmd = |args: &[&str]| {
        let mut cmd = common::bare();
        cmd.args(args)
            .env("RINGG_STATE_DIR", state.path())
            .env("RINGG_CONFIG_DIR", config.path());
        cmd
    };
    let mut login = cmd(&["login", "--base-url", &sim.base_url()]);
    login.write_stdin(format!("{}\n", sim.api_key()));
    common::ok(login).await;
    let lost = "+919876599933";
    let create = common::call_args(lost, &["--var", "company_name=Acme"]);
    assert_eq!(
        common::run(cmd(&create)).await.code,
        6,
        "the answer is lost"
    );
    let file = config.path().join("new.key");
    let r = common::run(cmd(&common::rotate_args(&file))).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("The old key's journal entries (1:"),
        "{}",
        r.stdout
    );
    let pending = common::run(cmd(&["calls", "pending"])).await;
    assert!(pending.stdout.contains(lost), "{}", pending.stdout);
    let again = common::run(cmd(&create)).await;
    assert!(again.stderr.contains("is not settled"), "{}", again.stderr);
    assert_eq!(common::calls_to(&sim, lost).len(), 1, "called once");
}

/// The same `calls create` run again after its call was placed is refused, naming that call:
/// the command re-run after it was interrupted while waiting, or after `calls reconcile` found
/// the call placed, would otherwise call the recipient twice. `--force` calls again.
#[tokio::test(flavor = "multi_thread")]
async fn a_recipient_called_a_moment_ago_is_not_called_again_without_force() {
    let sim = common::sim().await;
    let state = tempfile::tempdir().unwrap();
    let to = "+919876599905";
    let create = |extra: &[&str]| {
        let mut args = common::call_args(to, &["--var", "company_name=Acme"]);
        args.extend_from_slice(extra);
        let mut cmd = ringg(&sim, &args);
        cmd.env("RINGG_STATE_DIR", state.path());
        common::run(cmd)
    };
    let placed = || common::calls_to(&sim, to);
    let first = create(&[]).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let calls = placed();
    assert_eq!(calls.len(), 1);
    let again = create(&[]).await;
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(
        again.stderr.contains("was already called")
            && again
                .stderr
                .contains(&format!("ringg calls wait {}", calls[0])),
        "{}",
        again.stderr
    );
    // The reference it printed before the check went nowhere, and says so.
    assert!(
        again.stderr.contains("less than a minute ago")
            && again.stderr.contains("nothing was sent (reference rr-")
            && again.stderr.contains("needs no reconcile"),
        "{}",
        again.stderr
    );
    assert_eq!(placed().len(), 1, "the recipient was called once");
    let forced = create(&["--force"]).await;
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(placed().len(), 2);
}

/// The path the outcome-unknown hint leads to: the answer lost, `calls reconcile --pending`
/// finds the call placed, and the same `calls create` run again is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_call_reconcile_found_placed_is_not_placed_again() {
    let sim = common::sim_with_faults("op.initiateCallV2=1:reset-after").await;
    let state = tempfile::tempdir().unwrap();
    let to = "+919876599907";
    let run = |args: Vec<&str>| {
        let mut cmd = ringg(&sim, &args);
        cmd.env("RINGG_STATE_DIR", state.path());
        common::run(cmd)
    };
    let create = || run(common::call_args(to, &["--var", "company_name=Acme"]));
    let first = create().await;
    assert_eq!(first.code, 6, "outcome unknown: {}", first.stderr);
    assert!(
        first.stderr.contains("do not call again"),
        "{}",
        first.stderr
    );
    let settled = run(vec!["calls", "reconcile", "--pending"]).await;
    assert_eq!(settled.code, 0, "{}", settled.stderr);
    let again = create().await;
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(
        again.stderr.contains("was already called"),
        "{}",
        again.stderr
    );
    assert_eq!(
        common::calls_to(&sim, to).len(),
        1,
        "the recipient was called once"
    );
}
