#!/usr/bin/env bash
# Mutation check, run by hand before a release: plants each bug below in
# the code, one at a time, runs the tests that should notice, and reports
# whether some test failed. Every planted bug must be caught; the script
# exits 1 if one survives or no longer applies (the code moved: update its
# pattern). Files are restored after each run, and on interrupt.
#
#   .ci/mutate.sh            every mutation (a few minutes)
#   .ci/mutate.sh tag        only those whose name contains "tag"
set -uo pipefail
cd "$(dirname "$0")/.."

# name % file % perl regex (one match required) % replacement (\n, \t) % package % test names (a|b)
mutations=(
  "tag cutoff six months later%validator/send.go%time.Date\(2026, 4, 27, 0, 0, 0, 0, time.UTC\)%time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC)%./validator%PlatformFacts|SendTopLevel"
  "tag cutoff six months earlier%validator/send.go%time.Date\(2026, 4, 27, 0, 0, 0, 0, time.UTC\)%time.Date(2025, 10, 27, 0, 0, 0, 0, time.UTC)%./validator%PlatformFacts|SendTopLevel"
  "tag cutoff a year later%validator/send.go%time.Date\(2026, 4, 27, 0, 0, 0, 0, time.UTC\)%time.Date(2027, 4, 27, 0, 0, 0, 0, time.UTC)%./validator%PlatformFacts|SendTopLevel"
  "tag cutoff a year earlier%validator/send.go%time.Date\(2026, 4, 27, 0, 0, 0, 0, time.UTC\)%time.Date(2025, 4, 27, 0, 0, 0, 0, time.UTC)%./validator%PlatformFacts|SendTopLevel"
  "webhook alert at 10 min%fakegraph/webhook_retry.go%alertAfter       = 15 \* time.Minute%alertAfter       = 10 * time.Minute%./fakegraph%Webhook"
  "webhook alert at 20 min%fakegraph/webhook_retry.go%alertAfter       = 15 \* time.Minute%alertAfter       = 20 * time.Minute%./fakegraph%Webhook"
  "reply_to 24 h warning boundary inverted%validator/send.go%!s\.now\.Before\(u\.LastMessage\.Add\(StandardWindow\)\)%s.now.After(u.LastMessage.Add(StandardWindow))%./validator%PlatformFacts|SendTopLevel"
  "attachment id life 89 days%validator/attachment.go%AttachmentIDLife = 90 \* 24 \* time.Hour%AttachmentIDLife = 89 * 24 * time.Hour%./validator%PlatformFacts|Message"
  "attachment id life 91 days%validator/attachment.go%AttachmentIDLife = 90 \* 24 \* time.Hour%AttachmentIDLife = 91 * 24 * time.Hour%./validator%PlatformFacts|Message"
  "appsecret_proof as HMAC-SHA1%fakegraph/auth.go%m := hmac.New\(sha256.New, \[\]byte\(appSecret\)\)%m := hmac.New(sha1.New, []byte(appSecret))%./fakegraph%Proof|KnownVectors"
  "appsecret_proof keyed with the token%fakegraph/auth.go%m := hmac.New\(sha256.New, \[\]byte\(appSecret\)\)\n\tm.Write\(\[\]byte\(token\)\)%m := hmac.New(sha256.New, []byte(token))\n\tm.Write([]byte(appSecret))%./fakegraph%Proof|KnownVectors"
  "webhook sha256 signature keyed wrong%fakegraph/webhook_sign.go%m := hmac.New\(sha256.New, \[\]byte\(secret\)\)%m := hmac.New(sha256.New, []byte(secret+\"x\"))%./fakegraph%Webhook|Signature"
  "control API without its guard%fakegraph/control_guard.go%err := s.checkControl\(r\)%err := error(nil)%./fakegraph%Control|LocalRequest"
  "control API accepts any Host%fakegraph/control_guard.go%if localName\(host\) \|\| host == graphHost \{%if true {%./fakegraph%Control|LocalRequest"
  "control API ignores Origin%fakegraph/control_guard.go%if localName\(oh\) \|\| oh == hostName\(r.Host\) \{%if true {%./fakegraph%Control|LocalRequest"
  "CA without the IP exclusion%fakegraph/intercept/ca.go%ExcludedIPRanges:            allIPs\(\),%ExcludedIPRanges:            nil,%./fakegraph/intercept%Forged|Constrain|OlderCA"
  "CA key mode not checked%fakegraph/intercept/ca.go%if perm := info.Mode\(\).Perm\(\); perm&0o077 != 0 \{%if perm := info.Mode().Perm(); perm&0o077 == 0o777 {%./fakegraph/intercept%ReadableByOthers"
  "clock offset overflows%fakegraph/clock.go%if !c.frozen && c.offset > math.MaxInt64-d \{%if false {%./fakegraph%Clock"
  "clock moves backwards%fakegraph/clock.go%if d < 0 \{\n\t\treturn c.nowLocked\(\), errors.New%if false {\n\t\treturn c.nowLocked(), errors.New%./fakegraph%Clock"
  "over-cap body not drained%fakegraph/body.go%const overCapDrain = 512 << 20%const overCapDrain = 0%./fakegraph%OverCap"
  "refused body journalled whole%fakegraph/body.go%if t == nil \|\| \(!t.drained && len\(req\) <= journalBodyMax\) \{%if true {%./fakegraph%RefusedLarge"
  "appsecret_proof journalled in full%fakegraph/call.go%\"appsecret_proof\": true, %\"appsecret_proof\": false, %./fakegraph%ShortensSecrets"
  "multipart parts unbounded%fakegraph/decode.go%if parts == maxMultipartParts \{%if parts < 0 {%./fakegraph%ManyParts"
  "intercept without a read timeout%fakegraph/intercept/proxy.go%\t\tReadTimeout:       read,\n\t\tIdleTimeout:       idle,\n\t\tErrorLog:          log%\t\tIdleTimeout:       idle,\n\t\tErrorLog:          log%./fakegraph/intercept%SlowBody"
  "page token in the start-up log%cmd/messemu/startup.go%\"control\", srv.URL\(\)\+\"/_messemu/v1/\", \"page_id\", srv.Pages\(\)\[0\].ID\)%\"control\", srv.URL()+\"/_messemu/v1/\", \"page_id\", srv.Pages()[0].ID, \"page_token\", srv.Pages()[0].Token)%./cmd/messemu%PageTokenOut"
)

filter="${1:-}"
caught=0 survived=0 stale=0
backup=""
restore() { if [ -n "$backup" ]; then cp "$backup" "$target"; rm -f "$backup"; backup=""; fi; }
trap 'restore; exit 130' INT TERM

for m in "${mutations[@]}"; do
  IFS='%' read -r name target pattern replacement pkg runs <<<"$m"
  run="$runs" # unanchored: any test whose name contains one of them
  case "$name" in *"$filter"*) ;; *) continue ;; esac
  listed="$(go test -list "$run" "$pkg" 2>/dev/null || true)"
  if ! grep -q '^Test' <<<"$listed"; then
    echo "STALE    $name: no test in $pkg matches -run '$run'"
    stale=$((stale + 1))
    continue
  fi
  backup="$(mktemp)"
  cp "$target" "$backup"
  count=$(PAT="$pattern" perl -0ne '$n = () = /$ENV{PAT}/g; print $n' "$target")
  if [ "$count" != "1" ]; then
    echo "STALE    $name: the pattern matches $count times in $target"
    stale=$((stale + 1))
    restore
    continue
  fi
  PAT="$pattern" REP="$replacement" perl -0pi -e 'BEGIN { ($r = $ENV{REP}) =~ s/\\n/\n/g; $r =~ s/\\t/\t/g } s/$ENV{PAT}/$r/' "$target"
  if go test -count=1 -run "$run" "$pkg" >/dev/null 2>&1; then
    echo "SURVIVED $name ($target; go test -run '$run' $pkg passed)"
    survived=$((survived + 1))
  else
    echo "caught   $name"
    caught=$((caught + 1))
  fi
  restore
done
echo "mutations: $caught caught, $survived survived, $stale stale"
[ "$survived" -eq 0 ] && [ "$stale" -eq 0 ]
