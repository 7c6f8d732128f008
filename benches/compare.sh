#!/usr/bin/env bash
# benches/compare.sh: okxscan against ripgrep and grep on one 1 GiB generated night.
#
# NOT run by CI: it builds release, writes about 2 GiB to $TMPDIR (default /tmp) and
# takes a few minutes. Run it by hand on a quiet machine (nothing else building or
# testing), from anywhere inside the repository:
#
#     bash benches/compare.sh                # everything, then clean up
#     KEEP=1 bash benches/compare.sh         # keep $TMPDIR/okxscan-bench (reused next time)
#     RUNS=9 MB=256 bash benches/compare.sh  # other run count / night size
#     HYPERFINE=1 bash benches/compare.sh    # time with hyperfine instead of the loop
#     CACHE=reread bash benches/compare.sh   # warm with cat, not a huge-page map (see 3.)
#     CACHE=as-is bash benches/compare.sh    # keep the page cache as it is (see 3.)
#
# What it does (see docs/BENCHMARKS.md):
#   1. cargo build --release --example gen --example warm, and the okxscan binary;
#   2. gen --mb 1024 --seed 1, its six files concatenated into ONE file, night.log,
#      and the same bytes split at line boundaries into 100 files of ~10 MiB;
#   3. puts the night and its pieces into the page cache the same way: drops them
#      (their clean pages) and reads them back through a map advised to use huge
#      pages (examples/warm.rs), so that both sit in 2 MiB folios, then runs every
#      command once untimed. How a file came into the page cache decides the folios
#      that hold it, and their size costs every tool: read back by `cat`, the 1 GiB
#      night ends mostly in 2 MiB folios but each 10 MiB piece in folios of 4-256 KiB
#      (the read-ahead window never grows far within 10 MiB), which made the 100
#      files 3-17% slower than the one file for reasons of the kernel's, not the
#      tool's (docs/BENCHMARKS.md, 2026-12-01). CACHE=reread reads back with `cat`
#      instead (the state of every result before 2026-12-01, 08:50 UTC);
#      CACHE=as-is keeps the page cache as it is;
#   4. times, alternating (round-robin, starting point rotated each round), RUNS runs
#      (default 5) of each command, and reports the median:
#        okxscan summary --format csv --tz UTC night.log        (all cores)
#        okxscan summary -j 1 --format csv --tz UTC night.log
#        okxscan summary --format csv --tz UTC pieces/*.log     (100 files)
#        cat night.log | okxscan summary --format csv --tz UTC -
#        rg -c '"code"' night.log
#        grep -c '"code"' night.log
#      (a tool that is not installed is skipped, with a note);
#   5. peak RSS (/usr/bin/time -v, "Maximum resident set size") of
#        cat night.log | okxscan summary --format csv --tz UTC -
#      and of the same command on the file;
#   6. prints a table of medians and ratios and the machine (CPU, cores, memory,
#      load average before and after), ready to paste into docs/BENCHMARKS.md.
#
# HYPERFINE=1 uses `hyperfine --warmup 1 --runs $RUNS --export-json` (one command
# after the other, not alternating); the default loop alternates so that a change in
# machine load spreads over all commands instead of landing on one.
set -euo pipefail

RUNS=${RUNS:-5}
MB=${MB:-1024}
SEED=${SEED:-1}
PIECES=${PIECES:-100}
KEEP=${KEEP:-0}
HYPERFINE=${HYPERFINE:-0}
CACHE=${CACHE:-huge}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${TMPDIR:-/tmp}/okxscan-bench
NIGHT=$WORK/night.log
OKX=$TARGET/release/okxscan
T_START=$(date +%s)

say() { printf '%s\n' "$*" >&2; }
die() { say "compare.sh: $*"; exit 2; }
case "$CACHE" in huge | reread | as-is) ;; *) die "CACHE must be huge, reread or as-is (not $CACHE)" ;; esac

cleanup() {
    if [ "$KEEP" = 1 ]; then
        say "KEEP=1: left $WORK in place"
    else
        rm -rf -- "$WORK"
    fi
}
trap cleanup EXIT

# --- 1. build -------------------------------------------------------------------
say "== building (release)"
(cd "$ROOT" && cargo build --release --example gen --example warm && cargo build --release --bin okxscan) >&2
[ -x "$OKX" ] || die "no binary at $OKX"
GEN=$TARGET/release/examples/gen
WARM=$TARGET/release/examples/warm

# --- 2. the night ---------------------------------------------------------------
mkdir -p "$WORK"
# The data depends on the options and on the generator's source, not on okxscan.
STAMP="mb=$MB seed=$SEED pieces=$PIECES gen=$(cat "$ROOT/examples/gen.rs" "$ROOT"/examples/gen/*.rs | cksum | cut -d' ' -f1)"
if [ -f "$WORK/stamp" ] && [ "$(cat "$WORK/stamp")" = "$STAMP" ] && [ -f "$NIGHT" ]; then
    say "== reusing $NIGHT ($STAMP)"
else
    rm -rf -- "$WORK/night" "$WORK/night.truth.tsv" "$WORK/pieces" "$NIGHT" "$WORK/stamp"
    say "== generating a ${MB} MiB night (seed $SEED)"
    "$GEN" --out "$WORK/night" --mb "$MB" --seed "$SEED" >&2
    # Fixed order; every generated file ends with a newline, so lines stay whole.
    cat "$WORK/night/python.log" "$WORK/night/freqtrade.log" "$WORK/night/events.jsonl" \
        "$WORK/night/zap.log" "$WORK/night/epoch.log" "$WORK/night/v3bot.log" >"$NIGHT"
    rm -rf -- "$WORK/night" "$WORK/night.truth.tsv"
    mkdir -p "$WORK/pieces"
    split -n "l/$PIECES" -d -a 3 --additional-suffix=.log "$NIGHT" "$WORK/pieces/part-"
    echo "$STAMP" >"$WORK/stamp"
fi
BYTES=$(stat -c %s "$NIGHT")
MIB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')
NPIECES=$(find "$WORK/pieces" -name 'part-*.log' | wc -l)
say "== $NIGHT: $BYTES bytes ($MIB MiB); $NPIECES pieces"

# --- 3. commands ----------------------------------------------------------------
# Each command is a function. Its stdout goes to a file, never to /dev/null: GNU grep
# notices /dev/null and stops at the first match, even with -c. Its stderr goes to a
# file too, so okxscan draws no progress bar.
ok_default() { "$OKX" summary --format csv --tz UTC "$NIGHT"; }
ok_j1() { "$OKX" summary -j 1 --format csv --tz UTC "$NIGHT"; }
ok_pieces() { "$OKX" summary --format csv --tz UTC "$WORK"/pieces/part-*.log; }
ok_pipe() { cat "$NIGHT" | "$OKX" summary --format csv --tz UTC -; }
rg_count() { rg -c '"code"' "$NIGHT"; }
grep_count() { grep -c '"code"' "$NIGHT"; }

NAMES=(ok_default ok_j1 ok_pieces ok_pipe)
LABELS=("okxscan summary (default -j, $(nproc) cores)" "okxscan summary -j 1" "okxscan summary, $NPIECES files of ~$(awk -v b="$BYTES" -v n="$NPIECES" 'BEGIN { printf "%.1f", b / n / 1048576 }') MiB" "okxscan summary, the file through a pipe (cat FILE |)")
SHELLCMD=(
    "$OKX summary --format csv --tz UTC $NIGHT"
    "$OKX summary -j 1 --format csv --tz UTC $NIGHT"
    "$OKX summary --format csv --tz UTC $WORK/pieces/part-*.log"
    "cat $NIGHT | $OKX summary --format csv --tz UTC -"
)
SKIPPED=()
if command -v rg >/dev/null; then
    NAMES+=(rg_count)
    LABELS+=("rg -c '\"code\"'")
    SHELLCMD+=("rg -c '\"code\"' $NIGHT")
else
    SKIPPED+=("rg (ripgrep) is not installed: skipped")
fi
if command -v grep >/dev/null; then
    NAMES+=(grep_count)
    LABELS+=("grep -c '\"code\"'")
    SHELLCMD+=("grep -c '\"code\"' $NIGHT")
else
    SKIPPED+=("grep is not installed: skipped")
fi
for s in "${SKIPPED[@]+"${SKIPPED[@]}"}"; do say "== $s"; done

# Runs one command; okxscan and grep exit 1 when nothing is found, which is not an
# error here (the night always has events, but the exit status is not what we time).
run_one() {
    local rc=0
    "$1" >"$WORK/out.$1" 2>>"$WORK/stderr.log" || rc=$?
    if [ "$rc" -gt 1 ]; then
        say "compare.sh: $1 failed (exit $rc):"
        tail -5 "$WORK/stderr.log" >&2
        exit 2
    fi
}

huge_mib() { awk '/^FileHugePages:/ { printf "%d", $2 / 1024 }' /proc/meminfo 2>/dev/null || echo "?"; }
case "$CACHE" in
huge)
    say "== dropping the night and its pieces from the page cache; reading them back into huge folios"
    "$WARM" "$NIGHT" "$WORK"/pieces/part-*.log
    ;;
reread)
    say "== dropping the night and its pieces from the page cache; reading them back with cat"
    for f in "$NIGHT" "$WORK"/pieces/part-*.log; do
        dd if="$f" iflag=nocache count=0 status=none 2>/dev/null || true
    done
    for _ in 1 2; do
        cat "$NIGHT" >/dev/null
        cat "$WORK"/pieces/part-*.log >/dev/null
    done
    ;;
as-is)
    say "== page cache kept as it is; reading everything once"
    cat "$NIGHT" "$WORK"/pieces/part-*.log >/dev/null
    ;;
esac

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
HUGE=$(huge_mib)
: >"$WORK/stderr.log"
say "== one untimed run of each command"
for n in "${NAMES[@]}"; do run_one "$n"; done
# The thread count must not change the output.
if cmp -s "$WORK/out.ok_default" "$WORK/out.ok_j1"; then SAME_J=yes; else SAME_J=NO; fi
if cmp -s "$WORK/out.ok_default" "$WORK/out.ok_pipe"; then SAME_S=yes; else SAME_S=NO; fi
# A split point can fall inside a traceback or a pretty-printed body, and echoes are
# judged within one file, so the 100-file counts may differ by an event or two from
# the single file's; reported, not checked.
if cmp -s "$WORK/out.ok_default" "$WORK/out.ok_pieces"; then
    SAME_P=yes
else
    SAME_P="no, $(diff "$WORK/out.ok_default" "$WORK/out.ok_pieces" | grep -c '^>' || true) of $(($(wc -l <"$WORK/out.ok_default") - 1)) code rows differ (split points cut tracebacks and bodies)"
fi
EVENTS=$("$OKX" summary --format csv --tz UTC --stats -q "$NIGHT" 2>&1 >/dev/null | sed -n 's/^\([0-9]*\) events found$/\1/p' || true)
RG_HITS=$(command -v rg >/dev/null && cat "$WORK/out.rg_count" || echo "-")

# --- 4. timing ------------------------------------------------------------------
declare -A TIMES
PAIRED=0
now() { date +%s.%N; }
if [ "$HYPERFINE" = 1 ] && command -v hyperfine >/dev/null; then
    say "== timing with hyperfine ($RUNS runs each, one command after the other)"
    hyperfine --warmup 1 --runs "$RUNS" --style basic --output=pipe --export-json "$WORK/hyperfine.json" \
        "${SHELLCMD[@]}" >&2
    # hyperfine writes one result per command, in order, each with its run times.
    mapfile -t ALL < <(tr -d ' \n' <"$WORK/hyperfine.json" |
        grep -o '"times":\[[^]]*\]' | sed 's/"times":\[//; s/\]//; s/,/ /g')
    for i in "${!NAMES[@]}"; do TIMES[${NAMES[$i]}]=${ALL[$i]}; done
    TIMER="hyperfine $(hyperfine --version | cut -d' ' -f2), --warmup 1 --runs $RUNS --output=pipe"
else
    [ "$HYPERFINE" = 1 ] && say "== hyperfine is not installed: using the bash loop"
    say "== timing: $RUNS rounds, commands alternating"
    n_cmds=${#NAMES[@]}
    for ((r = 0; r < RUNS; r++)); do
        for ((k = 0; k < n_cmds; k++)); do
            n=${NAMES[$(((k + r) % n_cmds))]}
            t0=$(now)
            run_one "$n"
            t1=$(now)
            TIMES[$n]="${TIMES[$n]:-} $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
        done
        say "   round $((r + 1))/$RUNS done"
    done
    TIMER="bash loop (date +%s.%N), $RUNS alternating rounds after 1 untimed run"
    PAIRED=1
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
HUGE_AFTER=$(huge_mib)

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A MED
for n in "${NAMES[@]}"; do MED[$n]=$(echo "${TIMES[$n]}" | median); done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# Round by round (the loop alternates, so both commands of a round met the same
# machine): the median of the ratios of $1 to $2, their range, and in how many rounds
# $1 was faster. A ratio of medians can tip either way on noise; this tells how far.
paired() {
    if [ "$PAIRED" != 1 ]; then
        echo "-"
        return
    fi
    local rs
    rs=$(paste -d' ' <(echo "${TIMES[$1]}" | xargs -n1) <(echo "${TIMES[$2]}" | xargs -n1) |
        awk '$2 > 0 { printf "%.4f\n", $1 / $2 }' | sort -g)
    echo "$rs" | awk -v m="$(echo "$rs" | median)" '$1 < 1 { f++ } { v[NR] = $1 } END {
        printf "%.2f (%.2f-%.2f), faster in %d of %d", m, v[1], v[NR], f, NR }'
}

# --- 5. peak memory -------------------------------------------------------------
rss() { sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1"; }
RSS_STDIN="-"
RSS_FILE="-"
if [ -x /usr/bin/time ]; then
    say "== peak RSS"
    cat "$NIGHT" | /usr/bin/time -v "$OKX" summary --format csv --tz UTC - >/dev/null 2>"$WORK/rss.stdin" || true
    /usr/bin/time -v "$OKX" summary --format csv --tz UTC "$NIGHT" >/dev/null 2>"$WORK/rss.file" || true
    RSS_STDIN=$(awk -v k="$(rss "$WORK/rss.stdin")" 'BEGIN { printf "%.1f", k / 1024 }')
    RSS_FILE=$(awk -v k="$(rss "$WORK/rss.file")" 'BEGIN { printf "%.1f", k / 1024 }')
else
    say "== /usr/bin/time is not installed (GNU time): peak RSS skipped"
fi

# --- 6. report ------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
[ -n "$cpu" ] || cpu=$(sed -n 's/^\(Hardware\|Processor\)[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
rgv=$(command -v rg >/dev/null && rg --version 2>/dev/null | sed -n 1p || echo "not installed")
grepv=$(grep --version | sed -n 1p)
rev=$(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown)

echo
echo "## okxscan benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), okxscan $rev"
echo
echo "Input: one file, $MIB MiB ($BYTES bytes), gen --mb $MB --seed $SEED, six files concatenated;"
echo "okxscan counts ${EVENTS:-?} events; rg -c '\"code\"' counts $RG_HITS lines."
echo "Timer: $TIMER. Page cache warm."
echo
echo "| command | median s | MiB/s | runs (s) |"
echo "| --- | ---: | ---: | --- |"
for i in "${!NAMES[@]}"; do
    n=${NAMES[$i]}
    rate=$(awk -v b="$BYTES" -v t="${MED[$n]}" 'BEGIN { if (t > 0) printf "%.0f", b / 1048576 / t; else print "-" }')
    printf '| %s | %.3f | %s | %s |\n' "${LABELS[$i]}" "${MED[$n]}" "$rate" "$(echo "${TIMES[$n]}" | xargs)"
done
echo
echo "| ratio | of medians | round by round: median (range), rounds the first was faster |"
echo "| --- | ---: | --- |"
if [ -n "${MED[rg_count]:-}" ]; then
    echo "| okxscan / rg (default -j) | $(ratio "${MED[ok_default]}" "${MED[rg_count]}") | $(paired ok_default rg_count) |"
fi
if [ -n "${MED[grep_count]:-}" ]; then
    echo "| okxscan / grep (default -j) | $(ratio "${MED[ok_default]}" "${MED[grep_count]}") | $(paired ok_default grep_count) |"
fi
echo "| -j 1 / default -j ($(nproc) cores) | $(ratio "${MED[ok_j1]}" "${MED[ok_default]}") | $(paired ok_j1 ok_default) |"
echo "| $NPIECES files / 1 file | $(ratio "${MED[ok_pieces]}" "${MED[ok_default]}") | $(paired ok_pieces ok_default) |"
echo "| through a pipe / the file | $(ratio "${MED[ok_pipe]}" "${MED[ok_default]}") | $(paired ok_pipe ok_default) |"
echo
echo "| peak RSS | MiB |"
echo "| --- | ---: |"
echo "| cat FILE \\| okxscan summary --format csv --tz UTC - | $RSS_STDIN |"
echo "| okxscan summary --format csv --tz UTC FILE | $RSS_FILE |"
echo
echo "Checks: -j 1 output = default output: $SAME_J; pipe output = file output: $SAME_S; $NPIECES-file output = 1-file output: $SAME_P."
for s in "${SKIPPED[@]+"${SKIPPED[@]}"}"; do echo "Note: $s."; done
echo
echo "Machine:"
echo "- CPU: ${cpu:-unknown}; nproc: $(nproc)"
echo "- memory: $mem; kernel: $(uname -sr)"
echo "- $rgv; $grepv"
echo "- load average (1/5/15 min): before timing $LOAD_BEFORE, after $LOAD_AFTER"
echo "- page cache: CACHE=$CACHE; file pages in huge folios (/proc/meminfo FileHugePages): $HUGE MiB after warming, $HUGE_AFTER MiB after timing (the night and its pieces: $((2 * BYTES / 1048576)) MiB)"
echo "- script wall time: $(($(date +%s) - T_START)) s (build included)"
