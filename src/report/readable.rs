//! Values as a reviewer reads them: long numbers rounded (a 39-digit float becomes `≈33.3333`), inputs ranked
//! by how simple they are, and two strings compared as a diff. Pure text in, text out: the caller escapes.

/// Significant digits past which a number is rounded for display.
const MAX_DIGITS: usize = 8;
/// Significant digits a rounded number keeps.
const KEPT_DIGITS: usize = 6;

/// A number token in `text`: its byte range.
fn number_at(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let digits = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let int_end = digits(i);
    let mut end = int_end;
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits(end + 1);
    }
    if end == i {
        return None;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut e = end + 1;
        if matches!(bytes.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        let e_end = digits(e);
        if e_end > e {
            end = e_end;
        }
    }
    Some(end)
}

/// Significant digits of a number token's mantissa (`0.000123` has 3).
fn significant_digits(token: &str) -> usize {
    let mantissa = token.split(['e', 'E']).next().unwrap_or(token);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let trimmed = digits.trim_start_matches('0');
    let trimmed = if mantissa.contains('.') {
        trimmed
    } else {
        trimmed.trim_end_matches('0')
    };
    trimmed.len()
}

/// `token` rounded to [`KEPT_DIGITS`] significant digits, marked `≈`; `None` when it is short already.
fn round(token: &str) -> Option<String> {
    if significant_digits(token) <= MAX_DIGITS {
        return None;
    }
    let value: f64 = token.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    let magnitude = value.abs();
    let text = if magnitude != 0.0 && !(1e-4..1e9).contains(&magnitude) {
        let sci = format!("{:.*e}", KEPT_DIGITS - 1, value);
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let mantissa = trim_zeros(mantissa);
        format!("{mantissa}e{exp}")
    } else {
        let int_digits = if magnitude < 1.0 {
            // 0.000123456: the zeros after the point do not count.
            -(magnitude.log10().floor() as i32) - 1
        } else {
            -(magnitude.log10().floor() as i32 + 1)
        };
        let decimals = (KEPT_DIGITS as i32 + int_digits).max(0) as usize;
        trim_zeros(&format!("{value:.decimals$}")).to_string()
    };
    Some(format!("≈{text}"))
}

fn trim_zeros(number: &str) -> &str {
    if number.contains('.') {
        number.trim_end_matches('0').trim_end_matches('.')
    } else {
        number
    }
}

/// `text` with every long number outside string literals rounded: `f(33.333333333333333333)` →
/// `f(≈33.3333)`.
pub(crate) fn numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if let Some(q) = quote {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                _ if c == q => quote = None,
                _ => {}
            }
            i += c.len_utf8();
            continue;
        }
        let starts_word = !out
            .chars()
            .last()
            .is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '.');
        if starts_word
            && (c.is_ascii_digit() || c == '-')
            && let Some(end) = number_at(text, i)
        {
            let token = &text[i..end];
            match round(token) {
                Some(short) => out.push_str(&short),
                None => out.push_str(token),
            }
            i = end;
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Both sides with long numbers rounded, unless rounding would make them look the same.
pub(crate) fn pair(base: &str, head: &str) -> (String, String) {
    let (b, h) = (numbers(base), numbers(head));
    if b == h && base != head {
        (base.to_string(), head.to_string())
    } else {
        (b, h)
    }
}

/// How complex an input looks: its length, with extreme numbers (`1e-308`, 20 digits) counted as long.
pub(crate) fn complexity(input: &str) -> usize {
    let mut score = input.chars().count();
    let mut i = 0;
    while i < input.len() {
        if input.as_bytes()[i].is_ascii_digit()
            && let Some(end) = number_at(input, i)
        {
            let token = &input[i..end];
            let exponent: i32 = token
                .split_once(['e', 'E'])
                .and_then(|(_, e)| e.parse().ok())
                .unwrap_or(0);
            score += significant_digits(token).saturating_sub(4) * 2;
            score += exponent.unsigned_abs() as usize / 2;
            i = end;
        } else {
            i += 1;
        }
    }
    score
}

/// The content of a quoted string literal (`'a\nb'`, `"x"`) with `\n` kept as written; `None` for others.
fn string_literal(value: &str) -> Option<&str> {
    let value = value.trim();
    let mut chars = value.chars();
    let first = chars.next()?;
    let last = chars.next_back()?;
    (matches!(first, '\'' | '"') && first == last).then(|| &value[1..value.len() - 1])
}

/// Two string results as the lines of a unified diff (`-` base, `+` head, ` ` both), or `None` when either is
/// not a string literal. Escaped line breaks (`\n`) split lines; a one-line change says where it starts.
pub(crate) fn string_diff(base: &str, head: &str) -> Option<String> {
    let (b, h) = (string_literal(base)?, string_literal(head)?);
    let (bl, hl): (Vec<&str>, Vec<&str>) = (b.split("\\n").collect(), h.split("\\n").collect());
    let mut out = String::new();
    if bl.len() == 1 && hl.len() == 1 {
        let at = b.chars().zip(h.chars()).take_while(|(x, y)| x == y).count();
        out.push_str(&format!("@@ differs from character {} @@\n", at + 1));
        out.push_str(&format!("-{base}\n+{head}\n"));
        return Some(out);
    }
    for (tag, line) in line_diff(&bl, &hl) {
        out.push(tag);
        out.push_str(line);
        out.push('\n');
    }
    Some(out)
}

/// A longest-common-subsequence line diff; inputs past 300 lines are compared as wholes.
fn line_diff<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(char, &'a str)> {
    if a.len() > 300 || b.len() > 300 {
        let mut out: Vec<(char, &str)> = a.iter().map(|l| ('-', *l)).collect();
        out.extend(b.iter().map(|l| ('+', *l)));
        return out;
    }
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push((' ', a[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(('-', a[i]));
            i += 1;
        } else {
            out.push(('+', b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_numbers_are_rounded_and_short_ones_kept() {
        assert_eq!(
            numbers("33.333333333333333333333333333333333336"),
            "≈33.3333"
        );
        assert_eq!(
            numbers("f(price=1.0000000000000001e-308, n=3)"),
            "f(price=≈1e-308, n=3)"
        );
        assert_eq!(
            numbers("0.1 + 0.2 = 0.30000000000000004"),
            "0.1 + 0.2 = ≈0.3"
        );
        assert_eq!(numbers("-0.000123456789012"), "≈-0.000123457");
        assert_eq!(numbers("1e-308"), "1e-308");
        assert_eq!(
            numbers("x12345678901234 'pi=3.14159265358979'"),
            "x12345678901234 'pi=3.14159265358979'"
        );
        assert_eq!(numbers("123456789012345678901234567890"), "≈1.23457e29");
        assert_eq!(numbers("[1.5, 2]"), "[1.5, 2]");
    }

    #[test]
    fn rounding_never_hides_the_difference() {
        assert_eq!(
            pair("0.30000000000000004", "0.30000000000000001"),
            ("0.30000000000000004".into(), "0.30000000000000001".into())
        );
        assert_eq!(
            pair("0.30000000000000004", "1"),
            ("≈0.3".into(), "1".into())
        );
    }

    #[test]
    fn simple_inputs_rank_before_extreme_ones() {
        assert!(complexity("f(1, 2)") < complexity("f(1e-308, 2)"));
        assert!(complexity("f(0.5)") < complexity("f(0.333333333333333)"));
        assert!(complexity("f(1)") < complexity("f(100000)"));
    }

    #[test]
    fn strings_are_compared_as_a_diff() {
        assert_eq!(
            string_diff("'hello-world'", "'hello_world'").unwrap(),
            "@@ differs from character 6 @@\n-'hello-world'\n+'hello_world'\n"
        );
        assert_eq!(
            string_diff("'a\\nb\\nc'", "'a\\nB\\nc'").unwrap(),
            " a\n-b\n+B\n c\n"
        );
        assert_eq!(string_diff("1", "'1'"), None);
    }
}
