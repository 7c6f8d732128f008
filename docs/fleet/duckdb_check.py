#!/usr/bin/env python3
"""The DuckDB example of docs/FLEET.md, run as a check (CI runs it on the sample night).

Loads the event stream of `okxscan grep --format ndjson` into DuckDB with the table and
queries that FLEET.md shows (it checks that the file still shows them word for word),
and compares what they give with what okxscan itself says:

  - events by code, with first and last seen     = okxscan summary --format csv
  - events by code and hour                      = okxscan summary --by hour --format csv
  - events by host                               = the per-file figures of
                                                   okxscan summary --format json
  - bursts                                       = the bursts of okxscan report

Each input file stands for one host here (a fleet ships one stream per host, with a
`host` field added; here the file's name is that field). Then it deletes one event and
checks that the comparison notices: a check that cannot fail proves nothing.

Exit status 0 when every number matches, 1 (with every difference printed) when one
does not, 2 when okxscan or DuckDB cannot be run.

    python3 docs/fleet/duckdb_check.py [--okxscan PATH] [LOGS...]

Needs the `duckdb` Python package (`pip install duckdb`).
"""

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLEET_MD = os.path.join(ROOT, "docs", "FLEET.md")

# The SQL below is in docs/FLEET.md, word for word (checked).

CREATE = """CREATE TABLE okx_events (
    host     VARCHAR,
    file     VARCHAR,
    line     UBIGINT,
    time     TIMESTAMPTZ,        -- NULL: a line with no time above it
    code     VARCHAR,            -- as sent: '' for a body without one, never a number
    category VARCHAR,
    api      VARCHAR,
    message  VARCHAR,
    shape    VARCHAR,
    partial  BOOLEAN
);"""

LOAD = """INSERT INTO okx_events
SELECT * FROM read_json('events.ndjson', format = 'newline_delimited', columns = {
    host: 'VARCHAR', file: 'VARCHAR', line: 'UBIGINT', time: 'TIMESTAMPTZ',
    code: 'VARCHAR', category: 'VARCHAR', api: 'VARCHAR', message: 'VARCHAR',
    shape: 'VARCHAR', partial: 'BOOLEAN'
});"""

BY_CODE = """SELECT code, count(*) AS events, min(time) AS first_seen, max(time) AS last_seen
FROM okx_events
GROUP BY code
ORDER BY events DESC, code;"""

BY_CODE_HOUR = """SELECT date_trunc('hour', time) AS hour, code, count(*) AS events
FROM okx_events
WHERE time IS NOT NULL
GROUP BY hour, code
ORDER BY hour, events DESC, code;"""

BY_HOST = """SELECT host, count(*) AS events, count(DISTINCT code) AS codes,
       min(time) AS first_seen, max(time) AS last_seen
FROM okx_events
GROUP BY host
ORDER BY events DESC, host;"""

BURSTS = """WITH timed AS (
    SELECT code, date_trunc('hour', time) AS hour FROM okx_events WHERE time IS NOT NULL
),
hours AS (          -- every hour from the first event's to the last's, empty ones too
    SELECT unnest(generate_series(min(hour), max(hour), INTERVAL 1 HOUR)) AS hour
    FROM timed
),
grid AS (           -- each code's count in each of those hours
    SELECT c.code, h.hour, count(t.code) AS events
    FROM (SELECT DISTINCT code FROM timed) c
    CROSS JOIN hours h
    LEFT JOIN timed t ON t.code = c.code AND t.hour = h.hour
    GROUP BY c.code, h.hour
),
medians AS (SELECT code, median(events) AS median FROM grid GROUP BY code)
SELECT g.hour, g.code, g.events, m.median
FROM grid g JOIN medians m USING (code)
WHERE g.events >= 20 AND g.events >= 5 * m.median
ORDER BY g.hour, g.events DESC, g.code;"""

QUERIES = {
    "CREATE": CREATE,
    "LOAD": LOAD,
    "BY_CODE": BY_CODE,
    "BY_CODE_HOUR": BY_CODE_HOUR,
    "BY_HOST": BY_HOST,
    "BURSTS": BURSTS,
}


def fail(msg, status=2):
    print(f"duckdb_check: {msg}", file=sys.stderr)
    sys.exit(status)


def okxscan(binary, args):
    """okxscan's stdout; status 0 (found) or 1 (none) expected."""
    cmd = [binary, *args]
    try:
        p = subprocess.run(cmd, capture_output=True, env={**os.environ, "TZ": "UTC"})
    except OSError as e:
        fail(f"cannot run {binary}: {e}")
    if p.returncode not in (0, 1):
        fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode()


def ts(s):
    """An okxscan time (RFC 3339, `Z` or an offset) as a datetime; None for ''."""
    if not s:
        return None
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def differences(what, got, want, engine="DuckDB"):
    """Row-by-row differences between the engine's rows and okxscan's (the first 10)."""
    out = []
    if len(got) != len(want):
        out.append(f"{what}: {engine} gives {len(got)} rows, okxscan {len(want)}")
    rows = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    for i in rows[:10]:
        out.append(f"{what}, row {i + 1}: {engine} {got[i]} != okxscan {want[i]}")
    if len(rows) > 10:
        out.append(f"{what}: {len(rows) - 10} more rows differ")
    return out


def expected(binary, logs):
    """What okxscan says of the logs, in the shapes the queries give."""
    rows = list(csv.DictReader(io.StringIO(okxscan(binary, ["summary", "--tz", "UTC", "--format", "csv", *logs]))))
    by_code = [(r["code"], int(r["count"]), ts(r["first_seen"]), ts(r["last_seen"])) for r in rows]

    text = okxscan(binary, ["summary", "--tz", "UTC", "--by", "hour", "--format", "csv", *logs])
    by_hour = [(ts(r["bucket"]), r["code"], int(r["count"])) for r in csv.DictReader(io.StringIO(text))]

    doc = json.loads(okxscan(binary, ["summary", "--tz", "UTC", "--format", "json", *logs]))
    if doc.get("version") != 2:
        fail(f"okxscan summary --format json is version {doc.get('version')}, this check reads 2")
    by_host = []
    for f in doc["files"]:
        if f["events"] == 0:
            continue
        firsts = [ts(c["first_seen"]) for c in f["codes"] if c["first_seen"]]
        lasts = [ts(c["last_seen"]) for c in f["codes"] if c["last_seen"]]
        host = os.path.basename(f["name"])
        by_host.append((host, f["events"], len(f["codes"]), min(firsts, default=None), max(lasts, default=None)))
    by_host.sort(key=lambda r: (-r[1], r[0]))

    report = okxscan(binary, ["report", "--tz", "UTC", *logs])
    bursts = []
    for m in re.finditer(r"^- (\S+) burst (\d\d:\d\d)-\d\d:\d\d UTC: ([\d,]+) events", report, re.M):
        bursts.append((m.group(2), m.group(1), int(m.group(3).replace(",", ""))))
    return by_code, by_hour, by_host, bursts


def compare(con, want):
    by_code, by_hour, by_host, bursts = want
    errors = []
    got = [tuple(r) for r in con.execute(BY_CODE).fetchall()]
    errors += differences("events by code", got, by_code)
    got = [tuple(r) for r in con.execute(BY_CODE_HOUR).fetchall()]
    errors += differences("events by code and hour", got, by_hour)
    got = [tuple(r) for r in con.execute(BY_HOST).fetchall()]
    errors += differences("events by host", got, by_host)
    got = [(h.strftime("%H:%M"), c, n) for h, c, n, _ in con.execute(BURSTS).fetchall()]
    errors += differences("bursts", got, bursts)
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--okxscan", default=os.path.join(ROOT, "target", "release", "okxscan"))
    ap.add_argument("logs", nargs="*", default=[os.path.join(ROOT, "fixtures", "sample-night")])
    a = ap.parse_args()
    binary = os.path.abspath(a.okxscan) if os.sep in a.okxscan else a.okxscan
    logs = [os.path.abspath(p) for p in a.logs]
    try:
        import duckdb
    except ImportError:
        fail("the duckdb Python package is not installed (pip install duckdb)")

    doc = open(FLEET_MD, encoding="utf-8").read()
    stale = [name for name, sql in QUERIES.items() if sql not in doc]
    if stale:
        fail(f"docs/FLEET.md no longer shows {', '.join(stale)} as this check runs it", 1)

    want = expected(binary, logs)
    with tempfile.TemporaryDirectory() as tmp:
        # The stream a fleet ships: okxscan's events, each with its host.
        with open(os.path.join(tmp, "events.ndjson"), "w", encoding="utf-8") as out:
            for line in okxscan(binary, ["grep", "--tz", "UTC", "--format", "ndjson", *logs]).splitlines():
                ev = json.loads(line)
                ev["host"] = os.path.basename(ev["file"])
                out.write(json.dumps(ev) + "\n")
        os.chdir(tmp)
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute(CREATE)
        con.execute(LOAD)
        errors = compare(con, want)
        if errors:
            print("duckdb_check: DuckDB and okxscan disagree:", file=sys.stderr)
            for e in errors:
                print(f"  {e}", file=sys.stderr)
            sys.exit(1)
        # The check must see one event missing.
        con.execute("DELETE FROM okx_events WHERE rowid = (SELECT max(rowid) FROM okx_events)")
        if not compare(con, want):
            fail("one event deleted and the comparison did not notice: the check is blind", 1)
        events = sum(r[1] for r in want[0])
        print(
            f"duckdb_check: DuckDB {duckdb.__version__} gives okxscan's numbers: {events} events, "
            f"{len(want[0])} codes, {len(want[1])} code-hours, {len(want[2])} hosts, {len(want[3])} bursts"
        )


if __name__ == "__main__":
    main()
