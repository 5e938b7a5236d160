package webui

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/messemu/messemu/fakegraph"
)

// encodedCache keeps the JSON of recent events, so that ten open pages
// cost one encoding of each event, not ten: under load the bot's send path
// shares the CPU with the stream.
type encodedCache struct {
	mu   sync.Mutex
	byID map[uint64][]byte
	keep uint64 // events kept behind the newest encoded one
}

func newEncodedCache(keep uint64) *encodedCache {
	return &encodedCache{byID: map[uint64][]byte{}, keep: keep}
}

// encode answers ev as JSON, from the cache when another page asked first.
func (c *encodedCache) encode(ev *fakegraph.Event) ([]byte, error) {
	c.mu.Lock()
	b, ok := c.byID[ev.Seq]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.byID[ev.Seq] = b
	if ev.Seq > c.keep {
		delete(c.byID, ev.Seq-c.keep)
	}
	c.mu.Unlock()
	return b, nil
}

// frameJSON writes one frame (the frame type, by hand from cached events).
func (c *encodedCache) frameJSON(evs []fakegraph.Event, lastSeq uint64, trimmed bool) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"events":[`)
	for i := range evs {
		b, err := c.encode(&evs[i])
		if err != nil {
			return nil, err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
	}
	buf.WriteString(`],"last_seq":`)
	buf.WriteString(strconv.FormatUint(lastSeq, 10))
	if trimmed {
		buf.WriteString(`,"trimmed":true`)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
