//! `ringg kb …` against a simulator.

mod common;

use common::{fails, ok, ringg, sim};
use ringg_sim::RunningSimulator;
use ringg_sim::demo::KB_ID;

#[tokio::test(flavor = "multi_thread")]
async fn knowledge_bases_end_to_end() {
    let sim = sim().await;
    let r = ok(ringg(&sim, &["kb", "list"])).await;
    assert!(r.stdout.contains("Product FAQ"), "{}", r.stdout);
    let r = ok(ringg(&sim, &["-o", "json", "kb", "get", KB_ID])).await;
    assert_eq!(r.json()["kb_id"], KB_ID);

    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("pricing.txt");
    std::fs::write(&doc, "Plans start at 499 a month.").unwrap();
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "kb",
            "create",
            "--name",
            "Pricing",
            "--file",
            doc.to_str().unwrap(),
            "--url",
            "https://example.com/pricing",
            "--faq",
            "Refunds?=Within 30 days",
        ],
    ))
    .await;
    let kb = r.json()["kb_id"].as_str().unwrap().to_string();
    let r = ok(ringg(&sim, &["kb", "get", &kb])).await;
    assert!(
        r.stdout.contains("Pricing") && r.stdout.contains("https://example.com/pricing"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("pricing.txt"), "{}", r.stdout);

    let r = ok(ringg(
        &sim,
        &[
            "kb",
            "edit",
            &kb,
            "--add-url",
            "https://example.com/faq",
            "--remove-url",
            "https://example.com/pricing",
        ],
    ))
    .await;
    assert!(r.stdout.contains("1 source(s) removed"), "{}", r.stdout);
    let r = ok(ringg(&sim, &["-o", "json", "kb", "get", &kb])).await;
    let text = r.json().to_string();
    assert!(
        text.contains("https://example.com/faq") && !text.contains("https://example.com/pricing")
    );

    // Removing what is not there is refused (it was "0 source(s) removed" and success), and
    // nothing is sent; a source named by the start of its id is found.
    let edits = || {
        sim.handle()
            .stats()
            .by_operation
            .get("editKnowledgeBase")
            .copied()
            .unwrap_or(0)
    };
    let before = edits();
    for (flag, value) in [
        ("--remove-faq", "no-such-id"),
        ("--remove-file", "e767bb88"),
        ("--remove-url", "https://example.com/never-added"),
    ] {
        let r = fails(ringg(&sim, &["kb", "edit", &kb, flag, value]), 3).await;
        assert!(
            r.stderr.contains(flag) && r.stderr.contains("has no such source"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(edits(), before, "no edit was sent");
    let r = ok(ringg(&sim, &["-o", "json", "kb", "get", &kb])).await;
    let file_id = r.json()["files"][0]["file_id"].as_str().unwrap().to_owned();
    let r = ok(ringg(
        &sim,
        &["kb", "edit", &kb, "--remove-file", &file_id[..8]],
    ))
    .await;
    assert!(r.stdout.contains("1 source(s) removed"), "{}", r.stdout);
    assert_eq!(edits(), before + 1);

    // Refused before sending, in the command line's words (flags, not form fields or SDK
    // calls), as usage errors.
    let r = fails(ringg(&sim, &["kb", "edit", &kb]), 2).await;
    assert!(r.stderr.contains("--add-file"), "{}", r.stderr);
    let urls: Vec<String> = (0..21)
        .map(|i| format!("https://example.com/{i}"))
        .collect();
    let many_urls = repeated(&["kb", "create", "--name", "Many"], "--url", &urls);
    refused(
        &sim,
        &many_urls,
        &["21 --url given", "ringg kb edit NAME --add-url"],
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, vec![b'a'; 3 * 1024 * 1024]).unwrap();
    let r = fails(
        ringg(
            &sim,
            &["kb", "edit", &kb, "--add-file", big.to_str().unwrap()],
        ),
        2,
    )
    .await;
    assert!(
        r.stderr.contains("--add-file") && r.stderr.contains("at most 2 MB"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("new_files["), "{}", r.stderr);
    // Eleven small files, and three of 2 MB (6 MB together): refused before anything is sent.
    let small: Vec<String> = (0..11)
        .map(|i| {
            let p = dir.path().join(format!("s{i}.txt"));
            std::fs::write(&p, b"faq").unwrap();
            p.to_str().unwrap().to_string()
        })
        .collect();
    let eleven = repeated(&["kb", "create", "--name", "Eleven"], "--file", &small);
    refused(&sim, &eleven, &["11 --file given", "at most 10 files"]).await;
    let two_mb: Vec<String> = (0..3)
        .map(|i| {
            let p = dir.path().join(format!("m{i}.txt"));
            std::fs::write(&p, vec![b'a'; 2 * 1024 * 1024]).unwrap();
            p.to_str().unwrap().to_string()
        })
        .collect();
    let six = repeated(&["kb", "edit", kb.as_str()], "--add-file", &two_mb);
    refused(
        &sim,
        &six,
        &["the --add-file files total 6291456 bytes", "at most 5 MB"],
    )
    .await;
    fails(ringg(&sim, &["kb", "create", "--name", "Empty"]), 2).await;
    // Without a terminal and without --yes: the same refusal as every confirmed command.
    let r = fails(ringg(&sim, &["kb", "delete", &kb]), 2).await;
    assert!(
        r.stderr.contains("no terminal to ask on") && r.stderr.contains("add --yes"),
        "{}",
        r.stderr
    );
    let r = fails(ringg(&sim, &["-o", "json", "kb", "delete", &kb]), 2).await;
    let e: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(e["hint"], "add --yes to go ahead", "{e}");
    ok(ringg(&sim, &["kb", "delete", &kb, "--yes"])).await;
    let r = ok(ringg(&sim, &["-o", "json", "kb", "list"])).await;
    assert!(!r.json().to_string().contains(&kb));
}

/// `base`, then `flag VALUE` for each value.
fn repeated<'a>(base: &[&'a str], flag: &'a str, values: &'a [String]) -> Vec<&'a str> {
    let mut args = base.to_vec();
    for v in values {
        args.extend([flag, v.as_str()]);
    }
    args
}

/// `args` exits 2 (usage) and its error says each of `needles`.
async fn refused(sim: &RunningSimulator, args: &[&str], needles: &[&str]) {
    let r = fails(ringg(sim, args), 2).await;
    for needle in needles {
        assert!(r.stderr.contains(needle), "{needle:?} in {}", r.stderr);
    }
}
