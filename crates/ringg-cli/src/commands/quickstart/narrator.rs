//! The quickstart's narration of its steps.

use crate::context::Lines;

/// Steps in the integration order.
const STEPS: usize = 9;

/// How far a step's details are indented.
pub(crate) const DETAIL_INDENT: usize = 6;

/// Step narration: stdout for tables, stderr for `--output json` (stdout then holds only the
/// JSON document).
pub(crate) struct Narrator {
    pub(crate) lines: Lines,
    pub(crate) silent: bool,
}

impl Narrator {
    pub(crate) fn step(&self, n: usize, title: &str) {
        self.say(format!("\n[{n}/{STEPS}] {title}"));
    }

    /// A line of narration; one longer than the width is broken at spaces (tables are fitted
    /// already), so no id or number is cut by the terminal.
    pub(crate) fn say(&self, text: impl AsRef<str>) {
        if self.silent {
            return;
        }
        let d = crate::display::get();
        let text = match d.width.or(d.err_width) {
            Some(w) => text
                .as_ref()
                .split('\n')
                .map(|l| crate::layout::wrap(l, w, 2))
                .collect::<Vec<_>>()
                .join("\n"),
            None => text.as_ref().to_string(),
        };
        self.lines.line(text);
    }

    /// Indented detail lines, broken like [`say`](Self::say)'s.
    pub(crate) fn detail(&self, text: impl AsRef<str>) {
        for l in text.as_ref().lines() {
            self.say(format!("{:DETAIL_INDENT$}{l}", ""));
        }
    }
}
