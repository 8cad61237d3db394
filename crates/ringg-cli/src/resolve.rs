//! Names and id prefixes wherever an id is taken: `assistants get "Sales Assistant"`,
//! `--agent 830f767a`, `--from-number "Sales Line"`, `campaigns status renewals`.
//!
//! A full id (a UUID) is used as it is, without a request. Anything else is looked up in the
//! workspace's list of that kind and matched, in this order, against each item's id, its
//! name (ignoring case and surrounding spaces; numbers also by their E.164 value), the
//! beginning of its id and the beginning of its name. The first rule that matches decides: one match is the answer, several
//! are an ambiguity (a usage error, exit code 2, listing the candidates), and nothing at all
//! is a not-found error (exit code 3) naming the command that lists them.

use futures::{Stream, StreamExt};
use ringg_api::Client;
use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::types::campaigns::ListCampaignsQuery;
use ringg_api::types::numbers::WorkspaceNumber;
use ringg_api::types::{AgentId, CallId, KbId, ListId, NumberId, NumberPoolId};

use crate::error::CliError;

/// How many candidates an ambiguity lists.
const MAX_LISTED: usize = 10;

/// One item a name or prefix may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// Its id.
    pub(crate) id: String,
    /// Its name (empty when it has none).
    pub(crate) name: String,
    /// Other exact names it answers to (a number's E.164 value).
    pub(crate) aliases: Vec<String>,
}

/// What is being resolved: its name in messages and the command that lists them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind {
    /// "assistant", "number", "campaign", "knowledge base".
    pub(crate) what: &'static str,
    /// The command listing them.
    pub(crate) list_command: &'static str,
}

/// Assistants.
pub(crate) const ASSISTANT: Kind = Kind {
    what: "assistant",
    list_command: "ringg assistants list --all",
};
/// Caller numbers.
pub(crate) const NUMBER: Kind = Kind {
    what: "number",
    list_command: "ringg numbers list",
};
/// Campaigns (their contact lists).
pub(crate) const CAMPAIGN: Kind = Kind {
    what: "campaign",
    list_command: "ringg campaigns list --all",
};
/// Knowledge bases.
pub(crate) const KNOWLEDGE_BASE: Kind = Kind {
    what: "knowledge base",
    list_command: "ringg kb list",
};

/// Number pools (those the workspace's numbers are in; pools have no names).
pub(crate) const NUMBER_POOL: Kind = Kind {
    what: "number pool",
    list_command: "ringg numbers list",
};
/// Calls, by id prefix among the newest ([`CALL_PREFIX_SEARCH`]).
pub(crate) const CALL: Kind = Kind {
    what: "call",
    list_command: "ringg calls list --wide",
};
/// How many of the newest calls an id prefix is looked for in.
pub(crate) const CALL_PREFIX_SEARCH: usize = 1000;

/// True for a full UUID (`8-4-4-4-12` hexadecimal digits): used as an id without a lookup.
pub(crate) fn is_full_id(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Picks the one candidate `given` names (see the module documentation).
pub(crate) fn pick(kind: Kind, given: &str, candidates: &[Candidate]) -> Result<String, CliError> {
    // An id copied from a table may carry the ellipsis that marks it shortened.
    let wanted = given.trim().trim_end_matches('…');
    if wanted.is_empty() {
        return Err(CliError::usage(format!("the {} id is empty", kind.what)));
    }
    let lower = wanted.to_lowercase();
    let rules: [&dyn Fn(&Candidate) -> bool; 4] = [
        &|c| c.id == wanted,
        &|c| c.name.trim().to_lowercase() == lower || c.aliases.iter().any(|a| a == wanted),
        &|c| c.id.to_lowercase().starts_with(&lower),
        &|c| c.name.trim().to_lowercase().starts_with(&lower),
    ];
    for rule in rules {
        let found: Vec<&Candidate> = candidates.iter().filter(|c| rule(c)).collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(one.id.clone()),
            many => return Err(ambiguous(kind, wanted, many)),
        }
    }
    Err(CliError::not_found(format!(
        "no {} has the id, name or id prefix {wanted:?}",
        kind.what
    ))
    .with_hint(format!("`{}` lists them", kind.list_command)))
}

/// The usage error of a name or prefix that several items match.
fn ambiguous(kind: Kind, wanted: &str, many: &[&Candidate]) -> CliError {
    let mut listed: Vec<String> = many
        .iter()
        .take(MAX_LISTED)
        .map(|c| {
            if c.name.is_empty() {
                c.id.clone()
            } else {
                format!("{} ({:?})", c.id, c.name)
            }
        })
        .collect();
    if many.len() > MAX_LISTED {
        listed.push(format!("and {} more", many.len() - MAX_LISTED));
    }
    CliError::usage(format!(
        "{wanted:?} matches {} {}s: {}; give the full id, or more of it",
        many.len(),
        kind.what,
        listed.join(", ")
    ))
}

/// Collects a list stream's items, each turned into what the caller keeps (a candidate, or
/// the item itself).
async fn collect<T, U, S>(stream: S, keep: impl Fn(T) -> U) -> Result<Vec<U>, CliError>
where
    S: Stream<Item = Result<T, ringg_api::Error>>,
{
    futures::pin_mut!(stream);
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        out.push(keep(item?));
    }
    Ok(out)
}

/// The assistant `given` names (id, name or id prefix).
pub(crate) async fn agent(client: &Client, given: &str) -> Result<AgentId, CliError> {
    if is_full_id(given.trim()) {
        return Ok(AgentId::new(given.trim()));
    }
    let all = collect(client.assistants().stream(), |a| Candidate {
        id: a.id.to_string(),
        name: a.agent_display_name.as_ref().cloned().unwrap_or_default(),
        aliases: Vec::new(),
    })
    .await?;
    pick(ASSISTANT, given, &all).map(AgentId::new)
}

/// [`agent`] for an optional flag.
pub(crate) async fn agent_opt(
    client: &Client,
    given: Option<&str>,
) -> Result<Option<AgentId>, CliError> {
    match given {
        Some(g) => agent(client, g).await.map(Some),
        None => Ok(None),
    }
}

/// Every caller number of the workspace as candidates (name: the display name; alias: the
/// E.164 value).
pub(crate) async fn number_candidates(client: &Client) -> Result<Vec<Candidate>, CliError> {
    collect(client.numbers().stream(), |n| number_candidate(&n)).await
}

/// A caller number as a candidate.
fn number_candidate(n: &WorkspaceNumber) -> Candidate {
    Candidate {
        id: n.id.to_string(),
        name: n.display_name.as_ref().cloned().unwrap_or_default(),
        // A number written as a JSON number has no `+`: it is also known by its E.164 form.
        aliases: n
            .number
            .iter()
            .flat_map(|num| {
                let digits = !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit());
                [Some(num.clone()), digits.then(|| format!("+{num}"))]
            })
            .flatten()
            .collect(),
    }
}

/// The caller number `given` names (as [`number`]), with its details: one listing of the
/// workspace's numbers, a full id included.
pub(crate) async fn number_record(
    client: &Client,
    given: &str,
) -> Result<WorkspaceNumber, CliError> {
    let mut all = collect(client.numbers().stream(), |n| n).await?;
    let id = if is_full_id(given.trim()) {
        given.trim().to_owned()
    } else {
        let candidates: Vec<Candidate> = all.iter().map(number_candidate).collect();
        pick(NUMBER, given, &candidates)?
    };
    match all.iter().position(|n| n.id.as_str() == id) {
        Some(i) => Ok(all.swap_remove(i)),
        None => Err(CliError::not_found(format!(
            "the workspace has no {} with id {id}",
            NUMBER.what
        ))
        .with_hint(format!("`{}` lists them", NUMBER.list_command))),
    }
}

/// The caller number `given` names (id, display name, E.164 value or id prefix).
pub(crate) async fn number(client: &Client, given: &str) -> Result<NumberId, CliError> {
    if is_full_id(given.trim()) {
        return Ok(NumberId::new(given.trim()));
    }
    let all = number_candidates(client).await?;
    pick(NUMBER, given, &all).map(NumberId::new)
}

/// The campaign `given` names (its list id, name or id prefix).
pub(crate) async fn campaign(client: &Client, given: &str) -> Result<ListId, CliError> {
    if is_full_id(given.trim()) {
        return Ok(ListId::new(given.trim()));
    }
    let query = ListCampaignsQuery {
        call_count: Some(false),
        ..ListCampaignsQuery::default()
    };
    let all = collect(client.campaigns().stream(query), |c| Candidate {
        id: c.id.to_string(),
        name: c.name.as_ref().cloned().unwrap_or_default(),
        aliases: Vec::new(),
    })
    .await?;
    pick(CAMPAIGN, given, &all).map(ListId::new)
}

/// [`campaign`] for an optional flag.
pub(crate) async fn campaign_opt(
    client: &Client,
    given: Option<&str>,
) -> Result<Option<ListId>, CliError> {
    match given {
        Some(g) => campaign(client, g).await.map(Some),
        None => Ok(None),
    }
}

/// The knowledge base `given` names (id, name or id prefix).
pub(crate) async fn knowledge_base(client: &Client, given: &str) -> Result<KbId, CliError> {
    if is_full_id(given.trim()) {
        return Ok(KbId::new(given.trim()));
    }
    let all: Vec<Candidate> = client
        .knowledge_bases()
        .list()
        .await?
        .into_iter()
        .map(|k| Candidate {
            id: k.kb_id.to_string(),
            name: k.kb_name.unwrap_or_default(),
            aliases: Vec::new(),
        })
        .collect();
    pick(KNOWLEDGE_BASE, given, &all).map(KbId::new)
}

/// The number pools of the workspace's numbers as candidates.
pub(crate) async fn pool_candidates(client: &Client) -> Result<Vec<Candidate>, CliError> {
    let stream = client.numbers().stream();
    futures::pin_mut!(stream);
    let mut pools = std::collections::BTreeSet::new();
    while let Some(n) = stream.next().await {
        if let Some(p) = n?.number_pool_id.as_ref() {
            pools.insert(p.to_string());
        }
    }
    Ok(pools
        .into_iter()
        .map(|id| Candidate {
            id,
            name: String::new(),
            aliases: Vec::new(),
        })
        .collect())
}

/// The number pool `given` names (its id or id prefix, as `numbers list` shows it). A full
/// id is used as it is, and so is anything when the numbers do not say which pool they are
/// in (there is nothing to match against).
pub(crate) async fn number_pool(client: &Client, given: &str) -> Result<NumberPoolId, CliError> {
    if is_full_id(given.trim()) {
        return Ok(NumberPoolId::new(given.trim()));
    }
    let all = pool_candidates(client).await?;
    if all.is_empty() {
        return Ok(NumberPoolId::new(given.trim()));
    }
    pick(NUMBER_POOL, given, &all).map(NumberPoolId::new)
}

/// The ids of the newest [`CALL_PREFIX_SEARCH`] calls, as candidates for a prefix.
async fn newest_calls(client: &Client) -> Result<Vec<Candidate>, CliError> {
    let newest = client
        .calls()
        .history_stream(CallHistoryQuery::default().limit(100u32))
        .take(CALL_PREFIX_SEARCH);
    collect(newest, |c| Candidate {
        id: c.id.to_string(),
        name: String::new(),
        aliases: Vec::new(),
    })
    .await
}

/// The call `given` names: a full id as it is; otherwise the beginning of the id of one of
/// the newest [`CALL_PREFIX_SEARCH`] calls (tables show the first 8 characters). Several
/// matches are an ambiguity; none leaves `given` to the server, whose ids need not be UUIDs.
pub(crate) async fn call(client: &Client, given: &str) -> Result<CallId, CliError> {
    let given = given.trim();
    if is_full_id(given) {
        return Ok(CallId::new(given));
    }
    let all = newest_calls(client).await?;
    match pick(CALL, given, &all) {
        Ok(id) => Ok(CallId::new(id)),
        Err(e) if e.class() == crate::error::ErrorClass::NotFound => Ok(CallId::new(given)),
        Err(e) => Err(e),
    }
}

/// The calls `given` names, for a command that acts on them without asking the server
/// about each (`terminate --calls`): a full id as it is, anything else the beginning of the
/// id of one of the newest [`CALL_PREFIX_SEARCH`] calls (looked up once for them all).
/// Several matches are an ambiguity (a usage error) and none a not-found error, so nothing
/// is sent for an id the command could not place.
pub(crate) async fn known_calls(
    client: &Client,
    given: &[String],
) -> Result<Vec<CallId>, CliError> {
    let mut newest: Option<Vec<Candidate>> = None;
    let mut ids = Vec::with_capacity(given.len());
    for g in given {
        let g = g.trim();
        if is_full_id(g) {
            ids.push(CallId::new(g));
            continue;
        }
        let all = match &mut newest {
            Some(all) => all,
            None => newest.insert(newest_calls(client).await?),
        };
        ids.push(CallId::new(pick_call(g, all)?));
    }
    Ok(ids)
}

/// [`pick`] for a call id prefix, whose not-found error says where it was looked for.
fn pick_call(given: &str, newest: &[Candidate]) -> Result<String, CliError> {
    pick(CALL, given, newest).map_err(|e| {
        if e.class() != crate::error::ErrorClass::NotFound {
            return e;
        }
        let wanted = given.trim_end_matches('…');
        CliError::not_found(format!(
            "no call among the newest {CALL_PREFIX_SEARCH} has an id beginning with {wanted:?}"
        ))
        .with_hint(format!(
            "give the call's whole id (`{}` shows it)",
            CALL.list_command
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorClass;

    fn c(id: &str, name: &str) -> Candidate {
        Candidate {
            id: id.into(),
            name: name.into(),
            aliases: Vec::new(),
        }
    }

    fn sample() -> Vec<Candidate> {
        vec![
            c("830f767a-397e-4b39-82ff-235cd344e2f9", "Sales Assistant"),
            c("830fa000-0000-4000-8000-000000000000", "Sales Assistant"),
            c("5d7cdc09-6d51-4468-93c6-a0b8e5ad3f22", "Support Desk"),
            Candidate {
                aliases: vec!["+918035736726".into()],
                ..c("5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c", "Sales Line")
            },
        ]
    }

    #[test]
    fn full_ids_are_recognised() {
        assert!(is_full_id("830f767a-397e-4b39-82ff-235cd344e2f9"));
        assert!(!is_full_id("830f767a"));
        assert!(!is_full_id("Sales Assistant"));
        assert!(!is_full_id("830f767a-397e-4b39-82ff-235cd344e2fz"));
    }

    #[test]
    fn ids_names_aliases_and_prefixes() {
        let all = sample();
        assert_eq!(
            pick(ASSISTANT, "support desk", &all).unwrap(),
            "5d7cdc09-6d51-4468-93c6-a0b8e5ad3f22"
        );
        assert_eq!(
            pick(ASSISTANT, "830f767a", &all).unwrap(),
            "830f767a-397e-4b39-82ff-235cd344e2f9"
        );
        assert_eq!(
            pick(ASSISTANT, "supp", &all).unwrap(),
            "5d7cdc09-6d51-4468-93c6-a0b8e5ad3f22"
        );
        assert_eq!(
            pick(NUMBER, "+918035736726", &all).unwrap(),
            "5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c"
        );
        // An exact id wins over a longer id sharing it as a prefix.
        let mut all = all;
        all.push(c("5d7", "x"));
        assert_eq!(pick(ASSISTANT, "5d7", &all).unwrap(), "5d7");
    }

    #[test]
    fn a_number_written_without_its_plus_is_found_by_its_e164_form() {
        let row: WorkspaceNumber =
            serde_json::from_value(serde_json::json!({"id": "n1", "number": 918035736726_u64}))
                .unwrap();
        let all = vec![number_candidate(&row)];
        assert_eq!(pick(NUMBER, "+918035736726", &all).unwrap(), "n1");
        assert_eq!(pick(NUMBER, "918035736726", &all).unwrap(), "n1");
    }

    #[test]
    fn ambiguity_lists_the_candidates_and_nothing_is_not_found() {
        let all = sample();
        let e = pick(ASSISTANT, "Sales Assistant", &all).unwrap_err();
        assert_eq!(e.class(), ErrorClass::Usage);
        let text = e.to_string();
        assert!(
            text.contains("830f767a-397e-4b39-82ff-235cd344e2f9")
                && text.contains("830fa000-0000-4000-8000-000000000000")
                && text.contains("matches 2 assistants"),
            "{text}"
        );
        let e = pick(ASSISTANT, "830f", &all).unwrap_err();
        assert_eq!(e.class(), ErrorClass::Usage);
        let e = pick(ASSISTANT, "Nobody", &all).unwrap_err();
        assert_eq!(e.class(), ErrorClass::NotFound);
        assert!(e.to_string().contains("ringg assistants list"), "{e}");
        assert_eq!(
            pick(ASSISTANT, "  ", &all).unwrap_err().class(),
            ErrorClass::Usage
        );
    }

    #[test]
    fn a_call_prefix_is_one_call_or_an_error_saying_what_to_give() {
        let newest = vec![
            c("3f2a9c1e-0000-4000-8000-000000000001", ""),
            c("3f2a0000-0000-4000-8000-000000000002", ""),
        ];
        assert_eq!(
            pick_call("3f2a9c1e…", &newest).unwrap(),
            "3f2a9c1e-0000-4000-8000-000000000001"
        );
        assert_eq!(
            pick_call("3f2a", &newest).unwrap_err().class(),
            ErrorClass::Usage
        );
        let e = pick_call("ffffffff", &newest).unwrap_err();
        assert_eq!(e.class(), ErrorClass::NotFound);
        assert!(
            e.to_string().contains("\"ffffffff\"")
                && e.hint()
                    .is_some_and(|h| h.contains("ringg calls list --wide")),
            "{e}"
        );
    }
}
