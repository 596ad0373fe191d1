//! `XML`: `XML.parse(text)` / `XML.decode(data)` give a document node — an `XML.Node` with an
//! empty `name` whose one child is the root element — or `null` for malformed XML; elements are
//! `XML.Node`s with `name`, `attributes` (an object, or `null` when there are none) and
//! `children` (nodes and text strings, whitespace included, as expat reports them to the
//! original). `XML.stringify(doc, space?)` / `XML.encode(doc, space?)` (Data) write it back,
//! indented by `space` (0–10). Comments, processing instructions and the DOCTYPE are read and
//! dropped; entities and CDATA sections become text. Unlike the original, text and attribute
//! values are written with entities (`&lt;`, `&amp;`, …) rather than CDATA sections.

use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_value::{JsResult, Obj, ObjectKind, Value, attr, error, ops};

/// A parsed element.
#[derive(Debug, PartialEq)]
pub enum Item {
    Element { name: String, attributes: Vec<(String, String)>, children: Vec<Item> },
    Text(String),
}

/// The deepest element nesting accepted (a guard for hostile input).
const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

fn decode_entities(t: &str) -> Option<String> {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';')?;
        let name = &after[..end];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(h) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(h, 16).ok()?
                } else {
                    name.strip_prefix('#')?.parse().ok()?
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn skip_ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }
    /// Skips everything up to and including `end`.
    fn skip_past(&mut self, end: &str) -> Option<()> {
        let i = self.rest().find(end)?;
        self.pos += i + end.len();
        Some(())
    }
    fn name(&mut self) -> Option<String> {
        let r = self.rest();
        let n = r.find(|c: char| c.is_whitespace() || matches!(c, '>' | '/' | '=' | '<')).unwrap_or(r.len());
        if n == 0 {
            return None;
        }
        self.pos += n;
        Some(r[..n].to_string())
    }
    /// Comments, processing instructions, the XML declaration and a DOCTYPE, between items.
    fn skip_misc(&mut self) -> Option<bool> {
        let r = self.rest();
        if r.starts_with("<!--") {
            self.skip_past("-->")?;
        } else if r.starts_with("<?") {
            self.skip_past("?>")?;
        } else if r.starts_with("<!DOCTYPE") {
            // An internal subset ends at "]>", a plain DOCTYPE at ">".
            let close = if r.find('[').is_some_and(|b| r.find('>').is_none_or(|g| b < g)) { "]>" } else { ">" };
            self.skip_past(close)?;
        } else {
            return Some(false);
        }
        Some(true)
    }
    fn element(&mut self, depth: usize) -> Option<Item> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1; // '<'
        let name = self.name()?;
        let mut attributes = Vec::new();
        loop {
            self.skip_ws();
            let r = self.rest();
            if let Some(r) = r.strip_prefix("/>") {
                let _ = r;
                self.pos += 2;
                return Some(Item::Element { name, attributes, children: Vec::new() });
            }
            if r.starts_with('>') {
                self.pos += 1;
                break;
            }
            let key = self.name()?;
            self.skip_ws();
            self.rest().starts_with('=').then_some(())?;
            self.pos += 1;
            self.skip_ws();
            let q = self.rest().chars().next().filter(|c| *c == '"' || *c == '\'')?;
            self.pos += 1;
            let end = self.rest().find(q)?;
            let value = decode_entities(&self.rest()[..end])?;
            self.pos += end + 1;
            attributes.push((key, value));
        }
        let mut children = Vec::new();
        let mut text = String::new();
        loop {
            let r = self.rest();
            if r.is_empty() {
                return None;
            }
            if r.starts_with("</") {
                if !text.is_empty() {
                    children.push(Item::Text(std::mem::take(&mut text)));
                }
                self.pos += 2;
                let close = self.name()?;
                self.skip_ws();
                (close == name && self.rest().starts_with('>')).then_some(())?;
                self.pos += 1;
                return Some(Item::Element { name, attributes, children });
            }
            if let Some(body) = r.strip_prefix("<![CDATA[") {
                let end = body.find("]]>")?;
                text.push_str(&body[..end]);
                self.pos += 9 + end + 3;
                continue;
            }
            if self.skip_misc()? {
                continue;
            }
            if r.starts_with('<') {
                if !text.is_empty() {
                    children.push(Item::Text(std::mem::take(&mut text)));
                }
                children.push(self.element(depth + 1)?);
                continue;
            }
            let n = r.find('<').unwrap_or(r.len());
            text.push_str(&decode_entities(&r[..n])?);
            self.pos += n;
        }
    }
}

/// Parses a document: its root element.
pub fn parse(s: &str) -> Option<Item> {
    let mut p = Parser { s: s.strip_prefix('\u{feff}').unwrap_or(s), pos: 0 };
    let mut root = None;
    loop {
        p.skip_ws();
        if p.rest().is_empty() {
            return root;
        }
        if p.skip_misc()? {
            continue;
        }
        if !p.rest().starts_with('<') || root.is_some() {
            return None;
        }
        root = Some(p.element(0)?);
    }
}

fn escape(s: &str, quote: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if quote => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes an element (from script values) at nesting level `l`.
fn write(node: &Value, space: usize, l: usize, out: &mut String, depth: usize) -> JsResult<()> {
    if depth > MAX_DEPTH {
        return Err(error::range_error("XML.stringify(): nested too deeply"));
    }
    let name = ops::get_str(node, "name")?;
    if name.is_nullish() {
        return Ok(());
    }
    let name = ops::to_rust_string(&name)?;
    let pad = " ".repeat(space * l);
    let nl = if space > 0 { "\n" } else { "" };
    out.push_str(&pad);
    out.push('<');
    out.push_str(&name);
    let attrs = ops::get_str(node, "attributes")?;
    if let Value::Object(a) = &attrs {
        for k in ops::own_enumerable_keys(a) {
            let key = k.to_rust_string();
            let v = ops::to_rust_string(&ops::get_str(&attrs, &key)?)?;
            out.push_str(&format!(" {key}=\"{}\"", escape(&v, true)));
        }
    }
    let children = ops::get_str(node, "children")?;
    let items = children.as_object().and_then(|o| o.array_elements()).unwrap_or_default();
    if items.is_empty() {
        out.push_str("/>");
        out.push_str(nl);
        return Ok(());
    }
    out.push('>');
    if let [only] = &items[..] {
        if !only.is_object() {
            out.push_str(&escape(&ops::to_rust_string(only)?, false));
            out.push_str(&format!("</{name}>{nl}"));
            return Ok(());
        }
    }
    out.push_str(nl);
    let inner = " ".repeat(space * (l + 1));
    for item in &items {
        if item.is_object() {
            write(item, space, l + 1, out, depth + 1)?;
        } else {
            out.push_str(&inner);
            out.push_str(&escape(&ops::to_rust_string(item)?, false));
            out.push_str(nl);
        }
    }
    out.push_str(&format!("{pad}</{name}>{nl}"));
    Ok(())
}

fn stringify_doc(doc: &Value, space: &Value) -> JsResult<Option<String>> {
    let space = match space {
        Value::Undefined => 0,
        v => ops::to_number(v)?.clamp(0.0, 10.0) as usize,
    };
    if !doc.is_object() {
        return Ok(None);
    }
    let children = ops::get_str(doc, "children")?;
    let items = children.as_object().and_then(|o| o.array_elements()).unwrap_or_default();
    let [root] = &items[..] else { return Ok(None) };
    if !root.is_object() {
        return Ok(None);
    }
    let mut out = String::new();
    write(root, space, 0, &mut out, 0)?;
    Ok(Some(out))
}

/// An `XML.Node` object.
fn make_node(proto: &Obj, name: Value, attributes: Value, children: Value) -> Value {
    let o = Obj::new(Some(proto.clone()), ObjectKind::Ordinary);
    o.define_value("name", name, attr::DEFAULT);
    o.define_value("attributes", attributes, attr::DEFAULT);
    o.define_value("children", children, attr::DEFAULT);
    Value::Object(o)
}

pub fn install() {
    let xml = Obj::ordinary();
    let node_proto = util::class_prototype();
    util::namespace_class(&xml, "Node", 3, &node_proto, move |proto, args| {
        let children = match arg(args, 2) {
            Value::Undefined => Value::Object(Obj::array(Vec::new())),
            v => v,
        };
        let attributes = match arg(args, 1) {
            Value::Undefined => Value::Null,
            v => v,
        };
        Ok(make_node(proto, arg(args, 0), attributes, children))
    });
    fn to_value(item: Item, proto: &Obj) -> Value {
        match item {
            Item::Text(t) => Value::str(&t),
            Item::Element { name, attributes, children } => {
                let attrs = if attributes.is_empty() {
                    Value::Null
                } else {
                    let a = Obj::ordinary();
                    for (k, v) in attributes {
                        a.define_value(k.as_str(), Value::str(&v), attr::DEFAULT);
                    }
                    Value::Object(a)
                };
                let kids = children.into_iter().map(|c| to_value(c, proto)).collect();
                make_node(proto, Value::str(&name), attrs, Value::Object(Obj::array(kids)))
            }
        }
    }
    let document = move |proto: &Obj, text: &str| -> Value {
        match parse(text) {
            Some(root) => make_node(
                proto,
                Value::str(""),
                Value::Object(Obj::ordinary()),
                Value::Object(Obj::array(vec![to_value(root, proto)])),
            ),
            None => Value::Null,
        }
    };
    let (p1, p2) = (node_proto.clone(), node_proto);
    let parse_fn = pipy_value::function::native_function(
        "parse",
        1,
        std::rc::Rc::new(move |_, args, _| Ok(document(&p1, &ops::to_rust_string(&arg(args, 0))?))),
        false,
    );
    xml.define_hidden("parse", Value::Object(parse_fn));
    let decode_fn = pipy_value::function::native_function(
        "decode",
        1,
        std::rc::Rc::new(move |_, args, _| {
            let v = arg(args, 0);
            let Some(d) = event::as_data(&v) else { return Ok(Value::Null) };
            Ok(document(&p2, &d.to_string_lossy()))
        }),
        false,
    );
    xml.define_hidden("decode", Value::Object(decode_fn));
    util::method(&xml, "stringify", 2, |_, args| {
        Ok(stringify_doc(&arg(args, 0), &arg(args, 1))?.map(|s| Value::str(&s)).unwrap_or_else(|| Value::str("")))
    });
    util::method(&xml, "encode", 2, |_, args| {
        Ok(stringify_doc(&arg(args, 0), &arg(args, 1))?
            .map(|s| event::data_value(s.as_bytes().into()))
            .unwrap_or(Value::Null))
    });
    util::global("XML", Value::Object(xml));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(name: &str, attributes: &[(&str, &str)], children: Vec<Item>) -> Item {
        Item::Element {
            name: name.into(),
            attributes: attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            children,
        }
    }

    #[test]
    fn parses_elements_text_entities_and_skips_the_rest() {
        let doc = "<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE a [<!ENTITY x \"y\">]>\n\
                   <a k='1' q=\"&lt;&#65;&#x42;\"><b/>t &amp; <![CDATA[<raw>]]><c>x</c></a>\n";
        assert_eq!(
            parse(doc),
            Some(el(
                "a",
                &[("k", "1"), ("q", "<AB")],
                vec![el("b", &[], vec![]), Item::Text("t & <raw>".into()), el("c", &[], vec![Item::Text("x".into())])],
            ))
        );
        for bad in ["", "<a>", "<a></b>", "<a/><b/>", "text", "<a x=1/>", "<a>&bogus;</a>"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        let deep = "<a>".repeat(300) + &"</a>".repeat(300);
        assert_eq!(parse(&deep), None);
    }
}
