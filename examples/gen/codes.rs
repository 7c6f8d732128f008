//! The code table: every OKX code a night can hold, with its API kind, weight,
//! ccxt class and messages (official first, then variants seen in the wild).

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Rest,
    Ws,
    V3,
    V1,
}

/// One OKX code of the table.
pub(super) struct Code {
    pub(super) code: &'static str,
    pub(super) kind: Kind,
    pub(super) w: u32,
    /// can show up as a per-item `sCode` of an order/batch response
    pub(super) item: bool,
    /// the ccxt exception class for the code
    pub(super) class: &'static str,
    /// official message first, then variants seen in the wild
    pub(super) msgs: &'static [&'static str],
    /// a localised (zh-CN) message, or ""
    pub(super) zh: &'static str,
}

macro_rules! c {
    ($code:expr, $kind:ident, $w:expr, $item:expr, $class:expr, [$($m:expr),+], $zh:expr) => {
        Code { code: $code, kind: Kind::$kind, w: $w, item: $item, class: $class, msgs: &[$($m),+], zh: $zh }
    };
}

pub(super) static CODES: &[Code] = &[
    c!("50011", Rest, 14, false, "RateLimitExceeded", ["Too Many Requests", "Rate limit reached. Please refer to API documentation and throttle requests accordingly.", "Requests too frequent."], "请求过于频繁"),
    c!("50102", Rest, 9, false, "InvalidNonce", ["Timestamp request expired", "Timestamp request expired."], "请求时间戳过期"),
    c!("50113", Rest, 6, false, "AuthenticationError", ["Invalid Sign", "Invalid signature."], ""),
    c!("50111", Rest, 3, false, "AuthenticationError", ["Invalid OK-ACCESS-KEY", "Invalid OK-ACCESS-KEY."], ""),
    c!("50001", Rest, 4, false, "OnMaintenance", ["Service temporarily unavailable. Please try again later.", "Service temporarily unavailable, please try again later."], ""),
    c!("50004", Rest, 4, false, "RequestTimeout", ["API endpoint request timeout ", "API endpoint request timeout. (does not mean that the request was successful or failed, please check the request result)."], ""),
    c!("50013", Rest, 5, false, "ExchangeNotAvailable", ["Systems are busy. Please try again later.", "System is busy, please try again later."], ""),
    c!("50014", Rest, 2, true, "BadRequest", ["Parameter instIdCode can not be empty.", "Parameter sz can not be empty."], ""),
    c!("50026", Rest, 2, false, "ExchangeNotAvailable", ["System error. Try again later", "System error, please try again later."], ""),
    c!("50110", Rest, 1, false, "PermissionDenied", ["Your IP 203.0.113.45 is not included in your API key's IP whitelist."], ""),
    c!("51000", Rest, 6, true, "BadRequest", ["Parameter posSide error", "Parameter posSide  error", "Parameter sz error", "Parameter ordType error"], ""),
    c!("51001", Rest, 2, false, "BadSymbol", ["Instrument ID does not exist", "Instrument ID, Instrument ID code or Spread ID doesn't exist."], ""),
    c!("51004", Rest, 2, true, "InvalidOrder", ["Order amount exceeds current tier limit", "After placing order, your position will exceed the maximum position size limit. Lower the leverage and place order again. "], ""),
    c!("51006", Rest, 4, true, "InvalidOrder", ["Order price is not within the price limit (max buy price: 0.084, min sell price: 0.0001)", "Order price is not within the price limit (max buy price: 52006.4 , min sell price: 49880.1 )"], ""),
    c!("51008", Rest, 6, true, "InsufficientFunds", ["Order failed. Insufficient USDT margin in account", "Order placement failed due to insufficient balance", "Order failed. Insufficient USDT balance in account."], "委托失败，账户 USDT 保证金不足"),
    c!("51010", Rest, 2, true, "AccountNotEnabled", ["You can't complete this request under your current account mode. ", "Request unsupported under current account mode"], ""),
    c!("51020", Rest, 2, true, "InvalidOrder", ["Your order should meet or exceed the minimum order amount.", "Order amount should be greater than the min available amount."], ""),
    c!("51121", Rest, 4, true, "InvalidOrder", ["Order quantity must be a multiple of the lot size."], ""),
    c!("51131", Rest, 1, true, "InsufficientFunds", ["Insufficient balance."], ""),
    c!("51400", Rest, 3, true, "OrderNotFound", ["Order cancellation failed as the order has been filled, canceled or does not exist.", "Cancellation failed as the order does not exist."], ""),
    c!("51503", Rest, 1, true, "ExchangeError", ["Your order has already been filled or canceled."], ""),
    c!("51603", Rest, 5, false, "OrderNotFound", ["Order does not exist", "Order does not exist."], ""),
    c!("58350", Rest, 2, false, "InsufficientFunds", ["Insufficient balance.", "Insufficient balance"], ""),
    c!("59000", Rest, 2, false, "ExchangeError", ["Settings failed. Close any open positions or orders before modifying settings.", "Your settings failed as you have positions or open orders."], ""),
    c!("59102", Rest, 1, false, "ExchangeError", ["Leverage exceeds the maximum limit. Please lower the leverage."], ""),
    c!("60009", Ws, 3, false, "AuthenticationError", ["Login failed.", "Login failure"], ""),
    c!("60011", Ws, 3, false, "AuthenticationError", ["Please log in"], ""),
    c!("60012", Ws, 3, false, "BadRequest", ["Invalid request: {\"op\":\"subscribe\"}", "Invalid request"], ""),
    c!("60018", Ws, 3, false, "BadRequest", ["Wrong URL or channel:candle1m,instId:BTC-USD-SWAP doesn't exist. Please use the correct URL, channel and parameters referring to API document.", "Wrong URL or channel:tickers,instId:ETH-USDT-SWAP doesn't exist. Please use the correct URL, channel and parameters referring to API document."], ""),
    c!("60006", Ws, 1, false, "InvalidNonce", ["Timestamp request expired"], ""),
    c!("60014", Ws, 1, false, "RateLimitExceeded", ["Requests too frequent"], ""),
    c!("30008", V3, 5, false, "RequestTimeout", ["Request timestamp expired"], ""),
    c!("30001", V3, 3, false, "AuthenticationError", ["OK-ACCESS-KEY header is required"], ""),
    c!("30006", V3, 3, false, "AuthenticationError", ["Invalid OK-ACCESS-KEY"], ""),
    c!("30012", V3, 3, false, "AuthenticationError", ["Invalid Authority"], ""),
    c!("32008", V3, 3, false, "InvalidOrder", ["Max. positions to open (cross margin)"], ""),
    c!("35040", V3, 3, false, "InvalidOrder", ["Invalid order type"], ""),
    c!("30014", V3, 2, false, "DDoSProtection", ["request too frequent"], ""),
    c!("33017", V3, 1, false, "InsufficientFunds", ["insufficient balance"], ""),
    c!("30032", V3, 1, false, "BadSymbol", ["The currency pair does not exist"], ""),
    c!("10004", V1, 3, false, "ExchangeError", [""], ""),
];

/// Always in a night (the brief's codes and the seed document's v3 codes).
pub(super) const REQUIRED: &[&str] = &[
    "50011", "50102", "50113", "51000", "51008", "51006", "51121", "51603", "60009", "60011",
    "60012", "60018", "30008", "30001", "30006", "30012", "32008", "35040", "10004",
];
pub(super) const NIGHT_SIZE: usize = 25;

pub(super) fn find_code(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

/// A code outside the built-in table (only reachable through --storm).
pub(super) fn leak_code(code: &str) -> &'static Code {
    let kind = match code.as_bytes().first() {
        Some(b'3') => Kind::V3,
        Some(b'6') => Kind::Ws,
        Some(b'1') if code.len() == 5 => Kind::V1,
        _ => Kind::Rest,
    };
    let code: &'static str = Box::leak(code.to_string().into_boxed_str());
    let msgs: &'static [&'static str] = Box::leak(vec!["Operation failed."].into_boxed_slice());
    Box::leak(Box::new(Code {
        code,
        kind,
        w: 1,
        item: false,
        class: "ExchangeError",
        msgs,
        zh: "",
    }))
}
