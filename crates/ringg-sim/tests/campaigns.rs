//! Standard and large campaign flows from real CSV uploads, and knowledge bases.

mod common;

use common::{Api, fast, start, start_time_ist, wait_for};
use ringg_sim::{CallOutcome, OutcomeWeights, Simulator, demo};
use serde_json::json;

const CSV: &str = "Mobile Number,Name,Company\n+919876500001,Asha,Acme\n9876500002,Ravi,Beta\n+919876500003,Meera,Gamma\n";

async fn save(api: &Api, csv: &str, extra: &[(&str, &str)]) -> common::Resp {
    let start = start_time_ist(1);
    let end = start_time_ist(600);
    let mut fields = vec![
        ("agent_id", demo::AGENT_ID),
        ("campaign_name", "Q1 Sales"),
        (
            "variables_map",
            r#"{"callee_name":"Name","company_name":"Company"}"#,
        ),
        (
            "call_config",
            r#"{"idle_timeout_warning":10,"max_call_length":300}"#,
        ),
        ("country_code", "+91"),
        ("campaign_start_time", start.as_str()),
        ("campaign_end_time", end.as_str()),
    ];
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push((k, v));
    }
    api.multipart(
        "POST",
        "/campaign/save",
        &fields,
        &[("file", "contacts.csv", csv.as_bytes())],
    )
    .await
}

#[tokio::test]
async fn standard_campaign_flow() {
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.0001)
            .seed(2)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    let r = save(&api, CSV, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["message"], "Contacts imported successfully!");
    assert_eq!(r.body["total_rows"], 3);
    assert_eq!(r.body["successful_rows"], 3);
    assert_eq!(
        r.body["custom_args_values"][1]["mobile_number"], "+919876500002",
        "country code applied"
    );
    assert_eq!(r.body["custom_args_values"][0]["company_name"], "Acme");
    let list_id = r.body["list_id"].as_str().unwrap().to_owned();

    let camps = api.get("/campaign/all").await;
    assert_eq!(camps.body["campaigns"][0]["campaign_status"], "draft");
    assert_eq!(camps.body["pagination"]["total"], 1);

    // v1 start with a number id and an E.164 number.
    let bad = api.post("/campaign/start", json!({"agent_id": demo::AGENT_ID, "list_id": list_id, "from_numbers": ["+10000000000"]})).await;
    assert_eq!(bad.status, 400);
    let r = api.post("/campaign/start", json!({"agent_id": demo::AGENT_ID, "list_id": list_id, "from_numbers": [demo::NUMBER_ID, demo::NUMBER_2]})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "campaign registered successfully!");
    let again = api.post("/campaign/v2/start", json!({"agent_id": demo::AGENT_ID, "list_id": list_id, "number_pool_id": demo::NUMBER_POOL_ID})).await;
    assert_eq!(again.status, 400, "already started");

    let h = sim.handle();
    wait_for(10, || {
        let calls: Vec<_> = h
            .calls()
            .into_iter()
            .filter(|c| {
                c.bulk_list_id
                    .as_ref()
                    .is_some_and(|b| b.as_str() == list_id)
            })
            .collect();
        (calls.len() == 3 && calls.iter().all(|c| c.status == "completed")).then_some(())
    })
    .await;
    let camps = api.get("/campaign/all?call_count=true").await;
    let c = &camps.body["campaigns"][0];
    assert_eq!(c["campaign_status"], "completed");
    assert_eq!(c["completed_count"], 3);
    assert_eq!(c["total_count"], 3);
    let hist = api
        .get(&format!("/calling/history?bulk_list_id={list_id}"))
        .await;
    assert_eq!(hist.body["total"], 3);
    assert_eq!(hist.body["calls"][0]["bulk_list_id"], list_id.as_str());
    let dd = api
        .get(&format!(
            "/analytics/drill-down-analytics?bulk_list_id={list_id}"
        ))
        .await;
    assert_eq!(dd.body["performance_metrics"]["total_calls"], 3);
    // Deleting the finished list works; unknown lists are 404.
    assert_eq!(
        api.delete(&format!("/calling/contact/{list_id}"))
            .await
            .status,
        200
    );
    assert_eq!(
        api.delete(&format!("/calling/contact/{list_id}"))
            .await
            .status,
        404
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn csv_validation() {
    let (sim, api) = fast().await;
    let bad_rows = "Mobile Number,Name,Company\n+919876500001,Asha,Acme\nabc,Ravi,Beta\n12,X,Y\n";
    let r = save(&api, bad_rows, &[]).await;
    assert_eq!(r.status, 400);
    let d = r.body["detail"].as_str().unwrap();
    assert!(d.contains("3, 4"), "{d}");
    let r = save(&api, bad_rows, &[("remove_invalid_rows", "true")]).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        (
            r.body["successful_rows"].as_u64(),
            r.body["failed_rows"].as_u64()
        ),
        (Some(1), Some(2))
    );
    let r = save(&api, "Phone,Name\n+919876500001,A\n", &[]).await;
    assert_eq!(r.status, 400);
    assert!(r.body["detail"].as_str().unwrap().contains("Mobile Number"));
    // New-style variables_map and ISO-2 country code.
    let r = save(
        &api,
        CSV,
        &[
            (
                "variables_map",
                r#"{"mobile_number":"Mobile Number","callee_name":"Name"}"#,
            ),
            ("country_code", "IN"),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["custom_args_values"][1]["mobile_number"],
        "+919876500002"
    );
    let r = save(&api, CSV, &[("campaign_start_time", "2026-10-18 09:00")]).await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("DD/MM/YYYY, HH:MM")
    );
    let r = save(&api, CSV, &[("campaign_start_time", "01/01/2020, 09:00")]).await;
    assert_eq!(r.status, 400, "start in the past");
    let r = save(&api, CSV, &[("variables_map", "{oops")]).await;
    assert_eq!(r.status, 400);
    let r = api
        .multipart(
            "POST",
            "/campaign/save",
            &[("agent_id", demo::AGENT_ID)],
            &[],
        )
        .await;
    assert_eq!(r.status, 422);
    let r = api
        .multipart("POST", "/campaign/save", &[], &[("file", "c.txt", b"x")])
        .await;
    assert_eq!(r.status, 422);
    sim.shutdown().await;
}

#[tokio::test]
async fn insufficient_credits_and_termination_of_a_campaign() {
    let (sim, api) = start(Simulator::builder().time_scale(0.0001).seed(4).credits(2.0)).await;
    let r = save(&api, CSV, &[]).await;
    let list_id = r.body["list_id"].as_str().unwrap().to_owned();
    let r = api.post("/campaign/v2/start", json!({"agent_id": demo::AGENT_ID, "list_id": list_id, "number_pool_id": demo::NUMBER_POOL_ID})).await;
    assert_eq!(r.status, 402);
    let camps = api.get("/campaign/all").await;
    assert_eq!(
        camps.body["campaigns"][0]["campaign_status"],
        "insufficient_balance"
    );
    assert_eq!(
        camps.body["campaigns"][0]["additional_balance_required"],
        1.0
    );
    sim.handle().set_credits(100.0);
    let later = start_time_ist(24 * 60);
    let r = save(
        &api,
        CSV,
        &[
            ("campaign_start_time", later.as_str()),
            ("campaign_end_time", start_time_ist(25 * 60).as_str()),
        ],
    )
    .await;
    let later_list = r.body["list_id"].as_str().unwrap().to_owned();
    let r = api.post("/campaign/v2/start", json!({"agent_id": demo::AGENT_ID, "list_id": later_list, "number_pool_id": demo::NUMBER_POOL_ID, "email_completion_user_ids": [demo::USER_ID]})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = api
        .patch(
            "/campaign/terminate",
            json!({"campaign_id": later_list, "mobile_numbers": ["+919876500001"]}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = api
        .patch("/campaign/terminate", json!({"campaign_id": later_list}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["terminated_count"], 2);
    let camps = api.get("/campaign/all?limit=1").await;
    assert_eq!(camps.body["campaigns"].as_array().unwrap().len(), 1);
    assert_eq!(camps.body["campaigns"][0]["campaign_status"], "terminated");
    assert_eq!(camps.body["pagination"]["total"], 2);
    // A terminated campaign can be started again: the cancelled rows are dialled anew.
    let r = api.post("/campaign/v2/start", json!({"agent_id": demo::AGENT_ID, "list_id": later_list, "number_pool_id": demo::NUMBER_POOL_ID})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let h = sim.handle();
    let queued = h
        .calls()
        .iter()
        .filter(|c| c.status == "registered")
        .count();
    assert_eq!(queued, 3);
    assert_eq!(
        api.patch("/campaign/terminate", json!({"campaign_id": "nope"}))
            .await
            .status,
        404
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn large_campaign_flow() {
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.003)
            .seed(8)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    let mut csv = String::from("Mobile Number,Name\n");
    for i in 0..60 {
        csv.push_str(&format!("+91990000{i:04},Person {i}\n"));
    }
    csv.push_str("bogus,Nobody\n");
    let fields = [
        ("agent_id", demo::AGENT_ID),
        ("campaign_name", "Renewal reminders - large upload"),
        ("country_code", "+91"),
        (
            "variables_map",
            r#"{"mobile_number":"Mobile Number","callee_name":"Name"}"#,
        ),
        ("remove_invalid_rows", "true"),
    ];
    let r = api
        .multipart(
            "POST",
            "/campaign/upload-csv",
            &fields,
            &[("file", "big.csv", csv.as_bytes())],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "verifying");
    let id = r.body["bulk_list_id"].as_str().unwrap().to_owned();
    // Too early for the balance check and the start.
    assert_eq!(
        api.send("POST", &format!("/campaign/check-balance/{id}"), None)
            .await
            .status,
        400
    );
    let body = json!({"bulk_list_id": id, "agent_id": demo::AGENT_ID, "number_pool_id": demo::NUMBER_POOL_ID});
    assert_eq!(
        api.post("/campaign/make-call-async", body.clone())
            .await
            .status,
        400
    );
    let mut seen = Vec::new();
    for _ in 0..400 {
        let s = api.get(&format!("/campaign/upload-status/{id}")).await;
        let st = s.body["status"].as_str().unwrap().to_owned();
        if seen.last() != Some(&st) {
            seen.push(st.clone());
        }
        if st == "completed" {
            assert_eq!(s.body["total_callees"], 60);
            assert_eq!(s.body["invalidated_rows_count"], 1);
            assert!(s.body["invalidated_rows_csv_url"].is_string());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    // Polling may miss a short phase on a loaded machine; the order must hold.
    let order = ["verifying", "processing", "completed"];
    let pos: Vec<usize> = seen
        .iter()
        .map(|s| order.iter().position(|o| o == s).unwrap())
        .collect();
    assert!(
        pos.windows(2).all(|w| w[0] < w[1]) && pos.last() == Some(&2),
        "{seen:?}"
    );
    let bal = api
        .send("POST", &format!("/campaign/check-balance/{id}"), None)
        .await;
    assert_eq!(bal.status, 200);
    assert_eq!(bal.body["sufficient_balance"], true);
    assert_eq!(bal.body["required_credits"], 60.0);
    assert_eq!(bal.body["status"], "draft");
    // The 422 rule: exactly one of from_numbers / number_pool_id.
    let both = json!({"bulk_list_id": id, "agent_id": demo::AGENT_ID, "number_pool_id": demo::NUMBER_POOL_ID, "from_numbers": [demo::NUMBER]});
    assert_eq!(
        api.post("/campaign/make-call-async", both).await.status,
        422
    );
    let neither = json!({"bulk_list_id": id, "agent_id": demo::AGENT_ID});
    assert_eq!(
        api.post("/campaign/make-call-async", neither).await.status,
        422
    );
    let mut ok = body.clone();
    ok["concurrency_percentage"] = json!(100);
    ok["call_config"] = json!({"call_retry_config": {"retry_count": 1, "retry_busy": 30, "retry_not_picked": 30, "retry_failed": 30}});
    let r = api.post("/campaign/make-call-async", ok.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "scheduled");
    assert_eq!(
        api.post("/campaign/make-call-async", ok).await.status,
        400,
        "only once"
    );
    let h = sim.handle();
    // Generous: between 23:00 and 24:00 in Asia/Kolkata the demo assistant's calling window
    // (00:00-23:00) is closed and the calls wait up to a simulated hour (10.8 s here).
    wait_for(40, || {
        let calls = h.calls();
        (calls.len() == 60 && calls.iter().all(|c| c.status == "completed")).then_some(())
    })
    .await;
    let camps = api.get("/campaign/all").await;
    assert_eq!(camps.body["campaigns"][0]["campaign_status"], "completed");
    sim.shutdown().await;
}

#[tokio::test]
async fn knowledge_bases_and_rate_limits() {
    let (sim, api) = start(Simulator::builder().time_scale(0.1).seed(6)).await;
    let r = api
        .multipart(
            "POST",
            "/external/kb",
            &[
                ("kb_name", "Docs"),
                ("urls", r#"["https://example.com/docs"]"#),
                ("faqs", r#"[{"question":"Q?","answer":"A."}]"#),
            ],
            &[
                ("files", "guide.pdf", b"%PDF-1.4 data"),
                ("files", "notes.txt", b"hello"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["processing_status"], "pending");
    assert_eq!(r.body["files_queued"], 2);
    let kb = r.body["kb_id"].as_str().unwrap().to_owned();
    let got = api.get(&format!("/external/kb/{kb}")).await;
    assert_eq!(got.body["status"], "pending");
    assert_eq!(got.body["files"].as_array().unwrap().len(), 2);
    assert_eq!(got.body["faqs"][0]["content"]["question"], "Q?");
    let file_id = got.body["files"][0]["file_id"].as_str().unwrap().to_owned();
    // 2 s pending, then processing until 5 s + 1 s per item (scale 0.1 → 0.9 s).
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(
        api.get(&format!("/external/kb/{kb}")).await.body["status"],
        "completed"
    );
    let e = api
        .multipart(
            "PATCH",
            "/external/kb",
            &[
                ("kb_id", kb.as_str()),
                ("files_to_remove", &format!("[\"{file_id}\"]")),
                ("urls_to_remove", r#"["https://example.com/docs"]"#),
                ("new_urls", r#"["https://example.com/new"]"#),
            ],
            &[],
        )
        .await;
    assert_eq!(e.status, 200, "{}", e.body);
    assert_eq!(e.body["items_removed"], 2);
    assert_eq!(
        api.get(&format!("/external/kb/{kb}")).await.body["status"],
        "pending"
    );
    let list = api.get("/external/kb/all").await;
    assert!(list.body.is_array());
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    assert_eq!(list.body[1]["type"], "non_deterministic");
    // Validation.
    assert_eq!(
        api.multipart("POST", "/external/kb", &[("kb_name", "Empty")], &[])
            .await
            .status,
        400
    );
    assert_eq!(
        api.multipart("POST", "/external/kb", &[("urls", "[]")], &[])
            .await
            .status,
        422
    );
    assert_eq!(
        api.multipart(
            "POST",
            "/external/kb",
            &[("kb_name", "x"), ("urls", "not json")],
            &[]
        )
        .await
        .status,
        422
    );
    // 10 creates per hour: 4 used above; six more pass, the eleventh is 429.
    for i in 0..6 {
        let r = api
            .multipart(
                "POST",
                "/external/kb",
                &[
                    ("kb_name", &format!("kb{i}")),
                    ("urls", r#"["https://example.com"]"#),
                ],
                &[],
            )
            .await;
        assert_eq!(r.status, 200, "{i}: {}", r.body);
    }
    let r = api
        .multipart(
            "POST",
            "/external/kb",
            &[
                ("kb_name", "one too many"),
                ("urls", r#"["https://example.com"]"#),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, 429);
    assert!(r.headers.contains_key("retry-after"));
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("10 requests per hour")
    );
    // Delete: 404 after, and detached from agents.
    let a = api
        .patch(
            "/agent/v1",
            json!({"operation": "attach_kb", "agent_id": demo::AGENT_ID, "kb_id": kb}),
        )
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(api.delete(&format!("/external/kb/{kb}")).await.status, 200);
    assert_eq!(api.get(&format!("/external/kb/{kb}")).await.status, 404);
    let agent = api.get(&format!("/agent/{}", demo::AGENT_ID)).await;
    assert!(agent.body["agents"]["knowledge_base_id"].is_null());
    sim.shutdown().await;
}
