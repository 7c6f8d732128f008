//! Log text is untrusted: it can carry terminal escape sequences, markdown, HTML or
//! spreadsheet formulas. Each output format escapes it its own way, here.

use std::borrow::Cow;

/// Control characters (ESC and the rest, C1 included) shown as `\xNN`, and the
/// line separators and bidi controls as `\u{NNNN}`; tabs kept.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape_if(s, |c| is_control(c) && c != '\t')
}

/// A diagnostic for stderr that may echo what the user typed (`--tz`, `--since`,
/// `--message` values) or what a file held: escaped as [`terminal`] does, but its
/// own line breaks and tabs kept (a regex error points at the fault on a second
/// line).
pub fn message(s: &str) -> Cow<'_, str> {
    escape_if(s, |c| is_control(c) && c != '\t' && c != '\n')
}

fn escape_if(s: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&escaped) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !escaped(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Characters that change how a terminal (or a viewer) shows what follows: C0 and
/// C1 controls, the Unicode line and paragraph separators, and the bidi controls,
/// which reorder text as it is shown (`U+202E` makes `gpj.exe` read `exe.jpg`; the
/// "Trojan Source" trick): the marks `U+200E`, `U+200F`, `U+061C`, the embeddings
/// and overrides `U+202A`-`U+202E`, the isolates `U+2066`-`U+2069`.
fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
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
        assert_eq!(terminal("\u{2028}"), "\\u{2028}");
        assert_eq!(
            md_pre("{\"msg\":\"<script>a&b</script>\"}\x1b"),
            "<pre>{\"msg\":\"&lt;script&gt;a&amp;b&lt;/script&gt;\"}\\x1b</pre>"
        );
    }

    #[test]
    fn bidi_controls_are_escaped_in_every_format() {
        let every = "\u{200e}\u{200f}\u{061c}\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}";
        let want = "\\u{200e}\\u{200f}\\u{061c}\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{202e}\\u{2066}\\u{2067}\\u{2068}\\u{2069}";
        assert_eq!(terminal(every), want);
        let evil = "Invalid \u{202e}ngiS";
        for out in [
            terminal(evil).into_owned(),
            md_cell(evil),
            md_code(evil),
            md_pre(evil),
            html(evil),
            csv_cell(evil).into_owned(),
            message(evil).into_owned(),
        ] {
            assert!(!out.contains('\u{202e}'), "{out}");
            assert!(out.contains("u{202e}"), "{out}");
        }
        // Other non-ASCII text is kept.
        assert_eq!(terminal("café 下单失败 \u{200d}"), "café 下单失败 \u{200d}");
    }

    #[test]
    fn messages_keep_their_line_breaks() {
        assert_eq!(
            message("bad --tz 'x\u{2066}\x1b[2J'\n  ^\tthere"),
            "bad --tz 'x\\u{2066}\\x1b[2J'\n  ^\tthere"
        );
        assert_eq!(terminal("a\nb"), "a\\x0ab");
    }
}
