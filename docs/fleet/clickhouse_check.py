#!/usr/bin/env python3
"""The ClickHouse example of docs/FLEET.md, run as a check, by hand (not in CI: it needs
chdb, ClickHouse embedded in Python, a 200 MB download): `pip install chdb duckdb`.

Runs the ClickHouse statements of FLEET.md, read from the page itself (its ```sql
blocks after "### ClickHouse": the table, then counts by code and hour, by host,
bursts), on okxscan's event stream, and compares every row with what okxscan says,
as duckdb_check.py does for DuckDB (whose helpers it uses).

    python3 docs/fleet/clickhouse_check.py [--okxscan PATH] [LOGS...]
"""

import argparse
import csv
import io
import json
import os
import re
import sys
import tempfile
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import duckdb_check as dc  # noqa: E402


def clickhouse_sql():
    """The ```sql blocks of FLEET.md's ClickHouse section, in order."""
    doc = open(dc.FLEET_MD, encoding="utf-8").read()
    section = doc.split("### ClickHouse", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


def rows(session, sql):
    text = session.query(sql.rstrip().rstrip(";"), "CSV").bytes().decode()
    return list(csv.reader(io.StringIO(text)))


def t(s):
    return datetime.fromisoformat(s).replace(tzinfo=timezone.utc) if s else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--okxscan", default=os.path.join(dc.ROOT, "target", "release", "okxscan"))
    ap.add_argument("logs", nargs="*", default=[os.path.join(dc.ROOT, "fixtures", "sample-night")])
    a = ap.parse_args()
    binary = os.path.abspath(a.okxscan) if os.sep in a.okxscan else a.okxscan
    logs = [os.path.abspath(p) for p in a.logs]
    try:
        from chdb import session
    except ImportError:
        dc.fail("the chdb Python package is not installed (pip install chdb)")
    blocks = clickhouse_sql()
    if len(blocks) != 4:
        dc.fail(f"FLEET.md's ClickHouse section has {len(blocks)} sql blocks, this check knows 4")
    create, by_code_hour, by_host, bursts = blocks

    _, want_hour, want_host, want_bursts = dc.expected(binary, logs)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "events.ndjson")
        with open(path, "w", encoding="utf-8") as out:
            for line in dc.okxscan(binary, ["grep", "--tz", "UTC", "--format", "ndjson", *logs]).splitlines():
                ev = json.loads(line)
                ev["host"] = os.path.basename(ev["file"])
                out.write(json.dumps(ev) + "\n")
        s = session.Session(os.path.join(tmp, "ch"))
        s.query("CREATE DATABASE IF NOT EXISTS fleet")
        s.query("USE fleet")
        s.query(create.rstrip().rstrip(";"))
        # What `clickhouse-client ... FORMAT JSONEachRow < events.ndjson` does.
        s.query(
            f"INSERT INTO okx_events SELECT * FROM file('{path}', 'JSONEachRow') "
            "SETTINGS date_time_input_format = 'best_effort'"
        )
        errors = []
        got = [(t(h), c, int(n)) for h, c, n in rows(s, by_code_hour)]
        errors += dc.differences("events by code and hour", got, want_hour, "ClickHouse")
        got = [(h, int(n), int(c), t(f), t(l)) for h, n, c, f, l in rows(s, by_host)]
        errors += dc.differences("events by host", got, want_host, "ClickHouse")
        got = [(t(h).strftime("%H:%M"), c, int(n)) for h, c, n, _ in rows(s, bursts)]
        errors += dc.differences("bursts", got, want_bursts, "ClickHouse")
    if errors:
        print("clickhouse_check: ClickHouse and okxscan disagree:", file=sys.stderr)
        for e in errors:
            print(f"  {e}", file=sys.stderr)
        sys.exit(1)
    print(
        f"clickhouse_check: ClickHouse gives okxscan's numbers: {len(want_hour)} code-hours, "
        f"{len(want_host)} hosts, {len(want_bursts)} bursts"
    )


if __name__ == "__main__":
    main()
