package fakegraph

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/messemu/messemu/validator"
)

// slogLine is the line slog's own text handler writes for a call.
func slogLine(t testing.TB, ev Event, start, now time.Time) string {
	t.Helper()
	var buf bytes.Buffer
	if err := slog.NewTextHandler(&buf, nil).Handle(context.Background(), callRecord(ev, start, now)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// callEvent is an event with the fields a call's line reads.
func callEvent(method, path string, status int, refused bool, rule, message string, warnings int) Event {
	ev := Event{Method: method, Path: path, Status: status, Accepted: !refused}
	if refused {
		v := validator.Violation{Path: "message.text", Rule: rule, Limit: "2000", Severity: validator.SeverityError}
		if message != "" {
			v.Error = &validator.GraphError{Message: message, Code: 100}
		}
		ev.Violations = append(ev.Violations, v)
	}
	for range warnings {
		ev.Violations = append(ev.Violations, validator.Violation{Rule: "w", Severity: validator.SeverityWarning})
	}
	return ev
}

func TestCallLineAsSlog(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 12, 7, 9, 18, 44, 123456789, time.UTC)
	zones := []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800), time.FixedZone("BRT", -3*3600), time.FixedZone("odd", -(9*3600 + 30*60 + 17))}
	times := []time.Time{
		base,
		base.Add(-123456789 * time.Nanosecond), // .000
		time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.UTC), // cut, not rounded
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999000000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Now(), // with a monotonic reading
	}
	texts := []string{"", "POST", "/v26.0/me/messages", "/a b", "/a=b", `/a"b`, `/a\b`, "/a\tb", "/\x7f", "/\x00",
		"/ü", "/\xff", "/\u00a0", "/\u200b", "/\ufffd", "/\u2028", "(#100) The parameter message is required", "日本"}
	var n int
	for _, z := range zones {
		for _, tm := range times {
			now := tm.In(z)
			for i, s := range texts {
				starts := []time.Time{{}, now.Add(-1500 * time.Nanosecond), now.Add(-3 * time.Second)}
				ev := callEvent("POST", s, 200+i, i%2 == 1, "rule "+s, s, i%3)
				start := starts[i%len(starts)]
				want := slogLine(t, ev, start, now)
				got := string(appendCallLine(nil, ev, start, now))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%v, text %q: line differs from slog's (-slog +ours):\n%s", now, s, diff)
				}
				n++
			}
		}
	}
	if n < 500 {
		t.Fatalf("compared %d lines, want the whole table", n)
	}
}

func FuzzCallLineAsSlog(f *testing.F) {
	f.Add("POST", "/v26.0/me/messages", 200, false, "", "", int64(1765099124123456789), 0, int64(25000))
	f.Add("GET", "/a b=\"c\"", 400, true, "message.text.length", "(#100) Param message[text] must be at most 2000 characters long.", int64(0), 3, int64(-1))
	f.Add("DELETE", "/\xff\u00a0", 500, true, "r\u2028", "", int64(-62135596800000000), -19800, int64(1))
	f.Fuzz(func(t *testing.T, method, path string, status int, refused bool, rule, message string, unixNano int64, offset int, latency int64) {
		now := time.Unix(0, unixNano).In(time.FixedZone("z", offset%(18*3600)))
		var start time.Time
		if latency >= 0 {
			start = now.Add(-time.Duration(latency))
		}
		ev := callEvent(method, path, status, refused, rule, message, int(uint(status)%3))
		want := slogLine(t, ev, start, now)
		if got := string(appendCallLine(nil, ev, start, now)); got != want {
			t.Fatalf("line differs from slog's:\nslog: %q\nours: %q", want, got)
		}
	})
}

// TestTextHandlerWritesCallLines: a server logging through NewTextHandler
// writes the call's line itself, as slog would have; with ReplaceAttr set,
// slog writes it, and the option is heeded.
func TestTextHandlerWritesCallLines(t *testing.T) {
	t.Parallel()
	var plain, replaced bytes.Buffer
	hp := NewTextHandler(&plain, nil)
	hr := NewTextHandler(&replaced, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "path" {
			a.Value = slog.StringValue("hidden")
		}
		return a
	}})
	if th, ok := hp.(*textHandler); !ok || !th.plain {
		t.Fatalf("NewTextHandler(w, nil) = %T, want a plain *textHandler", hp)
	}
	if th := hr.(*textHandler); th.plain {
		t.Fatal("a handler with ReplaceAttr is plain: logCall would skip the option")
	}
	ev := callEvent("POST", "/v26.0/me/messages", 400, true, "message.text.length", "(#100) too long", 1)
	for _, h := range []slog.Handler{hp, hr} {
		s := &Server{log: slog.New(h)}
		s.logCall(ev, time.Now().Add(-time.Millisecond))
	}
	line := plain.String()
	for _, want := range []string{"level=INFO msg=graph method=POST path=/v26.0/me/messages status=400 latency=", ` violation="message.text: message.text.length (limit 2000)" error="(#100) too long" warnings=1` + "\n"} {
		if !strings.Contains(line, want) {
			t.Errorf("the call's line %q lacks %q", line, want)
		}
	}
	if got := replaced.String(); !strings.Contains(got, " path=hidden ") {
		t.Errorf("with ReplaceAttr the line is %q, want its path replaced", got)
	}
	// Other records and derived handlers still reach the writer through slog.
	slog.New(hp).With("k", "v").Warn("other")
	if got := plain.String(); !strings.Contains(got, "level=WARN msg=other k=v\n") {
		t.Errorf("a derived handler's record is missing from %q", got)
	}
}

// BenchmarkLogCall: a call's line through slog's text handler and through
// NewTextHandler's own writing, to an in-memory writer.
func BenchmarkLogCall(b *testing.B) {
	ev := callEvent("POST", "/v26.0/me/messages", 200, false, "", "", 0)
	for _, c := range []struct {
		name string
		h    slog.Handler
	}{
		{"slog", slog.NewTextHandler(io.Discard, nil)},
		{"own", NewTextHandler(io.Discard, nil)},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := &Server{log: slog.New(c.h)}
			start := time.Now()
			b.ReportAllocs()
			for b.Loop() {
				s.logCall(ev, start)
			}
		})
	}
}
