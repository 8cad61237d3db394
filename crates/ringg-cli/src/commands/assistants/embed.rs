//! `ringg assistants embed`: whitelist a web site and print the widget snippet.

use ringg_api::types::AgentId;
use ringg_api::types::VersionId;
use ringg_api::types::assistants::{AgentEdit, EditAssistantRequest};
use serde::Serialize;

use super::details::whitelisted;
use super::widget::{WIDGET_VERSION, WidgetArgs, WidgetMode};
use crate::args::id;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::print_json;
use crate::term::emit_text;

/// The origin Ringg requires in every whitelist.
const RINGG_ORIGIN: &str = "https://www.ringg.ai";

/// A widget version: `latest` or `MAJOR.MINOR.PATCH` (an npm version, pre-release allowed).
fn check_version(v: &str) -> Result<(), CliError> {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let semver = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
    if v == "latest" || semver {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "--widget-version {v:?} is not a widget version; give one like {WIDGET_VERSION} (or latest)"
        )))
    }
}

/// What `embed` prints with `--output json`.
#[derive(Debug, Serialize)]
struct Embed {
    agent_id: AgentId,
    origin: String,
    whitelisted_domains: Vec<String>,
    whitelist_changed: bool,
    public_key: String,
    widget_version: String,
    snippet: String,
}

pub(crate) async fn embed(
    ctx: &mut Ctx,
    agent: &str,
    domain: &str,
    widget: &WidgetArgs,
) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    let origin = origin_of(domain)?;
    check_version(&widget.widget_version)?;
    let client = ctx.client().await?;
    let agent_id = crate::resolve::agent(&client, agent_id.as_str()).await?;
    let details = client.assistants().get(&agent_id).await?;
    let public_key = details
        .webcall_public_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            let why = if details.webcall_public_key.is_absent() {
                "the server's answer does not show its web-call public key"
            } else {
                "it has no web-call public key"
            };
            CliError::failed(format!(
                "assistant {agent_id} cannot be embedded: {why}; see WebCall Settings for it in the Ringg dashboard (enable web calls there if they are off) and run this again (the workspace API key must never go into a web page)"
            ))
        })?;
    let current = whitelisted(&details).unwrap_or_default();
    let mut domains = current.clone();
    if !domains
        .iter()
        .any(|d| d.trim_end_matches('/') == RINGG_ORIGIN)
    {
        domains.insert(0, RINGG_ORIGIN.to_string());
    }
    if !domains.iter().any(|d| d.trim_end_matches('/') == origin) {
        domains.push(origin.clone());
    }
    let changed = domains != current;
    if changed {
        let mut req = EditAssistantRequest::new(
            agent_id.clone(),
            AgentEdit::EditAgentWhitelistedDomains {
                whitelisted_domains: domains.clone(),
            },
        );
        if let Some((version, _)) = details.active_version() {
            req = req.version(VersionId::new(version));
        }
        client.assistants().edit(&req).await?;
        ctx.out.note(format!(
            "whitelisted {origin} for assistant {agent_id} (now: {})",
            domains.join(", ")
        ));
    } else {
        ctx.out.note(format!(
            "{origin} is already whitelisted for assistant {agent_id}"
        ));
    }
    let variables: Vec<&str> = details
        .custom_variable_names()
        .into_iter()
        .filter(|v| *v != "mobile_number")
        .collect();
    let snippet = widget_snippet(agent_id.as_str(), &public_key, &variables, widget);
    if ctx.out.json() {
        return print_json(&Embed {
            agent_id,
            origin,
            whitelisted_domains: domains,
            whitelist_changed: changed,
            public_key,
            widget_version: widget.widget_version.clone(),
            snippet,
        });
    }
    ctx.out.note(format!(
        "paste this before </body> on {origin}; it carries the assistant's browser-safe public key, not your API key:"
    ));
    emit_text(snippet);
    Ok(())
}

/// The origin (`scheme://host[:port]`) of a domain given on the command line.
fn origin_of(domain: &str) -> Result<String, CliError> {
    let raw = domain.trim();
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|e| {
        CliError::usage(format!(
            "--domain {raw:?} is not a web origin ({e}); give it like https://shop.example"
        ))
    })?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(CliError::usage(format!(
            "--domain {raw:?} is not a web origin; give it like https://shop.example"
        )));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(CliError::usage(format!(
            "--domain {raw:?} has a path; whitelists hold origins only, e.g. {}",
            url.origin().ascii_serialization()
        )));
    }
    // A site on the web has a dotted name (or is an address, or this machine): a bare word is
    // a typo, which would stay in the whitelist.
    let site = match url.host() {
        Some(url::Host::Domain(name)) => name.contains('.') || name == "localhost",
        _ => true,
    };
    if !site {
        return Err(CliError::usage(format!(
            "--domain {raw:?} is not a site's name (no dot in it); give the origin the widget is on, e.g. https://shop.example"
        )));
    }
    Ok(url.origin().ascii_serialization())
}

/// The web-widget embed code (Ringg's CDN loader at the pinned version, then `loadAgent`
/// with the documented options).
fn widget_snippet(
    agent_id: &str,
    public_key: &str,
    variables: &[&str],
    widget: &WidgetArgs,
) -> String {
    let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let vars_hint = if variables.is_empty() {
        String::new()
    } else {
        format!(
            "      // prompt variables this assistant uses: {}\n",
            variables.join(", ")
        )
    };
    let (tab, hide_tabs) = match widget.mode {
        WidgetMode::Audio => ("audio", true),
        WidgetMode::Text => ("text", true),
        WidgetMode::Both => ("audio", false),
    };
    format!(
        r#"<!-- Ringg AI web-call widget: assistant {agent_id} -->
<script>
  function loadAgentsCdn(version, onLoad) {{
    var base = "https://cdn.jsdelivr.net/npm/@desivocal/agents-cdn@" + version + "/dist/";
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.type = "text/css";
    css.href = base + "style.css";
    var js = document.createElement("script");
    js.type = "text/javascript";
    js.src = base + "dv-agent.es.js";
    js.onload = onLoad;
    document.head.appendChild(css);
    document.head.appendChild(js);
  }}
  loadAgentsCdn({version}, function () {{
    loadAgent({{
      agentId: {agent},
      xApiKey: {key}, // the assistant's browser-safe web-call key
      variables: {{}},
{vars_hint}      defaultTab: "{tab}",
      hideTabSelector: {hide_tabs},
      bypassStartScreen: {bypass},
      buttons: {{}},
    }});
  }});
</script>"#,
        version = js(&widget.widget_version),
        agent = js(agent_id),
        key = js(public_key),
        bypass = widget.bypass_start_screen,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://shop.example").unwrap(),
            "https://shop.example"
        );
        assert_eq!(origin_of("shop.example").unwrap(), "https://shop.example");
        assert_eq!(
            origin_of("http://localhost:3000/").unwrap(),
            "http://localhost:3000"
        );
        assert!(origin_of("https://shop.example/page").is_err());
        assert!(origin_of("ftp://x").is_err());
        assert!(origin_of("https://").is_err());
        // A bare word is a typo, not a site; an address or this machine is one.
        assert!(origin_of("not-a-url").is_err());
        assert!(origin_of("shop").is_err());
        assert_eq!(
            origin_of("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn snippet_uses_the_public_key() {
        let s = widget_snippet("a-1", "pk_1", &["callee_name"], &WidgetArgs::default());
        assert!(s.contains(r#"agentId: "a-1""#));
        assert!(s.contains(r#"xApiKey: "pk_1""#));
        assert!(s.contains("dv-agent.es.js") && s.contains("style.css"));
        assert!(s.contains(&format!(r#"loadAgentsCdn("{WIDGET_VERSION}""#)));
        assert!(!s.contains("latest"));
        assert!(s.contains(r#"defaultTab: "audio""#) && s.contains("hideTabSelector: false"));
        assert!(s.contains("bypassStartScreen: false"));
        assert!(s.contains("callee_name"));
    }

    #[test]
    fn modes_start_screen_and_versions() {
        let text = WidgetArgs {
            mode: WidgetMode::Text,
            bypass_start_screen: true,
            widget_version: "1.0.19".into(),
        };
        let s = widget_snippet("a-1", "pk_1", &[], &text);
        assert!(s.contains(r#"defaultTab: "text""#) && s.contains("hideTabSelector: true"));
        assert!(s.contains("bypassStartScreen: true"));
        assert!(s.contains(r#"loadAgentsCdn("1.0.19""#));
        let audio = WidgetArgs {
            mode: WidgetMode::Audio,
            ..WidgetArgs::default()
        };
        let s = widget_snippet("a-1", "pk_1", &[], &audio);
        assert!(s.contains(r#"defaultTab: "audio""#) && s.contains("hideTabSelector: true"));
        for good in ["1.0.21", "latest", "1.1.0-beta.2"] {
            assert!(check_version(good).is_ok(), "{good}");
        }
        for bad in ["1.0", "v1.0.21", "1.0.21\"; alert(1)//", ""] {
            assert!(check_version(bad).is_err(), "{bad}");
        }
    }
}
