//! The command line of `ringg kb`: its subcommands, flags and options (clap derive).

use std::path::PathBuf;

use clap::Subcommand;

use crate::args::parse_key_value;

/// `ringg kb …`.
#[derive(Debug, Subcommand)]
pub(crate) enum KbCmd {
    /// Knowledge bases of the workspace.
    List,
    /// One knowledge base with its sources.
    Get {
        /// The knowledge base (id, name or id prefix).
        id: String,
    },
    /// Create a knowledge base from files, URLs and FAQs.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// A file to upload (repeatable; up to 10, 2 MB each, 5 MB in all).
        #[arg(long = "file", value_name = "PATH")]
        files: Vec<PathBuf>,
        /// A URL to crawl (repeatable; up to 20).
        #[arg(long = "url", value_name = "URL")]
        urls: Vec<String>,
        /// A question and its answer (repeatable), e.g. --faq "Refunds?=30 days".
        #[arg(long = "faq", value_name = "QUESTION=ANSWER", value_parser = parse_key_value)]
        faqs: Vec<(String, String)>,
    },
    /// Add or remove sources.
    Edit {
        /// The knowledge base (id, name or id prefix).
        id: String,
        /// A file to add (repeatable; up to 10 per edit, 2 MB each, 5 MB in all).
        #[arg(long = "add-file", value_name = "PATH")]
        add_files: Vec<PathBuf>,
        /// A URL to add (repeatable).
        #[arg(long = "add-url", value_name = "URL")]
        add_urls: Vec<String>,
        /// A FAQ to add (repeatable).
        #[arg(long = "add-faq", value_name = "QUESTION=ANSWER", value_parser = parse_key_value)]
        add_faqs: Vec<(String, String)>,
        /// A file id to remove (repeatable).
        #[arg(long = "remove-file", value_name = "FILE_ID")]
        remove_files: Vec<String>,
        /// A URL to remove (repeatable).
        #[arg(long = "remove-url", value_name = "URL")]
        remove_urls: Vec<String>,
        /// A FAQ id to remove (repeatable).
        #[arg(long = "remove-faq", value_name = "FAQ_ID")]
        remove_faqs: Vec<String>,
    },
    /// Delete a knowledge base.
    Delete {
        /// The knowledge base (id, name or id prefix).
        id: String,
        /// Delete without asking (for scripts). Without it the knowledge base is shown and the
        /// question is asked on a terminal; with no terminal the command refuses.
        #[arg(long)]
        yes: bool,
    },
}
