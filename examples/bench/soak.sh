#!/bin/sh
# soak.sh runs `messemu serve` with its default settings and webhooks on
# (the built-in demo bot receives every event, signed, and answers) under
# a steady load of SENDS text sends, in chunks of CHUNK, and prints the
# rate and the process's RSS after each chunk: with the retention full,
# both should stay flat.
#
#   examples/bench/soak.sh                      # 10,000,000 sends
#   SENDS=2000000 CHUNK=500000 examples/bench/soak.sh
#
# Needs go, hey and curl.
set -eu

SENDS=${SENDS:-10000000}
CHUNK=${CHUNK:-1000000}
CONNS=${CONNS:-32}
PORT=${PORT:-38767}
MESSEMU_FLAGS=${MESSEMU_FLAGS:-}

for tool in go hey curl; do
	command -v "$tool" >/dev/null || { echo "soak.sh: $tool is not installed" >&2; exit 2; }
done
if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/"; then
	echo "soak.sh: something already listens on 127.0.0.1:$PORT (set PORT)" >&2
	exit 2
fi
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT INT TERM
go build -o "$tmp/messemu" ./cmd/messemu
# shellcheck disable=SC2086
"$tmp/messemu" serve --addr "127.0.0.1:$PORT" --log-level warn $MESSEMU_FLAGS &
pid=$!
for _ in $(seq 100); do
	curl -fs -o /dev/null "http://127.0.0.1:$PORT/_messemu/v1/clock" && break
	sleep 0.1
done
psid=5275811702471834
curl -fs -o /dev/null -XPOST "http://127.0.0.1:$PORT/_messemu/v1/users/$psid/messages" -d '{"text":"hi"}'
send='{"recipient":{"id":"'$psid'"},"messaging_type":"RESPONSE","message":{"text":"hello from the soak"}}'

# webhook prints the dispatcher's counters: pending delivered dropped.
webhook() {
	curl -fs "http://127.0.0.1:$PORT/_messemu/v1/webhook" | tr -d '\n' |
		sed -n 's/.*"pending":\([0-9]*\).*"delivered":\([0-9]*\).*"dropped":\([0-9]*\).*/\1 \2 \3/p'
}

echo "| sends | rate in the chunk | RSS | journal first / last seq | webhooks delivered in the chunk | pending / delivered / dropped |"
echo "| ---: | ---: | ---: | --- | ---: | --- |"
done_=0
delivered0=0
while [ "$done_" -lt "$SENDS" ]; do
	n=$((SENDS - done_ < CHUNK ? SENDS - done_ : CHUNK))
	start=$(date +%s.%N)
	rate=$(hey -n "$n" -c "$CONNS" -m POST -T application/json -d "$send" \
		"http://127.0.0.1:$PORT/v26.0/me/messages?access_token=EAAMessemuTestPageToken" |
		awk '/Requests\/sec:/ { printf "%d", $2 }')
	secs=$(echo "$start $(date +%s.%N)" | awk '{ print $2 - $1 }')
	done_=$((done_ + n))
	rss=$(awk '$1 == "VmRSS:" { printf "%d", $2 / 1024 }' "/proc/$pid/status")
	seqs=$(curl -fs "http://127.0.0.1:$PORT/_messemu/v1/journal?limit=1" | sed -n 's/.*"last_seq":\([0-9]*\),"first_seq":\([0-9]*\).*/\2 \/ \1/p')
	# shellcheck disable=SC2046
	set -- $(webhook)
	hooks=$(echo "${2:-0} $delivered0 $secs" | awk '{ printf "%d", ($1 - $2) / $3 }')
	delivered0=${2:-0}
	echo "| $done_ | $rate/s | $rss MiB | ${seqs:-?} | $hooks/s | ${1:-?} / ${2:-?} / ${3:-?} |"
done
echo "peak RSS $(awk '$1 == "VmHWM:" { printf "%d", $2 / 1024 }' "/proc/$pid/status") MiB; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
