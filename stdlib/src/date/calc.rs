//! The spec's time arithmetic (MakeDay, MakeTime, MakeDate, TimeClip, year/month/day from a time
//! value) on plain `f64`s, and the local time-zone offset, which comes from chrono's `Local`
//! (it reads the `TZ` variable and the system zone database).

use chrono::{Local, LocalResult, NaiveDateTime, Offset, TimeZone};

pub const MS_PER_DAY: f64 = 86_400_000.0;
const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;

pub fn day(t: f64) -> f64 {
    (t / MS_PER_DAY).floor()
}

pub fn time_within_day(t: f64) -> f64 {
    t.rem_euclid(MS_PER_DAY)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (`m` is 1-based). Hinnant's algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 0-11, date 1-31) of a day number.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m - 1, d)
}

/// The calendar fields of a (finite) time value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fields {
    pub year: i64,
    pub month: i64,
    pub date: i64,
    pub weekday: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub ms: i64,
}

pub fn fields(t: f64) -> Fields {
    let d = day(t) as i64;
    let (year, month, date) = civil_from_days(d);
    let ms_in_day = time_within_day(t) as i64;
    Fields {
        year,
        month,
        date,
        weekday: (d + 4).rem_euclid(7),
        hour: ms_in_day / 3_600_000,
        minute: ms_in_day / 60_000 % 60,
        second: ms_in_day / 1000 % 60,
        ms: ms_in_day % 1000,
    }
}

/// MakeDay(year, month, date).
pub fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !year.is_finite() || !month.is_finite() || !date.is_finite() {
        return f64::NAN;
    }
    let (y, m, dt) = (year.trunc(), month.trunc(), date.trunc());
    let ym = y + (m / 12.0).floor();
    // Anything this far out is past TimeClip's range anyway; keep the i64 arithmetic safe.
    if ym.abs() > 400_000.0 {
        return f64::NAN;
    }
    let mn = m.rem_euclid(12.0);
    days_from_civil(ym as i64, mn as i64 + 1, 1) as f64 + dt - 1.0
}

/// MakeTime(hour, min, sec, ms).
pub fn make_time(h: f64, m: f64, s: f64, ms: f64) -> f64 {
    if !h.is_finite() || !m.is_finite() || !s.is_finite() || !ms.is_finite() {
        return f64::NAN;
    }
    h.trunc() * MS_PER_HOUR + m.trunc() * MS_PER_MINUTE + s.trunc() * 1000.0 + ms.trunc()
}

/// MakeDate(day, time).
pub fn make_date(day: f64, time: f64) -> f64 {
    let t = day * MS_PER_DAY + time;
    if t.is_finite() { t } else { f64::NAN }
}

/// TimeClip.
pub fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 { f64::NAN } else { t.trunc() + 0.0 }
}

fn naive(t: f64) -> Option<NaiveDateTime> {
    if !t.is_finite() {
        return None;
    }
    chrono::DateTime::from_timestamp_millis(t as i64).map(|d| d.naive_utc())
}

/// The local zone's offset from UTC, in ms, at the UTC instant `t`.
pub fn offset_at_utc(t: f64) -> f64 {
    match naive(t) {
        Some(n) => Local.offset_from_utc_datetime(&n).fix().local_minus_utc() as f64 * 1000.0,
        None => 0.0,
    }
}

/// LocalTime(t).
pub fn local_time(t: f64) -> f64 {
    t + offset_at_utc(t)
}

/// UTC(t) for a local time value: the earlier instant when the local time is repeated, and the
/// offset from before the transition when it is skipped (so 02:30 in a spring-forward gap is
/// 03:30 of the new offset), as V8 does.
pub fn utc(t: f64) -> f64 {
    let Some(n) = naive(t) else { return f64::NAN };
    let off = match Local.offset_from_local_datetime(&n) {
        LocalResult::Single(o) => o.fix().local_minus_utc(),
        LocalResult::Ambiguous(a, b) => a.fix().local_minus_utc().max(b.fix().local_minus_utc()),
        LocalResult::None => return t - offset_at_utc(t - MS_PER_DAY),
    };
    t - off as f64 * 1000.0
}

/// Whether the zone observes DST and `t` falls in it: its offset exceeds the smaller of the
/// January and July offsets of that year.
pub fn is_dst(t: f64) -> bool {
    let y = fields(t).year as f64;
    let jan = offset_at_utc(make_date(make_day(y, 0.0, 1.0), 0.0));
    let jul = offset_at_utc(make_date(make_day(y, 6.0, 1.0), 0.0));
    jan != jul && offset_at_utc(t) > jan.min(jul)
}

pub fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as f64).unwrap_or(0.0)
}
