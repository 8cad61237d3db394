//! The Examples section of every command's help, kept in one table so that a test can check
//! that no command lacks one. [`add`] puts them into the clap command tree.

/// `(command path, examples)`: one example a line, each with what it does.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "",
        "ringg quickstart                      # the whole integration against a local simulator\nringg --sim assistants list           # any command against a throw-away simulator\nringg calls list -o json | jq '.items[0]'",
    ),
    (
        "quickstart",
        "ringg quickstart\nringg quickstart --output json",
    ),
    (
        "workspace",
        "ringg workspace show\nringg workspace users --all",
    ),
    (
        "workspace show",
        "ringg workspace show\nringg workspace show -o json | jq .workspace_info.credits",
    ),
    ("workspace list", "ringg workspace list"),
    (
        "workspace users",
        "ringg workspace users\nringg workspace users --all -o json",
    ),
    (
        "workspace rotate-key",
        "ringg workspace rotate-key --key-file ~/.ringg-key --yes",
    ),
    ("numbers", "ringg numbers list"),
    (
        "numbers list",
        "ringg numbers list\nringg numbers list --all -o json | jq -r .number",
    ),
    (
        "assistants",
        "ringg assistants list\nringg assistants get AGENT_ID",
    ),
    (
        "assistants list",
        "ringg assistants list\nringg assistants list --all -o json | jq -r .id",
    ),
    (
        "assistants get",
        "ringg assistants get AGENT_ID\nringg assistants get AGENT_ID -o json",
    ),
    (
        "assistants create",
        "ringg assistants create --name 'Order desk' --objective 'Confirm orders' \\\n  --guidelines 'Be brief' --task 'Confirm the order id' --language en-IN \\\n  --voice VOICE_ID --intro-message 'Hi, this is the order desk' --var order_id",
    ),
    (
        "assistants update",
        "ringg assistants update AGENT_ID --intro-message 'Hello again'",
    ),
    (
        "assistants delete",
        "ringg assistants delete AGENT_ID --yes",
    ),
    (
        "assistants voices",
        "ringg assistants voices --language en-IN,hi-IN",
    ),
    (
        "assistants edit",
        "ringg assistants edit AGENT_ID display-name 'Order desk'\nringg assistants edit AGENT_ID prompt --file prompt.txt",
    ),
    (
        "assistants edit display-name",
        "ringg assistants edit AGENT_ID display-name 'Order desk'",
    ),
    (
        "assistants edit prompt",
        "ringg assistants edit AGENT_ID prompt --file prompt.txt\nringg assistants edit AGENT_ID prompt 'You confirm orders.'",
    ),
    (
        "assistants edit intro-message",
        "ringg assistants edit AGENT_ID intro-message 'Hi, this is the order desk'",
    ),
    (
        "assistants edit custom-vars",
        "ringg assistants edit AGENT_ID custom-vars callee_name mobile_number order_id",
    ),
    (
        "assistants edit voice",
        "ringg assistants edit AGENT_ID voice --voice-id VOICE_ID --language en-IN",
    ),
    (
        "assistants edit voice-speed",
        "ringg assistants edit AGENT_ID voice-speed 1.1",
    ),
    (
        "assistants edit whitelisted-domains",
        "ringg assistants edit AGENT_ID whitelisted-domains https://www.ringg.ai https://shop.example",
    ),
    (
        "assistants edit attach-kb",
        "ringg assistants edit AGENT_ID attach-kb KB_ID",
    ),
    (
        "assistants edit remove-kb",
        "ringg assistants edit AGENT_ID remove-kb KB_ID",
    ),
    (
        "assistants edit attach-inbound-number",
        "ringg assistants edit AGENT_ID attach-inbound-number NUMBER_ID",
    ),
    (
        "assistants edit remove-inbound-number",
        "ringg assistants edit AGENT_ID remove-inbound-number NUMBER_ID",
    ),
    (
        "assistants edit event-subscriptions",
        "ringg assistants edit AGENT_ID event-subscriptions --json \\\n  '[{\"event_type\":[\"call_completed\"],\"callback_url\":\"https://hooks.example/ringg\"}]'",
    ),
    (
        "assistants edit classification-labels",
        "ringg assistants edit AGENT_ID classification-labels --label qualified_lead='wants a demo'",
    ),
    (
        "assistants edit call-config",
        "ringg assistants edit AGENT_ID call-config '{\"max_call_length\":300}'",
    ),
    (
        "assistants edit raw",
        "ringg assistants edit AGENT_ID raw \\\n  --json '{\"operation\":\"edit_timezone\",\"timezone\":\"Asia/Kolkata\"}'",
    ),
    (
        "assistants embed",
        "ringg assistants embed AGENT_ID --domain https://shop.example\nringg assistants embed 'Sales Assistant' --domain https://shop.example \\\n  --mode text --bypass-start-screen\nringg assistants embed AGENT_ID --domain https://shop.example --widget-version 1.0.21 \\\n  -o json | jq -r .snippet",
    ),
    (
        "calls",
        "ringg calls create --agent AGENT_ID --to +919876543210 --name Asha \\\n  --from-number-id NUMBER_ID --wait\nringg calls list --status failed",
    ),
    (
        "calls create",
        "ringg calls create --agent AGENT_ID --to +919876543210 --name Asha \\\n  --from-number-id NUMBER_ID --var order_id=ORD-1042 --wait\nringg calls create ... --v1            # the older endpoint (no number pools)",
    ),
    (
        "calls list",
        "ringg calls list --status completed --start 2025-09-01\nringg calls list --all -o json | jq -r .id",
    ),
    (
        "calls get",
        "ringg calls get CALL_ID\nringg calls get CALL_ID --analysis -o json | jq .transcript",
    ),
    (
        "calls wait",
        "ringg calls wait CALL_ID && echo completed   # exit 7 when the call failed",
    ),
    (
        "calls tail",
        "ringg calls tail\nringg calls tail --agent 'Sales Assistant' --status completed\nringg calls tail --listen 127.0.0.1:8787 --secret-file webhook.secret",
    ),
    (
        "calls delete-list",
        "ringg calls delete-list LIST_ID --yes\nringg calls delete-list 'Renewals' -o json --yes",
    ),
    ("calls pending", "ringg calls pending"),
    (
        "calls reconcile",
        "ringg calls reconcile rr-5f0c2a9e\nringg calls reconcile --pending",
    ),
    (
        "calls export",
        "ringg calls export --format jsonl --start 2025-09-01 > calls.jsonl\nringg calls export --format csv --out calls.csv",
    ),
    (
        "calls download",
        "ringg calls download --start 2025-09-01 --end 2025-09-30 --out september.csv",
    ),
    (
        "campaigns",
        "ringg campaigns check contacts.csv --agent AGENT_ID\nringg campaigns launch contacts.csv --agent AGENT_ID --name Renewals --number-pool POOL_ID",
    ),
    (
        "campaigns check",
        "ringg campaigns check contacts.csv --agent AGENT_ID --map callee_name=Name",
    ),
    (
        "campaigns launch",
        "ringg campaigns launch contacts.csv --agent 'Sales Assistant' --name Renewals \\\n  --number-pool POOL_ID --dry-run\nringg campaigns launch contacts.csv --agent AGENT_ID --name Renewals --number-pool POOL_ID\nringg campaigns launch contacts.csv --agent AGENT_ID --name Renewals \\\n  --from-number +918035736726 --no-follow --yes",
    ),
    (
        "campaigns list",
        "ringg campaigns list\nringg campaigns list --all -o json | jq -r .id",
    ),
    ("campaigns status", "ringg campaigns status LIST_ID"),
    ("campaigns pending", "ringg campaigns pending"),
    ("campaigns resume", "ringg campaigns resume LIST_ID"),
    ("campaigns discard", "ringg campaigns discard LIST_ID --yes"),
    (
        "campaigns create",
        "ringg campaigns create contacts.csv --agent AGENT_ID --name Renewals \\\n  --start '25/09/2030, 10:00' --end '25/09/2030, 18:00'",
    ),
    (
        "campaigns start",
        "ringg campaigns start LIST_ID --agent AGENT_ID --number-pool POOL_ID\nringg campaigns start LIST_ID --agent AGENT_ID --v1 --from-number +918035736726",
    ),
    (
        "campaigns upload-large",
        "ringg campaigns upload-large big.csv --agent AGENT_ID --name 'Big renewals'",
    ),
    (
        "campaigns upload-status",
        "ringg campaigns upload-status LIST_ID",
    ),
    (
        "campaigns check-balance",
        "ringg campaigns check-balance LIST_ID",
    ),
    (
        "campaigns start-large",
        "ringg campaigns start-large LIST_ID --agent AGENT_ID --number-pool POOL_ID --concurrency 50",
    ),
    (
        "terminate",
        "ringg terminate --campaign LIST_ID\nringg terminate --calls CALL_ID_1 CALL_ID_2\nringg terminate --agent AGENT_ID --legacy   # the older dedicated paths",
    ),
    (
        "kb",
        "ringg kb list\nringg kb create --name FAQ --file faq.pdf",
    ),
    ("kb list", "ringg kb list"),
    ("kb get", "ringg kb get KB_ID"),
    (
        "kb create",
        "ringg kb create --name 'Shop FAQ' --file faq.pdf \\\n  --url https://shop.example/help --faq 'Refunds?=30 days'",
    ),
    (
        "kb edit",
        "ringg kb edit KB_ID --add-url https://shop.example/shipping --remove-faq FAQ_ID",
    ),
    ("kb delete", "ringg kb delete KB_ID --yes"),
    (
        "analytics",
        "ringg analytics platform --start 2025-09-01\nringg analytics numbers",
    ),
    (
        "analytics platform",
        "ringg analytics platform --start 2025-09-01 --end 2025-09-30",
    ),
    (
        "analytics drill-down",
        "ringg analytics drill-down --list LIST_ID",
    ),
    (
        "analytics numbers",
        "ringg analytics numbers --agent AGENT_ID",
    ),
    (
        "analytics durations",
        "ringg analytics durations --start 2025-09-01",
    ),
    (
        "analytics classification",
        "ringg analytics classification --agent AGENT_ID",
    ),
    (
        "webhooks",
        "ringg webhooks subscribe --agent AGENT_ID --url https://hooks.example/ringg --event all\nringg webhooks listen --forward-to http://127.0.0.1:3000/ringg",
    ),
    (
        "webhooks subscribe",
        "ringg webhooks subscribe --agent AGENT_ID --url https://hooks.example/ringg \\\n  --event call_completed --secret-file whsec.txt",
    ),
    ("webhooks list", "ringg webhooks list --agent AGENT_ID"),
    (
        "webhooks unsubscribe",
        "ringg webhooks unsubscribe --agent AGENT_ID --url https://hooks.example/ringg",
    ),
    (
        "webhooks listen",
        "RINGG_WEBHOOK_SECRET=s3cret ringg webhooks listen --port 8080\nringg webhooks listen --forward-to http://127.0.0.1:3000/ringg",
    ),
    (
        "webhooks replay",
        "ringg webhooks replay --since 24h\nringg webhooks replay --call CALL_ID --forward-to http://127.0.0.1:3000/ringg",
    ),
    ("sim", "ringg sim serve --port 7878 --time-scale 0.01"),
    (
        "sim serve",
        "ringg sim serve --port 7878 --time-scale 0.01 --history-rows 500\nringg sim serve --demo --credits 50000   # more assistants, history, credits\nringg sim serve --quirks live            # the live API's documented variants\nringg login --sim                        # then, in another terminal: a profile for it",
    ),
    (
        "login",
        "ringg login                                   # production; the key is asked for, not echoed\nringg login --profile staging --base-url https://staging.example/ca/api/v0 < key.txt\nringg login --sim                             # the running `ringg sim serve`",
    ),
    (
        "profiles",
        "ringg profiles list\nringg profiles use staging",
    ),
    (
        "profiles list",
        "ringg profiles list\nringg profiles list -o json",
    ),
    ("profiles use", "ringg profiles use staging"),
    ("profiles remove", "ringg profiles remove staging"),
    ("stt", "ringg stt transcribe call.wav"),
    (
        "stt transcribe",
        "ringg stt transcribe call.wav --language en",
    ),
    ("stt stream", "ringg stt stream call.wav"),
    ("stt health", "ringg stt health"),
    (
        "api",
        "ringg api GET /workspace/all\nringg api GET /calling/history --query limit=5 --query status=failed\nringg api PATCH /agent/v1 --data @edit.json",
    ),
    (
        "completion",
        "ringg completion bash > ~/.local/share/bash-completion/completions/ringg\nringg completion zsh > \"${fpath[1]}/_ringg\"\nringg completion fish > ~/.config/fish/completions/ringg.fish\nringg completion powershell >> $PROFILE",
    ),
];

/// The examples of a command path (`""` for `ringg` itself), if it has them.
pub(crate) fn examples(path: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|(p, _)| *p == path).map(|(_, e)| *e)
}

/// Adds an Examples section to the help of every command that has one.
pub(crate) fn add(cmd: clap::Command) -> clap::Command {
    add_at(cmd, "")
}

fn add_at(mut cmd: clap::Command, path: &str) -> clap::Command {
    if let Some(e) = examples(path) {
        let text: String = e.lines().map(|l| format!("  {l}\n")).collect();
        cmd = cmd.after_help(format!("Examples:\n{}", text.trim_end()));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| add_at(sub, &sub_path));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn paths(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_string());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let p = if path.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{path} {}", sub.get_name())
            };
            paths(sub, &p, out);
        }
    }

    #[test]
    fn every_command_has_examples_and_every_example_a_command() {
        let mut all = Vec::new();
        paths(&crate::cli::Cli::command(), "", &mut all);
        let missing: Vec<&String> = all.iter().filter(|p| examples(p).is_none()).collect();
        assert!(missing.is_empty(), "commands without examples: {missing:?}");
        let stale: Vec<&str> = EXAMPLES
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| !all.iter().any(|a| a == p))
            .collect();
        assert!(stale.is_empty(), "examples of no command: {stale:?}");
    }

    /// Help is wrapped at 100 columns (`max_term_width`) and examples are shown indented by
    /// two: a longer example line would be broken where it cannot be copied, so long ones are
    /// continued with `\` instead.
    #[test]
    fn every_example_line_fits_the_help_width() {
        let long: Vec<&str> = EXAMPLES
            .iter()
            .flat_map(|(_, text)| text.lines())
            .filter(|line| line.chars().count() + 2 > 98)
            .collect();
        assert!(long.is_empty(), "break these with ` \\`: {long:#?}");
    }

    /// clap shows an unset variable as `[env: NAME=]`, which reads as an empty value: every
    /// option read from the environment hides the value (the name alone is shown).
    #[test]
    fn no_help_shows_an_environment_value() {
        fn check(cmd: &clap::Command, path: &str, bad: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                if arg.get_env().is_some() && !arg.is_hide_env_values_set() {
                    bad.push(format!("{path} --{}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()), bad);
            }
        }
        let mut bad = Vec::new();
        check(&crate::cli::Cli::command(), "ringg", &mut bad);
        assert!(bad.is_empty(), "options showing [env: NAME=…]: {bad:?}");
    }
}
