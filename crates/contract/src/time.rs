//! Times: parsing front-matter times in a publisher's zone and formatting them for readers.

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;

use crate::model::{Precision, Timestamp};

/// Why a front-matter time was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not one of the accepted shapes.
    #[error("`{0}` is not a time: write a local time such as 2025-06-25T10:02:00, \"2025-06-25 10:02\" or \"25.6.2025 klo 10.02\", a date such as 2025-06-25, or a time with its offset (2025-06-25T10:02:11+03:00)")]
    Syntax(String),
    /// A local time that the clock skips when summer time starts.
    #[error("`{0}` does not exist in {1} (the clock skips it when summer time starts); give an explicit offset")]
    Skipped(String, String),
    /// A local time that occurs twice when summer time ends.
    #[error("`{0}` happens twice in {1} (summer time ends); give an explicit offset")]
    Ambiguous(String, String),
    /// A year outside 1000–9999: records write times as RFC 3339, which has four-digit years.
    #[error("`{0}`: the year must be from 1000 to 9999")]
    Year(String),
}

/// Parses a time zone name; only zones compiled into this build are known.
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

/// A front-matter time before it is pinned to a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// RFC 3339 with an offset.
    Absolute(DateTime<FixedOffset>),
    /// A local date-time (or a date at midnight) in the publisher's zone.
    Local(NaiveDateTime, Precision),
}

/// Recognises the accepted shapes: RFC 3339 with offset, a local date-time, or a date.
pub fn parse_shape(text: &str) -> Result<Shape, TimeError> {
    let text = text.trim();
    let shape = any_shape(text)?;
    let year = match shape {
        Shape::Absolute(at) => at.year(),
        Shape::Local(local, _) => local.year(),
    };
    match (1000..=9999).contains(&year) {
        true => Ok(shape),
        false => Err(TimeError::Year(text.into())),
    }
}

/// [`parse_shape`] before the year is checked.
fn any_shape(text: &str) -> Result<Shape, TimeError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Shape::Absolute(at));
    }
    // ISO with or without seconds, with `T` or a space; and the Finnish and Swedish way,
    // `10.12.2026 klo 10.00` (`kl.` in Swedish), with `.` or `:` in the time.
    let finnish = text.replacen(" klo ", " ", 1).replacen(" kl. ", " ", 1).replacen(" kl ", " ", 1);
    let iso = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"];
    let local = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M"];
    let candidates = iso.iter().map(|f| (text, *f)).chain(local.iter().map(|f| (finnish.as_str(), *f)));
    for (text, format) in candidates {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Shape::Local(local, Precision::Second));
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|midnight| Shape::Local(midnight, Precision::Day))
        .ok_or_else(|| TimeError::Syntax(text.into()))
}

/// Parses a front-matter time and pins it to `zone` (offset and abbreviation at that instant).
pub fn parse_time(text: &str, zone: Tz) -> Result<Timestamp, TimeError> {
    match parse_shape(text)? {
        Shape::Absolute(at) => Ok(pin(&at, zone, Precision::Second)),
        Shape::Local(local, precision) => local_in(local, zone, text.trim(), precision),
    }
}

fn local_in(local: NaiveDateTime, zone: Tz, text: &str, precision: Precision) -> Result<Timestamp, TimeError> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => Ok(pin(&at.fixed_offset(), zone, precision)),
        LocalResult::None => Err(TimeError::Skipped(text.into(), zone.name().into())),
        LocalResult::Ambiguous(..) => Err(TimeError::Ambiguous(text.into(), zone.name().into())),
    }
}

/// `at` as readers of the newsroom see it: in Europe/Helsinki (the zone this build carries,
/// `.cargo/config.toml`), e.g. when a confirmation link stops working.
pub fn in_newsroom_zone(at: chrono::DateTime<chrono::Utc>) -> Timestamp {
    use chrono_tz::OffsetName;
    // The zone's own abbreviation, not `format("%Z")`: chrono's format machinery cost the
    // mail Worker's wasm ~15 KiB gzipped for this one call.
    let local = at.with_timezone(&chrono_tz::Europe::Helsinki);
    let zone = local.offset().abbreviation().unwrap_or("UTC").to_string();
    Timestamp { at: local.fixed_offset(), zone, precision: Precision::Second }
}

fn pin(at: &DateTime<FixedOffset>, zone: Tz, precision: Precision) -> Timestamp {
    let local = at.with_timezone(&zone);
    Timestamp { at: local.fixed_offset(), zone: local.format("%Z").to_string(), precision }
}

/// Formats for readers the way Finnish newsrooms do: `25.6.2025 10:02:11 EEST`,
/// or `27.11.2024` when only the date is known.
pub fn display(ts: &Timestamp) -> String {
    display_in(ts, "fi")
}

/// Formats for readers of `lang`: day.month.year in Finnish and Swedish, `27 November 2024`
/// in English (and any other language), with the local time and zone when known. Written
/// out by hand: chrono's `format` would bring its format-string interpreter into the worker
/// (about 3 KiB of the gzipped wasm) for these few fixed shapes.
pub fn display_in(ts: &Timestamp, lang: &str) -> String {
    let at = &ts.at;
    let date = match lang.split('-').next() {
        Some("fi" | "sv") => format!("{}.{}.{}", at.day(), at.month(), at.year()),
        _ => format!("{} {} {}", at.day(), MONTHS[at.month0() as usize], at.year()),
    };
    match ts.precision {
        Precision::Day => date,
        Precision::Second => {
            format!("{date} {:02}:{:02}:{:02} {}", at.hour(), at.minute(), at.second(), ts.zone)
        }
    }
}

/// English month names, for [`display_in`] and the embargo line of mails.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The `datetime` attribute value for `<time>`: RFC 3339, or the date alone.
pub fn machine(ts: &Timestamp) -> String {
    match ts.precision {
        Precision::Day => format!("{:04}-{:02}-{:02}", ts.at.year(), ts.at.month(), ts.at.day()),
        Precision::Second => rfc3339(ts),
    }
}

/// RFC 3339 with the publisher's offset, seconds precision.
pub fn rfc3339(ts: &Timestamp) -> String {
    ts.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newsroom_times_are_in_helsinki() {
        let winter = chrono::DateTime::parse_from_rfc3339("2026-01-03T12:00:00Z").unwrap().to_utc();
        assert_eq!(display(&in_newsroom_zone(winter)), "3.1.2026 14:00:00 EET");
        let summer = chrono::DateTime::parse_from_rfc3339("2026-06-03T12:00:00Z").unwrap().to_utc();
        assert_eq!(display(&in_newsroom_zone(summer)), "3.6.2026 15:00:00 EEST");
    }

    #[test]
    fn years_have_four_digits() {
        for text in ["+10000-01-01", "-2025-06-25", "0999-12-31T10:00:00", "10000-01-01T00:00:00+02:00"] {
            assert!(matches!(parse_shape(text), Err(TimeError::Year(_)) | Err(TimeError::Syntax(_))), "{text}");
        }
        assert!(parse_shape("1000-01-01").is_ok() && parse_shape("9999-12-31T23:59:59+02:00").is_ok());
    }

    /// The ways people write a moment in Finland are all read as the same local time.
    #[test]
    fn the_ways_people_write_a_moment() {
        let want = NaiveDate::from_ymd_opt(2026, 12, 10).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("valid");
        for text in [
            "2026-12-10T10:00:00",
            "2026-12-10 10:00:00",
            "2026-12-10T10:00",
            "2026-12-10 10:00",
            "10.12.2026 klo 10.00",
            "10.12.2026 klo 10:00",
            "10.12.2026 10.00",
            "10.12.2026 kl. 10.00",
            "10.12.2026 10:00:00",
        ] {
            assert_eq!(parse_shape(text), Ok(Shape::Local(want, Precision::Second)), "{text}");
        }
        assert!(matches!(parse_shape("10.12.2026"), Ok(Shape::Local(_, Precision::Day))));
        for wrong in ["12/10/2026 10:00", "huomenna klo 10", "10.12.2026 klo 25.00"] {
            let message = parse_shape(wrong).unwrap_err().to_string();
            assert!(message.contains("25.6.2025 klo 10.02"), "{wrong}: {message}");
        }
    }

    /// The hand-written formats say what chrono's format strings said, for every day of
    /// three years in and out of summer time, in each language.
    #[test]
    fn displays_match_chrono_formats() {
        let start = DateTime::parse_from_rfc3339("2024-01-01T00:00:00+02:00").expect("valid");
        for day in 0..(3 * 366) {
            let at = start + chrono::Duration::days(day) + chrono::Duration::seconds(day * 3_617 % 86_400);
            for precision in [Precision::Day, Precision::Second] {
                let ts = Timestamp { at, zone: "EET".into(), precision };
                for (lang, date) in [("fi", "%-d.%-m.%Y"), ("sv-FI", "%-d.%-m.%Y"), ("en", "%-d %B %Y")] {
                    let expected = match precision {
                        Precision::Day => at.format(date).to_string(),
                        Precision::Second => format!("{} EET", at.format(&format!("{date} %H:%M:%S"))),
                    };
                    assert_eq!(display_in(&ts, lang), expected);
                }
                if precision == Precision::Day {
                    assert_eq!(machine(&ts), at.format("%Y-%m-%d").to_string());
                }
            }
        }
    }

    fn helsinki() -> Tz {
        parse_zone("Europe/Helsinki").expect("Helsinki is compiled in")
    }

    #[test]
    fn local_summer_time_gets_eest() {
        let ts = parse_time("2025-06-25T10:02:11", helsinki()).unwrap();
        assert_eq!(rfc3339(&ts), "2025-06-25T10:02:11+03:00");
        assert_eq!(display(&ts), "25.6.2025 10:02:11 EEST");
    }

    #[test]
    fn winter_time_gets_eet_and_offsets_are_converted() {
        let ts = parse_time("2024-11-27T08:30:00Z", helsinki()).unwrap();
        assert_eq!(rfc3339(&ts), "2024-11-27T10:30:00+02:00");
        assert_eq!(display(&ts), "27.11.2024 10:30:00 EET");
    }

    #[test]
    fn date_only_shows_date_only() {
        let ts = parse_time("2018-11-30", helsinki()).unwrap();
        assert_eq!(ts.precision, Precision::Day);
        assert_eq!(display(&ts), "30.11.2018");
        assert_eq!(display_in(&ts, "sv"), "30.11.2018");
        assert_eq!(display_in(&ts, "en"), "30 November 2018");
        assert_eq!(machine(&ts), "2018-11-30");
        assert_eq!(rfc3339(&ts), "2018-11-30T00:00:00+02:00");
    }

    #[test]
    fn dst_gaps_and_overlaps_are_refused() {
        assert!(matches!(parse_time("2025-03-30T03:30:00", helsinki()), Err(TimeError::Skipped(..))));
        assert!(matches!(parse_time("2025-10-26T03:30:00", helsinki()), Err(TimeError::Ambiguous(..))));
        assert!(matches!(parse_time("6/25/2025", helsinki()), Err(TimeError::Syntax(..))));
        assert!(parse_zone("Mars/Olympus").is_none());
    }
}
