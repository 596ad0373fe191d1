use super::*;
use crate::util::testing::{call, path, s, setup};

fn v<T>(r: JsResult<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("threw {}", s(&ops::get_str(&e, "message").unwrap_or_default())),
    }
}
fn new_date_of(args: &[Value]) -> Value {
    let Value::Object(c) = path("Date") else { panic!("no Date") };
    v(function::construct(&c, args, &c))
}
fn m(d: &Value, name: &str, args: &[Value]) -> Value {
    v(ops::invoke(d, name, args))
}
fn n(x: f64) -> Value {
    Value::Number(x)
}
fn num(v: &Value) -> f64 {
    v.as_number().unwrap_or(-1.0)
}
/// Local-time expectations below were taken from Node with TZ=UTC; they are checked only when
/// this process runs in UTC.
fn in_utc() -> bool {
    calc::offset_at_utc(0.0) == 0.0 && calc::offset_at_utc(1.8e12) == 0.0
}

#[test]
fn arithmetic_round_trips() {
    for t in [0.0, -1.0, 1795514400123.0, -62198755200000.0, 8.64e15, -8.64e15, 951782400000.0] {
        let f = calc::fields(t);
        let back = make_date(
            make_day(f.year as f64, f.month as f64, f.date as f64),
            make_time(f.hour as f64, f.minute as f64, f.second as f64, f.ms as f64),
        );
        assert_eq!(back, t);
    }
    let f = calc::fields(1795514400123.0);
    assert_eq!((f.year, f.month, f.date, f.weekday, f.hour, f.ms), (2026, 10, 24, 2, 10, 123));
    assert_eq!(calc::fields(-1.0).year, 1969);
    assert!(time_clip(8.64e15 + 1.0).is_nan());
    assert!(make_day(f64::INFINITY, 0.0, 1.0).is_nan());
    // Month overflow carries into the year.
    assert_eq!(make_day(2025.0, 13.0, 1.0), make_day(2026.0, 1.0, 1.0));
    assert_eq!(make_day(2026.0, -1.0, 1.0), make_day(2025.0, 11.0, 1.0));
}

#[test]
fn utc_api_and_strings() {
    setup();
    let d = new_date_of(&[n(1795514400123.0)]);
    assert_eq!(num(&m(&d, "getTime", &[])), 1795514400123.0);
    assert_eq!(num(&m(&d, "getUTCDay", &[])), 2.0);
    assert_eq!(num(&m(&d, "getUTCMilliseconds", &[])), 123.0);
    assert_eq!(s(&m(&d, "toISOString", &[])), "2026-11-24T10:00:00.123Z");
    assert_eq!(s(&m(&d, "toUTCString", &[])), "Tue, 24 Nov 2026 10:00:00 GMT");
    let y = new_date_of(&[n(-62198755200000.0)]);
    assert_eq!(s(&m(&y, "toISOString", &[])), "-000001-01-01T00:00:00.000Z");
    assert_eq!(s(&m(&y, "toUTCString", &[])), "Fri, 01 Jan -0001 00:00:00 GMT");
    let big = new_date_of(&[n(v(ops::to_number(&v(call("Date.UTC", &Value::Undefined, &[n(12345.0), n(0.0)])))))]);
    assert_eq!(s(&m(&big, "toISOString", &[])), "+012345-01-01T00:00:00.000Z");
    let bad = new_date_of(&[n(f64::NAN)]);
    assert_eq!(s(&m(&bad, "toString", &[])), "Invalid Date");
    assert!(ops::invoke(&bad, "toISOString", &[]).is_err());
    assert!(m(&bad, "toJSON", &[]).is_null());
    assert!(num(&m(&bad, "getUTCFullYear", &[])).is_nan());
    let utc = |args: &[Value]| num(&v(call("Date.UTC", &Value::Undefined, args)));
    assert_eq!(utc(&[n(2026.0)]), 1767225600000.0);
    assert_eq!(utc(&[n(99.0), n(1.0)]), 917827200000.0);
    assert!(utc(&[]).is_nan());
    assert!(num(&m(&new_date_of(&[n(8.64e15 + 1.0)]), "getTime", &[])).is_nan());
    assert_eq!(
        s(&v(crate::json::stringify(&d).map(|o| Value::string(o.unwrap_or_default())))),
        "\"2026-11-24T10:00:00.123Z\""
    );
    // A Date argument copies the time value; a non-Date is ToPrimitive'd.
    let copy = new_date_of(std::slice::from_ref(&d));
    assert_eq!(num(&m(&copy, "valueOf", &[])), 1795514400123.0);
    assert!(ops::invoke(&Value::Object(Obj::ordinary()), "x", &[]).is_err());
    assert!(function::call(&path("Date.prototype.getTime"), &Value::Object(Obj::ordinary()), &[]).is_err());
}

#[test]
fn setters_coerce_and_propagate_nan() {
    setup();
    let g = new_date_of(&[n(0.0)]);
    assert_eq!(num(&m(&g, "setUTCMinutes", &[n(61.0), n(70.0), n(1001.0)])), 3731001.0);
    assert_eq!(num(&m(&g, "setUTCDate", &[n(0.0)])), -82668999.0);
    assert!(num(&m(&g, "setUTCSeconds", &[])).is_nan());
    assert!(num(&m(&g, "getTime", &[])).is_nan());
    let f = new_date_of(&[n(f64::NAN)]);
    assert!(num(&m(&f, "setUTCHours", &[n(1.0)])).is_nan());
    assert_eq!(num(&m(&f, "setUTCFullYear", &[n(2020.0)])), 1577836800000.0);
    let e =
        new_date_of(&[n(v(ops::to_number(&v(call("Date.UTC", &Value::Undefined, &[n(2026.0), n(0.0), n(31.0)])))))]);
    assert_eq!(num(&m(&e, "setUTCMonth", &[n(1.0)])), 1772496000000.0);
    assert_eq!(num(&m(&e, "setTime", &[Value::str("5")])), 5.0);
    assert_eq!(num(&m(&e, "setUTCMilliseconds", &[n(7.9)])), 7.0);
    assert_eq!(s(&v(ops::get_str(&path("Date.prototype.setHours"), "length"))), "4");
    assert_eq!(s(&v(ops::get_str(&path("Date"), "length"))), "7");
}

#[test]
fn parse_formats() {
    setup();
    let p = |t: &str| parse::parse(t);
    assert_eq!(p("2026-11-24"), 1795478400000.0);
    assert_eq!(p("2026-11-24T10:00:00.5Z"), 1795514400500.0);
    assert_eq!(p("2026-11-24T10:00:00+05:30"), 1795494600000.0);
    assert_eq!(p("+002026-11-24"), 1795478400000.0);
    assert_eq!(p("2026"), 1767225600000.0);
    assert_eq!(p("2026-11"), 1793491200000.0);
    assert_eq!(p("Tue, 24 Nov 2026 10:00:00 GMT"), 1795514400000.0);
    assert_eq!(p("Tue Nov 24 2026 10:00:00 GMT-0500"), 1795532400000.0);
    assert_eq!(p("Tue Nov 24 2026 10:00:00 GMT+0000 (Coordinated Universal Time)"), 1795514400000.0);
    assert_eq!(p("2026-11-24T24:00:00Z"), 1795564800000.0);
    assert_eq!(p("2026-02-30"), 1772409600000.0);
    assert_eq!(p("2026-11-24T10:00:00.123456Z"), 1795514400123.0);
    assert_eq!(p("-000001-01-01T00:00:00Z"), -62198755200000.0);
    assert_eq!(p("2026-11-24T10:00Z"), 1795514400000.0);
    assert!(p("foo").is_nan());
    assert!(p("2026-13-01").is_nan());
    assert!(p("-000000-01-01").is_nan());
    if in_utc() {
        assert_eq!(p("2026-11-24T10:00"), 1795514400000.0);
        assert_eq!(p("Nov 24 2026"), 1795478400000.0);
        assert_eq!(p("11/24/2026"), 1795478400000.0);
        assert_eq!(p("2026/11/24 10:00"), 1795514400000.0);
        assert_eq!(p("24 Nov 2026 10:00 PM"), 1795557600000.0);
        assert_eq!(p("2026-11-24 10:00:00"), 1795514400000.0);
        assert_eq!(p("2026-1-2"), 1767312000000.0);
    }
    let dp = v(call("Date.parse", &Value::Undefined, &[Value::str("2026-11-24")]));
    assert_eq!(num(&dp), 1795478400000.0);
    // Our own string forms round-trip.
    let d = new_date_of(&[n(1795514400000.0)]);
    assert_eq!(p(&s(&m(&d, "toString", &[]))), 1795514400000.0);
    assert_eq!(p(&s(&m(&d, "toUTCString", &[]))), 1795514400000.0);
    assert_eq!(p(&s(&m(&d, "toISOString", &[]))), 1795514400000.0);
}

#[test]
fn local_time_in_utc_zone() {
    setup();
    if !in_utc() {
        return;
    }
    let d = new_date_of(&[n(1795514400123.0)]);
    assert_eq!(s(&m(&d, "toString", &[])), "Tue Nov 24 2026 10:00:00 GMT+0000 (Coordinated Universal Time)");
    assert_eq!(s(&m(&d, "toDateString", &[])), "Tue Nov 24 2026");
    assert_eq!(s(&m(&d, "toTimeString", &[])), "10:00:00 GMT+0000 (Coordinated Universal Time)");
    assert_eq!(s(&m(&d, "toLocaleString", &[])), "11/24/2026, 10:00:00 AM");
    assert_eq!(num(&m(&d, "getTimezoneOffset", &[])), 0.0);
    assert_eq!(num(&m(&d, "getHours", &[])), 10.0);
    let c = new_date_of(&[n(2026.0), n(10.0)]);
    assert_eq!(num(&m(&c, "getTime", &[])), 1793491200000.0);
    let c = new_date_of(&[n(99.0), n(0.0)]);
    assert_eq!(num(&m(&c, "getTime", &[])), 915148800000.0);
    let e = new_date_of(&[n(2026.0), n(0.0), n(31.0)]);
    assert_eq!(num(&m(&e, "setMonth", &[n(1.0)])), 1772496000000.0);
    let f = new_date_of(&[n(f64::NAN)]);
    assert_eq!(num(&m(&f, "setFullYear", &[n(2020.0)])), 1577836800000.0);
    let noon = new_date_of(&[n(2026.0), n(0.0), n(1.0), n(12.0)]);
    assert_eq!(s(&m(&noon, "toLocaleTimeString", &[])), "12:00:00 PM");
    let early = new_date_of(&[n(2026.0), n(0.0), n(1.0), n(0.0), n(5.0)]);
    assert_eq!(s(&m(&early, "toLocaleTimeString", &[])), "12:05:00 AM");
    assert_eq!(s(&m(&early, "toLocaleDateString", &[])), "1/1/2026");
    // `date + 1` uses hint "default", which Date treats as "string".
    let z = new_date_of(&[n(0.0)]);
    assert_eq!(s(&v(ops::add(&z, &n(1.0)))), "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)1");
    assert_eq!(num(&Value::Number(v(ops::to_number(&z)))), 0.0);
    // Called as a function, Date returns a string.
    let now = s(&v(call("Date", &Value::Undefined, &[])));
    assert!(now.ends_with("GMT+0000 (Coordinated Universal Time)"));
}

/// Run with `TZ=America/New_York cargo test -p pipy-stdlib date` to check a zone with DST
/// (expected values from Node in that zone).
#[test]
fn local_time_in_new_york() {
    setup();
    if std::env::var("TZ").as_deref() != Ok("America/New_York") {
        return;
    }
    let d = new_date_of(&[n(1795532400000.0)]);
    assert_eq!(s(&m(&d, "toString", &[])), "Tue Nov 24 2026 10:00:00 GMT-0500 (Eastern Standard Time)");
    assert_eq!(num(&m(&d, "getTimezoneOffset", &[])), 300.0);
    let summer = new_date_of(&[n(1782864000000.0)]);
    assert_eq!(s(&m(&summer, "toString", &[])), "Tue Jun 30 2026 20:00:00 GMT-0400 (Eastern Daylight Time)");
    // 02:30 on the spring-forward day does not exist: it becomes 03:30 EDT.
    let gap = new_date_of(&[n(2026.0), n(2.0), n(8.0), n(2.0), n(30.0)]);
    assert_eq!(s(&m(&gap, "toString", &[])), "Sun Mar 08 2026 03:30:00 GMT-0400 (Eastern Daylight Time)");
    // 01:30 on the fall-back day happens twice: the earlier (EDT) one is chosen.
    let overlap = new_date_of(&[n(2026.0), n(10.0), n(1.0), n(1.0), n(30.0)]);
    assert_eq!(s(&m(&overlap, "toString", &[])), "Sun Nov 01 2026 01:30:00 GMT-0400 (Eastern Daylight Time)");
    assert_eq!(parse::parse("2026-11-24T10:00"), 1795532400000.0);
}
