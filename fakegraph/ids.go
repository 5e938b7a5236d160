package fakegraph

import (
	"encoding/base64"
	"math/rand/v2"
	"sync"
)

// IDSource makes every identifier the emulator hands out, in the platform's
// formats (PLATFORM.md §1.4). The default draws from the runtime's random
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

// draw calls f with a source of random numbers, locking a seeded one.
func (s *IDSource) draw(f func(next func() uint64)) {
	if s.rng == nil {
		f(rand.Uint64)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.rng.Uint64)
}

func (s *IDSource) digits(n int) string {
	b := make([]byte, n)
	s.draw(func(next func() uint64) {
		b[0] = byte('1' + next()%9)
		for i := 1; i < n; i++ {
			b[i] = byte('0' + next()%10)
		}
	})
	return string(b)
}

func (s *IDSource) bytes(n int) []byte {
	b := make([]byte, n)
	s.draw(func(next func() uint64) {
		for i := 0; i < n; i += 8 {
			v := next()
			for j := 0; j < 8 && i+j < n; j++ {
				b[i+j] = byte(v >> (8 * j))
			}
		}
	})
	return b
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (s *IDSource) alnum(n int) string {
	b := make([]byte, n)
	s.draw(func(next func() uint64) {
		for i := range b {
			b[i] = alnum[next()%uint64(len(alnum))]
		}
	})
	return string(b)
}

// MID is a message id: "m_" and 86 base64url characters.
func (s *IDSource) MID() string {
	return "m_" + base64.RawURLEncoding.EncodeToString(s.bytes(64))[:86]
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

// Token is a random access token in the platform's "EAA" form.
func (s *IDSource) Token() string { return "EAA" + s.alnum(120) }

// Number is a random decimal of n digits, for challenges and the like.
func (s *IDSource) Number(n int) string { return s.digits(n) }
