//! Log text is untrusted: it can carry terminal escape sequences, markdown, HTML or
//! spreadsheet formulas. Each output format escapes it its own way, here.

use std::borrow::Cow;

/// Control characters (ESC and the rest, C1 included) shown as `\xNN`; tabs kept.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_control(c: char) -> bool {
    (c.is_control() && c != '\t') || c == '\u{2028}' || c == '\u{2029}'
}

/// A markdown table cell: no control characters, no line breaks, `|`, backticks and
/// HTML-significant characters escaped.
pub fn md_cell(s: &str) -> String {
    let t = terminal(s);
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' | '_' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text inside a markdown code span: a fence long enough for the backticks inside.
pub fn md_code(s: &str) -> String {
    let t = terminal(s).replace('\t', " ");
    let longest = t
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0)
        .max(t.chars().filter(|&c| c == '`').count().min(1));
    let fence = "`".repeat(longest + 1);
    let pad = if t.starts_with('`') || t.ends_with('`') {
        " "
    } else {
        ""
    };
    // `|` would still end a table cell inside a code span.
    format!("{fence}{pad}{}{pad}{fence}", t.replace('|', "\\|"))
}

/// One line of log text as a markdown `<pre>` block: shown exactly (monospace, no
/// markdown inside) by renderers, with `&`, `<` and `>` escaped so that no tag can
/// pass, and control characters shown.
pub fn md_pre(s: &str) -> String {
    let t = terminal(s);
    let mut out = String::with_capacity(t.len() + 11);
    out.push_str("<pre>");
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push_str("</pre>");
    out
}

/// HTML text or attribute value.
pub fn html(s: &str) -> String {
    let t = terminal(s);
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A CSV cell that a spreadsheet will not run as a formula.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let t = terminal(s);
    if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{t}"))
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(terminal("a\x1b[31mred\x07"), "a\\x1b[31mred\\x07");
        assert_eq!(md_cell("a|b `c` <script>"), "a\\|b \\`c\\` &lt;script&gt;");
        assert_eq!(
            html("<img src=x onerror='y'>&"),
            "&lt;img src=x onerror=&#39;y&#39;&gt;&amp;"
        );
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-1+2"), "'-1+2");
        assert_eq!(csv_cell("Invalid Sign"), "Invalid Sign");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("x|y"), "`x\\|y`");
        assert_eq!(
            md_pre("{\"msg\":\"<script>a&b</script>\"}\x1b"),
            "<pre>{\"msg\":\"&lt;script&gt;a&amp;b&lt;/script&gt;\"}\\x1b</pre>"
        );
    }
}
