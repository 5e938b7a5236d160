package fakegraph

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

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
	now := time.Now()
	if th, ok := h.(*textHandler); ok && th.plain {
		bp := lineBufs.Get().(*[]byte)
		*bp = appendCallLine((*bp)[:0], ev, start, now)
		_, _ = th.w.Write(*bp)
		lineBufs.Put(bp)
		return
	}
	// The record goes to the handler itself: Logger.LogAttrs would also
	// walk the stack for the caller's pc on every call (about 1 % of a
	// text send's CPU), and a source line would only ever name this
	// function.
	_ = h.Handle(ctx, callRecord(ev, start, now))
}

// callRecord is the record of a call's line, logged at now.
func callRecord(ev Event, start, now time.Time) slog.Record {
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
	return r
}

// NewTextHandler is slog.NewTextHandler for the log given to WithLogger:
// the same lines, but the line of a Graph API call, written for every
// call, is formatted without slog's general machinery (about 4 % of a
// text send's CPU under load). Records of a handler made from it by
// WithAttrs or WithGroup, and every other record, go through slog as
// they would. Its writes to w are whole lines, one at a time.
func NewTextHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	lw := &lockedWriter{w: w}
	plain := opts == nil || (opts.ReplaceAttr == nil && !opts.AddSource)
	return &textHandler{TextHandler: slog.NewTextHandler(lw, opts), w: lw, plain: plain}
}

// textHandler is NewTextHandler's: slog's, and the writer it shares with
// logCall's own lines.
type textHandler struct {
	*slog.TextHandler
	w *lockedWriter
	// plain: no option changes what a line holds (ReplaceAttr, AddSource),
	// so logCall may write it itself.
	plain bool
}

// lockedWriter serialises the writes of slog's handler and of logCall,
// as slog's handler serialises its own.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// appendCallLine is the line slog's text handler writes for
// callRecord(ev, start, now), held to it by TestCallLineAsSlog and
// FuzzCallLineAsSlog.
func appendCallLine(b []byte, ev Event, start, now time.Time) []byte {
	b = append(b, "time="...)
	b = appendLogTime(b, now)
	b = append(b, " level=INFO msg=graph method="...)
	b = appendLogText(b, ev.Method)
	b = append(b, " path="...)
	b = appendLogText(b, ev.Path)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(ev.Status), 10)
	if !start.IsZero() {
		b = append(b, " latency="...)
		b = append(b, now.Sub(start).Round(time.Microsecond).String()...)
	}
	if !ev.Accepted {
		if v, ok := firstError(ev.Violations); ok {
			b = append(b, " violation="...)
			b = appendLogText(b, violationText(v))
			if v.Error != nil {
				b = append(b, " error="...)
				b = appendLogText(b, v.Error.Message)
			}
		}
	}
	if n := countWarnings(ev.Violations); n > 0 {
		b = append(b, " warnings="...)
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, '\n')
}

// appendLogTime writes t as slog's text handler does: RFC 3339 with
// milliseconds, cut (not rounded) to them.
func appendLogTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		// slog writes RFC 3339 with nanoseconds of the time cut to
		// milliseconds plus a tenth of one, less the character where a
		// four-digit year puts the fourth digit of the fraction.
		const prefix = len("2006-01-02T15:04:05.000")
		n := len(b)
		b = t.Truncate(time.Millisecond).Add(time.Millisecond/10).AppendFormat(b, time.RFC3339Nano)
		return append(b[:n+prefix], b[n+prefix+1:]...)
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/int(time.Millisecond), 3)
	_, offset := t.Zone()
	if offset == 0 {
		return append(b, 'Z')
	}
	// In whole minutes, seconds dropped: an offset of -2 s is +00:00.
	sign, zone := byte('+'), offset/60
	if zone < 0 {
		sign, zone = '-', -zone
	}
	b = append(b, sign)
	b = appendDigits(b, zone/60, 2)
	b = append(b, ':')
	return appendDigits(b, zone%60, 2)
}

// appendDigits writes n, at least 0, in width digits with leading zeros.
func appendDigits(b []byte, n, width int) []byte {
	var d [4]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}

// appendLogText writes a string value as slog's text handler does: as it
// is, unless it is empty or holds a space, '=', '"', a control character,
// a character that is not printable or invalid UTF-8, when it is quoted
// as Go quotes it.
func appendLogText(b []byte, s string) []byte {
	if logTextQuoted(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func logTextQuoted(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '=' || c == '"' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
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
