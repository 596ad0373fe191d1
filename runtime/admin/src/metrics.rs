//! Metrics for the admin service: the Prometheus text every source writes (`stats`, the
//! runtime's own counters), parsed into samples; a history of samples for the console's charts
//! (`GET /api/v1/metrics`); and the `instance` label a repo adds to its workers' metrics.

use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, VecDeque};

/// How many samples a history keeps (5 minutes at one sample every 5 s).
pub const HISTORY_LEN: usize = 60;

/// Every metric of this process in the Prometheus text format.
pub fn local_text() -> String {
    pipy_stdlib::stats::render()
        + &pipy_engine::net::metrics::render()
        + &pipy_engine::memory::metrics()
        + &pipy_engine::http::h2::metrics()
}

/// One metric family at one moment: its type, label names and the value of each series.
#[derive(Clone, Debug, Default)]
pub struct Family {
    pub kind: String,
    pub labels: Vec<String>,
    /// Label values → value. A histogram's series is its count.
    pub series: BTreeMap<Vec<String>, f64>,
}

/// Every family at one moment.
pub type Sample = BTreeMap<String, Family>;

/// Reads the Prometheus text format (as `stats` writes it). Histogram buckets and sums are
/// left out: a histogram's series is its `_count`.
pub fn parse(text: &str) -> Sample {
    let mut out: Sample = BTreeMap::new();
    let mut kinds: BTreeMap<String, String> = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split_whitespace();
            if let (Some(n), Some(k)) = (parts.next(), parts.next()) {
                kinds.insert(n.to_string(), k.to_string());
            }
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((name, labels, value)) = split_line(line) else { continue };
        let (family, kind) = match kinds.get(name) {
            Some(k) => (name.to_string(), k.clone()),
            None => match name.strip_suffix("_count").filter(|n| kinds.get(*n).is_some_and(|k| k == "histogram")) {
                Some(n) => (n.to_string(), "histogram".to_string()),
                None => continue,
            },
        };
        if kind == "histogram" && !name.ends_with("_count") {
            continue;
        }
        let f = out.entry(family).or_insert_with(|| Family { kind, ..Family::default() });
        if f.labels.is_empty() && !labels.is_empty() {
            f.labels = labels.iter().map(|(k, _)| k.clone()).collect();
        }
        let values = labels.into_iter().map(|(_, v)| v).collect();
        *f.series.entry(values).or_insert(0.0) += value;
    }
    out
}

/// `name{k="v",…} value` → its parts (label values unescaped).
type Labels = Vec<(String, String)>;

fn split_line(line: &str) -> Option<(&str, Labels, f64)> {
    let (head, value) = line.rsplit_once(' ')?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().ok()?,
    };
    let Some((name, rest)) = head.split_once('{') else { return Some((head, Vec::new(), value)) };
    let body = rest.strip_suffix('}')?;
    let mut labels = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        let key: String = chars.by_ref().take_while(|&c| c != '=').collect();
        if key.is_empty() {
            break;
        }
        if chars.next() != Some('"') {
            return None;
        }
        let mut v = String::new();
        loop {
            match chars.next()? {
                '\\' => match chars.next()? {
                    'n' => v.push('\n'),
                    c => v.push(c),
                },
                '"' => break,
                c => v.push(c),
            }
        }
        labels.push((key.trim_start_matches(',').to_string(), v));
        if chars.peek() == Some(&',') {
            chars.next();
        }
    }
    Some((name, labels, value))
}

/// Adds `instance="name"` to every sample line of a Prometheus text (for a worker's metrics on
/// its repo's `/metrics`). `# TYPE` lines are dropped: the repo's own text has them.
pub fn with_instance(text: &str, instance: &str) -> String {
    let label = format!("instance=\"{}\"", instance.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((head, value)) = line.rsplit_once(' ') else { continue };
        match head.split_once('{') {
            Some((name, rest)) => out.push_str(&format!("{name}{{{label},{rest} {value}\n")),
            None => out.push_str(&format!("{head}{{{label}}} {value}\n")),
        }
    }
    out
}

/// The last `HISTORY_LEN` samples, one every few seconds.
#[derive(Default)]
pub struct History {
    samples: VecDeque<Sample>,
    /// When the last sample was taken (seconds since the epoch).
    pub time: u64,
}

impl History {
    pub fn step(&mut self, s: Sample) {
        if self.samples.len() == HISTORY_LEN {
            self.samples.pop_front();
        }
        self.samples.push_back(s);
        self.time =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    }

    /// `{time, metrics: [...]}`: every metric's total over time, or, for one `name`, its total
    /// with the series under it (`s`), one level per label.
    pub fn to_json(&self, name: Option<&str>) -> Json {
        let names: Vec<String> = match name {
            Some(n) => vec![n.to_string()],
            None => {
                let mut all: Vec<String> = self.samples.iter().flat_map(|s| s.keys().cloned()).collect();
                all.sort();
                all.dedup();
                all
            }
        };
        let mut metrics = Vec::new();
        for n in names {
            let Some(last) = self.samples.iter().rev().find_map(|s| s.get(&n)) else { continue };
            let total = |prefix: &[String]| -> Vec<Json> {
                self.samples
                    .iter()
                    .map(|s| {
                        let v: f64 = s
                            .get(&n)
                            .map(|f| f.series.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(_, v)| v).sum())
                            .unwrap_or(0.0);
                        json!(v)
                    })
                    .collect()
            };
            let mut entry = json!({"k": n, "t": last.kind, "l": last.labels.join("/"), "v": total(&[])});
            if name.is_some() {
                entry["s"] = Json::Array(self.subs(&n, last, &[], &total));
            }
            metrics.push(entry);
        }
        json!({"time": self.time, "metrics": metrics})
    }

    fn subs(&self, name: &str, last: &Family, prefix: &[String], total: &dyn Fn(&[String]) -> Vec<Json>) -> Vec<Json> {
        let depth = prefix.len();
        if depth >= last.labels.len() {
            return Vec::new();
        }
        let mut keys: Vec<String> = self
            .samples
            .iter()
            .filter_map(|s| s.get(name))
            .flat_map(|f| f.series.keys().filter(|k| k.starts_with(prefix)).filter_map(|k| k.get(depth).cloned()))
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let mut p = prefix.to_vec();
                p.push(k.clone());
                let mut e = json!({"k": k, "v": total(&p)});
                let s = self.subs(name, last, &p, total);
                if !s.is_empty() {
                    e["s"] = Json::Array(s);
                }
                e
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# TYPE req counter\nreq{path=\"/a\",code=\"200\"} 3\nreq{path=\"/b\",code=\"200\"} 4\n# TYPE lat histogram\nlat_bucket{le=\"1\"} 2\nlat_bucket{le=\"+Inf\"} 5\nlat_sum 9\nlat_count 5\n# TYPE up gauge\nup 1\n";

    #[test]
    fn prometheus_text_is_read_back_into_families() {
        let s = parse(TEXT);
        assert_eq!(s["req"].labels, vec!["path", "code"]);
        assert_eq!(s["req"].series[&vec!["/b".to_string(), "200".to_string()]], 4.0);
        assert_eq!(s["lat"].series[&Vec::<String>::new()], 5.0);
        assert_eq!(s["up"].kind, "gauge");
    }

    #[test]
    fn a_history_sums_series_and_nests_them_by_label() {
        let mut h = History::default();
        h.step(parse(TEXT));
        h.step(parse(&TEXT.replace("} 4", "} 6")));
        let all = h.to_json(None);
        let req =
            all["metrics"].as_array().and_then(|m| m.iter().find(|e| e["k"] == "req")).cloned().unwrap_or_default();
        assert_eq!(req["v"], json!([7.0, 9.0]));
        assert_eq!(req["l"], "path/code");
        let one = h.to_json(Some("req"));
        assert_eq!(one["metrics"][0]["s"][1]["k"], "/b");
        assert_eq!(one["metrics"][0]["s"][1]["v"], json!([4.0, 6.0]));
        assert_eq!(one["metrics"][0]["s"][1]["s"][0]["k"], "200");
    }

    #[test]
    fn an_instance_label_goes_first_on_every_line() {
        let t = with_instance(TEXT, "w1");
        assert!(t.contains("req{instance=\"w1\",path=\"/a\",code=\"200\"} 3\n"), "{t}");
        assert!(t.contains("up{instance=\"w1\"} 1\n"));
        assert!(!t.contains("# TYPE"));
    }
}
