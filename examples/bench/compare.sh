#!/bin/sh
# compare.sh measures `messemu serve` side by side with a bare net/http
# server that only decodes the same JSON (examples/bench/bare), as a user
# meets it (a second bare server also writes the headers messemu answered
# with, to show what net/http's writing of the platform's header set costs
# on its own): default settings, after a fill of FILL sends (hey -n), both pinned to
# one core (taskset, where it exists) and the load generator on another,
# interleaved wrk rounds, then a fixed-rate pass (examples/bench/rate: RATE
# sends a second on an open schedule, p99). Each round also sends the
# 10-element generic template to messemu and to the bare server, whose
# decoding of it is the yardstick of messemu's template rate. It prints one
# table and the ratio, by rate and by each server's CPU time a request
# (/proc/PID/stat over the round), which a busy or virtual machine disturbs
# far less.
#
#   examples/bench/compare.sh                 # the defaults below
#   FILL=100000 ROUNDS=2 DURATION=10s examples/bench/compare.sh
#   MESSEMU_FLAGS='--retention 0' examples/bench/compare.sh
#
# Needs go, wrk, hey and curl (Debian: apt-get install wrk hey curl).
set -eu

FILL=${FILL:-1000000}          # sends into messemu before measuring
ROUNDS=${ROUNDS:-3}            # interleaved wrk rounds per server
DURATION=${DURATION:-20s}      # length of one wrk round
CONNS=${CONNS:-32}             # wrk connections
RATE=${RATE:-2000}             # fixed-rate pass, sends a second
RATE_FOR=${RATE_FOR:-20s}      # length of the fixed-rate pass
MESSEMU_FLAGS=${MESSEMU_FLAGS:-}
PORT_M=${PORT_M:-38765}
PORT_B=${PORT_B:-38766}
PORT_H=${PORT_H:-38768}

for tool in go wrk hey curl; do
	command -v "$tool" >/dev/null || { echo "compare.sh: $tool is not installed" >&2; exit 2; }
done
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

for port in "$PORT_M" "$PORT_B" "$PORT_H"; do
	if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
		echo "compare.sh: something already listens on 127.0.0.1:$port (set PORT_M / PORT_B / PORT_H)" >&2
		exit 2
	fi
done
go build -o "$tmp/messemu" ./cmd/messemu
go build -o "$tmp/bare" ./examples/bench/bare
go build -o "$tmp/rate" ./examples/bench/rate

# The servers share core 0, the load generator has core 1 (one server is
# under load at a time).
server_cpu="" load_cpu=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	server_cpu="taskset -c 0" load_cpu="taskset -c 1"
fi

# shellcheck disable=SC2086
# Default settings but the demo bot: the info log of every call included
# (written to a file, as a terminal would take it).
$server_cpu "$tmp/messemu" serve --addr "127.0.0.1:$PORT_M" --no-demo-bot $MESSEMU_FLAGS 2>"$tmp/serve.log" &
mpid=$!
pids="$pids $mpid"
$server_cpu "$tmp/bare" -addr "127.0.0.1:$PORT_B" &
bpid=$!
pids="$pids $bpid"
for _ in $(seq 100); do
	curl -fs -o /dev/null "http://127.0.0.1:$PORT_M/_messemu/v1/clock" && curl -s -o /dev/null "http://127.0.0.1:$PORT_B/" && break
	sleep 0.1
done
for p in $mpid $bpid; do
	kill -0 "$p" 2>/dev/null || { echo "compare.sh: a server did not start" >&2; exit 1; }
done

psid=5275811702471834
token=EAAMessemuTestPageToken
send='{"recipient":{"id":"'$psid'"},"messaging_type":"RESPONSE","message":{"text":"hello from wrk"}}'
el='{"title":"Classic T-shirt","subtitle":"Soft cotton, in four colours","image_url":"https://example.com/shirt.png","default_action":{"type":"web_url","url":"https://example.com/shirt","webview_height_ratio":"tall"},"buttons":[{"type":"web_url","url":"https://example.com/buy","title":"Buy"},{"type":"postback","title":"Details","payload":"DETAILS"},{"type":"phone_number","title":"Call","payload":"+15555550101"}]}'
els=$el,$el,$el,$el,$el,$el,$el,$el,$el,$el
generic='{"recipient":{"id":"'$psid'"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":['$els']}}}}'
path="/v26.0/me/messages?access_token=$token"

# The user writes first: the 24-hour window opens (a send outside it is refused).
curl -fs -o /dev/null -XPOST "http://127.0.0.1:$PORT_M/_messemu/v1/users/$psid/messages" -d '{"text":"hi"}'
# The headers of messemu's answer to a send, for the bare server that writes them.
curl -fs -o /dev/null -D "$tmp/headers.txt" -XPOST -H 'Content-Type: application/json' -d "$send" "http://127.0.0.1:$PORT_M$path"
$server_cpu "$tmp/bare" -addr "127.0.0.1:$PORT_H" -headers "$tmp/headers.txt" &
hpid=$!
pids="$pids $hpid"
for _ in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT_H/" && break
	sleep 0.1
done
kill -0 "$hpid" 2>/dev/null || { echo "compare.sh: the bare server with headers did not start" >&2; exit 1; }

lua() { # lua FILE BODY
	{
		echo 'wrk.method = "POST"'
		echo 'wrk.headers["Content-Type"] = "application/json"'
		printf 'wrk.body = [==[%s]==]\n' "$2"
	} >"$1"
}
lua "$tmp/send.lua" "$send"
lua "$tmp/generic.lua" "$generic"

rss() { # rss PID FIELD: a /proc status field in MiB
	awk -v f="$2:" '$1 == f { printf "%d", $2 / 1024 }' "/proc/$1/status"
}
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
ticks() { # ticks PID: the CPU time the process has used, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
rate() { # rate URL LUA PID: "req/s cpu" of one wrk round, cpu the server's CPU µs a request
	t0=$(ticks "$3")
	$load_cpu wrk -t2 -c"$CONNS" -d"$DURATION" -s "$2" "$1" >"$tmp/wrk.out"
	t1=$(ticks "$3")
	awk -v t="$((t1 - t0))" -v hz="$hz" '/requests in/ { n = $1 } /^Requests\/sec:/ { r = $2 }
		END { printf "%d %d", r, (n > 0 ? t * 1000000 / hz / n : 0) }' "$tmp/wrk.out"
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

if [ "$FILL" -gt 0 ]; then
	echo "filling messemu with $FILL sends..." >&2
	start=$(date +%s)
	$load_cpu hey -n "$FILL" -c "$CONNS" -m POST -T application/json -d "$send" "http://127.0.0.1:$PORT_M$path" |
		awk '/Requests\/sec:/ { printf "fill: %d sends/s\n", $2 } / responses/ { print "fill: " $0 }' >&2
	echo "filled in $(($(date +%s) - start)) s; messemu RSS $(rss $mpid VmRSS) MiB" >&2
fi

mr="" br="" hr="" gr="" mcs="" bcs="" hcs="" gcs="" bgr="" bgcs=""
for i in $(seq "$ROUNDS"); do
	set -- $(rate "http://127.0.0.1:$PORT_B$path" "$tmp/send.lua" "$bpid")
	b=$1 bc=$2
	set -- $(rate "http://127.0.0.1:$PORT_H$path" "$tmp/send.lua" "$hpid")
	h=$1 hc=$2
	set -- $(rate "http://127.0.0.1:$PORT_M$path" "$tmp/send.lua" "$mpid")
	m=$1 mc=$2
	set -- $(rate "http://127.0.0.1:$PORT_M$path" "$tmp/generic.lua" "$mpid")
	g=$1 gc=$2
	set -- $(rate "http://127.0.0.1:$PORT_B$path" "$tmp/generic.lua" "$bpid")
	bg=$1 bgc=$2
	echo "round $i: bare $b/s ($bc µs CPU a request), bare with headers $h/s ($hc µs), messemu $m/s ($mc µs), generic template $g/s ($gc µs; RSS $(rss $mpid VmRSS) MiB), bare's generic template $bg/s ($bgc µs)" >&2
	br="$br $b" hr="$hr $h" mr="$mr $m" gr="$gr $g" bcs="$bcs $bc" hcs="$hcs $hc" mcs="$mcs $mc" gcs="$gcs $gc" bgr="$bgr $bg" bgcs="$bgcs $bgc"
done
g=$(echo "$gr" | median)
gc=$(echo "$gcs" | median)
bg=$(echo "$bgr" | median)
bgc=$(echo "$bgcs" | median)

p99() { # p99 URL: the 99th percentile at RATE sends a second, in ms, and the generator's own lateness at its p99
	$load_cpu "$tmp/rate" -url "$1" -body "$send" -rate "$RATE" -for "$RATE_FOR" |
		awk '/^latency|^generator lateness/ { for (i = 1; i < NF; i++) if ($i == "p99") printf "%s ", $(i + 1) }'
}
# (padded with "?", so that a pass that printed nothing reads as unknown)
set -- $(p99 "http://127.0.0.1:$PORT_B$path") "?" "?"
bp=$1 bl=$2
set -- $(p99 "http://127.0.0.1:$PORT_H$path") "?" "?"
hp=$1 hl=$2
set -- $(p99 "http://127.0.0.1:$PORT_M$path") "?" "?"
mp=$1 ml=$2

bmed=$(echo "$br" | median)
hmed=$(echo "$hr" | median)
hcmed=$(echo "$hcs" | median)
mmed=$(echo "$mr" | median)
bcmed=$(echo "$bcs" | median)
mcmed=$(echo "$mcs" | median)
sent=$(curl -fs "http://127.0.0.1:$PORT_M/_messemu/v1/journal?limit=1" | sed -n 's/.*"last_seq":\([0-9]*\).*/\1/p')
echo
echo "| server, same run | median req/s | % of bare | rounds | CPU µs a request (rounds) | peak RSS | p99 at $RATE/s |"
echo "| --- | ---: | ---: | --- | --- | ---: | ---: |"
echo "| bare net/http (decode only) | $bmed | 100 % | $(echo $br | sed 's/ / \/ /g') | $(echo $bcs | sed 's/ / \/ /g') | $(rss $bpid VmHWM) MiB | $bp ms |"
echo "| bare net/http + messemu's $(grep -c -i -v -e '^date:' -e '^content-length:' -e '^HTTP/' -e '^.$' "$tmp/headers.txt") answer headers | $hmed | $((100 * hmed / bmed)) % | $(echo $hr | sed 's/ / \/ /g') | $(echo $hcs | sed 's/ / \/ /g') | $(rss $hpid VmHWM) MiB | $hp ms |"
echo "| messemu serve $MESSEMU_FLAGS | $mmed | $((100 * mmed / bmed)) % | $(echo $mr | sed 's/ / \/ /g') | $(echo $mcs | sed 's/ / \/ /g') | $(rss $mpid VmHWM) MiB | $mp ms |"
echo
echo "messemu: 10-element generic template, median $g/s (rounds $(echo $gr | sed 's/ / \/ /g')), $gc µs CPU a send ($((100 * g / mmed)) % of its text rate; by CPU a send $((100 * mcmed / (gc > 0 ? gc : 1))) %); fill $FILL sends; journal last seq ${sent:-?}; RSS now $(rss $mpid VmRSS) MiB"
echo "bare: the same generic template, median $bg/s (rounds $(echo $bgr | sed 's/ / \/ /g')), $bgc µs CPU a request ($((100 * bg / (bmed > 0 ? bmed : 1))) % of its text rate); messemu's template rate is $((100 * g / (bg > 0 ? bg : 1))) % of bare's"
echo "by CPU a request: bare's is $((100 * bcmed / (mcmed > 0 ? mcmed : 1))) % of messemu's (the rates' ratio on one core, less the noise of a shared machine); bare with the headers' is $((100 * hcmed / (mcmed > 0 ? mcmed : 1))) %"
echo "messemu's rate is $((100 * mmed / (hmed > 0 ? hmed : 1))) % of the bare server's with the same headers"
echo "fixed-rate pass: the load generator sent its requests late by (p99) $bl / $hl / $ml ms (bare / with headers / messemu), which the p99s include"
echo "pinning: ${server_cpu:-none} (servers), ${load_cpu:-none} (wrk, hey); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
