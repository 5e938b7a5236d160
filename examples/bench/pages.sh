#!/bin/sh
# pages.sh: what open web pages cost `messemu serve --no-demo-bot`. Each
# round runs wrk with no page open, then with PAGES pages read from each
# core in READERS_ON (examples/bench/pages reads every frame of PAGES
# streams and checks that every event comes once and in order), each run
# on a fresh process pinned to core 0 with wrk on core 1. A run prints the
# rate, the share of core 0 serve used, its CPU per send and the readers'
# share of their core; on a shared machine a round's runs compare, rounds
# do not.
#
#   examples/bench/pages.sh                        # ROUNDS=3 PAGES=10 DURATION=6 READERS_ON=1
#   READERS_ON="1 0" examples/bench/pages.sh       # readers beside wrk, then beside serve
#   PPROF=127.0.0.1:6060 examples/bench/pages.sh   # profile with go tool pprof
#   MESSEMU=/tmp/messemu-old examples/bench/pages.sh  # another build of messemu
#
# Needs go, wrk and curl (Debian: apt-get install wrk curl).
set -eu
ROUNDS=${ROUNDS:-3}
PAGES=${PAGES:-10}
DURATION=${DURATION:-6}
READERS_ON=${READERS_ON:-1}
PORT=${PORT:-28765}
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
serve=
trap 'kill $serve 2>/dev/null || true; rm -rf "$tmp"' EXIT
if [ -n "${MESSEMU:-}" ]; then cp "$MESSEMU" "$tmp/messemu"; else go build -o "$tmp/messemu" ./cmd/messemu; fi
go build -o "$tmp/pages" ./examples/bench/pages
psid=5275811702471834
{
	echo 'wrk.method = "POST"'
	echo 'wrk.headers["Content-Type"] = "application/json"'
	printf 'wrk.body = [==[{"recipient":{"id":"%s"},"messaging_type":"RESPONSE","message":{"text":"hello from wrk"}}]==]\n' "$psid"
} >"$tmp/send.lua"
base="http://127.0.0.1:$PORT"
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
ticks() { cut -d' ' -f14,15 "/proc/$1/stat" | awk '{ print $1 + $2 }'; } # CPU, in clock ticks
run() { # run PAGES CORE: one wrk run; CORE is where the readers run
	taskset -c 0 "$tmp/messemu" serve --no-demo-bot --addr "127.0.0.1:$PORT" ${PPROF:+--pprof "$PPROF"} >"$tmp/serve.log" 2>&1 &
	serve=$!
	until curl -fs -o /dev/null "$base/_messemu/v1/clock"; do sleep 0.1; done
	curl -fs -o /dev/null -XPOST "$base/_messemu/v1/users/$psid/messages" -d '{"text":"hi"}'
	readers=
	if [ "$1" -gt 0 ]; then
		taskset -c "$2" "$tmp/pages" -addr "127.0.0.1:$PORT" -n "$1" -for "$((DURATION + 2))s" >"$tmp/pages.out" &
		readers=$!
		sleep 0.5
	fi
	s0=$(ticks $serve) r0=0
	[ -z "$readers" ] || r0=$(ticks $readers)
	rate=$(taskset -c 1 wrk -t1 -c16 -d"${DURATION}s" -s "$tmp/send.lua" "$base/v26.0/me/messages?access_token=EAAMessemuTestPageToken" | awk '/^Requests\/sec:/ { printf "%d", $2 }')
	s1=$(ticks $serve) r1=0
	[ -z "$readers" ] || r1=$(ticks $readers)
	out="$rate/s, serve $(((s1 - s0) * 100 / hz / DURATION))% of core 0, $(((s1 - s0) * 1000000 / hz / (rate * DURATION))) µs CPU/send"
	if [ -n "$readers" ]; then
		last=$(curl -fs "$base/_messemu/v1/journal?limit=1" | sed -n 's/.*"last_seq":\([0-9]*\).*/\1/p')
		wait $readers
		out="$out, readers $(((r1 - r0) * 100 / hz / DURATION))% of core $2; pages read $(sed -n 's/.*, \(.*\) MB, last seq \[\([0-9]*\)[] ].*/\1 MB in all, each up to event \2/p' "$tmp/pages.out") of $last"
	fi
	kill $serve
	wait $serve 2>/dev/null || true
	echo "$out"
}
for i in $(seq "$ROUNDS"); do
	echo "round $i: no page $(run 0 1)"
	for core in $READERS_ON; do
		echo "round $i: $PAGES pages read from core $core $(run "$PAGES" "$core")"
	done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
