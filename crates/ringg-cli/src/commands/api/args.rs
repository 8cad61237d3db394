//! The command line of `ringg api`: its arguments (clap derive).

use clap::Args;

use crate::args::parse_key_value;

/// `ringg api METHOD PATH`.
#[derive(Debug, Args)]
pub(crate) struct ApiArgs {
    /// The HTTP method: GET, POST, PUT, PATCH or DELETE.
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(
        ["GET", "POST", "PUT", "PATCH", "DELETE", "get", "post", "put", "patch", "delete"]
    ), hide_possible_values = true)]
    pub(crate) method: String,
    /// The path below the base URL, e.g. /workspace/all or /agent/{agent_id} (a leading
    /// /ca/api/v0 is accepted too).
    pub(crate) path: String,
    /// The JSON body: the document itself, `@FILE` to read it from a file, or `@-` from
    /// stdin.
    #[arg(long, short = 'd', value_name = "JSON|@FILE")]
    pub(crate) data: Option<String>,
    /// A query parameter (repeatable), e.g. --query limit=5.
    #[arg(long = "query", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub(crate) query: Vec<(String, String)>,
}
