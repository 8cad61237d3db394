use super::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[test]
fn timestamp_forms() {
    let offset = Timestamp::parse("2024-12-16T13:03:29.947147+00:00").unwrap();
    let zulu = Timestamp::parse("2024-12-16T13:03:29.947147Z").unwrap();
    let naive = Timestamp::parse("2024-12-16T13:03:29.947147").unwrap();
    let ist = Timestamp::parse("2024-12-16T18:33:29.947147+05:30").unwrap();
    let spaced = Timestamp::parse("2024-12-16 13:03:29.947147").unwrap();
    let date = Timestamp::parse("2024-12-16").unwrap();
    assert!(offset.has_offset() && zulu.has_offset() && !naive.has_offset());
    for t in [&zulu, &naive, &ist, &spaced] {
        assert_eq!(t.to_utc(), offset.to_utc(), "{t:?}");
    }
    assert_eq!(ist.to_fixed_offset().offset().local_minus_utc(), 19800);
    assert_eq!(date.to_utc().to_rfc3339(), "2024-12-16T00:00:00+00:00");
    for raw in [
        "2024-12-16T18:33:29.947147+05:30",
        "2025-11-24T07:33:49.629642",
    ] {
        let t: Timestamp = serde_json::from_value(json!(raw)).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), json!(raw));
    }
    // Day first, as Ringg writes a campaign's times: no offset, so read as UTC.
    for raw in [
        "16/12/2024, 13:03",
        "16/12/2024 13:03",
        "16/12/2024, 13:03:00",
    ] {
        let t = Timestamp::parse(raw).unwrap();
        assert!(!t.has_offset());
        assert_eq!(
            t.to_utc().to_rfc3339(),
            "2024-12-16T13:03:00+00:00",
            "{raw}"
        );
        assert_eq!(t.as_str(), raw);
    }
    assert!(Timestamp::parse("31/02/2024, 10:00").is_err());
    let err = Timestamp::parse("yesterday").unwrap_err();
    assert!(err.to_string().contains("ISO 8601"));
    assert!(serde_json::from_value::<Timestamp>(json!(12)).is_err());
    assert!(zulu < Timestamp::parse("2024-12-16T13:03:30Z").unwrap());
    let made = Timestamp::from_datetime(&offset.to_utc());
    assert_eq!(made.as_str(), "2024-12-16T13:03:29.947147+00:00");
}

#[test]
fn credits_keep_form() {
    for raw in [json!(3025), json!(3025.0), json!(0.15), json!(-2)] {
        let c: Credits = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&c).unwrap(), raw);
    }
    let i: Credits = serde_json::from_value(json!(3025)).unwrap();
    let f: Credits = serde_json::from_value(json!(3025.0)).unwrap();
    assert!(i.is_integer() && !f.is_integer());
    assert_eq!(i.as_f64(), f.as_f64());
    assert_eq!(i.as_u64(), Some(3025));
    assert!(Credits::from_f64(f64::NAN).is_none());
    // Numeric strings are read and written back as strings.
    let c: Credits = serde_json::from_value(json!("3025.5")).unwrap();
    assert_eq!(c.as_f64(), 3025.5);
    assert!(c.is_stringly());
    assert_eq!(serde_json::to_value(&c).unwrap(), json!("3025.5"));
    assert!(serde_json::from_value::<Credits>(json!("lots")).is_err());
    let s: Seconds = serde_json::from_value(json!(1.5)).unwrap();
    assert_eq!(s.to_duration(), std::time::Duration::from_millis(1500));
}

#[test]
fn total_forms() {
    assert_eq!(
        serde_json::from_value::<Total>(json!(5)).unwrap(),
        Total::Count(5)
    );
    assert_eq!(
        serde_json::from_value::<Total>(json!("many")).unwrap(),
        Total::Many
    );
    let other: Total = serde_json::from_value(json!("17")).unwrap();
    assert_eq!(other, Total::Other("17".into()));
    assert_eq!(other.count(), Some(17));
    assert!(serde_json::from_value::<Total>(json!(-1)).is_err());
    assert!(serde_json::from_value::<Total>(json!(1.5)).is_err());
    for raw in [json!(5), json!("many"), json!("17")] {
        let t: Total = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), raw);
    }
}

#[test]
fn flex_bool_forms() {
    for (raw, want) in [
        (json!(true), true),
        (json!("false"), false),
        (json!("YES"), true),
        (json!("no"), false),
        (json!(1), true),
        (json!(0), false),
    ] {
        let b: FlexBool = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(b.get(), want, "{raw}");
        assert_eq!(serde_json::to_value(&b).unwrap(), raw);
    }
    assert!(!FlexBool::from(true).is_stringly());
    // Free text and other numbers are kept, with an unknown value.
    for raw in [json!("maybe"), json!(2), json!(0.5)] {
        let b: FlexBool = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(b.as_bool(), None, "{raw}");
        assert!(!b.get());
        assert_eq!(serde_json::to_value(&b).unwrap(), raw);
    }
}

#[test]
fn custom_variables_forms() {
    let m: CustomVariables =
        serde_json::from_value(json!({"callee_name": "string", "mobile_number": "string"}))
            .unwrap();
    let l: CustomVariables =
        serde_json::from_value(json!(["callee_name", "mobile_number"])).unwrap();
    assert_eq!(m.names(), vec!["callee_name", "mobile_number"]);
    assert_eq!(l.names(), m.names());
    assert!(m.contains("callee_name") && l.contains("mobile_number") && !l.contains("x"));
    assert_eq!(m.len(), 2);
    assert!(CustomVariables::default().is_empty());
    assert!(serde_json::from_value::<CustomVariables>(json!("callee_name")).is_err());
}

#[test]
fn text_list_forms() {
    let l: TextList = serde_json::from_value(json!(["a", "b"])).unwrap();
    let s: TextList = serde_json::from_value(json!("[\"a\", \"b\"]")).unwrap();
    let plain: TextList = serde_json::from_value(json!("just one")).unwrap();
    let empty: TextList = serde_json::from_value(json!("")).unwrap();
    assert_eq!(l.items(), s.items());
    assert_eq!(plain.items(), vec!["just one".to_owned()]);
    assert!(empty.items().is_empty());
    assert_eq!(serde_json::to_value(&s).unwrap(), json!("[\"a\", \"b\"]"));
}

#[test]
fn transcript_string_and_array() {
    let raw = json!("[{\"bot\": \"Hi there! ...\"}, {\"bot\": \"is valuable to us.\"}]");
    let t: Transcript = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(t.encoding(), TranscriptEncoding::JsonString);
    assert_eq!(t.len(), 2);
    assert_eq!(t.turns()[0].speaker(), Speaker::Bot);
    assert_eq!(serde_json::to_value(&t).unwrap(), raw);

    let arr = json!([
        {"bot": "Hello", "message_id": "msg_01", "timestamp": "2025-01-01T00:00:00Z", "audio_offset_ms": 600},
        {"user": "Hi"},
        {"role": "assistant", "content": "How can I help?"},
        {"speaker_x": "odd but single key"}
    ]);
    let t: Transcript = serde_json::from_value(arr.clone()).unwrap();
    assert_eq!(t.encoding(), TranscriptEncoding::Array);
    let turns = t.turns();
    assert_eq!(turns[0].message_id(), Some("msg_01"));
    assert_eq!(turns[0].audio_offset_ms(), Some(600));
    assert!(turns[0].timestamp().is_some());
    assert_eq!(turns[1].speaker(), Speaker::User);
    assert_eq!(turns[2].speaker(), Speaker::Bot);
    assert_eq!(turns[2].form(), TurnForm::RoleContent);
    assert_eq!(turns[2].label(), "assistant");
    assert_eq!(turns[3].speaker(), Speaker::Other("speaker_x".into()));
    assert_eq!(serde_json::to_value(&t).unwrap(), arr);
    assert_eq!(t.to_plain_text().lines().next(), Some("bot: Hello"),);

    let empty: Transcript = serde_json::from_value(json!("")).unwrap();
    assert!(empty.is_empty());
    assert_eq!(serde_json::to_value(&empty).unwrap(), json!(""));

    let built = Transcript::from_turns_as_string(vec![TranscriptTurn::bot("a")]);
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        json!("[{\"bot\":\"a\"}]")
    );
}

/// A turn of a shape none of the known ones is kept whole, its speaker and text read from the
/// keys that usually hold them, instead of failing the answer it is in (one such turn failed a
/// whole history page).
#[test]
fn a_turn_of_another_shape_is_kept_whole() {
    let arr = json!([
        {"speaker": "bot", "text": "hi", "at": 1.5},
        {"role": "agent", "text": "hello"},
        {"message_id": "x", "n": 1},
        {"user": "yes"}
    ]);
    let t: Transcript = serde_json::from_value(arr.clone()).unwrap();
    let turns = t.turns();
    assert_eq!(turns[0].form(), TurnForm::Other);
    assert_eq!((turns[0].label(), turns[0].text()), ("bot", "hi"));
    assert_eq!(turns[0].speaker(), Speaker::Bot);
    assert_eq!((turns[1].label(), turns[1].text()), ("agent", "hello"));
    assert_eq!((turns[2].label(), turns[2].text()), ("", ""));
    assert_eq!(turns[2].shown_text(), r#"{"message_id":"x","n":1}"#);
    assert_eq!(turns[0].shown_text(), "hi");
    // A speaker but no text found: the words are shown as the turn came.
    let spoken: Transcript =
        serde_json::from_value(json!([{"speaker": "bot", "words": "hello there"}])).unwrap();
    assert_eq!(
        spoken.to_plain_text(),
        r#"bot: {"speaker":"bot","words":"hello there"}"#
    );
    assert_eq!(turns[3].form(), TurnForm::Keyed);
    assert_eq!(
        serde_json::to_value(&t).unwrap(),
        arr,
        "written back as it came"
    );
    assert_eq!(
        t.to_plain_text(),
        "bot: hi\nagent: hello\n{\"message_id\":\"x\",\"n\":1}\nuser: yes"
    );
    #[derive(Debug, Deserialize)]
    struct Page {
        calls: Vec<crate::calls::CallRecord>,
    }
    let page = json!({"calls": [{"id": "c1", "transcript": [{"speaker": "bot", "text": "hi"}]}]});
    let page: Page = decode(page.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.calls.len(), 1);
}

#[test]
fn transcript_errors_name_the_turn() {
    let body = br#"{"transcript": [{"bot": "ok"}, 42]}"#;
    #[derive(Debug, Deserialize)]
    struct Holder {
        #[allow(dead_code)]
        transcript: Transcript,
    }
    let err = decode::<Holder>(body).unwrap_err();
    assert_eq!(err.path(), "transcript[1]");
    let err = decode::<Holder>(br#"{"transcript": "[{\"bot\": 1}"}"#).unwrap_err();
    assert_eq!(err.path(), "transcript");
    // Text that is not JSON is the plain-text form (`bot: …`), not an error.
    let plain = decode::<Holder>(br#"{"transcript": "not json"}"#).unwrap();
    assert_eq!(plain.transcript.turns()[0].text(), "not json");
    // A null turn is no turn (nulls may stand anywhere), in the array and in the string form.
    for body in [
        &br#"{"transcript": [{"bot": "Hi"}, null, {"user": "Yo"}]}"#[..],
        br#"{"transcript": "[{\"bot\": \"Hi\"}, null, {\"user\": \"Yo\"}]"}"#,
    ] {
        let held = decode::<Holder>(body).unwrap();
        let texts: Vec<&str> = held.transcript.turns().iter().map(|t| t.text()).collect();
        assert_eq!(texts, ["Hi", "Yo"]);
        // Written back with its nulls where they stood.
        let back = serde_json::to_value(&held.transcript).unwrap();
        let sent: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(back, sent["transcript"]);
    }
    let edges: Transcript = serde_json::from_str(r#"[null, {"bot": "Hi"}, null, null]"#).unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!(
        serde_json::to_string(&edges).unwrap(),
        r#"[null,{"bot":"Hi"},null,null]"#
    );
}

#[test]
fn nullable_round_trip() {
    #[derive(Debug, Serialize, Deserialize)]
    struct H {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        x: Nullable<String>,
    }
    for raw in [json!({}), json!({"x": null}), json!({"x": "v"})] {
        let h: H = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&h).unwrap(), raw);
    }
    let h: H = serde_json::from_value(json!({"x": "v"})).unwrap();
    assert_eq!(h.x.as_deref(), Some("v"));
    assert!(Nullable::<u8>::from(None).is_null());
}

#[test]
fn decode_error_reports_path_and_truncates_body() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Row {
        id: String,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        calls: Vec<Row>,
    }
    let mut body = String::from(r#"{"calls": [{"id": "a"}, {"id": 5}], "pad": ""#);
    body.push_str(&"x".repeat(100_000));
    body.push_str("\"}");
    let err = decode::<Page>(body.as_bytes()).unwrap_err();
    assert_eq!(err.path(), "calls[1].id");
    assert!(err.message().contains("invalid type"));
    assert_eq!(err.body().len(), body.len());
    let shown = format!("{err} {err:?}");
    assert!(
        shown.len() < 3_000,
        "Display/Debug must truncate: {}",
        shown.len()
    );
    assert!(shown.contains("calls[1].id"));

    let err = decode::<Page>(b"not json").unwrap_err();
    assert_eq!(err.line(), 1);
    let err = decode::<Page>(br#"{"calls": []} trailing"#).unwrap_err();
    assert!(err.message().contains("trailing"));
}

#[test]
fn decode_reports_a_failure_even_when_the_tracked_rerun_succeeds() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Fails on its first decode only, so the re-run with path tracking succeeds: the first
    // failure must still be reported, at the document, with the body.
    static DECODES: AtomicUsize = AtomicUsize::new(0);
    struct FailsOnce;
    impl<'de> Deserialize<'de> for FailsOnce {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde::de::IgnoredAny::deserialize(d)?;
            if DECODES.fetch_add(1, Ordering::SeqCst) == 0 {
                return Err(serde::de::Error::custom("refused the first time"));
            }
            Ok(FailsOnce)
        }
    }
    let err = decode::<FailsOnce>(br#"{"a": 1}"#).err().unwrap();
    assert_eq!(err.path(), ".");
    assert!(err.message().contains("refused the first time"));
    assert_eq!(err.body(), br#"{"a": 1}"#);
    assert_eq!(DECODES.load(Ordering::SeqCst), 2);
}

#[test]
fn decode_error_masks_keys() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct W {
        n: u8,
    }
    let body = br#"{"api_key": "7251cb4b-secret", "new_api_key":"e89b-secret", "n": "x"}"#;
    let err = decode::<W>(body).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("secret"), "{shown}");
    assert!(shown.contains("[REDACTED]"));
    assert!(err.body_text().contains("7251cb4b-secret"));
}

#[test]
fn query_pairs() {
    #[derive(Serialize)]
    struct Q {
        a: Option<u32>,
        b: Option<String>,
        #[serde(rename = "agent_id[]")]
        ids: Vec<String>,
        c: bool,
    }
    let pairs = to_query_pairs(&Q {
        a: Some(3),
        b: None,
        ids: vec!["x".into(), "y".into()],
        c: true,
    })
    .unwrap();
    assert_eq!(
        pairs,
        vec![
            ("a".to_owned(), "3".to_owned()),
            ("agent_id[]".to_owned(), "x".to_owned()),
            ("agent_id[]".to_owned(), "y".to_owned()),
            ("c".to_owned(), "true".to_owned()),
        ]
    );
    assert!(to_query_pairs(&5).is_err());
}

#[test]
fn a_turn_whose_text_is_null_is_read_as_empty_and_written_back_as_null() {
    let array = serde_json::json!([
        {"bot": "Hello"},
        {"user": null, "message_id": "m2"},
        {"role": "user", "content": null}
    ]);
    let t: Transcript = serde_json::from_value(array.clone()).unwrap();
    assert_eq!(t.turns().len(), 3);
    assert_eq!(t.turns()[1].speaker(), Speaker::User);
    assert_eq!(t.turns()[1].text(), "");
    assert_eq!(t.turns()[1].message_id(), Some("m2"));
    assert_eq!(t.turns()[2].text(), "");
    assert_eq!(serde_json::to_value(&t).unwrap(), array);
    // In the string form too (call history), and a whole history row still decodes.
    let row = serde_json::json!({"id": "c1", "transcript": array.to_string()});
    let r: crate::calls::CallRecord = serde_json::from_value(row.clone()).unwrap();
    assert_eq!(r.transcript.as_ref().unwrap().turns()[1].text(), "");
    assert_eq!(serde_json::to_value(&r).unwrap(), row);
    // A turn whose text is not text is kept whole, written back as it came.
    let odd = serde_json::json!([{"user": 5}]);
    let t: Transcript = serde_json::from_value(odd.clone()).unwrap();
    assert_eq!(t.turns()[0].form(), TurnForm::Other);
    assert_eq!(serde_json::to_value(&t).unwrap(), odd);
}

#[test]
fn lenient_response_fields_take_other_forms_and_refuse_non_values() {
    use crate::calls::CallHistoryResponse;
    let page = |v: serde_json::Value| decode::<CallHistoryResponse>(v.to_string().as_bytes());
    for (count, want) in [
        (json!(7), Some(7)),
        (json!("7"), Some(7)),
        (json!(" 7 "), Some(7)),
        (json!(7.0), Some(7)),
        (json!("7.0"), Some(7)),
        (json!("12345678901234567.00"), Some(12_345_678_901_234_567)),
        (json!("18446744073709551615"), Some(u64::MAX)),
        (json!(""), None),
        (json!(null), None),
    ] {
        let p = page(json!({"calls": [], "count": count})).unwrap();
        assert_eq!(p.count, want, "{count}");
    }
    for bad in [
        json!(-1),
        json!(7.5),
        json!("seven"),
        json!("7.5"),
        json!("1e3"),
        json!("12345678901234567.5"),
        json!(12345678901234567.0),
        json!(true),
        json!([7]),
    ] {
        let e = page(json!({"calls": [], "count": bad})).unwrap_err();
        assert_eq!(e.path(), "count", "{bad}: {e}");
    }
    let row = |k: &str, v: serde_json::Value| page(json!({"calls": [{"id": "c", k: v}]}));
    for (v, want) in [
        (json!("yes"), Some(true)),
        (json!("FALSE"), Some(false)),
        (json!(1), Some(true)),
        (json!(""), None),
    ] {
        assert_eq!(row("is_callback", v).unwrap().calls[0].is_callback, want);
    }
    for bad in [json!(2), json!("maybe"), json!(1.0)] {
        let e = row("is_callback", bad.clone()).unwrap_err();
        assert_eq!(e.path(), "calls[0].is_callback", "{bad}: {e}");
    }
    let args = |v| row("custom_args_values", v).map(|p| p.calls[0].custom_args_values.clone());
    assert_eq!(args(json!([])).unwrap().as_ref().map(|m| m.len()), Some(0));
    assert!(args(json!("null")).unwrap().is_null());
    for bad in [json!("[1]"), json!("not json"), json!([1]), json!(3)] {
        let e = args(bad.clone()).unwrap_err();
        assert_eq!(e.path(), "calls[0].custom_args_values", "{bad}: {e}");
    }
    let e = row("call_cost", json!("free")).unwrap_err();
    assert_eq!(e.path(), "calls[0].call_cost", "{e}");
    let e = row("from_numbers", json!(true)).unwrap_err();
    assert_eq!(e.path(), "calls[0].from_numbers", "{e}");
    let e = row("from_numbers", json!(["+91", true])).unwrap_err();
    assert_eq!(e.path(), "calls[0].from_numbers[1]", "{e}");
    let details = |v: serde_json::Value| {
        let body = json!({"data": {"id": "c", "platform_analysis": v}}).to_string();
        decode::<crate::calls::CallDetailsResponse>(body.as_bytes())
    };
    assert!(details(json!("")).unwrap().data.platform_analysis.is_null());
    let e = details(json!("a summary")).unwrap_err();
    assert_eq!(e.path(), "data.platform_analysis", "{e}");
}

#[test]
fn epoch_times_numeric_phone_numbers_and_a_single_tag_are_read() {
    use crate::calls::CallHistoryResponse;
    use crate::numbers::NumbersResponse;
    let row = |k: &str, v: serde_json::Value| {
        let body = json!({"calls": [{"id": "c", k: v}]}).to_string();
        decode::<CallHistoryResponse>(body.as_bytes()).map(|p| p.calls[0].clone())
    };
    let at = |v| row("created_at", v).map(|r| r.created_at.unwrap().to_utc().to_rfc3339());
    let second = "2024-12-05T10:00:00+00:00";
    for epoch in [
        json!(1_733_392_800),
        json!(1_733_392_800_000_u64),
        json!(1_733_392_800_000_000_u64),
        json!(1_733_392_800.0),
    ] {
        assert_eq!(at(epoch.clone()).unwrap(), second, "{epoch}");
    }
    let half = row("created_at", json!(1_733_392_800.5)).unwrap();
    assert_eq!(
        half.created_at.as_ref().unwrap().as_str(),
        "2024-12-05T10:00:00.500000+00:00"
    );
    // Written back in the documented form.
    assert_eq!(
        serde_json::to_value(&half).unwrap()["created_at"],
        "2024-12-05T10:00:00.500000+00:00"
    );
    for unset in [json!(0), json!(-1), json!(-1e300)] {
        assert_eq!(row("created_at", unset).unwrap().created_at, None);
    }
    for bad in [
        json!(1e17),
        json!(u64::MAX),
        json!(1e300),
        json!(true),
        json!({}),
    ] {
        let e = row("created_at", bad.clone()).unwrap_err();
        assert_eq!(e.path(), "calls[0].created_at", "{bad}: {e}");
    }

    let to = |v| row("to_number", v).map(|r| r.to_number.clone());
    assert_eq!(
        to(json!(919_876_543_210_u64)).unwrap().as_ref().unwrap(),
        "919876543210"
    );
    assert_eq!(
        to(json!(919_876_543_210.0)).unwrap().as_ref().unwrap(),
        "919876543210"
    );
    assert_eq!(
        to(json!("+919876543210")).unwrap().as_ref().unwrap(),
        "+919876543210"
    );
    assert!(to(json!(null)).unwrap().is_null());
    for bad in [
        json!(-5),
        json!(9.5),
        json!(1e17),
        json!(["+91"]),
        json!(true),
    ] {
        let e = to(bad.clone()).unwrap_err();
        assert_eq!(e.path(), "calls[0].to_number", "{bad}: {e}");
    }
    let from = |v| row("from_numbers", v).map(|r| r.from_numbers.clone());
    assert_eq!(
        from(json!([918_035_736_726_u64, "+918035736727", null]))
            .unwrap()
            .as_ref()
            .unwrap(),
        &vec!["918035736726".to_owned(), "+918035736727".to_owned()]
    );
    assert_eq!(
        from(json!(918_035_736_726_u64))
            .unwrap()
            .as_ref()
            .unwrap()
            .len(),
        1
    );

    let numbers = |tags: serde_json::Value| {
        let body = json!({"workspace_numbers": [{"id": "n", "number": 918_035_736_726_u64,
            "tags": tags}]})
        .to_string();
        decode::<NumbersResponse>(body.as_bytes()).map(|p| p.workspace_numbers[0].clone())
    };
    let n = numbers(json!("vip")).unwrap();
    assert_eq!(n.number.as_deref(), Some("918035736726"));
    assert_eq!(n.tags, Some(vec![json!("vip")]));
    assert_eq!(
        numbers(json!(["a", 2])).unwrap().tags,
        Some(vec![json!("a"), json!(2)])
    );
    assert_eq!(numbers(json!("")).unwrap().tags, None);
    assert_eq!(numbers(json!(null)).unwrap().tags, None);
    assert_eq!(
        numbers(json!({"k": 1})).unwrap().tags,
        Some(vec![json!({"k": 1})])
    );
}

/// Times in other common spellings are read too: an offset of hours only (`+00`, as
/// PostgreSQL writes it), a `UTC` or `GMT` suffix, and RFC 2822, keeping their text; and a
/// Unix time written as a string (in a lenient time field), written back as ISO 8601 as a
/// number is.
#[test]
fn times_in_other_common_spellings_are_read() {
    let utc = "2025-12-14T19:37:13+00:00";
    for text in [
        "2025-12-14 19:37:13+00",
        "2025-12-14T19:37:13+00",
        "2025-12-15 01:07:13+0530",
        "2025-12-14 19:37:13 UTC",
        "2025-12-14T19:37:13 GMT",
        "Sun, 14 Dec 2025 19:37:13 GMT",
        "Sun, 14 Dec 2025 19:37:13 +0000",
    ] {
        let t = Timestamp::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(t.to_utc().to_rfc3339(), utc, "{text}");
        assert!(t.has_offset(), "{text}");
        assert_eq!(t.as_str(), text);
    }
    let row = |v: serde_json::Value| {
        let body = json!({"calls": [{"id": "c", "created_at": v}]}).to_string();
        decode::<crate::calls::CallHistoryResponse>(body.as_bytes()).map(|p| {
            p.calls[0]
                .created_at
                .as_ref()
                .map(|t| t.to_utc().to_rfc3339())
        })
    };
    for epoch in ["1765741033", " 1765741033000 ", "1765741033.0"] {
        assert_eq!(row(json!(epoch)).unwrap().as_deref(), Some(utc), "{epoch}");
    }
    // Written back in the documented form, as a number is.
    let body = json!({"calls": [{"id": "c", "created_at": "1765741033"}]}).to_string();
    let page = decode::<crate::calls::CallHistoryResponse>(body.as_bytes()).unwrap();
    assert_eq!(
        page.calls[0].created_at.as_ref().unwrap().as_str(),
        "2025-12-14T19:37:13.000000+00:00"
    );
    // Still not times: named as before (a year or a compact date is not a Unix time).
    for bad in [
        "yesterday",
        "12345678901234567890",
        "1765741033 seconds",
        "2025",
        "20251214",
    ] {
        let e = row(json!(bad)).unwrap_err();
        assert_eq!(e.path(), "calls[0].created_at", "{bad}: {e}");
    }
}
