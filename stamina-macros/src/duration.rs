//! Durations written as literals: `"1m30s"`, `"250ms"`, `"1.5s"`, `30`, `0.5`.
//!
//! They are parsed here, at compile time, into whole nanoseconds, so a typo is a
//! compile error on the literal and the generated code holds a plain constant.

/// The units a duration string may use, longest spelling first so that `ms` is
/// not read as `m` followed by `s`.
const UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

const UNIT_LIST: &str = "`h`, `m`, `s`, `ms`, `us` or `ns`";

/// Parses a duration string such as `"1m30s"` into nanoseconds.
pub(crate) fn parse_duration_str(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!(
            "empty duration: write a number with a unit, such as \"30s\"; units are {UNIT_LIST}"
        ));
    }
    if text.starts_with('-') {
        return Err(format!("a duration cannot be negative: `{text}`"));
    }
    let mut rest = text;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let number_len =
            rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_')).unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        if number.is_empty() {
            return Err(format!(
                "malformed duration \"{text}\": expected a number at `{rest}`; write it like \"1m30s\" or \"250ms\""
            ));
        }
        let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let unit = unit.trim();
        if unit.is_empty() {
            return Err(format!(
                "duration \"{text}\" is missing a unit after `{number}`: write \"{number}s\", or the number \
                 {number} without quotes for seconds; units are {UNIT_LIST}"
            ));
        }
        let Some(&(_, unit_nanos)) = UNITS.iter().find(|(name, _)| *name == unit) else {
            return Err(format!("unknown unit `{unit}` in duration \"{text}\": units are {UNIT_LIST}"));
        };
        total = total.saturating_add(decimal_times(number, unit_nanos, text)?);
        rest = after;
    }
    u64::try_from(total).map_err(|_| format!("duration \"{text}\" is too long (more than 584 years)"))
}

/// Parses an integer or float literal's digits as seconds.
pub(crate) fn parse_seconds(digits: &str) -> Result<u64, String> {
    let nanos = decimal_times(digits, 1_000_000_000, digits)?;
    u64::try_from(nanos).map_err(|_| format!("{digits} seconds is too long (more than 584 years)"))
}

/// `number * unit_nanos` for a decimal `number` such as `1.5`, exactly.
fn decimal_times(number: &str, unit_nanos: u128, whole: &str) -> Result<u128, String> {
    let number: String = number.chars().filter(|&c| c != '_').collect();
    let (int_part, frac_part) = number.split_once('.').unwrap_or((&number, ""));
    if int_part.is_empty() && frac_part.is_empty() || frac_part.contains('.') {
        return Err(format!("malformed number `{number}` in duration \"{whole}\""));
    }
    if frac_part.contains(['e', 'E']) || int_part.contains(['e', 'E']) {
        return Err(format!("write `{whole}` without an exponent"));
    }
    let int: u128 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| format!("malformed number `{number}` in duration \"{whole}\""))?
    };
    let mut nanos = int.checked_mul(unit_nanos).ok_or_else(|| format!("duration \"{whole}\" is too long"))?;
    let mut scale = unit_nanos;
    for digit in frac_part.chars() {
        let digit = u128::from(digit.to_digit(10).ok_or_else(|| format!("malformed number `{number}`"))?);
        if digit != 0 && scale < 10 {
            return Err(format!("duration \"{whole}\" is finer than a nanosecond"));
        }
        scale /= 10;
        nanos += digit * scale;
    }
    Ok(nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_duration_str("30s"), Ok(30_000_000_000));
        assert_eq!(parse_duration_str("250ms"), Ok(250_000_000));
        assert_eq!(parse_duration_str("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse_duration_str("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration_str("1h"), Ok(3_600_000_000_000));
        assert_eq!(parse_duration_str("10us"), Ok(10_000));
        assert_eq!(parse_duration_str("7ns"), Ok(7));
        assert_eq!(parse_duration_str("0s"), Ok(0));
        assert_eq!(parse_duration_str(".5s"), Ok(500_000_000));
        assert_eq!(parse_seconds("30"), Ok(30_000_000_000));
        assert_eq!(parse_seconds("0.5"), Ok(500_000_000));
        assert_eq!(parse_seconds("0.000000001"), Ok(1));
    }

    #[test]
    fn rejected_forms() {
        assert!(parse_duration_str("30x").unwrap_err().contains("unknown unit `x`"));
        assert!(parse_duration_str("-1s").unwrap_err().contains("negative"));
        assert!(parse_duration_str("30").unwrap_err().contains("missing a unit"));
        assert!(parse_duration_str("").unwrap_err().contains("empty"));
        assert!(parse_duration_str("s").unwrap_err().contains("expected a number"));
        assert!(parse_duration_str("1.2.3s").is_err());
        assert!(parse_duration_str("0.1ns").unwrap_err().contains("finer than a nanosecond"));
        assert!(parse_duration_str("100000000000h").unwrap_err().contains("too long"));
    }
}
