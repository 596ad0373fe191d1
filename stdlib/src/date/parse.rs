//! `Date.parse`: the ISO format of the spec first, then a lenient parser for the forms Node
//! accepts in practice (`toString`, `toUTCString`, `Nov 24 2026`, `11/24/2026 10:00 PM`, …).

use super::calc::{make_date, make_day, make_time, time_clip, utc};

/// The time value `s` denotes, or NaN.
pub fn parse(s: &str) -> f64 {
    let s = s.trim();
    if let Some(t) = parse_iso(s) {
        return t;
    }
    parse_legacy(s).unwrap_or(f64::NAN)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0i64;
        for _ in 0..n {
            let c = self.peek().filter(u8::is_ascii_digit)?;
            v = v * 10 + (c - b'0') as i64;
            self.i += 1;
        }
        Some(v)
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

/// `YYYY[-MM[-DD]][THH:mm[:ss[.sss]]][Z|±HH:mm]` with `±YYYYYY` expanded years. Date-only forms
/// are UTC; date-time forms without an offset are local.
fn parse_iso(s: &str) -> Option<f64> {
    let mut c = Cursor { b: s.as_bytes(), i: 0 };
    let year = match c.peek()? {
        b'+' | b'-' => {
            let neg = c.peek() == Some(b'-');
            c.i += 1;
            let y = c.digits(6)?;
            if neg && y == 0 {
                return None;
            }
            if neg { -y } else { y }
        }
        _ => c.digits(4)?,
    };
    let (mut month, mut day) = (1, 1);
    if c.eat(b'-') {
        month = c.digits(2)?;
        if c.eat(b'-') {
            day = c.digits(2)?;
        }
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (mut h, mut m, mut sec, mut ms) = (0, 0, 0, 0.0);
    let mut has_time = false;
    let mut offset: Option<i64> = None;
    if c.eat(b'T') || c.eat(b't') {
        has_time = true;
        h = c.digits(2)?;
        if !c.eat(b':') {
            return None;
        }
        m = c.digits(2)?;
        if c.eat(b':') {
            sec = c.digits(2)?;
            if c.eat(b'.') {
                let start = c.i;
                let mut frac = 0.0;
                let mut scale = 100.0;
                while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                    frac += (d - b'0') as f64 * scale;
                    scale /= 10.0;
                    c.i += 1;
                }
                if c.i == start {
                    return None;
                }
                ms = frac.trunc();
            }
        }
        if h > 24 || m > 59 || sec > 59 || (h == 24 && (m > 0 || sec > 0 || ms > 0.0)) {
            return None;
        }
        if c.eat(b'Z') || c.eat(b'z') {
            offset = Some(0);
        } else if let Some(sign @ (b'+' | b'-')) = c.peek() {
            c.i += 1;
            let oh = c.digits(2)?;
            c.eat(b':');
            let om = c.digits(2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 60 + om;
            offset = Some(if sign == b'-' { -o } else { o });
        }
    }
    if !c.done() {
        return None;
    }
    let date =
        make_date(make_day(year as f64, (month - 1) as f64, day as f64), make_time(h as f64, m as f64, sec as f64, ms));
    let t = match offset {
        Some(o) => date - o as f64 * 60_000.0,
        None if has_time => utc(date),
        None => date,
    };
    Some(time_clip(t))
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Tokens of the legacy forms: numbers (with the byte that follows them), words and signs.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64, usize),
    Word(String),
    Sym(u8),
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            let start = i;
            let mut v: i64 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                // Capped so that later arithmetic cannot overflow; such values are invalid anyway.
                v = (v * 10 + (b[i] - b'0') as i64).min(1_000_000_000);
                i += 1;
            }
            out.push(Tok::Num(v, i - start));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push(Tok::Word(s[start..i].to_ascii_lowercase()));
            // A word directly followed by '.' (as in "Nov.") is still the word.
            if i < b.len() && b[i] == b'.' {
                i += 1;
            }
        } else if c == b'(' {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'(' {
                    depth += 1;
                } else if b[i] == b')' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                i += 1;
            }
            i += 1;
        } else if c == b' ' || c == b',' || c == b'\t' || c == b'\n' {
            i += 1;
        } else if matches!(c, b':' | b'/' | b'-' | b'+' | b'.') {
            out.push(Tok::Sym(c));
            i += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

fn parse_legacy(s: &str) -> Option<f64> {
    let toks = tokenize(s)?;
    let mut nums: Vec<i64> = Vec::new();
    let mut month: Option<i64> = None;
    let mut year_first = false;
    let (mut h, mut mi, mut sec, mut ms) = (None::<i64>, 0, 0, 0);
    let mut pm: Option<bool> = None;
    let mut offset: Option<i64> = None;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Word(w) => {
                if let Some(m) = MONTHS.iter().position(|m| w.starts_with(m)) {
                    month = Some(m as i64);
                } else if w == "am" || w == "pm" {
                    pm = Some(w == "pm");
                } else if w == "z" || w == "gmt" || w == "utc" || w == "ut" {
                    offset = Some(0);
                } else if w == "t" && nums.len() >= 3 {
                } else if !DAYS.iter().any(|d| w.starts_with(d)) {
                    return None;
                }
                i += 1;
            }
            Tok::Sym(sign @ (b'+' | b'-')) if h.is_some() || offset.is_some() => {
                // A numeric zone: +hhmm, +hh:mm or +hh.
                let neg = *sign == b'-';
                let Some(Tok::Num(v, len)) = toks.get(i + 1) else { return None };
                let mut o = if *len <= 2 { v * 60 } else { v / 100 * 60 + v % 100 };
                i += 2;
                if *len <= 2 && toks.get(i) == Some(&Tok::Sym(b':')) {
                    if let Some(Tok::Num(mm, _)) = toks.get(i + 1) {
                        o += mm;
                        i += 2;
                    }
                }
                offset = Some(if neg { -o } else { o });
            }
            Tok::Num(v, len) if toks.get(i + 1) == Some(&Tok::Sym(b':')) && h.is_none() => {
                // h:mm[:ss[.mmm]]
                let _ = len;
                h = Some(*v);
                let Some(Tok::Num(m, _)) = toks.get(i + 2) else { return None };
                mi = *m;
                i += 3;
                if toks.get(i) == Some(&Tok::Sym(b':')) {
                    let Some(Tok::Num(s, _)) = toks.get(i + 1) else { return None };
                    sec = *s;
                    i += 2;
                    if toks.get(i) == Some(&Tok::Sym(b'.')) {
                        let Some(Tok::Num(f, flen)) = toks.get(i + 1) else { return None };
                        ms = match *flen {
                            1 => f * 100,
                            2 => f * 10,
                            3 => *f,
                            n => f / 10i64.pow((n as u32).saturating_sub(3).min(18)),
                        };
                        i += 2;
                    }
                }
            }
            Tok::Num(v, len) => {
                if nums.is_empty() && *len >= 3 {
                    year_first = true;
                }
                nums.push(*v);
                i += 1;
                // Date separators between numbers.
                if matches!(toks.get(i), Some(Tok::Sym(b'/' | b'-' | b'.')))
                    && matches!(toks.get(i + 1), Some(Tok::Num(..)))
                {
                    i += 1;
                }
            }
            Tok::Sym(_) => return None,
        }
    }
    let (year, mon, day) = match (month, nums.as_slice()) {
        (Some(m), [a, b]) => {
            if *a > 31 {
                (*a, m, *b)
            } else {
                (*b, m, *a)
            }
        }
        (Some(m), [d]) => (2001, m, *d),
        (None, [y, m, d]) if year_first => (*y, m - 1, *d),
        (None, [m, d, y]) => (*y, m - 1, *d),
        _ => return None,
    };
    let year = if (0..50).contains(&year) && !year_first {
        year + 2000
    } else if (50..100).contains(&year) && !year_first {
        year + 1900
    } else {
        year
    };
    let mut hour = h.unwrap_or(0);
    if let Some(pm) = pm {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    if !(0..12).contains(&mon) || !(1..=31).contains(&day) || hour > 24 || mi > 59 || sec > 59 {
        return None;
    }
    let date = make_date(
        make_day(year as f64, mon as f64, day as f64),
        make_time(hour as f64, mi as f64, sec as f64, ms as f64),
    );
    let t = match offset {
        Some(o) => date - o as f64 * 60_000.0,
        None => utc(date),
    };
    Some(time_clip(t))
}
