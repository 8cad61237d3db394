//! The `ringg` command-line tool.
fn main() {}
