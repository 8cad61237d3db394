//! Fitting a table to a width: which words must never be broken across lines (ids and phone
//! numbers), how ids are shortened, and which columns are kept when the width is too small
//! for all of them. Pure functions over the cells' text; `output` renders the plan.

/// How many characters of an id a table shows before the ellipsis.
pub(crate) const SHORT_ID_CHARS: usize = 8;

/// The narrowest a column of free text is made before columns are dropped: its longest word,
/// up to this many characters (a longer word may be broken).
const WORD_MAX: usize = 16;

/// True for a UUID (`8-4-4-4-12` hexadecimal digits).
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// True for an E.164 phone number: `+` and 7 to 15 digits.
pub(crate) fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit())
}

/// An id as a list table shows it: a UUID becomes its first [`SHORT_ID_CHARS`] characters
/// and an ellipsis; anything else is kept.
pub(crate) fn short_id(s: &str) -> String {
    if is_uuid(s.trim()) {
        let mut short: String = s.trim().chars().take(SHORT_ID_CHARS).collect();
        short.push('…');
        short
    } else {
        s.to_string()
    }
}

/// The zone label of a time cell as [`crate::display`] writes it (`2025-09-25 14:30:00 IST`):
/// the part after the time, when the cell is a time.
pub(crate) fn time_zone_label(cell: &str) -> Option<&str> {
    let mut parts = cell.splitn(3, ' ');
    let (date, time, zone) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, shape: &str| {
        s.len() == shape.len()
            && s.bytes().zip(shape.bytes()).all(|(c, m)| {
                if m == b'9' {
                    c.is_ascii_digit()
                } else {
                    c == m
                }
            })
    };
    (digits(date, "9999-99-99") && digits(time, "99:99:99") && !zone.contains(' ')).then_some(zone)
}

/// True for a word that must stay on one line: an id or a phone number (a shortened id too),
/// possibly with punctuation around it.
fn unbreakable(word: &str) -> bool {
    let core = word.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '"'));
    if is_uuid(core) || is_e164(core) {
        return true;
    }
    // A shortened id: hex digits and an ellipsis.
    core.strip_suffix('…').is_some_and(|head| {
        head.chars().count() == SHORT_ID_CHARS && head.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// `text` broken at spaces into lines of at most `width` characters, the lines after the
/// first indented by `indent` spaces more than the first. A text that fits is returned as it
/// is. A word is never broken (one wider than the room gets a line of its own), so an id, a
/// number or a URL is never cut in two as a terminal would cut it.
pub(crate) fn wrap(text: &str, width: usize, indent: usize) -> String {
    if self::width(text) <= width {
        return text.to_string();
    }
    let body = text.trim_start_matches(' ');
    let lead = text.len() - body.len();
    let pad = " ".repeat(lead + indent);
    let mut lines: Vec<String> = Vec::new();
    let mut line = " ".repeat(lead);
    let mut empty = true;
    for word in body.split(' ').filter(|w| !w.is_empty()) {
        if !empty && self::width(&line) + 1 + self::width(word) > width {
            lines.push(std::mem::replace(&mut line, pad.clone()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    lines.push(line);
    lines.join("\n")
}

/// The display width of a text (characters; the tables hold no wide characters in the
/// words that are measured here).
pub(crate) fn width(s: &str) -> usize {
    s.chars().count()
}

/// The widest line of a cell.
fn natural(cell: &str) -> usize {
    cell.lines().map(width).max().unwrap_or(0)
}

/// The widest unbreakable word of a cell (0 when it has none).
fn unbreakable_width(cell: &str) -> usize {
    cell.split_whitespace()
        .filter(|w| unbreakable(w))
        .map(width)
        .max()
        .unwrap_or(0)
}

/// The widest word of a text (a header wraps between words, never inside one).
fn longest_word(h: &str) -> usize {
    h.split_whitespace().map(width).max().unwrap_or(0)
}

/// The total width of a table with these content widths: each column is padded by one space
/// on each side, and there is one border between and around the columns.
pub(crate) fn total(widths: impl IntoIterator<Item = usize>) -> usize {
    let (sum, n) = widths.into_iter().fold((0, 0), |(s, n), w| (s + w, n + 1));
    sum + 3 * n + 1
}

/// Which columns to show and how narrow each may become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The columns shown, in order (indexes into the table's columns).
    pub(crate) visible: Vec<usize>,
    /// The narrowest each column may be (per column of the table, shown or not).
    pub(crate) min: Vec<usize>,
    /// The widest each column needs to be to show every cell on one line.
    pub(crate) natural: Vec<usize>,
}

impl Plan {
    /// The columns that were dropped to fit.
    pub(crate) fn hidden(&self) -> Vec<usize> {
        (0..self.min.len())
            .filter(|c| !self.visible.contains(c))
            .collect()
    }
}

/// Plans a table of `columns` columns (`header` may be empty) for `limit` characters: every
/// column when they fit at their narrowest; otherwise columns are dropped, those named in
/// `drop_first` first (in that order), then from the right; the first column always stays.
pub(crate) fn plan(
    header: &[String],
    rows: &[Vec<String>],
    columns: usize,
    limit: Option<usize>,
    drop_first: &[usize],
) -> Plan {
    fn cell(r: &[String], c: usize) -> &str {
        r.get(c).map(String::as_str).unwrap_or("")
    }
    let natural: Vec<usize> = (0..columns)
        .map(|c| {
            let h = header.get(c).map_or(0, |h| natural(h));
            rows.iter().map(|r| natural(cell(r, c))).fold(h, usize::max)
        })
        .collect();
    let atoms: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| unbreakable_width(cell(r, c)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let min: Vec<usize> = (0..columns)
        .map(|c| {
            let h = header.get(c).map_or(0, |h| longest_word(h));
            let words = rows
                .iter()
                .map(|r| longest_word(cell(r, c)))
                .max()
                .unwrap_or(0);
            h.max(atoms[c]).max(words.min(WORD_MAX)).max(1)
        })
        .collect();
    let mut visible: Vec<usize> = (0..columns).collect();
    if let Some(limit) = limit {
        let order: Vec<usize> = drop_first
            .iter()
            .copied()
            .chain((1..columns).rev())
            .filter(|c| *c != 0 && *c < columns)
            .collect();
        let mut order = order.into_iter();
        while visible.len() > 1 && total(visible.iter().map(|c| min[*c])) > limit {
            let Some(next) = order.next() else { break };
            visible.retain(|c| *c != next);
        }
    }
    Plan {
        visible,
        min,
        natural,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn prose_wraps_at_spaces_and_keeps_words_whole() {
        let text = "callers: number pool 0b84b167-2dcb-4bbd-abab-1837000bea17 from +918035736726";
        let wrapped = wrap(text, 40, 2);
        assert_eq!(
            wrapped,
            "callers: number pool\n  0b84b167-2dcb-4bbd-abab-1837000bea17\n  from +918035736726"
        );
        assert!(wrapped.lines().all(|l| width(l) <= 40));
        assert_eq!(wrap("short", 40, 2), "short");
        // A line that fits keeps its spacing (a table's row); a wrapped one its leading spaces.
        assert_eq!(wrap("│ a  ┆ b │", 40, 2), "│ a  ┆ b │");
        assert_eq!(
            wrap("  bot: one two three", 13, 2),
            "  bot: one\n    two three"
        );
        // A word wider than the room stays whole on its own line.
        assert_eq!(wrap("a 0123456789", 8, 2), "a\n  0123456789");
    }

    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn ids_and_numbers_are_recognised() {
        assert!(is_uuid("5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c"));
        assert!(!is_uuid("5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5"));
        assert!(is_e164("+918035736726") && !is_e164("918035736726") && !is_e164("+91"));
        assert_eq!(
            short_id("5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c"),
            "5d7f9a2b…"
        );
        assert_eq!(short_id("voice-1"), "voice-1");
        assert!(unbreakable("5d7f9a2b…") && unbreakable("(+918035736726),"));
        assert_eq!(time_zone_label("2025-09-25 14:30:00 IST"), Some("IST"));
        assert_eq!(
            time_zone_label("2025-09-25 14:30:00 +05:30"),
            Some("+05:30")
        );
        assert_eq!(time_zone_label("Sales Line"), None);
    }

    #[test]
    fn columns_are_dropped_from_the_right_until_the_rest_fits() {
        let header = s(&["ID", "NUMBER", "NAME", "POOL"]);
        let rows = vec![s(&[
            "5d7f9a2b…",
            "+918035736726",
            "Sales Line",
            "5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c",
        ])];
        let wide = plan(&header, &rows, 4, Some(200), &[]);
        assert_eq!(wide.visible, vec![0, 1, 2, 3]);
        let narrow = plan(&header, &rows, 4, Some(50), &[]);
        assert_eq!(narrow.visible, vec![0, 1, 2]);
        assert_eq!(narrow.hidden(), vec![3]);
        assert!(total(narrow.visible.iter().map(|c| narrow.min[*c])) <= 50);
        let chosen = plan(&header, &rows, 4, Some(70), &[1]);
        assert_eq!(chosen.visible, vec![0, 2, 3]);
        let unbounded = plan(&header, &rows, 4, None, &[]);
        assert_eq!(unbounded.visible.len(), 4);
        assert_eq!(unbounded.min[1], 13, "a phone number is never narrower");
    }
}
