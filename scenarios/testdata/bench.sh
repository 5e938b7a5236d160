#!/usr/bin/env bash
# BENCHMARKS.md: 500 scenarios (125 copies of each of scenarios/examples/)
# against examples/echobot, through a separate messemu serve so that the
# emulator's CPU is measured apart from the runner's and the bot's.
#
#   scenarios/testdata/bench.sh 8        # --parallel 8
set -euo pipefail
cd "$(dirname "$0")/../.."
P=${1:-8}
B=$(mktemp -d)
trap 'rm -rf "$B"' EXIT
go build -o "$B/messemu" ./cmd/messemu
go build -o "$B/echobot" ./examples/echobot
python3 - "$B/bench.yaml" <<'PY'
import re, sys
docs = []
for f in ("scenarios/examples/greeting.yaml", "scenarios/examples/shop.yaml"):
    text = open(f).read()
    if not text.lstrip("#").lstrip().startswith("-") and "\n- " not in text:
        text = "- " + "\n  ".join(l for l in text.splitlines() if not l.startswith("#"))
    docs.append("\n".join(l for l in text.splitlines() if not l.startswith("#")))
out = []
for i in range(125):
    for d in docs:
        out.append(re.sub(r"^- name: (.*)$", lambda m: f"- name: {m.group(1)} ({i})", d, flags=re.M))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
PORT=$((20000 + RANDOM % 10000)); BOTPORT=$((PORT + 1))
cpu() { awk '{print ($14+$15)/100}' "/proc/$1/stat"; }
"$B/messemu" serve --addr 127.0.0.1:$PORT --no-demo-bot --log-level warn >"$B/serve.log" 2>&1 &
SERVE=$!
until curl -sf http://127.0.0.1:$PORT/_messemu/v1/pages >/dev/null; do sleep 0.1; done
GRAPH_API_URL=http://127.0.0.1:$PORT PAGE_ACCESS_TOKEN=EAAMessemuTestPageToken APP_SECRET=messemu-app-secret \
  VERIFY_TOKEN=messemu-verify-token ADDR=127.0.0.1:$BOTPORT "$B/echobot" 2>"$B/bot.log" &
BOT=$!
trap 'kill $SERVE $BOT 2>/dev/null; rm -rf "$B"' EXIT
sleep 1
kill -0 $SERVE || { cat "$B/serve.log"; exit 1; }
kill -0 $BOT || { cat "$B/bot.log"; exit 1; }
S0=$(cpu $SERVE); O0=$(cpu $BOT)
/usr/bin/time -f "%e %U %S" -o "$B/replay.time" "$B/messemu" replay --emulator http://127.0.0.1:$PORT \
  --bot http://127.0.0.1:$BOTPORT/webhook --parallel "$P" "$B/bench.yaml" | tail -1
S1=$(cpu $SERVE); O1=$(cpu $BOT)
read -r WALL RU RS < "$B/replay.time"
awk -v p="$P" -v w="$WALL" -v r="$(echo "$RU + $RS" | bc)" -v s="$(echo "$S1 - $S0" | bc)" -v b="$(echo "$O1 - $O0" | bc)" 'BEGIN {
  printf "parallel %s: wall %.2fs, %.1f scenarios/s; CPU seconds: emulator %.2f, runner %.2f, bot %.2f; emulator CPU = %.0f%% of the wall time, %.0f%% of all CPU used\n",
    p, w, 500 / w, s, r, b, 100 * s / w, 100 * s / (s + r + b) }'
