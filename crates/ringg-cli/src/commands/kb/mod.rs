//! `ringg kb list | get | create | edit | delete`.

pub(crate) mod args;

use std::path::PathBuf;

use ringg_api::knowledge_bases::{
    KbFile, KbFileLimit, MAX_KB_FILE_BYTES, MAX_KB_FILES, MAX_KB_TOTAL_BYTES, MAX_KB_URLS,
    check_kb_file_limits,
};
use ringg_api::types::KbFileId;
use ringg_api::types::knowledge_base::{CreateKbForm, EditKbForm, Faq, KbSource, KbSummary};

use ringg_types::text::escape_control;

use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::{Columns, Paging, print_page};
use crate::output::{kv_table, or_dash, print_json, print_table, scalar, table, ts};
use crate::term::emit_text;
use args::KbCmd;

pub(crate) async fn run(ctx: &mut Ctx, cmd: KbCmd) -> Result<(), CliError> {
    match cmd {
        KbCmd::List => list(ctx).await,
        KbCmd::Get { id: kb } => get(ctx, &kb).await,
        KbCmd::Create {
            name,
            files,
            urls,
            faqs,
        } => create(ctx, name, files, urls, faqs).await,
        KbCmd::Edit {
            id: kb,
            add_files,
            add_urls,
            add_faqs,
            remove_files,
            remove_urls,
            remove_faqs,
        } => {
            let sources = Sources {
                add_files,
                add_urls,
                add_faqs,
                remove_files,
                remove_urls,
                remove_faqs,
            };
            edit(ctx, &kb, sources).await
        }
        KbCmd::Delete { id: kb, yes } => delete(ctx, &kb, yes).await,
    }
}

/// The knowledge bases table.
const COLUMNS: Columns<KbSummary> = Columns {
    header: &["ID", "NAME", "TYPE", "CREATED"],
    row: |k| {
        vec![
            k.kb_id.to_string(),
            or_dash(k.kb_name.as_deref()),
            or_dash(k.kb_type.as_ref().map(|t| t.as_str())),
            ts(k.created_at.as_ref()),
        ]
    },
    empty: "no knowledge bases; create one with `ringg kb create --name NAME --file PATH`",
    drop_first: &[],
};

async fn list(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let kbs = client.knowledge_bases().list().await?;
    print_page(ctx, &COLUMNS, &kbs, Paging::whole(kbs.len()))
}

async fn get(ctx: &mut Ctx, kb: &str) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let kb_id = crate::resolve::knowledge_base(&client, kb).await?;
    let d = client.knowledge_bases().get(&kb_id).await?;
    if ctx.out.json() {
        return print_json(&d);
    }
    print_table(&kv_table([
        ("id".to_string(), d.kb_id.to_string()),
        ("name".into(), or_dash(d.kb_name.as_deref())),
        (
            "status".into(),
            or_dash(d.status.as_ref().map(|s| s.as_str())),
        ),
        ("created".into(), ts(d.created_at.as_ref())),
        ("updated".into(), ts(d.updated_at.as_ref())),
    ]));
    let mut t = table(&["KIND", "SOURCE ID", "SOURCE", "SIZE"]);
    // Shown whole: `kb edit --remove-file` takes the id.
    t.whole_ids(&["SOURCE ID"]);
    let mut add = |kind: &str, sources: Option<&Vec<KbSource>>| {
        for s in sources.into_iter().flatten() {
            let what = s
                .filename
                .as_deref()
                .or(s.url.as_deref())
                .map(str::to_string)
                .or_else(|| s.content.as_ref().map(scalar_or_question))
                .unwrap_or_else(|| "-".into());
            t.add_row(vec![
                kind.to_string(),
                or_dash(s.file_id.as_ref().map(|f| f.as_str())),
                what,
                s.file_size
                    .map(|b| format!("{b} B"))
                    .unwrap_or_else(|| "-".into()),
            ]);
        }
    };
    add("file", d.files.as_ref());
    add("url", d.urls.as_ref());
    add("faq", d.faqs.as_ref());
    print_table(&t);
    Ok(())
}

async fn create(
    ctx: &mut Ctx,
    name: String,
    files: Vec<PathBuf>,
    urls: Vec<String>,
    faqs: Vec<(String, String)>,
) -> Result<(), CliError> {
    if files.is_empty() && urls.is_empty() && faqs.is_empty() {
        return Err(CliError::usage(
            "a knowledge base needs content: give --file, --url or --faq",
        ));
    }
    if name.trim().is_empty() {
        return Err(CliError::usage("--name is empty; name the knowledge base"));
    }
    if urls.len() > MAX_KB_URLS {
        return Err(CliError::usage(format!(
            "{} --url given; a knowledge base is created with at most {MAX_KB_URLS} URLs",
            urls.len()
        ))
        .with_hint(format!(
            "create it with {MAX_KB_URLS}, then add the rest with `ringg kb edit NAME --add-url URL`"
        )));
    }
    check_files(
        &files,
        "--file",
        "create it with fewer, then add the rest with `ringg kb edit NAME --add-file PATH`",
    )
    .await?;
    let mut form = CreateKbForm::new(name);
    form.urls = urls;
    form.faqs = faqs.into_iter().map(|(q, a)| Faq::new(q, a)).collect();
    let files = files.into_iter().map(KbFile::path).collect();
    let client = ctx.client().await?;
    let resp = client.knowledge_bases().create(&form, files).await?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    emit_text(format!(
        "{}: knowledge base {} ({}); processing is asynchronous, check it with `ringg kb get {}`",
        escape_control(resp.message.as_deref().unwrap_or("created")),
        or_dash(resp.kb_id.as_ref().map(|k| k.as_str())),
        or_dash(resp.processing_status.as_ref().map(|s| s.as_str())),
        or_dash(resp.kb_id.as_ref().map(|k| k.as_str())),
    ));
    Ok(())
}

/// The sources `kb edit` adds and removes.
struct Sources {
    add_files: Vec<PathBuf>,
    add_urls: Vec<String>,
    add_faqs: Vec<(String, String)>,
    remove_files: Vec<String>,
    remove_urls: Vec<String>,
    remove_faqs: Vec<String>,
}

async fn edit(ctx: &mut Ctx, kb: &str, s: Sources) -> Result<(), CliError> {
    let changes_nothing = s.add_files.is_empty()
        && s.add_urls.is_empty()
        && s.add_faqs.is_empty()
        && s.remove_files.is_empty()
        && s.remove_urls.is_empty()
        && s.remove_faqs.is_empty();
    if changes_nothing {
        return Err(CliError::usage(
            "nothing to change: give --add-file, --add-url, --add-faq, --remove-file, --remove-url or --remove-faq",
        ));
    }
    check_files(
        &s.add_files,
        "--add-file",
        "add some now and the rest with another `ringg kb edit`",
    )
    .await?;
    let client = ctx.client().await?;
    let kb_id = crate::resolve::knowledge_base(&client, kb).await?;
    let mut form = EditKbForm::new(kb_id.clone());
    form.new_urls = s.add_urls;
    form.new_faqs = s
        .add_faqs
        .into_iter()
        .map(|(q, a)| Faq::new(q, a))
        .collect();
    if !(s.remove_files.is_empty() && s.remove_urls.is_empty() && s.remove_faqs.is_empty()) {
        // What is to go must be there: an unknown id or URL would be "0 removed" and success.
        let d = client.knowledge_bases().get(&kb_id).await?;
        let ids = |sources: Option<&Vec<KbSource>>| -> Vec<String> {
            sources
                .into_iter()
                .flatten()
                .filter_map(|s| s.file_id.as_ref().map(|f| f.as_str().to_owned()))
                .collect()
        };
        let urls: Vec<String> = d
            .urls
            .iter()
            .flatten()
            .filter_map(|s| s.url.as_deref().map(str::to_owned))
            .collect();
        let files = ids(d.files.as_ref());
        let faqs = ids(d.faqs.as_ref());
        form.files_to_remove = existing("--remove-file", &s.remove_files, &files, true, &kb_id)?
            .into_iter()
            .map(KbFileId::new)
            .collect();
        form.faqs_to_remove = existing("--remove-faq", &s.remove_faqs, &faqs, true, &kb_id)?
            .into_iter()
            .map(KbFileId::new)
            .collect();
        form.urls_to_remove = existing("--remove-url", &s.remove_urls, &urls, false, &kb_id)?;
    }
    let files: Vec<KbFile> = s.add_files.into_iter().map(KbFile::path).collect();
    let resp = client.knowledge_bases().edit(&form, files).await?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    emit_text(format!(
        "{}: knowledge base {kb_id}, {} source(s) removed, {} new file(s) queued",
        escape_control(resp.message.as_deref().unwrap_or("edited")),
        resp.items_removed.unwrap_or(0),
        resp.new_files_queued.unwrap_or(0)
    ));
    Ok(())
}

/// Each of `given` (the values of `flag`) as one of `present` (the knowledge base's ids or
/// URLs of that kind): the whole value, or for ids a prefix only one of them starts with
/// (the 8 characters tables show). Anything else is refused, naming what is there.
fn existing(
    flag: &str,
    given: &[String],
    present: &[String],
    prefixes: bool,
    kb_id: &impl std::fmt::Display,
) -> Result<Vec<String>, CliError> {
    let listed = if present.is_empty() {
        "it has none".to_owned()
    } else {
        format!("it has {}", present.join(", "))
    };
    given
        .iter()
        .map(|g| {
            let g = g.trim();
            if present.iter().any(|p| p == g) {
                return Ok(g.to_owned());
            }
            let matches: Vec<&String> = if prefixes && !g.is_empty() {
                present.iter().filter(|p| p.starts_with(g)).collect()
            } else {
                Vec::new()
            };
            match matches.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(CliError::not_found(format!(
                    "{flag} {g:?}: knowledge base {kb_id} has no such source ({listed})"
                ))
                .with_hint(format!("`ringg kb get {kb_id}` lists its sources"))),
                _ => Err(CliError::usage(format!(
                    "{flag} {g:?} matches {} sources of knowledge base {kb_id}; give more of the id",
                    matches.len()
                ))),
            }
        })
        .collect()
}

/// `ringg kb delete`: what goes is shown (name, sources) and asked about, like every
/// command that cannot be undone (`crate::confirm`); `--yes` for scripts.
async fn delete(ctx: &mut Ctx, kb: &str, yes: bool) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let kb_id = crate::resolve::knowledge_base(&client, kb).await?;
    crate::confirm::confirm_after(
        async || {
            let d = client.knowledge_bases().get(&kb_id).await?;
            let count = |v: Option<&Vec<KbSource>>| v.map_or(0, Vec::len);
            Ok(vec![format!(
                "delete knowledge base {kb_id} ({:?}): its {} file(s), {} URL(s) and {} FAQ(s) are gone for good, and assistants using it lose it",
                d.kb_name.as_deref().unwrap_or("-"),
                count(d.files.as_ref()),
                count(d.urls.as_ref()),
                count(d.faqs.as_ref()),
            )])
        },
        "Delete this knowledge base?",
        "deleting the knowledge base",
        yes,
        ctx.out.quiet,
    )
    .await?;
    let resp = client.knowledge_bases().delete(&kb_id).await?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    emit_text(format!(
        "{}: {kb_id}",
        escape_control(resp.message.as_deref().unwrap_or("deleted"))
    ));
    Ok(())
}

/// The files of one request against Ringg's limits (the SDK's [`check_kb_file_limits`]: at
/// most [`MAX_KB_FILES`], each at most 2 MB, 5 MB in all), checked before anything is sent and
/// told in the command line's words; `rest` says how to send more.
async fn check_files(files: &[PathBuf], flag: &str, rest: &str) -> Result<(), CliError> {
    let mut sizes = Vec::new();
    if files.len() <= MAX_KB_FILES {
        for path in files {
            let meta = tokio::fs::metadata(path).await.map_err(|e| {
                CliError::io(format!("could not read {flag} {}", path.display()), &e)
            })?;
            sizes.push(meta.len());
        }
    }
    check_kb_file_limits(files.len(), sizes).map_err(|limit| match limit {
        KbFileLimit::TooManyFiles { given } => CliError::usage(format!(
            "{given} {flag} given; one request carries at most {MAX_KB_FILES} files"
        ))
        .with_hint(rest),
        KbFileLimit::FileTooLarge { index, size } => CliError::usage(format!(
            "{flag} {} is {size} bytes; a file may be at most 2 MB ({MAX_KB_FILE_BYTES} bytes)",
            files[index].display()
        ))
        .with_hint("split or shrink it"),
        KbFileLimit::TotalTooLarge { total } => CliError::usage(format!(
            "the {flag} files total {total} bytes; one request carries at most 5 MB ({MAX_KB_TOTAL_BYTES} bytes)"
        ))
        .with_hint(rest),
        // A limit added later: the SDK's own words.
        other => CliError::usage(format!("the {flag} files: {other}")).with_hint(rest),
    })
}

/// A FAQ's content as text (`question` when it has one).
fn scalar_or_question(v: &serde_json::Value) -> String {
    v.get("question").map(scalar).unwrap_or_else(|| scalar(v))
}
