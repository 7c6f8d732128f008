//! A forgiving parser for the bodies bots print: JSON, Python reprs (single quotes,
//! `True`/`None`), JavaScript object literals (bare keys), JSON escaped inside a JSON
//! string (`{\"code\":...}`) and Go `%+v` struct dumps (`&{Event:error Code:60018}`).
//!
//! It works on bytes, keeps the byte offset of every key (so an event can name the
//! line its code sits on, even in a body printed over many lines), borrows every key
//! and string that holds no escape (the hot path allocates little), and never
//! recurses deeper than [`MAX_DEPTH`].

use std::borrow::Cow;

/// Deepest nesting the parser follows before giving up on a body.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// A string's bytes, unescaped; checked as UTF-8 only when read ([`Value::scalar`]).
    Str(Cow<'a, [u8]>),
    Num(Cow<'a, str>),
    Bool(bool),
    Null,
    Obj(Vec<Member<'a>>),
    Arr(Vec<Value<'a>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member<'a> {
    /// The key's bytes (unescaped); keys are compared, never shown.
    pub key: Cow<'a, [u8]>,
    pub value: Value<'a>,
    /// Byte offset of the key in the input given to the parser.
    pub at: usize,
}

/// How the body was written, as far as the parser could tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    /// Single-quoted strings or `True`/`None`: a Python repr.
    Python,
    /// Bare (unquoted) keys: a JavaScript object literal.
    Js,
    /// `&{Key:value ...}`: Go's `%+v`.
    Go,
}

#[derive(Debug)]
pub struct Parsed<'a> {
    pub value: Value<'a>,
    /// Offset one past the closing brace.
    pub end: usize,
    pub syntax: Syntax,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Fail {
    /// The input ended inside the body (a truncated or multi-line body).
    Truncated,
    /// Something that is not a body.
    Syntax,
    /// A body nested deeper than [`MAX_DEPTH`]: what it holds can be read only in
    /// part (its inner bodies, its code as text), so events in it are partial.
    TooDeep,
}

impl<'a> Value<'a> {
    pub fn as_obj(&self) -> Option<&[Member<'a>]> {
        match self {
            Value::Obj(m) => Some(m),
            _ => None,
        }
    }

    /// A scalar as text (strings, numbers, booleans); `None` for null and containers.
    pub fn scalar(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Str(s) => Some(text(s)),
            Value::Num(s) => Some(Cow::Borrowed(s)),
            Value::Bool(true) => Some(Cow::Borrowed("true")),
            Value::Bool(false) => Some(Cow::Borrowed("false")),
            _ => None,
        }
    }

    /// The same value, owning its text.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::Num(s) => Value::Num(Cow::Owned(s.into_owned())),
            Value::Bool(b) => Value::Bool(b),
            Value::Null => Value::Null,
            Value::Obj(ms) => Value::Obj(
                ms.into_iter()
                    .map(|m| Member {
                        key: Cow::Owned(m.key.into_owned()),
                        value: m.value.into_owned(),
                        at: m.at,
                    })
                    .collect(),
            ),
            Value::Arr(items) => Value::Arr(items.into_iter().map(Value::into_owned).collect()),
        }
    }
}

/// Finds a member by key, ignoring ASCII case.
pub fn get<'m, 'a>(obj: &'m [Member<'a>], key: &str) -> Option<&'m Member<'a>> {
    obj.iter()
        .find(|m| m.key.eq_ignore_ascii_case(key.as_bytes()))
}

/// Text of bytes, borrowed when they are valid UTF-8.
fn text(b: &[u8]) -> Cow<'_, str> {
    // Most text in a body is ASCII, checked a word at a time; full UTF-8
    // validation costs several times that on short strings (measured).
    if b.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8.
        return Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(b) });
    }
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(String::from_utf8_lossy(b).into_owned()),
    }
}

fn bytes(s: Cow<'_, str>) -> Cow<'_, [u8]> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
        Cow::Owned(o) => Cow::Owned(o.into_bytes()),
    }
}

/// Parses the object that opens at `b[start]` (`{`, or `&` of a Go `&{`).
pub fn parse_at(b: &[u8], start: usize) -> Result<Parsed<'_>, Fail> {
    parse_with(b, start, false).map(|(p, _)| p)
}

/// Parses like [`parse_at`], but reads a container nested deeper than [`MAX_DEPTH`]
/// as null instead of failing with [`Fail::TooDeep`], and returns the spans it
/// passed over so (start, one past the end), in order: the body's shallow part is
/// read whole, and the bodies inside the spans can be tried on their own. A span
/// is found by matching brackets, without recursion, so any depth is safe.
pub fn parse_shallow(b: &[u8], start: usize) -> Result<(Parsed<'_>, Vec<(usize, usize)>), Fail> {
    parse_with(b, start, true)
}

type Spans = Vec<(usize, usize)>;

fn parse_with(b: &[u8], start: usize, shallow: bool) -> Result<(Parsed<'_>, Spans), Fail> {
    if b.get(start) == Some(&b'&') {
        return parse_go(b, start + 1).map(|p| (p, Vec::new()));
    }
    // `{\"code\":...}`: a body escaped inside a JSON string. Unescape one level.
    let mut k = start + 1;
    while k < b.len() && b[k] == b' ' {
        k += 1;
    }
    if b.get(k) == Some(&b'\\') && matches!(b.get(k + 1), Some(b'"') | Some(b'\\')) {
        return parse_escaped(b, start, shallow);
    }
    let mut p = Parser {
        b,
        i: start,
        depth: 0,
        single: false,
        bare: false,
        skipped: shallow.then(Vec::new),
    };
    let value = p.value()?;
    let syntax = if p.bare {
        Syntax::Js
    } else if p.single {
        Syntax::Python
    } else {
        Syntax::Json
    };
    let parsed = Parsed {
        value,
        end: p.i,
        syntax,
    };
    Ok((parsed, p.skipped.unwrap_or_default()))
}

fn parse_escaped(b: &[u8], start: usize, shallow: bool) -> Result<(Parsed<'static>, Spans), Fail> {
    // Unescape `\"` and `\\` until the braces balance; map offsets back.
    let mut out = Vec::with_capacity(256);
    let mut map = Vec::with_capacity(256);
    let mut i = start;
    let mut depth = 0i32;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && matches!(b.get(i + 1), Some(b'"') | Some(b'\\') | Some(b'/')) {
            out.push(b[i + 1]);
            map.push(i);
            i += 2;
            continue;
        }
        if c == b'\n' {
            break;
        }
        match c {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            _ => {}
        }
        out.push(c);
        map.push(i);
        i += 1;
        if depth == 0 {
            break;
        }
    }
    let (parsed, skipped) = parse_with(&out, 0, shallow)?;
    let back = |p: usize| if p >= map.len() { i } else { map[p] };
    let end = back(parsed.end);
    let mut value = parsed.value.into_owned();
    remap(&mut value, &map);
    let skipped = skipped
        .into_iter()
        .map(|(s, e)| (back(s), back(e)))
        .collect();
    let parsed = Parsed {
        value,
        end,
        syntax: parsed.syntax,
    };
    Ok((parsed, skipped))
}

fn remap(v: &mut Value<'_>, map: &[usize]) {
    match v {
        Value::Obj(ms) => {
            for m in ms {
                m.at = map.get(m.at).copied().unwrap_or(0);
                remap(&mut m.value, map);
            }
        }
        Value::Arr(items) => items.iter_mut().for_each(|x| remap(x, map)),
        _ => {}
    }
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
    single: bool,
    bare: bool,
    /// `Some` when containers nested too deep are passed over (their spans kept)
    /// rather than failing the body ([`parse_shallow`]).
    skipped: Option<Spans>,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&self) -> Result<u8, Fail> {
        self.b.get(self.i).copied().ok_or(Fail::Truncated)
    }

    fn value(&mut self) -> Result<Value<'a>, Fail> {
        self.ws();
        match self.peek()? {
            b'{' | b'[' if self.depth >= MAX_DEPTH && self.skipped.is_some() => self.pass_over(),
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => Ok(Value::Str(self.raw_string(b'"')?)),
            b'\'' => {
                self.single = true;
                Ok(Value::Str(self.raw_string(b'\'')?))
            }
            _ => self.bare_value(),
        }
    }

    /// Steps over the container opening at `self.i` by matching brackets outside
    /// strings ([`close_of`]), keeping its span; it reads as null.
    fn pass_over(&mut self) -> Result<Value<'a>, Fail> {
        let start = self.i;
        self.i = close_of(self.b, start, self.b.len(), usize::MAX).ok_or(Fail::Truncated)?;
        if let Some(s) = &mut self.skipped {
            s.push((start, self.i));
        }
        Ok(Value::Null)
    }

    fn enter(&mut self) -> Result<(), Fail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Fail::TooDeep);
        }
        self.i += 1;
        Ok(())
    }

    fn object(&mut self) -> Result<Value<'a>, Fail> {
        self.enter()?;
        let mut members = Vec::with_capacity(8);
        loop {
            self.ws();
            match self.peek()? {
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::Obj(members));
                }
                b',' => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            let at = self.i;
            let key = match self.peek()? {
                b'"' => self.raw_string(b'"')?,
                b'\'' => {
                    self.single = true;
                    self.raw_string(b'\'')?
                }
                c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'@') => {
                    self.bare = true;
                    let s = self.i;
                    while self.i < self.b.len()
                        && (self.b[self.i].is_ascii_alphanumeric()
                            || matches!(self.b[self.i], b'_' | b'$' | b'@' | b'-' | b'.'))
                    {
                        self.i += 1;
                    }
                    Cow::Borrowed(&self.b[s..self.i])
                }
                _ => return Err(Fail::Syntax),
            };
            self.ws();
            match self.peek()? {
                b':' => self.i += 1,
                b'=' => {
                    self.i += 1;
                    if self.b.get(self.i) == Some(&b'>') {
                        self.i += 1;
                    }
                }
                _ => return Err(Fail::Syntax),
            }
            let value = self.value()?;
            members.push(Member { key, value, at });
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {}
                _ => return Err(Fail::Syntax),
            }
        }
    }

    fn array(&mut self) -> Result<Value<'a>, Fail> {
        self.enter()?;
        let mut items = Vec::new();
        loop {
            self.ws();
            match self.peek()? {
                b']' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::Arr(items));
                }
                b',' => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            items.push(self.value()?);
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {}
                _ => return Err(Fail::Syntax),
            }
        }
    }

    /// A quoted string's bytes, unescaped (borrowed when it holds no escape).
    fn raw_string(&mut self, quote: u8) -> Result<Cow<'a, [u8]>, Fail> {
        self.i += 1;
        // Fast path: no escape before the closing quote, so the text is borrowed.
        let start = self.i;
        let b: &'a [u8] = self.b;
        match memchr::memchr3(quote, b'\\', b'\n', &b[start..]) {
            None => return Err(Fail::Truncated),
            Some(n) if b[start + n] == quote => {
                self.i = start + n + 1;
                return Ok(Cow::Borrowed(&b[start..start + n]));
            }
            Some(n) if b[start + n] == b'\n' => return Err(Fail::Syntax),
            Some(_) => {}
        }
        let mut out: Vec<u8> = Vec::with_capacity(64);
        loop {
            // Copy the run up to the next quote, escape or newline in one go.
            let rest = &b[self.i..];
            let n = memchr::memchr3(quote, b'\\', b'\n', rest).ok_or(Fail::Truncated)?;
            out.extend_from_slice(&rest[..n]);
            self.i += n + 1;
            match rest[n] {
                c if c == quote => break,
                b'\n' => return Err(Fail::Syntax),
                _ => {}
            }
            let e = self.peek()?;
            self.i += 1;
            match e {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'b' | b'f' => out.push(b' '),
                b'u' => {
                    let cp = self.hex(4)?;
                    let ch = if (0xD800..0xDC00).contains(&cp)
                        && self.b.get(self.i) == Some(&b'\\')
                        && self.b.get(self.i + 1) == Some(&b'u')
                    {
                        self.i += 2;
                        let lo = self.hex(4)?;
                        char::from_u32(
                            0x10000 + ((cp - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF),
                        )
                    } else {
                        char::from_u32(cp)
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(
                        ch.unwrap_or('\u{FFFD}').encode_utf8(&mut buf).as_bytes(),
                    );
                }
                b'x' => {
                    let v = self.hex(2)?;
                    let mut buf = [0u8; 4];
                    let ch = char::from_u32(v).unwrap_or('\u{FFFD}');
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                other => out.push(other),
            }
        }
        Ok(Cow::Owned(out))
    }

    fn hex(&mut self, n: usize) -> Result<u32, Fail> {
        let s = self.b.get(self.i..self.i + n).ok_or(Fail::Truncated)?;
        let s = std::str::from_utf8(s).map_err(|_| Fail::Syntax)?;
        let v = u32::from_str_radix(s, 16).map_err(|_| Fail::Syntax)?;
        self.i += n;
        Ok(v)
    }

    fn bare_value(&mut self) -> Result<Value<'a>, Fail> {
        let s = self.i;
        while self.i < self.b.len() && !matches!(self.b[self.i], b',' | b'}' | b']' | b'\n') {
            self.i += 1;
        }
        if self.i >= self.b.len() {
            return Err(Fail::Truncated);
        }
        let b: &'a [u8] = self.b;
        let word = match text(&b[s..self.i]) {
            Cow::Borrowed(w) => Cow::Borrowed(w.trim()),
            Cow::Owned(w) => Cow::Owned(w.trim().to_string()),
        };
        if word.is_empty() {
            return Err(Fail::Syntax);
        }
        Ok(match word.as_ref() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "True" => {
                self.single = true;
                Value::Bool(true)
            }
            "False" => {
                self.single = true;
                Value::Bool(false)
            }
            "None" => {
                self.single = true;
                Value::Null
            }
            "null" | "undefined" | "nil" | "<nil>" => Value::Null,
            w if w.starts_with(|c: char| c == '-' || c.is_ascii_digit())
                && w.parse::<f64>().is_ok() =>
            {
                Value::Num(word)
            }
            _ => Value::Str(bytes(word)),
        })
    }
}

/// The end of the container (`{` or `[`) opening at `open`, found by matching
/// brackets outside strings (`"..."` or `'...'`) without building anything; `None`
/// when it does not close before `limit`, a string does not end, or brackets nest
/// deeper than `max_depth` (a count, not recursion: any depth is safe).
pub fn close_of(data: &[u8], open: usize, limit: usize, max_depth: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < limit {
        match data[i] {
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return None;
                }
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                loop {
                    let n = memchr::memchr2(q, b'\\', &data[i..limit])?;
                    if data[i + n] == b'\\' {
                        i += n + 2;
                        if i > limit {
                            return None;
                        }
                        continue;
                    }
                    i += n;
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Go's `%+v` of a struct: `{Event:error Msg:some text Code:60018 Args:[] ID:}`.
/// Field names are capitalised words before a colon; values run to the next field.
fn parse_go(b: &[u8], open: usize) -> Result<Parsed<'_>, Fail> {
    if b.get(open) != Some(&b'{') {
        return Err(Fail::Syntax);
    }
    let mut depth = 0i32;
    let mut end = None;
    for (k, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    end = Some(k);
                    break;
                }
            }
            b'\n' => return Err(Fail::Truncated),
            _ => {}
        }
    }
    let end = end.ok_or(Fail::Truncated)?;
    let body = &b[open + 1..end];
    // Field starts: at 0 or after a space, `[A-Z][A-Za-z0-9]*:`.
    let mut starts = Vec::new();
    let mut k = 0;
    while k < body.len() {
        if (k == 0 || body[k - 1] == b' ') && body[k].is_ascii_uppercase() {
            let mut j = k;
            while j < body.len() && body[j].is_ascii_alphanumeric() {
                j += 1;
            }
            if body.get(j) == Some(&b':') {
                starts.push((k, j));
                k = j + 1;
                continue;
            }
        }
        k += 1;
    }
    if starts.is_empty() {
        return Err(Fail::Syntax);
    }
    let mut members = Vec::new();
    for (n, &(ks, ke)) in starts.iter().enumerate() {
        let vs = ke + 1;
        let ve = starts
            .get(n + 1)
            .map_or(body.len(), |&(s, _)| s.saturating_sub(1));
        let raw = match text(&body[vs..ve.max(vs)]) {
            Cow::Borrowed(r) => Cow::Borrowed(r.trim()),
            Cow::Owned(r) => Cow::Owned(r.trim().to_string()),
        };
        let value = if raw.is_empty() || raw == "<nil>" {
            Value::Null
        } else {
            Value::Str(bytes(raw))
        };
        members.push(Member {
            key: Cow::Borrowed(&body[ks..ke]),
            value,
            at: open + 1 + ks,
        });
    }
    Ok(Parsed {
        value: Value::Obj(members),
        end: end + 1,
        syntax: Syntax::Go,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(s: &str) -> (Vec<Member<'_>>, Syntax) {
        let p = parse_at(s.as_bytes(), s.find(['{', '&']).unwrap()).unwrap();
        match p.value {
            Value::Obj(m) => (m, p.syntax),
            v => panic!("not an object: {v:?}"),
        }
    }

    fn field(m: &[Member], k: &str) -> String {
        get(m, k)
            .and_then(|m| m.value.scalar())
            .unwrap_or_default()
            .into_owned()
    }

    #[test]
    fn json_python_js_go() {
        let (m, s) = obj(r#"{"msg":"Too Many Requests","code":"50011"}"#);
        assert_eq!(
            (field(&m, "code"), field(&m, "msg"), s),
            ("50011".into(), "Too Many Requests".into(), Syntax::Json)
        );

        let (m, s) = obj(
            r#"{'clOrdId': '', 'sCode': '51010', 'sMsg': "You can't do it ", 'ok': True, 'x': None}"#,
        );
        assert_eq!(
            (field(&m, "sCode"), field(&m, "sMsg"), s),
            ("51010".into(), "You can't do it ".into(), Syntax::Python)
        );

        let (m, s) = obj("{ event: 'error', msg: 'Please log in', code: '60011' }");
        assert_eq!(
            (field(&m, "event"), field(&m, "code"), s),
            ("error".into(), "60011".into(), Syntax::Js)
        );

        let (m, s) = obj("{ event: \"error\", code: 60011 }");
        assert_eq!((field(&m, "code"), s), ("60011".into(), Syntax::Js));

        let (m, s) = obj("&{Event:error Msg:Wrong URL or channel:candle1m,instId:BTC doesn't exist. Op: Code:60018 Args:[] Arg:<nil> ID:}");
        assert_eq!(s, Syntax::Go);
        assert_eq!(field(&m, "Code"), "60018");
        assert_eq!(
            field(&m, "Msg"),
            "Wrong URL or channel:candle1m,instId:BTC doesn't exist."
        );
    }

    #[test]
    fn escaped_json_inside_a_string() {
        let line = r#"x "response":"{\"code\":\"50113\",\"msg\":\"Invalid Sign\"}"}"#;
        let open = line.find('{').unwrap();
        let p = parse_at(line.as_bytes(), open).unwrap();
        let m = p.value.as_obj().unwrap();
        assert_eq!(field(m, "code"), "50113");
        assert_eq!(&line[p.end..], "\"}");
        assert_eq!(&line[get(m, "code").unwrap().at..][..3], "\\\"c");
    }

    #[test]
    fn key_offsets_span_lines() {
        let text = "{\n  \"code\": \"1\",\n  \"data\": [ {\n    \"sCode\": \"51006\" } ]\n}\n";
        let p = parse_at(text.as_bytes(), 0).unwrap();
        let m = p.value.as_obj().unwrap();
        let Value::Arr(items) = &get(m, "data").unwrap().value else {
            panic!()
        };
        let item = items[0].as_obj().unwrap();
        let at = get(item, "sCode").unwrap().at;
        assert_eq!(&text[at..at + 7], "\"sCode\"");
        assert_eq!(p.end, text.len() - 1);
    }

    #[test]
    fn truncated_and_garbage() {
        assert_eq!(
            parse_at(br#"{"code":"51008","msg":"Order fa"#, 0).unwrap_err(),
            Fail::Truncated
        );
        assert_eq!(parse_at(b"{ this is prose }", 0).unwrap_err(), Fail::Syntax);
        let deep = "[".repeat(1000);
        let s = format!("{{\"a\":{deep}");
        assert!(parse_at(s.as_bytes(), 0).is_err());
    }

    #[test]
    fn too_deep_is_its_own_failure_and_the_shallow_part_is_read() {
        let body = |n: usize| {
            format!(
                "{{\"code\":\"50011\",\"data\":{}\"]\"{},\"msg\":\"Too Many Requests\",\"x\":['}}']}}",
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        let ok = body(MAX_DEPTH - 1);
        assert!(parse_at(ok.as_bytes(), 0).is_ok());
        let deep = body(MAX_DEPTH);
        assert_eq!(parse_at(deep.as_bytes(), 0).unwrap_err(), Fail::TooDeep);
        let (p, skipped) = parse_shallow(deep.as_bytes(), 0).unwrap();
        let m = p.value.as_obj().unwrap();
        assert_eq!(field(m, "code"), "50011");
        assert_eq!(field(m, "msg"), "Too Many Requests");
        assert_eq!(p.end, deep.len());
        // The one container passed over: the innermost `["]"]`, quotes respected.
        let at = deep.find("[\"]\"]").unwrap();
        assert_eq!(skipped, [(at, at + 5)]);
        // Escaped inside a string: the spans point into the original bytes.
        let plain = deep.replace(",\"x\":['}']", "");
        let esc = format!("\"{}\"", plain.replace('"', "\\\""));
        let (p, skipped) = parse_shallow(esc.as_bytes(), 1).unwrap();
        assert_eq!(field(p.value.as_obj().unwrap(), "code"), "50011");
        assert_eq!(&esc[skipped[0].0..skipped[0].1], "[\\\"]\\\"]");
        // Far deeper than any stack: refused by parse_at, passed over by parse_shallow.
        let huge = format!(
            "{{\"code\":\"1\",\"a\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(parse_at(huge.as_bytes(), 0).unwrap_err(), Fail::TooDeep);
        let (p, skipped) = parse_shallow(huge.as_bytes(), 0).unwrap();
        assert_eq!(p.end, huge.len());
        assert_eq!(skipped.len(), 1);
    }
}
