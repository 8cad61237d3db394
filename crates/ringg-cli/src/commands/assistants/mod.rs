//! `ringg assistants list | get | create | update | delete | voices | edit | embed`.

pub(crate) mod args;
mod details;
mod edit;
mod embed;
mod widget;

use ringg_api::types::VoiceId;
use ringg_api::types::assistants::{
    AgentType, AssistantSummary, CreateAssistantRequest, Language, UpdateAssistantRequest,
    VoicesQuery,
};
use ringg_types::text::escape_control;

use crate::args::PageArgs;
use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::{Columns, Paging, print_all, print_page};
use crate::output::{kv_table, nz, or_dash, print_json, print_table, table, ts};
use crate::term::emit_text;
use args::{AssistantsCmd, CreateAssistantArgs, UpdateAssistantArgs};

pub(crate) async fn run(ctx: &mut Ctx, cmd: AssistantsCmd) -> Result<(), CliError> {
    match cmd {
        AssistantsCmd::List(page) => list(ctx, page).await,
        AssistantsCmd::Get { id: agent } => get(ctx, &agent).await,
        AssistantsCmd::Create(args) => create(ctx, args).await,
        AssistantsCmd::Update { id: agent, fields } => update(ctx, &agent, fields).await,
        AssistantsCmd::Delete { id: agent, yes } => delete(ctx, &agent, yes).await,
        AssistantsCmd::Voices { language } => voices(ctx, language).await,
        AssistantsCmd::Edit(args) => edit::edit(ctx, args).await,
        AssistantsCmd::Embed {
            id: agent,
            domain,
            widget,
        } => embed::embed(ctx, &agent, &domain, &widget).await,
    }
}

/// The assistants table.
const COLUMNS: Columns<AssistantSummary> = Columns {
    header: &["ID", "NAME", "TYPE", "CALLS", "VARIABLES", "UPDATED"],
    row,
    empty: "no assistants in this workspace; create one with `ringg assistants create`",
    drop_first: &["VARIABLES", "CALLS"],
};

fn row(a: &AssistantSummary) -> Vec<String> {
    vec![
        a.id.to_string(),
        nz(&a.agent_display_name),
        or_dash(a.agent_type.as_ref().map(|t| t.as_str())),
        a.call_count
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into()),
        or_dash(a.custom_variables.as_ref().map(|v| v.names().join(", "))),
        ts(a.updated_at.as_ref().or(a.created_at.as_ref())),
    ]
}

async fn list(ctx: &mut Ctx, page: PageArgs) -> Result<(), CliError> {
    let client = ctx.client().await?;
    if page.all {
        return print_all(ctx, &COLUMNS, "assistants", client.assistants().stream()).await;
    }
    let resp = client.assistants().list(page.limit, page.offset).await?;
    print_page(ctx, &COLUMNS, &resp.agents, Paging::of(&page, None))
}

async fn get(ctx: &mut Ctx, agent: &str) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let agent_id = crate::resolve::agent(&client, agent).await?;
    let d = client.assistants().get(&agent_id).await?;
    if ctx.out.json() {
        // Webhook subscription headers carry shared secrets; print_json masks their values.
        return print_json(&d);
    }
    print_table(&kv_table(details::details_rows(&d)));
    Ok(())
}

async fn create(ctx: &mut Ctx, a: CreateAssistantArgs) -> Result<(), CliError> {
    crate::args::name("--name", &a.name, "the assistant's name")?;
    let mut req = CreateAssistantRequest::new(
        a.name,
        a.objective,
        a.guidelines,
        a.task,
        Language::from(a.language.as_str()),
        VoiceId::new(a.voice),
        a.intro_message,
    );
    req.faq = a.faq;
    req.sample_conversations = a.samples;
    req.secondary_language = a.secondary_language.as_deref().map(Language::from);
    req.agent_type = a.agent_type.as_deref().map(AgentType::from);
    if !a.vars.is_empty() {
        req.custom_variables = Some(a.vars);
    }
    req.validate().map_err(too_long)?;
    let client = ctx.client().await?;
    let resp = client
        .assistants()
        .create(&req)
        .await
        .map_err(|e| voice_hint(e.into()))?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    match resp.data.as_ref() {
        Some(d) => emit_text(format!(
            "created assistant {} ({})",
            d.id,
            d.version.as_deref().unwrap_or("first version")
        )),
        None => emit_text(escape_control(resp.message.as_deref().unwrap_or("created"))),
    }
    Ok(())
}

async fn update(ctx: &mut Ctx, agent: &str, u: UpdateAssistantArgs) -> Result<(), CliError> {
    if let Some(n) = &u.name {
        crate::args::name("--name", n, "the assistant's new name")?;
    }
    let req = UpdateAssistantRequest {
        agent_name: u.name,
        introduction_and_objective: u.objective,
        response_guidelines: u.guidelines,
        task: u.task,
        primary_language: u.language.as_deref().map(Language::from),
        voice_id: u.voice.map(VoiceId::new),
        intro_message: u.intro_message,
        faq: u.faq,
        sample_conversations: u.samples,
        secondary_language: u.secondary_language.as_deref().map(Language::from),
        agent_type: u.agent_type.as_deref().map(AgentType::from),
        custom_variables: (!u.vars.is_empty()).then_some(u.vars),
        ..UpdateAssistantRequest::default()
    };
    if req.is_empty() {
        return Err(CliError::usage(
            "nothing to update; give at least one field, e.g. --name or --intro-message",
        ));
    }
    req.validate().map_err(too_long)?;
    let client = ctx.client().await?;
    let agent_id = crate::resolve::agent(&client, agent).await?;
    let resp = client
        .assistants()
        .update(&agent_id, &req)
        .await
        .map_err(|e| voice_hint(e.into()))?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    emit_text(format!(
        "updated assistant {agent_id}{}",
        message_suffix(resp.message.as_deref())
    ));
    Ok(())
}

/// A field over its length limit, in the command line's words (the flag, not the API field).
fn too_long(e: ringg_api::types::assistants::FieldTooLong) -> CliError {
    let flag = match e.field {
        "agent_name" => "--name",
        "introduction_and_objective" => "--objective",
        "response_guidelines" => "--guidelines",
        "task" => "--task",
        "intro_message" => "--intro-message",
        "faq" => "--faq",
        "sample_conversations" => "--samples",
        other => other,
    };
    CliError::usage(format!(
        "{flag} is {} characters long; Ringg takes at most {}",
        e.actual, e.limit
    ))
    .with_hint(format!("shorten {flag}"))
}

/// A refusal of the voice points to the command that lists the voices.
fn voice_hint(e: CliError) -> CliError {
    if e.to_string().contains("voice_id") {
        e.with_hint("`ringg assistants voices` lists the voices (their ids go to --voice)")
    } else {
        e
    }
}

async fn delete(ctx: &mut Ctx, agent: &str, yes: bool) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let agent_id = crate::resolve::agent(&client, agent).await?;
    crate::confirm::confirm_after(
        async || {
            let d = client.assistants().get(&agent_id).await?;
            Ok(details::deletion_summary(&agent_id, &d))
        },
        "Delete this assistant?",
        "deleting the assistant",
        yes,
        ctx.out.quiet,
    )
    .await?;
    let resp = client.assistants().delete(&agent_id).await?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    emit_text(format!(
        "deleted assistant {agent_id}{}",
        message_suffix(resp.message.as_deref())
    ));
    Ok(())
}

/// `: <the server's message>` (escaped), or nothing.
fn message_suffix(message: Option<&str>) -> String {
    message
        .map(|m| format!(": {}", escape_control(m)))
        .unwrap_or_default()
}

async fn voices(ctx: &mut Ctx, language: Option<String>) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let resp = client
        .assistants()
        .voices(&VoicesQuery { language })
        .await?;
    if ctx.out.json() {
        return print_json(&serde_json::json!({
            "items": resp.voices,
            "paging": Paging::whole(resp.voices.len()).json(resp.voices.len()),
        }));
    }
    let mut t = table(&["ID", "NAME", "GENDER", "LANGUAGES"]);
    // `--voice` takes the whole id.
    t.whole_ids(&["ID"]);
    t.when_empty("no voices match; leave out --language to see every voice");
    for v in &resp.voices {
        t.add_row(vec![
            v.id.to_string(),
            or_dash(v.name.as_deref()),
            nz(&v.gender),
            or_dash(v.languages.as_ref().map(|l| {
                l.iter()
                    .map(|x| x.as_str().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })),
        ]);
    }
    print_table(&t);
    Ok(())
}
