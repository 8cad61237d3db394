//! Reading the operation table and the webhook list out of `docs/openapi.yaml`.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};
use serde_norway::{Mapping, Value};

/// The HTTP methods an operation may use (the methods of `ringg_types::operations::HttpMethod`).
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Path-item keys that are operations OpenAPI allows but the operation table cannot express.
const UNSUPPORTED_METHODS: [&str; 3] = ["head", "options", "trace"];

/// One operation of the spec, with the extensions the generators need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecOperation {
    /// `operationId`.
    pub id: String,
    /// The method in upper case (`GET`, `POST`, ...).
    pub method: String,
    /// The path template relative to the server URL, e.g. `/agent/{agent_id}`.
    pub path: String,
    /// The single tag (resource group).
    pub tag: String,
    /// `x-idempotent`.
    pub idempotent: bool,
    /// `deprecated` (false when absent).
    pub deprecated: bool,
    /// `summary`.
    pub summary: String,
    /// Whether the request body is `multipart/form-data` (its `requestBody.content` has that
    /// media type).
    pub multipart: bool,
    /// `x-client-method`: the ringg-api call, e.g. `client.calls().initiate()`.
    pub client_method: String,
    /// `x-cli-command`: the `ringg` command, e.g. `ringg calls create`.
    pub cli_command: String,
    /// The names of its `in: query` parameters marked `required: true`, in the spec's order
    /// (`id` of `getCallDetails`: a read that names its object in the query).
    pub required_query: Vec<String>,
}

impl SpecOperation {
    /// The Rust constant name: the operationId in UPPER_SNAKE case (`initiateCallV2` →
    /// `INITIATE_CALL_V2`).
    pub fn const_name(&self) -> String {
        upper_snake(&self.id)
    }

    /// The method variant of `ringg_types::operations::HttpMethod` (`Get`, `Patch`, ...).
    pub fn method_variant(&self) -> String {
        let lower = self.method.to_ascii_lowercase();
        let mut chars = lower.chars();
        match chars.next() {
            Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
            None => String::new(),
        }
    }
}

/// One webhook event of the spec (`webhooks:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecWebhook {
    /// The event type, e.g. `call_completed`.
    pub event_type: String,
    /// The first sentence of the event's description.
    pub description: String,
    /// The names of the examples given for the payload.
    pub examples: Vec<String>,
}

/// What the generators read from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The first server URL.
    pub server: String,
    /// Every operation, in the order of the spec (paths in file order, methods in path-item order).
    pub operations: Vec<SpecOperation>,
    /// Every webhook event, in the order of the spec.
    pub webhooks: Vec<SpecWebhook>,
    /// The names of the schema properties marked `x-secret: true`, sorted and unique.
    pub secret_fields: Vec<String>,
}

impl Spec {
    /// The path component of [`Spec::server`], without a trailing slash.
    pub fn base_path(&self) -> &str {
        let without_scheme = self
            .server
            .split_once("://")
            .map_or(self.server.as_str(), |(_, rest)| rest);
        match without_scheme.find('/') {
            Some(i) => without_scheme[i..].trim_end_matches('/'),
            None => "",
        }
    }
}

/// Parses and checks the spec text.
///
/// Every operation needs an `operationId`, exactly one tag, a `summary`, a boolean
/// `x-idempotent`, and string `x-client-method` / `x-cli-command` extensions; operationIds and
/// their constant names must be unique; every `{param}` of a path must be declared as a path
/// parameter and vice versa. Errors name the operation and what to fix.
pub fn parse(text: &str) -> Result<Spec> {
    let doc: Value = serde_norway::from_str(text).context("docs/openapi.yaml is not valid YAML")?;
    let root = doc
        .as_mapping()
        .context("the spec must be a YAML mapping at the top level")?;

    let server = root
        .get("servers")
        .and_then(Value::as_sequence)
        .and_then(|s| s.first())
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .context("the spec needs `servers[0].url`")?
        .to_owned();

    let paths = root
        .get("paths")
        .and_then(Value::as_mapping)
        .context("the spec needs a `paths` mapping")?;

    let mut operations = Vec::new();
    for (path, item) in paths {
        let path = path.as_str().context("a key of `paths` is not a string")?;
        if !path.starts_with('/') {
            bail!("path {path:?} must start with `/`");
        }
        let item = item
            .as_mapping()
            .with_context(|| format!("path item {path} is not a mapping"))?;
        // A path item with servers of its own belongs to another service (the speech-to-text
        // service): described in the spec, but not an operation of the platform's table.
        if item.contains_key("servers") {
            continue;
        }
        let shared_params = item.get("parameters");
        for (key, op) in item {
            let Some(key) = key.as_str() else { continue };
            if UNSUPPORTED_METHODS.contains(&key) {
                bail!(
                    "{} {path}: the operation table supports only GET, POST, PUT, PATCH and DELETE",
                    key.to_ascii_uppercase()
                );
            }
            if !METHODS.contains(&key) {
                continue;
            }
            let op = op
                .as_mapping()
                .with_context(|| format!("{key} {path} is not a mapping"))?;
            let parsed = parse_operation(root, path, key, op, shared_params)?;
            operations.push(parsed);
        }
    }
    if operations.is_empty() {
        bail!("the spec has no operations under `paths`");
    }

    let mut ids = BTreeSet::new();
    let mut consts = BTreeSet::new();
    for op in &operations {
        if !ids.insert(op.id.as_str()) {
            bail!(
                "operationId {} is used twice; operationIds must be unique",
                op.id
            );
        }
        if !consts.insert(op.const_name()) {
            bail!(
                "operationId {} maps to the constant {} like another operation; rename one",
                op.id,
                op.const_name()
            );
        }
    }

    let webhooks = match root.get("webhooks") {
        None => Vec::new(),
        Some(w) => parse_webhooks(w)?,
    };

    let mut secret_fields = BTreeSet::new();
    if let Some(components) = root.get("components") {
        collect_secret_fields(components, &mut secret_fields)?;
    }

    Ok(Spec {
        server,
        operations,
        webhooks,
        secret_fields: secret_fields.into_iter().collect(),
    })
}

/// Collects, anywhere under `value`, the names of `properties` entries marked `x-secret: true`.
fn collect_secret_fields(value: &Value, out: &mut BTreeSet<String>) -> Result<()> {
    match value {
        Value::Mapping(map) => {
            if let Some(Value::Mapping(props)) = map.get("properties") {
                for (name, schema) in props {
                    let marked = schema.get("x-secret");
                    match marked {
                        None | Some(Value::Bool(false)) => {}
                        Some(Value::Bool(true)) => {
                            let name = name
                                .as_str()
                                .context("a property name in `components` is not a string")?;
                            out.insert(name.to_owned());
                        }
                        Some(other) => bail!("`x-secret` must be true or false, found {other:?}"),
                    }
                }
            }
            for (_, v) in map {
                collect_secret_fields(v, out)?;
            }
        }
        Value::Sequence(items) => {
            for v in items {
                collect_secret_fields(v, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn parse_operation(
    root: &Mapping,
    path: &str,
    method: &str,
    op: &Mapping,
    shared_params: Option<&Value>,
) -> Result<SpecOperation> {
    let method_upper = method.to_ascii_uppercase();
    let at = format!("{method_upper} {path}");
    let string = |key: &str| -> Result<String> {
        let value = op
            .get(key)
            .with_context(|| format!("{at}: missing `{key}`"))?
            .as_str()
            .with_context(|| format!("{at}: `{key}` must be a string"))?
            .trim();
        if value.is_empty() {
            bail!("{at}: `{key}` is empty");
        }
        Ok(value.to_owned())
    };

    let id = string("operationId")?;
    if !id.chars().all(|c| c.is_ascii_alphanumeric())
        || !id.starts_with(|c: char| c.is_ascii_lowercase())
    {
        bail!("{at}: operationId {id:?} must be lowerCamelCase ASCII letters and digits");
    }
    let tags = op
        .get("tags")
        .and_then(Value::as_sequence)
        .with_context(|| format!("{at} ({id}): missing `tags`"))?;
    let tag = match tags.as_slice() {
        [one] => one
            .as_str()
            .with_context(|| format!("{at} ({id}): the tag must be a string"))?
            .to_owned(),
        _ => bail!(
            "{at} ({id}): needs exactly one tag (its resource group), has {}",
            tags.len()
        ),
    };
    let idempotent = op
        .get("x-idempotent")
        .with_context(|| format!("{at} ({id}): missing `x-idempotent: true|false`"))?
        .as_bool()
        .with_context(|| format!("{at} ({id}): `x-idempotent` must be true or false"))?;
    let deprecated = match op.get("deprecated") {
        None => false,
        Some(v) => v
            .as_bool()
            .with_context(|| format!("{at} ({id}): `deprecated` must be true or false"))?,
    };
    let summary = string("summary")?;
    if summary.contains('\n') {
        bail!("{at} ({id}): `summary` must be one line");
    }
    let client_method = string("x-client-method")?;
    let cli_command = string("x-cli-command")?;
    let multipart = match op.get("requestBody") {
        None => false,
        Some(body) => resolve(root, body)?
            .get("content")
            .and_then(Value::as_mapping)
            .is_some_and(|content| content.contains_key("multipart/form-data")),
    };

    // The path's placeholders and the declared path parameters must agree.
    let placeholders: BTreeSet<&str> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect();
    let at_op = format!("{at} ({id})");
    let (declared, required_query) =
        declared_params(root, &at_op, [shared_params, op.get("parameters")])?;
    for p in &placeholders {
        if !declared.contains(*p) {
            bail!("{at} ({id}): the path has {{{p}}} but no `in: path` parameter named {p}");
        }
    }
    for d in &declared {
        if !placeholders.contains(d.as_str()) {
            bail!("{at} ({id}): path parameter {d} does not appear in the path");
        }
    }

    Ok(SpecOperation {
        id,
        method: method_upper,
        path: path.to_owned(),
        tag,
        idempotent,
        deprecated,
        summary,
        multipart,
        client_method,
        cli_command,
        required_query,
    })
}

/// The operation's path parameter names, and its required query parameter names in order,
/// from the path item's and the operation's `parameters` lists (`at` names the operation in
/// errors).
fn declared_params(
    root: &Mapping,
    at: &str,
    lists: [Option<&Value>; 2],
) -> Result<(BTreeSet<String>, Vec<String>)> {
    let mut declared = BTreeSet::new();
    let mut required_query = Vec::new();
    for list in lists.into_iter().flatten() {
        let list = list
            .as_sequence()
            .with_context(|| format!("{at}: `parameters` must be a list"))?;
        for param in list {
            let param = resolve(root, param)?;
            let name = || {
                param
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .with_context(|| format!("{at}: a parameter has no name"))
            };
            let required = param.get("required").and_then(Value::as_bool) == Some(true);
            match param.get("in").and_then(Value::as_str) {
                Some("path") => {
                    declared.insert(name()?);
                }
                Some("query") if required => required_query.push(name()?),
                _ => {}
            }
        }
    }
    Ok((declared, required_query))
}

/// Follows a local `$ref` (`#/components/...`) to its target.
fn resolve<'a>(root: &'a Mapping, value: &'a Value) -> Result<&'a Value> {
    let mut current = value;
    for _ in 0..16 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Ok(current);
        };
        let pointer = reference
            .strip_prefix("#/")
            .with_context(|| format!("only local references are supported, not {reference}"))?;
        let mut target: Option<&Value> = None;
        for (i, part) in pointer.split('/').enumerate() {
            let part = part.replace("~1", "/").replace("~0", "~");
            target = if i == 0 {
                root.get(part.as_str())
            } else {
                target.and_then(|t| t.get(part.as_str()))
            };
        }
        current = target.with_context(|| format!("reference {reference} points nowhere"))?;
    }
    bail!("reference chain too deep at {value:?}")
}

fn parse_webhooks(webhooks: &Value) -> Result<Vec<SpecWebhook>> {
    let webhooks = webhooks
        .as_mapping()
        .context("`webhooks` must be a mapping")?;
    let mut out = Vec::new();
    for (name, item) in webhooks {
        let event_type = name
            .as_str()
            .context("a key of `webhooks` is not a string")?
            .to_owned();
        let op = METHODS
            .iter()
            .find_map(|m| item.get(*m))
            .with_context(|| format!("webhook {event_type} has no operation"))?;
        let description = op
            .get("description")
            .or_else(|| op.get("summary"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let examples = op
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .and_then(|c| c.get("application/json"))
            .and_then(|j| j.get("examples"))
            .and_then(Value::as_mapping)
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        out.push(SpecWebhook {
            event_type,
            description: first_sentence(description),
            examples,
        });
    }
    Ok(out)
}

/// The first sentence of a (possibly multi-line) description, on one line.
fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(i) => flat[..=i].to_owned(),
        None => flat,
    }
}

/// `initiateCallV2` → `INITIATE_CALL_V2`: an underscore goes before every upper-case letter that
/// follows a lower-case letter or a digit.
pub fn upper_snake(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 8);
    let mut prev: Option<char> = None;
    for c in id.chars() {
        if c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_snake_names() {
        assert_eq!(upper_snake("initiateCallV2"), "INITIATE_CALL_V2");
        assert_eq!(upper_snake("getWorkspace"), "GET_WORKSPACE");
        assert_eq!(upper_snake("regenerateApiKey"), "REGENERATE_API_KEY");
        assert_eq!(
            upper_snake("uploadLargeCampaignCsv"),
            "UPLOAD_LARGE_CAMPAIGN_CSV"
        );
        assert_eq!(upper_snake("v2Start"), "V2_START");
    }

    #[test]
    fn first_sentence_of_description() {
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("A\n  b (x.y) c. D"), "A b (x.y) c.");
        assert_eq!(first_sentence("No stop"), "No stop");
    }

    const MINIMAL: &str = r#"
openapi: 3.1.0
servers:
  - url: https://example.com/ca/api/v0/
paths:
  /agent/{agent_id}:
    parameters:
      - $ref: '#/components/parameters/AgentId'
    get:
      operationId: getAssistant
      tags: [assistants]
      summary: Get one
      x-idempotent: true
      x-client-method: client.assistants().get()
      x-cli-command: ringg assistants show
components:
  parameters:
    AgentId:
      name: agent_id
      in: path
      required: true
"#;

    #[test]
    fn parses_a_minimal_spec() {
        let spec = parse(MINIMAL).unwrap();
        assert_eq!(spec.base_path(), "/ca/api/v0");
        assert_eq!(spec.operations.len(), 1);
        let op = &spec.operations[0];
        assert_eq!(op.method, "GET");
        assert_eq!(op.method_variant(), "Get");
        assert_eq!(op.const_name(), "GET_ASSISTANT");
        assert!(!op.deprecated);
        assert!(
            op.required_query.is_empty(),
            "a path parameter is not a query one"
        );
        assert!(spec.webhooks.is_empty());
    }

    #[test]
    fn required_query_parameters_are_kept_in_order() {
        let text = MINIMAL.replace(
            "      x-cli-command: ringg assistants show\n",
            "      x-cli-command: ringg assistants show\n      parameters:\n        - {name: limit, in: query}\n        - {name: version, in: query, required: true}\n        - {name: id, in: query, required: true}\n        - {name: x-trace, in: header, required: true}\n",
        );
        let spec = parse(&text).unwrap();
        assert_eq!(spec.operations[0].required_query, ["version", "id"]);
        let rust = crate::codegen::render_rust(&spec);
        assert!(
            rust.contains("pub static REQUIRED_QUERY_PARAMS: &[(&str, &[&str])] = &[\n    (\"getAssistant\", &[\"version\", \"id\"]),\n];"),
            "{rust}"
        );
    }

    #[test]
    fn rejects_incomplete_operations() {
        let cases = [
            ("      x-idempotent: true\n", "", "x-idempotent"),
            (
                "      tags: [assistants]\n",
                "      tags: [a, b]\n",
                "exactly one tag",
            ),
            (
                "      x-cli-command: ringg assistants show\n",
                "",
                "x-cli-command",
            ),
            (
                "      - $ref: '#/components/parameters/AgentId'\n",
                "      - name: id\n        in: query\n",
                "{agent_id}",
            ),
            (
                "      operationId: getAssistant\n",
                "      operationId: get_assistant\n",
                "lowerCamelCase",
            ),
            ("    get:\n", "    head:\n", "only GET"),
        ];
        for (from, to, expected) in cases {
            let text = MINIMAL.replace(from, to);
            assert_ne!(text, MINIMAL, "{from}");
            let err = format!("{:#}", parse(&text).unwrap_err());
            assert!(err.contains(expected), "{expected}: {err}");
        }
    }

    #[test]
    fn rejects_duplicate_operation_ids() {
        let text = MINIMAL.replace(
            "components:",
            "  /other:\n    get:\n      operationId: getAssistant\n      tags: [x]\n      summary: s\n      x-idempotent: true\n      x-client-method: c\n      x-cli-command: r\ncomponents:",
        );
        let err = format!("{:#}", parse(&text).unwrap_err());
        assert!(err.contains("used twice"), "{err}");
    }
}
