#!/bin/sh
# pages.sh: the send rate of `messemu serve --no-demo-bot` with no web page
# open and with PAGES pages open (examples/bench/pages reads every frame of
# PAGES streams), alternating, ROUNDS rounds each, each run on a fresh
# process: serve pinned to core 0, wrk and the readers to core 1.
#
#   examples/bench/pages.sh                  # ROUNDS=3 PAGES=10 DURATION=10s
#   PPROF=127.0.0.1:6060 examples/bench/pages.sh   # profile with go tool pprof
#   MESSEMU=/tmp/messemu-old examples/bench/pages.sh  # another build of messemu
#
# Needs go, wrk and curl (Debian: apt-get install wrk curl).
set -eu
ROUNDS=${ROUNDS:-3}
PAGES=${PAGES:-10}
DURATION=${DURATION:-10}
PORT=${PORT:-28765}
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
serve=
trap 'kill $serve 2>/dev/null || true; rm -rf "$tmp"' EXIT
if [ -n "${MESSEMU:-}" ]; then cp "$MESSEMU" "$tmp/messemu"; else go build -o "$tmp/messemu" ./cmd/messemu; fi
go build -o "$tmp/pages" ./examples/bench/pages
psid=5275811702471834
send='{"recipient":{"id":"'$psid'"},"messaging_type":"RESPONSE","message":{"text":"hello from wrk"}}'
{
	echo 'wrk.method = "POST"'
	echo 'wrk.headers["Content-Type"] = "application/json"'
	printf 'wrk.body = [==[%s]==]\n' "$send"
} >"$tmp/send.lua"
base="http://127.0.0.1:$PORT"
run() { # run PAGES: sends a second of one wrk run on a fresh process
	taskset -c 0 "$tmp/messemu" serve --no-demo-bot --addr "127.0.0.1:$PORT" ${PPROF:+--pprof "$PPROF"} >"$tmp/serve.log" 2>&1 &
	serve=$!
	until curl -fs -o /dev/null "$base/_messemu/v1/clock"; do sleep 0.1; done
	curl -fs -o /dev/null -XPOST "$base/_messemu/v1/users/$psid/messages" -d '{"text":"hi"}'
	if [ "$1" -gt 0 ]; then
		taskset -c 1 "$tmp/pages" -addr "127.0.0.1:$PORT" -n "$1" -for "$((DURATION + 2))s" >"$tmp/pages.out" &
		readers=$!
		sleep 0.5
	fi
	cpu0=$(cut -d' ' -f14,15 "/proc/$serve/stat")
	r=$(taskset -c 1 wrk -t1 -c16 -d"${DURATION}s" -s "$tmp/send.lua" "$base/v26.0/me/messages?access_token=EAAMessemuTestPageToken" | awk '/^Requests\/sec:/ { printf "%d", $2 }')
	cpu1=$(cut -d' ' -f14,15 "/proc/$serve/stat")
	# the emulator's CPU per send, in µs (clock ticks of 10 ms)
	r="$r/s, $(echo "$cpu0 $cpu1 $r" | awk '{ printf "%d", (($3 + $4) - ($1 + $2)) * 10000 / ($5 * '"$DURATION"') }') µs CPU/send"
	if [ "$1" -gt 0 ]; then
		last=$(curl -fs "$base/_messemu/v1/journal?limit=1" | sed -n 's/.*"last_seq":\([0-9]*\).*/\1/p')
		wait $readers
		r="$r; pages read $(sed -n 's/.*, \(.*\) MB, last seq \[\([0-9]*\)[] ].*/\1 MB in all, each up to event \2/p' "$tmp/pages.out") of $last"
	fi
	kill $serve
	wait $serve 2>/dev/null || true
	echo "$r"
}
for i in $(seq "$ROUNDS"); do
	echo "round $i: no page $(run 0); $PAGES pages $(run "$PAGES")"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
