//! Numbers a spreadsheet has turned into decimal numbers before they were exported.

/// How a spreadsheet damaged a number as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Damage {
    /// `+919876500009.0`: the one `.` followed by zeros only, after at least seven digits (and
    /// nothing but separators).
    Decimal,
    /// `9.19876E+11`.
    Scientific,
}

/// How `written` shows a spreadsheet read it as a decimal number, if it does.
pub(super) fn damage(written: &str) -> Option<Damage> {
    let s = written.trim();
    if is_scientific(s) {
        return Some(Damage::Scientific);
    }
    let (whole, fraction) = s.split_once('.')?;
    let decimal = !fraction.is_empty()
        && fraction.bytes().all(|b| b == b'0')
        && whole
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '\u{a0}'))
        && whole.bytes().filter(u8::is_ascii_digit).count() >= 7;
    decimal.then_some(Damage::Decimal)
}

/// `9.19876E+11`, `9.19876e11`, `919876543210E0`: digits, at most one `.` among them, `E` or
/// `e`, an optional sign, digits.
fn is_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix('+').unwrap_or(mantissa);
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    mantissa_ok && digits(exponent)
}
