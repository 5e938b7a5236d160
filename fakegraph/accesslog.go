package fakegraph

import (
	"context"
	"log/slog"
	"time"

	"github.com/messemu/messemu/validator"
)

// The lines a person watching `messemu serve` reads at the info level: one
// per Graph API call here, one per failed webhook attempt in package webhook
// (post.go; alerts log their own warning). They carry what the journal carries minus the bodies, and never
// a secret: the path is the URL's path only (the token travels in the query,
// a form field or a header), and no request body is logged.

// logCall writes the line of one Graph API call: method, path, status,
// latency and, when refused, the first error violation, which is the one
// the platform answers.
func (s *Server) logCall(ev Event, start time.Time) {
	ctx := context.Background()
	h := s.log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	// The record goes to the handler itself: Logger.LogAttrs would also
	// walk the stack for the caller's pc on every call (about 1 % of a
	// text send's CPU), and a source line would only ever name this
	// function.
	now := time.Now()
	r := slog.NewRecord(now, slog.LevelInfo, "graph", 0)
	r.AddAttrs(
		slog.String("method", ev.Method),
		slog.String("path", ev.Path),
		slog.Int("status", ev.Status))
	if !start.IsZero() {
		r.AddAttrs(slog.Duration("latency", now.Sub(start).Round(time.Microsecond)))
	}
	if !ev.Accepted {
		if v, ok := firstError(ev.Violations); ok {
			r.AddAttrs(slog.String("violation", violationText(v)))
			if v.Error != nil {
				r.AddAttrs(slog.String("error", v.Error.Message))
			}
		}
	}
	if n := countWarnings(ev.Violations); n > 0 {
		r.AddAttrs(slog.Int("warnings", n))
	}
	_ = h.Handle(ctx, r)
}

func firstError(vs []validator.Violation) (validator.Violation, bool) {
	for _, v := range vs {
		if v.Severity == validator.SeverityError {
			return v, true
		}
	}
	return validator.Violation{}, false
}

func countWarnings(vs []validator.Violation) int {
	n := 0
	for _, v := range vs {
		if v.Severity == validator.SeverityWarning {
			n++
		}
	}
	return n
}

// violationText is a violation in one phrase: "path: rule (limit N)".
func violationText(v validator.Violation) string {
	out := v.Rule
	if v.Path != "" {
		out = v.Path + ": " + out
	}
	if v.Limit != "" {
		out += " (limit " + v.Limit + ")"
	}
	return out
}
