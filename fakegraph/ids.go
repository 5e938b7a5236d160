package fakegraph

import (
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"sync"
)

// IDSource makes every identifier the emulator hands out, in the platform's
// formats (PLATFORM.md §1.4). The default is random; WithIDSeed makes it
// deterministic for golden files.
type IDSource struct {
	mu  sync.Mutex
	rng *rand.Rand
}

// NewIDSource returns a source seeded with seed, or randomly when seed is 0.
func NewIDSource(seed uint64) *IDSource {
	if seed == 0 {
		var b [16]byte
		if _, err := crand.Read(b[:]); err != nil {
			panic("fakegraph: no system randomness: " + err.Error())
		}
		return &IDSource{rng: rand.New(rand.NewPCG(binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])))}
	}
	return &IDSource{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (s *IDSource) digits(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, n)
	b[0] = byte('1' + s.rng.IntN(9))
	for i := 1; i < n; i++ {
		b[i] = byte('0' + s.rng.IntN(10))
	}
	return string(b)
}

func (s *IDSource) bytes(n int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := s.rng.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (s *IDSource) alnum(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[s.rng.IntN(len(alnum))]
	}
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
