//! `Date`: the constructor, `Date.now/parse/UTC` and the prototype's getters, setters and string
//! forms (Node's formats; `toLocale*` always use Node's en-US forms).
//!
//! A Date is a Host object holding its time value (`DateValue`). The calendar arithmetic lives
//! in `calc.rs`, parsing in `parse.rs`.

mod calc;
mod parse;

use crate::util;
use calc::{Fields, fields, local_time, make_date, make_day, make_time, time_clip, utc};
use pipy_value::error::{self, JsResult};
use pipy_value::function::{self, NativeFn};
use pipy_value::object::ObjectKind;
use pipy_value::shape::attr;
use pipy_value::{Obj, PropKey, Value, ops, realm};
use std::rc::Rc;

/// The internal state of a Date object: its time value (NaN when invalid).
pub struct DateValue(pub f64);

const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

pub fn install() {
    let i = realm::intrinsics();
    let proto = Obj::ordinary();
    realm::register("Date.prototype", Value::Object(proto.clone()));
    let ctor: NativeFn = Rc::new(|_this, args, nt| construct(args, nt));
    let ctor = util::constructor("Date", 7, &proto, ctor);
    util::method(&ctor, "now", 0, |_, _| Ok(Value::Number(calc::now())));
    util::method(&ctor, "parse", 1, |_, args| {
        let s = ops::to_string(&util::arg(args, 0))?;
        Ok(Value::Number(parse::parse(&s.to_rust_string())))
    });
    util::method(&ctor, "UTC", 7, date_utc);

    util::method(&proto, "getTime", 0, |this, _| Ok(Value::Number(this_time(this)?)));
    util::method(&proto, "valueOf", 0, |this, _| Ok(Value::Number(this_time(this)?)));
    util::method(&proto, "getTimezoneOffset", 0, |this, _| {
        let t = this_time(this)?;
        Ok(Value::Number(if t.is_nan() { f64::NAN } else { (t - local_time(t)) / 60_000.0 }))
    });
    macro_rules! getters {
        ($($name:literal, $uname:literal, $f:expr;)*) => {$(
            util::method(&proto, $name, 0, |this, _| get_field(this, true, $f));
            util::method(&proto, $uname, 0, |this, _| get_field(this, false, $f));
        )*};
    }
    getters! {
        "getFullYear", "getUTCFullYear", |f: &Fields| f.year;
        "getMonth", "getUTCMonth", |f: &Fields| f.month;
        "getDate", "getUTCDate", |f: &Fields| f.date;
        "getDay", "getUTCDay", |f: &Fields| f.weekday;
        "getHours", "getUTCHours", |f: &Fields| f.hour;
        "getMinutes", "getUTCMinutes", |f: &Fields| f.minute;
        "getSeconds", "getUTCSeconds", |f: &Fields| f.second;
        "getMilliseconds", "getUTCMilliseconds", |f: &Fields| f.ms;
    }
    util::method(&proto, "getYear", 0, |this, _| get_field(this, true, |f| f.year - 1900));

    util::method(&proto, "setTime", 1, |this, args| {
        this_time(this)?;
        let t = time_clip(ops::to_number(&util::arg(args, 0))?);
        set_time(this, t)
    });
    macro_rules! setters {
        ($($name:literal, $uname:literal, $len:literal, $field:expr;)*) => {$(
            util::method(&proto, $name, $len, |this, args| set_fields(this, args, true, $field));
            util::method(&proto, $uname, $len, |this, args| set_fields(this, args, false, $field));
        )*};
    }
    setters! {
        "setMilliseconds", "setUTCMilliseconds", 1, Field::Ms;
        "setSeconds", "setUTCSeconds", 2, Field::Second;
        "setMinutes", "setUTCMinutes", 3, Field::Minute;
        "setHours", "setUTCHours", 4, Field::Hour;
        "setDate", "setUTCDate", 1, Field::Date;
        "setMonth", "setUTCMonth", 2, Field::Month;
        "setFullYear", "setUTCFullYear", 3, Field::Year;
    }
    util::method(&proto, "setYear", 1, set_year);

    util::method(&proto, "toISOString", 0, to_iso_string);
    util::method(&proto, "toJSON", 1, to_json);
    util::method(&proto, "toString", 0, |this, _| fmt(this, |t| format!("{} {}", date_part(t), time_part(t))));
    util::method(&proto, "toDateString", 0, |this, _| fmt(this, date_part));
    util::method(&proto, "toTimeString", 0, |this, _| fmt(this, time_part));
    let utc_string = function::native("toUTCString", 0, |this, _| fmt(this, utc_string));
    proto.define_hidden("toUTCString", Value::Object(utc_string.clone()));
    proto.define_hidden("toGMTString", Value::Object(utc_string));
    util::method(&proto, "toLocaleString", 0, |this, _| {
        fmt(this, |t| format!("{}, {}", locale_date(t), locale_time(t)))
    });
    util::method(&proto, "toLocaleDateString", 0, |this, _| fmt(this, locale_date));
    util::method(&proto, "toLocaleTimeString", 0, |this, _| fmt(this, locale_time));
    let to_prim = function::native("[Symbol.toPrimitive]", 1, to_primitive);
    proto.define_value(PropKey::Symbol(i.sym_to_primitive.clone()), Value::Object(to_prim), attr::CONFIGURABLE);
}

/// thisTimeValue: the time value of a Date `this`, or a TypeError.
fn this_time(this: &Value) -> JsResult<f64> {
    this.as_object()
        .and_then(|o| o.with_host(|d: &mut DateValue| d.0))
        .ok_or_else(|| error::type_error("this is not a Date object."))
}

fn set_time(this: &Value, t: f64) -> JsResult<Value> {
    if let Some(o) = this.as_object() {
        o.with_host(|d: &mut DateValue| d.0 = t);
    }
    Ok(Value::Number(t))
}

/// A new Date object with time value `t` and `proto` (Date.prototype by default).
pub fn new_date(t: f64, proto: Option<Obj>) -> Obj {
    let proto = proto.or_else(|| realm::registered("Date.prototype").and_then(|v| v.as_object().cloned()));
    Obj::new(proto, ObjectKind::Host(Box::new(DateValue(t))))
}

fn construct(args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    let Some(nt) = new_target else {
        let t = calc::now();
        return Ok(Value::string(format!("{} {}", date_part(t), time_part(t))));
    };
    let t = match args.len() {
        0 => calc::now(),
        1 => {
            let v = &args[0];
            let existing = v.as_object().and_then(|o| o.with_host(|d: &mut DateValue| d.0));
            match existing {
                Some(t) => t,
                None => match ops::to_primitive(v, ops::Hint::Default)? {
                    Value::String(s) => parse::parse(&s.to_rust_string()),
                    p => time_clip(ops::to_number(&p)?),
                },
            }
        }
        _ => time_clip(utc(date_from_components(args)?)),
    };
    let proto = function::prototype_from_ctor(nt, |i| {
        realm::registered("Date.prototype")
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_else(|| i.object_prototype.clone())
    })?;
    Ok(Value::Object(new_date(t, Some(proto))))
}

/// The (local or UTC) time value from `year, month[, date, h, m, s, ms]`, years 0-99 as 19xx.
fn date_from_components(args: &[Value]) -> JsResult<f64> {
    let mut n = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (i, slot) in n.iter_mut().enumerate() {
        if let Some(v) = args.get(i) {
            *slot = ops::to_number(v)?;
        }
    }
    let mut year = n[0];
    if !year.is_nan() {
        let yi = year.trunc();
        if (0.0..=99.0).contains(&yi) {
            year = 1900.0 + yi;
        }
    }
    Ok(make_date(make_day(year, n[1], n[2]), make_time(n[3], n[4], n[5], n[6])))
}

fn date_utc(_this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Number(time_clip(date_from_components(args)?)))
}

fn get_field(this: &Value, local: bool, f: fn(&Fields) -> i64) -> JsResult<Value> {
    let t = this_time(this)?;
    if t.is_nan() {
        return Ok(Value::Number(f64::NAN));
    }
    let t = if local { local_time(t) } else { t };
    Ok(Value::Number(f(&fields(t)) as f64))
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Year,
    Month,
    Date,
    Hour,
    Minute,
    Second,
    Ms,
}

/// The setters: coerce every argument first, then replace fields from `field` downwards.
fn set_fields(this: &Value, args: &[Value], local: bool, field: Field) -> JsResult<Value> {
    let t = this_time(this)?;
    // How many arguments each setter takes: setFullYear(y, m, d), setHours(h, m, s, ms), …
    let max = match field {
        Field::Hour => 4,
        Field::Year | Field::Minute => 3,
        Field::Month | Field::Second => 2,
        Field::Date | Field::Ms => 1,
    };
    let mut vals = Vec::with_capacity(max);
    for i in 0..max {
        // The first argument is always coerced (undefined → NaN); later ones only if present.
        if i == 0 || i < args.len() {
            vals.push(Some(ops::to_number(&util::arg(args, i))?));
        } else {
            vals.push(None);
        }
    }
    let t = if t.is_nan() {
        if field != Field::Year {
            return Ok(Value::Number(f64::NAN));
        }
        0.0
    } else if local {
        local_time(t)
    } else {
        t
    };
    let f = fields(t);
    let mut c = [f.year, f.month, f.date, f.hour, f.minute, f.second, f.ms].map(|x| x as f64);
    let start = match field {
        Field::Year => 0,
        Field::Month => 1,
        Field::Date => 2,
        Field::Hour => 3,
        Field::Minute => 4,
        Field::Second => 5,
        Field::Ms => 6,
    };
    // setFullYear(y, m, d) spans year..date; setHours(h, m, s, ms) spans hour..ms; and so on.
    for (k, v) in vals.into_iter().enumerate() {
        if let (Some(v), Some(slot)) = (v, c.get_mut(start + k)) {
            *slot = v;
        }
    }
    let d = make_date(make_day(c[0], c[1], c[2]), make_time(c[3], c[4], c[5], c[6]));
    let u = time_clip(if local { utc(d) } else { d });
    set_time(this, u)
}

fn set_year(this: &Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(this)?;
    let y = ops::to_number(&util::arg(args, 0))?;
    if y.is_nan() {
        return set_time(this, f64::NAN);
    }
    let yi = y.trunc();
    let y = if (0.0..=99.0).contains(&yi) { 1900.0 + yi } else { y };
    let t = if t.is_nan() { 0.0 } else { local_time(t) };
    let f = fields(t);
    let d = make_date(make_day(y, f.month as f64, f.date as f64), calc::time_within_day(t));
    set_time(this, time_clip(utc(d)))
}

// ----- string forms -----

fn fmt(this: &Value, f: impl Fn(f64) -> String) -> JsResult<Value> {
    let t = this_time(this)?;
    Ok(Value::string(if t.is_nan() { "Invalid Date".to_string() } else { f(t) }))
}

fn year_str(y: i64) -> String {
    if y < 0 { format!("-{:04}", -y) } else { format!("{y:04}") }
}

/// `Tue Nov 24 2026` in local time.
fn date_part(t: f64) -> String {
    let f = fields(local_time(t));
    format!("{} {} {:02} {}", DAY_NAMES[f.weekday as usize], MONTH_NAMES[f.month as usize], f.date, year_str(f.year))
}

/// `10:00:00 GMT+0000 (Coordinated Universal Time)` in local time.
fn time_part(t: f64) -> String {
    let off = calc::offset_at_utc(t);
    let f = fields(t + off);
    let mins = (off / 60_000.0) as i64;
    let sign = if mins < 0 { '-' } else { '+' };
    let (oh, om) = (mins.abs() / 60, mins.abs() % 60);
    format!(
        "{:02}:{:02}:{:02} GMT{sign}{oh:02}{om:02} ({})",
        f.hour,
        f.minute,
        f.second,
        zone_name(t, mins, sign, oh, om)
    )
}

/// The long zone name Node prints: known for a few common zones named by `TZ`, else ICU's
/// generic `GMT+hh:mm` form.
fn zone_name(t: f64, mins: i64, sign: char, oh: i64, om: i64) -> String {
    let tz = std::env::var("TZ").unwrap_or_default();
    let tz = tz.trim_start_matches(':');
    let dst = calc::is_dst(t);
    let pair = |std: &str, summer: &str| if dst { summer.to_string() } else { std.to_string() };
    match tz {
        "America/New_York" | "US/Eastern" | "EST5EDT" => pair("Eastern Standard Time", "Eastern Daylight Time"),
        "America/Chicago" | "US/Central" | "CST6CDT" => pair("Central Standard Time", "Central Daylight Time"),
        "America/Denver" | "US/Mountain" | "MST7MDT" => pair("Mountain Standard Time", "Mountain Daylight Time"),
        "America/Los_Angeles" | "US/Pacific" | "PST8PDT" => pair("Pacific Standard Time", "Pacific Daylight Time"),
        "Europe/London" => pair("Greenwich Mean Time", "British Summer Time"),
        "Europe/Berlin" | "Europe/Paris" | "Europe/Madrid" | "Europe/Rome" | "Europe/Amsterdam" | "Europe/Vienna"
        | "Europe/Stockholm" | "Europe/Warsaw" | "Europe/Prague" | "Europe/Brussels" | "Europe/Zurich" | "CET" => {
            pair("Central European Standard Time", "Central European Summer Time")
        }
        "Asia/Shanghai" | "Asia/Chongqing" | "PRC" => "China Standard Time".into(),
        "Asia/Hong_Kong" => "Hong Kong Standard Time".into(),
        "Asia/Tokyo" | "Japan" => "Japan Standard Time".into(),
        "Asia/Kolkata" | "Asia/Calcutta" => "India Standard Time".into(),
        _ if mins == 0
            && (tz.is_empty() || matches!(tz, "UTC" | "Etc/UTC" | "UCT" | "Etc/UCT" | "Universal" | "Zulu")) =>
        {
            "Coordinated Universal Time".into()
        }
        _ if mins == 0 => "Greenwich Mean Time".into(),
        _ => format!("GMT{sign}{oh:02}:{om:02}"),
    }
}

/// `Tue, 24 Nov 2026 10:00:00 GMT`.
fn utc_string(t: f64) -> String {
    let f = fields(t);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAY_NAMES[f.weekday as usize],
        f.date,
        MONTH_NAMES[f.month as usize],
        year_str(f.year),
        f.hour,
        f.minute,
        f.second
    )
}

/// `11/24/2026` (en-US).
fn locale_date(t: f64) -> String {
    let f = fields(local_time(t));
    format!("{}/{}/{}", f.month + 1, f.date, f.year)
}

/// `10:00:00 AM` (en-US).
fn locale_time(t: f64) -> String {
    let f = fields(local_time(t));
    let h12 = if f.hour % 12 == 0 { 12 } else { f.hour % 12 };
    format!("{}:{:02}:{:02} {}", h12, f.minute, f.second, if f.hour < 12 { "AM" } else { "PM" })
}

fn iso_string(t: f64) -> String {
    let f = fields(t);
    let year = if (0..=9999).contains(&f.year) {
        format!("{:04}", f.year)
    } else if f.year < 0 {
        format!("-{:06}", -f.year)
    } else {
        format!("+{:06}", f.year)
    };
    format!("{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", f.month + 1, f.date, f.hour, f.minute, f.second, f.ms)
}

fn to_iso_string(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let t = this_time(this)?;
    if t.is_nan() {
        return Err(error::range_error("Invalid time value"));
    }
    Ok(Value::string(iso_string(t)))
}

fn to_json(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let o = Value::Object(ops::to_object(this)?);
    let tv = ops::to_primitive(&o, ops::Hint::Number)?;
    if let Value::Number(n) = tv {
        if !n.is_finite() {
            return Ok(Value::Null);
        }
    }
    ops::invoke(&o, "toISOString", &[])
}

/// `Date.prototype[Symbol.toPrimitive](hint)`: "default" behaves as "string".
fn to_primitive(this: &Value, args: &[Value]) -> JsResult<Value> {
    if !this.is_object() {
        return Err(error::type_error("Date.prototype [ @@toPrimitive ] called on non-object"));
    }
    let hint = util::arg(args, 0);
    let order = match hint.as_string().and_then(|s| s.as_ascii()) {
        Some("string" | "default") => ["toString", "valueOf"],
        Some("number") => ["valueOf", "toString"],
        _ => return Err(error::type_error(&format!("Invalid hint: {}", ops::describe(&hint)))),
    };
    for name in order {
        let m = ops::get_str(this, name)?;
        if m.is_callable() {
            let r = function::call(&m, this, &[])?;
            if !r.is_object() {
                return Ok(r);
            }
        }
    }
    Err(error::type_error("Cannot convert object to primitive value"))
}

#[cfg(test)]
mod tests;
