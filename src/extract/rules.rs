//! The counting rules, applied to a parsed body: one event per error response;
//! a batch yields one event per failed item (`sCode` not "0") and its top-level
//! "1"/"2" is not counted again; code "0" is success; legacy v1/v3 bodies count;
//! WebSocket notices and other exchanges' bodies never do.

use super::context::{LineContext, Prefix};
use super::value::{self, get, Member, Syntax, Value};
use super::{Found, RetryMark};
use crate::event::Shape;
use crate::kb;
use std::borrow::Cow;

/// Walks a parsed body tree and emits events by the counting rules.
pub(super) struct Walk<'a, 'o> {
    pub(super) out: &'o mut Vec<Found>,
    pub(super) ctx: &'a LineContext<'a>,
    /// What the word before the outermost body (`okx `, `binance `, ...) says.
    pub(super) prefix: Prefix,
    pub(super) record_start: usize,
    pub(super) body: (usize, usize),
    pub(super) caused_by: bool,
    pub(super) gave_up: RetryMark,
    /// For bodies nested in a string: the string's offset stands for every key.
    pub(super) base: Option<usize>,
    /// Where in `out` the events of each body found nested in a string so far lie
    /// (earlier ranges are never truncated).
    pub(super) nested: Vec<(usize, usize)>,
    /// An OKX response (error, success, notice) was read in the body: its codes
    /// are settled, and not read again as text.
    pub(super) handled: bool,
}

impl Walk<'_, '_> {
    pub(super) fn walk(&mut self, v: &Value, syntax: Syntax, depth: usize) {
        if depth > value::MAX_DEPTH {
            return;
        }
        match v {
            Value::Obj(m) if self.body(m, syntax) => self.handled = true,
            Value::Obj(m) => {
                for x in m {
                    self.walk_member(x, syntax, depth);
                }
            }
            Value::Arr(items) => items.iter().for_each(|x| self.walk(x, syntax, depth + 1)),
            _ => {}
        }
    }

    fn walk_member(&mut self, m: &Member, syntax: Syntax, depth: usize) {
        match &m.value {
            Value::Str(b) => {
                let Some(open) = memchr::memchr(b'{', b) else {
                    return;
                };
                if let Ok(p) = value::parse_at(b, open) {
                    let saved = self.base;
                    self.base = Some(self.base.unwrap_or(m.at));
                    // `"error":"okcoin {...}"`: the word before a body inside a string
                    // says whose it is, as it does before a body on the line.
                    let outer = self.prefix;
                    match Prefix::of(&b[..open]) {
                        Prefix::Other => {}
                        inner => self.prefix = inner,
                    }
                    let before = self.out.len();
                    self.walk(&p.value, p.syntax, depth + 1);
                    self.base = saved;
                    self.prefix = outer;
                    if saved.is_some() {
                        // Deeper levels of escaping: the outermost string decides.
                        return;
                    }
                    // A body repeated in another string of the same record (an
                    // exception's `message` and its `stack`) is one response.
                    let now = &self.out[before..];
                    let same = |&(a, b): &(usize, usize)| {
                        let was = &self.out[a..b];
                        was.len() == now.len()
                            && was
                                .iter()
                                .zip(now)
                                .all(|(x, y)| x.code == y.code && x.message == y.message)
                    };
                    if !now.is_empty() {
                        if self.nested.iter().any(same) {
                            self.out.truncate(before);
                        } else {
                            self.nested.push((before, self.out.len()));
                        }
                    }
                }
            }
            v => self.walk(v, syntax, depth + 1),
        }
    }

    fn at(&self, m: &Member) -> usize {
        self.base.unwrap_or(m.at)
    }

    fn shape(&self, syntax: Syntax, content: Shape) -> Shape {
        match syntax {
            Syntax::Python => Shape::PythonDict,
            Syntax::Js => Shape::JsObject,
            Syntax::Go => Shape::GoStruct,
            Syntax::Json => content,
        }
    }

    fn emit(&mut self, code: &str, message: &str, shape: Shape, at: usize) {
        self.out.push(Found {
            code: code.to_string(),
            message: message.to_string(),
            shape,
            partial: false,
            at,
            record_start: self.record_start,
            body: self.body,
            caused_by: self.caused_by,
            gave_up: self.gave_up,
        });
    }

    /// Handles `m` if it is an OKX response (error or success); false otherwise.
    fn body(&mut self, m: &[Member], syntax: Syntax) -> bool {
        let k = Keys::of(m);
        let code_m = k.code;
        let code = code_m.and_then(|x| x.value.scalar());
        if let Some(ev) = k.event.and_then(|x| x.value.scalar()) {
            if !ev.eq_ignore_ascii_case("error") {
                // login, subscribe, notice, channel-conn-count: never an error event.
                return code.is_some() || k.conn_id.is_some() || ev == "notice";
            }
            let code = code.unwrap_or_default();
            let msg = k.message();
            if code == "0" || !self.ctx.accepts(&code, self.prefix, Kind::Ws) {
                return true;
            }
            if code.is_empty() && msg.is_empty() {
                return true;
            }
            let at = code_m.map_or(self.body.0, |c| self.at(c));
            self.emit(&code, &msg, self.shape(syntax, Shape::Ws), at);
            return true;
        }
        if let Some(s) = k.s_code {
            let sc = s.value.scalar().unwrap_or_default();
            if sc != "0" && !sc.is_empty() && self.ctx.accepts(&sc, self.prefix, Kind::Item) {
                let msg = k.s_msg.and_then(|x| x.value.scalar()).unwrap_or_default();
                let at = self.at(s);
                self.emit(&sc, &msg, self.shape(syntax, Shape::V5Scode), at);
            }
            return true;
        }
        let error_code = k.error_code.and_then(|x| x.value.scalar());
        let (code_s, code_member, kind) = match (code, error_code) {
            (Some(c), _) if !c.is_empty() => (c, code_m, Kind::Code),
            (_, Some(e)) => (e, k.error_code, Kind::ErrorCode),
            (Some(_), None) => return true,
            (None, None) => return self.message_only(&k, syntax),
        };
        if code_s == "0" {
            return true;
        }
        if let Some(Value::Arr(items)) = k.data.map(|d| &d.value) {
            let failed: Vec<&[Member]> = items
                .iter()
                .filter_map(Value::as_obj)
                .filter(|o| get(o, "sCode").is_some())
                .collect();
            if !failed.is_empty() {
                if self.prefix == Prefix::Foreign {
                    return true;
                }
                for o in failed {
                    self.body(o, syntax);
                }
                return true;
            }
        }
        // A batch's top-level failure with no item visible is an event under its own
        // code when it says what OKX says for it (`All operations failed`), or the
        // line names OKX; any other `code: 1` is someone else's status.
        if matches!(code_s.as_ref(), "1" | "2")
            && !self.ctx.okx()
            && kb::agrees(&code_s, k.message().as_bytes()).is_none()
        {
            return true;
        }
        // The gateway's mixed body (`code` 500 with `error_code` and `msg`) is OKX's
        // own shape even for codes outside the usual ranges.
        let gateway = k.detail_msg.is_some() || k.error_code.is_some() && k.msg.is_some();
        let accepted = if gateway && self.prefix != Prefix::Foreign {
            code_syntax_ok(&code_s)
        } else {
            self.ctx.accepts(&code_s, self.prefix, kind)
        };
        if !accepted || !self.whose(&code_s, &k, kind) {
            return true;
        }
        let content = if kind == Kind::ErrorCode || k.error_message.is_some() && k.msg.is_none() {
            if k.error_message.is_none() && k.result.is_some() {
                Shape::V1
            } else {
                Shape::V3
            }
        } else {
            Shape::V5
        };
        let at = code_member.map_or(self.body.0, |c| self.at(c));
        self.emit(&code_s, &k.message(), self.shape(syntax, content), at);
        true
    }

    /// Is a body with `code` OKX's? A five-digit code with a message is not OKX's by
    /// itself (chat platforms and payment APIs answer the same way): after `okx `, on
    /// a line naming OKX, in OKX's own shape (a `data` member, legacy `error_code` /
    /// `error_message` keys), or when its message agrees with the code's official
    /// one (or is empty, or in a language with no English word to compare).
    fn whose(&self, code: &str, k: &Keys, kind: Kind) -> bool {
        let own_shape = k.data.is_some() || k.error_code.is_some() || k.error_message.is_some();
        if kind != Kind::Code || self.prefix == Prefix::Okx || own_shape || self.ctx.okx() {
            return true;
        }
        // OKX answers in the account's language: a message with no English word to
        // compare (`请求过于频繁`) does not disagree.
        let msg = k.message();
        let english = kb::words(msg.as_bytes()).iter().any(|w| w.text.len() >= 3);
        !english || kb::agrees(code, msg.as_bytes()).is_some()
    }

    /// `okx {"message":"An unexpected error occurred"}`: an OKX body with a message
    /// but no code, counted with an empty code when the line says it is OKX's.
    fn message_only(&mut self, k: &Keys, syntax: Syntax) -> bool {
        let msg = k.message();
        if msg.is_empty() || self.prefix != Prefix::Okx || self.base.is_some() {
            return false;
        }
        // v5 bodies say `msg`; legacy v3 ones `error_message` or only `message`.
        let content = if k.msg.is_some() {
            Shape::V5
        } else {
            Shape::V3
        };
        let at = self.body.0;
        self.emit("", &msg, self.shape(syntax, content), at);
        true
    }
}

/// The members of a body that the counting rules read, found in one pass (the
/// first of each key, its case ignored, as [`get`] would find it).
#[derive(Default)]
struct Keys<'m, 'a> {
    code: Option<&'m Member<'a>>,
    event: Option<&'m Member<'a>>,
    conn_id: Option<&'m Member<'a>>,
    s_code: Option<&'m Member<'a>>,
    s_msg: Option<&'m Member<'a>>,
    error_code: Option<&'m Member<'a>>,
    data: Option<&'m Member<'a>>,
    detail_msg: Option<&'m Member<'a>>,
    msg: Option<&'m Member<'a>>,
    error_message: Option<&'m Member<'a>>,
    message: Option<&'m Member<'a>>,
    error_msg: Option<&'m Member<'a>>,
    result: Option<&'m Member<'a>>,
}

impl<'m, 'a> Keys<'m, 'a> {
    fn of(members: &'m [Member<'a>]) -> Keys<'m, 'a> {
        let mut k = Keys::default();
        for x in members {
            let key: &[u8] = &x.key;
            let is = |name: &str| key.eq_ignore_ascii_case(name.as_bytes());
            let slot = match key.len() {
                3 if is("msg") => &mut k.msg,
                4 if is("code") => &mut k.code,
                4 if is("data") => &mut k.data,
                4 if is("sMsg") => &mut k.s_msg,
                5 if is("event") => &mut k.event,
                5 if is("sCode") => &mut k.s_code,
                6 if is("connId") => &mut k.conn_id,
                6 if is("result") => &mut k.result,
                7 if is("message") => &mut k.message,
                9 if is("detailMsg") => &mut k.detail_msg,
                9 if is("error_msg") => &mut k.error_msg,
                10 if is("error_code") => &mut k.error_code,
                13 if is("error_message") => &mut k.error_message,
                _ => continue,
            };
            slot.get_or_insert(x);
        }
        k
    }

    /// The message of a body: the first non-empty of `msg`, `error_message`,
    /// `message`, `error_msg`, `sMsg`, `detailMsg`.
    fn message(&self) -> Cow<'m, str> {
        [
            self.msg,
            self.error_message,
            self.message,
            self.error_msg,
            self.s_msg,
            self.detail_msg,
        ]
        .into_iter()
        .flatten()
        .filter_map(|x| x.value.scalar())
        .find(|s| !s.is_empty())
        .unwrap_or_default()
    }
}

/// Which key carried the code: decides how strict the OKX check is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Code,
    ErrorCode,
    Item,
    Ws,
    Text,
}

/// True when `code` looks like an OKX code: digits, at most five, with an optional
/// `_NNNN` sub-code; never negative (Binance) or six digits (KuCoin).
pub fn code_syntax_ok(code: &str) -> bool {
    let (base, sub) = match code.split_once('_') {
        Some((b, s)) => (b, Some(s)),
        None => (code, None),
    };
    !base.is_empty()
        && base.len() <= 5
        && base.bytes().all(|c| c.is_ascii_digit())
        && sub
            .is_none_or(|s| !s.is_empty() && s.len() <= 6 && s.bytes().all(|c| c.is_ascii_digit()))
}

/// Is `code` an OKX code by the table or the ranges?
pub fn plausible(code: &str) -> bool {
    kb::is_known(code) || kb::in_okx_range(code)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, events};
    use super::*;

    #[test]
    fn one_row_per_shape() {
        let cases: &[(&str, &str, &str, Shape)] = &[
            (r#"x "okx {"msg":"Requests too frequent.","code":"50011"}". Retrying"#, "50011", "Requests too frequent.", Shape::V5),
            (r#"{"code":50102,"msg":"Timestamp request expired","data":[]}"#, "50102", "Timestamp request expired", Shape::V5),
            (r#"{"event":"error","code":"60009","msg":"Login failed.","connId":"a4d3ae55"}"#, "60009", "Login failed.", Shape::Ws),
            (r#"{"error_message":"Request timestamp expired","code":30008,"error_code":"30008","message":"Request timestamp expired"}"#, "30008", "Request timestamp expired", Shape::V3),
            (r#"{"error_message":"Invalid order type","result":"true","error_code":"35040","order_id":"-1"}"#, "35040", "Invalid order type", Shape::V3),
            (r#"Raises ccxt.base.errors.ExchangeError: okex {"result": false, "error_code":10004}"#, "10004", "", Shape::V1),
            (r#"{"level":"error","response":"{\"code\":\"50113\",\"msg\":\"Invalid Sign\"}"}"#, "50113", "Invalid Sign", Shape::V5),
            (r#"{"level":"error","body":{"code":"50001","msg":"Service temporarily unavailable"}}"#, "50001", "Service temporarily unavailable", Shape::V5),
            ("{'code': '51008', 'msg': 'Order failed', 'data': [], 'ok': True}", "51008", "Order failed", Shape::PythonDict),
            ("2023 onMessage { event: 'error', msg: 'Please log in', code: '60011' }", "60011", "Please log in", Shape::JsObject),
            ("[Error]\t&{Event:error Msg:Wrong URL or channel:candle1m doesn't exist. Op: Code:60018 Args:[] Arg:<nil> Data:[] ID:}", "60018", "Wrong URL or channel:candle1m doesn't exist.", Shape::GoStruct),
            (r#"ccxt.base.errors.ExchangeError: okx {"message":"An unexpected error occurred"}"#, "", "An unexpected error occurred", Shape::V3),
            (r#"{"code":500,"data":{},"detailMsg":"","error_code":"500","error_message":"Internal Server Error","msg":"Internal Server Error"}"#, "500", "Internal Server Error", Shape::V5),
            (r#"{"level":"error","err":{"message":"okx {\"code\":\"50011\",\"msg\":\"x\"}","stack":"RateLimitExceeded: okx {\"code\":\"50011\",\"msg\":\"x\"}\n at f"}}"#, "50011", "x", Shape::V5),
            (r#"{"payload":"{\"body\":\"{\\\"code\\\":\\\"50113\\\",\\\"msg\\\":\\\"Invalid Sign\\\"}\"}"}"#, "50113", "Invalid Sign", Shape::V5),
            (r#"{"code":"50004","data":[],"msg":"API endpoint request timeout "}, 400"#, "50004", "API endpoint request timeout ", Shape::V5),
            (r#"{"exchange":"binance","error":"okx {\"code\":\"50102\",\"msg\":\"x\"}"}"#, "50102", "x", Shape::V5),
        ];
        for (line, code, msg, shape) in cases {
            let got = events(line);
            assert_eq!(
                got,
                vec![(code.to_string(), msg.to_string(), *shape)],
                "{line}"
            );
        }
    }

    #[test]
    fn batches_yield_their_failed_items() {
        let line = r#"okx {"code":"1","data":[{"sCode":"51004","sMsg":"a"},{"sCode":"0","sMsg":""},{"sCode":"51004","sMsg":"b"}],"msg":"All operations failed"}"#;
        assert_eq!(codes(line), ["51004", "51004"]);
        let list =
            r#"[{'clOrdId': '', 'sCode': '51010', 'sMsg': "You can't", 'ts': '1770739484869'}]"#;
        assert_eq!(
            events(list),
            vec![("51010".into(), "You can't".into(), Shape::PythonDict)]
        );
        assert_eq!(
            codes(r#"{"code":"1","data":[],"msg":"Operation failed."}"#),
            ["1"]
        );
    }

    #[test]
    fn never_events() {
        for line in [
            r#"{"code":"0","data":[{"sCode":"0"}],"msg":""}"#,
            "{ event: 'login', msg: '', code: '0' }",
            r#"binance {"code":-2011,"msg":"Unknown order sent."}"#,
            r#"Exception: 200-{"code":"300000","msg":"Order size invalid."}"#,
            "{'code': -4059, 'msg': 'No need to change position side.'}",
            r#"bybit {"retCode":10001,"retMsg":"params error"}"#,
            r#"okcoin {"code":"50102","msg":"Timestamp request expired"}"#,
            r#"{"logger":"okx.rest","error":"okcoin {\"code\":\"50102\",\"msg\":\"x\"}"}"#,
            r#"level=error msg="unexpected event type: &{Event:notice Code:64008 Message:The connection will soon be closed. ...}" exchange=okex"#,
            r#"{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade."}"#,
            "APIError(code=-1022): Signature for this request is not valid.",
            r#"{"code":"40034","msg":"Parameter does not exist"}"#,
            r#"{"level":"error","msg":"order rejected"}"#,
            "set position mode to hedge mode on node 3",
            "error setting hedge mode okx POST https://www.okx.com/api/v5/account/set-position-mode",
        ] {
            assert!(events(line).is_empty(), "{line}: {:?}", events(line));
        }
    }
}
