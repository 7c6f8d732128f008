//! A code's sample when its body is written over several lines. The scan keeps the
//! line that holds the code (`  "code": "50111",`); the chunk the event was found in
//! holds the whole record (chunks are cut between records), so the body is found
//! there by its brackets: back to the outermost bracket still open at the code, then
//! forward to the one that closes it. Only a code's sample pays for this, once.

/// Lines walked back from the code at most.
const MAX_LINES: usize = 200;
/// Bytes a body may span, either side of the code.
const MAX_BYTES: usize = 64 * 1024;

/// A line that starts a log record rather than continuing a body: it starts with
/// neither space nor a bracket or quote (a time stamp, a level, a logger name).
fn starts_record(line: &[u8]) -> bool {
    line.first().is_some_and(|c| {
        !c.is_ascii_whitespace() && !matches!(c, b'{' | b'}' | b'[' | b']' | b'"' | b'\'' | b')')
    })
}

fn line_start(data: &[u8], pos: usize) -> usize {
    memchr::memrchr(b'\n', &data[..pos]).map_or(0, |p| p + 1)
}

fn line_end(data: &[u8], pos: usize) -> usize {
    let mut end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p);
    if end > pos && data[end - 1] == b'\r' {
        end -= 1;
    }
    end
}

/// The lines of `chunk` holding the whole body around `at` (the offset of a code),
/// with the record's first line when the body opens on a line of its own; `None`
/// when the code is not inside brackets or they do not close within bounds.
pub fn body_lines(chunk: &[u8], at: usize) -> Option<&[u8]> {
    let at = at.min(chunk.len());
    let floor = at.saturating_sub(MAX_BYTES);
    // Back from the code: the outermost opener not closed before it, up to the line
    // that starts the record.
    let mut depth = 0usize;
    let mut open = None;
    let mut lines = 0;
    let mut i = at;
    while i > floor {
        i -= 1;
        match chunk[i] {
            b'}' | b']' => depth += 1,
            b'{' | b'[' if depth == 0 => open = Some(i),
            b'{' | b'[' => depth -= 1,
            b'\n' => {
                lines += 1;
                if starts_record(&chunk[i + 1..]) || lines > MAX_LINES {
                    break;
                }
            }
            _ => {}
        }
    }
    let open = open?;
    // Forward from the opener to its closer, skipping brackets in "strings".
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut close = None;
    for (j, &c) in chunk.iter().enumerate().skip(open).take(2 * MAX_BYTES) {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                b'\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    close = Some(j);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let mut start = line_start(chunk, open);
    // A body alone on its lines: show the record's first line above it too.
    if chunk[start..open].iter().all(u8::is_ascii_whitespace) && start > 0 {
        let above = line_start(chunk, start - 1);
        if starts_record(&chunk[above..]) {
            start = above;
        }
    }
    Some(&chunk[start..line_end(chunk, close)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around<'a>(chunk: &'a str, code: &str) -> Option<&'a str> {
        let at = chunk.find(code).unwrap();
        body_lines(chunk.as_bytes(), at).map(|b| std::str::from_utf8(b).unwrap())
    }

    const PRETTY: &str = "1795392910345 INFO order placed
1795392932198 ERROR order response:
{
  \"code\": \"50111\",
  \"data\": [],
  \"msg\": \"Invalid {OK-ACCESS-KEY\"
}
1795392955670 INFO order placed
";

    #[test]
    fn a_pretty_printed_body_is_found_whole_with_its_first_line() {
        assert_eq!(
            around(PRETTY, "50111"),
            Some(&PRETTY[PRETTY.find("1795392932198").unwrap()..PRETTY.rfind("}").unwrap() + 1])
        );
    }

    #[test]
    fn a_batch_item_gives_the_whole_body_not_the_item() {
        let log = "2026-11-22 18:00:00 ERROR okx response {
  'code': '1',
  'data': [
    {
      'sCode': '51006',
      'sMsg': 'Order price is not within the price limit'
    }
  ],
  'msg': ''
}
2026-11-22 18:00:01 INFO next
";
        let body = around(log, "51006").unwrap();
        assert!(body.starts_with("2026-11-22 18:00:00 ERROR okx response {"));
        assert!(body.ends_with("  'msg': ''\n}"));
    }

    #[test]
    fn no_open_bracket_or_no_close_gives_none() {
        assert_eq!(around("1795 ERROR code=50111 here\n", "50111"), None);
        assert_eq!(
            around("1795 ERROR {\n  \"code\": \"50111\",\n", "50111"),
            None
        );
        // An earlier record's brackets are not this one's.
        assert_eq!(
            around("1795 INFO {\"a\":1}\n1796 ERROR code 50111\n", "50111"),
            None
        );
    }
}
