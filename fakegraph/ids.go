package fakegraph

import (
	"encoding/base64"
	"math/rand/v2"
	"sync"
)

// IDSource makes every identifier the emulator hands out, in the platform's
// formats. The default draws from the runtime's random
// source, without a lock; WithIDSeed makes it deterministic for golden files.
type IDSource struct {
	mu  sync.Mutex
	rng *rand.Rand // nil: the runtime's source
}

// NewIDSource returns a source seeded with seed, or random when seed is 0.
func NewIDSource(seed uint64) *IDSource {
	if seed == 0 {
		return &IDSource{}
	}
	return &IDSource{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// begin starts drawing one identifier and end finishes it: a seeded
// source is locked in between, so an identifier's numbers come in one run
// and a seed gives the same identifiers every time.
func (s *IDSource) begin() {
	if s.rng != nil {
		s.mu.Lock()
	}
}

func (s *IDSource) end() {
	if s.rng != nil {
		s.mu.Unlock()
	}
}

// next is the next random number, between begin and end.
func (s *IDSource) next() uint64 {
	if s.rng == nil {
		return rand.Uint64()
	}
	return s.rng.Uint64()
}

// The identifiers are drawn into arrays on the stack and made strings
// once: every send makes a mid, a request id and a trace id.

func (s *IDSource) digits(n int) string {
	var buf [32]byte
	b := buf[:0]
	if n > len(buf) {
		b = make([]byte, 0, n)
	}
	s.begin()
	b = append(b, byte('1'+s.next()%9))
	for i := 1; i < n; i++ {
		b = append(b, byte('0'+s.next()%10))
	}
	s.end()
	return string(b)
}

// fill fills b with random bytes.
func (s *IDSource) fill(b []byte) {
	s.begin()
	for i := 0; i < len(b); i += 8 {
		v := s.next()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	s.end()
}

func (s *IDSource) bytes(n int) []byte {
	b := make([]byte, n)
	s.fill(b)
	return b
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (s *IDSource) alnum(n int) string {
	var buf [128]byte
	b := buf[:0]
	if n > len(buf) {
		b = make([]byte, 0, n)
	}
	s.begin()
	for range n {
		b = append(b, alnum[s.next()%uint64(len(alnum))])
	}
	s.end()
	return string(b)
}

// MID is a message id: "m_" and 86 base64url characters.
func (s *IDSource) MID() string {
	var raw [compactMIDLen]byte
	s.fill(raw[:])
	var out [midLen]byte
	out[0], out[1] = 'm', '_'
	base64.RawURLEncoding.Encode(out[2:], raw[:])
	return string(out[:])
}

// PSID is a page-scoped user id: 16 digits.
func (s *IDSource) PSID() string { return s.digits(16) }

// PageID is 15 digits.
func (s *IDSource) PageID() string { return s.digits(15) }

// ObjectID is an attachment, persona or label id: 16 digits.
func (s *IDSource) ObjectID() string { return s.digits(16) }

// TraceID is an fbtrace_id: 23 alphanumerics.
func (s *IDSource) TraceID() string { return s.alnum(23) }

// HeaderTraceID is an x-fb-trace-id: 11 characters.
func (s *IDSource) HeaderTraceID() string { return s.alnum(11) }

// RequestID is an x-fb-request-id.
func (s *IDSource) RequestID() string { return s.alnum(22) }

// RequestAndTraceID are RequestID and then HeaderTraceID, the same
// draws, made one string: every answer carries both.
func (s *IDSource) RequestAndTraceID() (request, trace string) {
	both := s.alnum(22 + 11)
	return both[:22], both[22:]
}

// Token is a random access token in the platform's "EAA" form.
func (s *IDSource) Token() string { return "EAA" + s.alnum(120) }

// Number is a random decimal of n digits, for challenges and the like.
func (s *IDSource) Number(n int) string { return s.digits(n) }
