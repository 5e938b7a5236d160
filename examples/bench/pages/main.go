// Command pages opens web-UI streams on a running `messemu serve` and reads
// every frame, as that many open pages would: the load of
// examples/bench/pages.sh.
//
//	go run ./examples/bench/pages -addr 127.0.0.1:8765 -n 10 -for 12s
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// seqKey starts every event of a frame.
var seqKey = []byte(`{"seq":`)

func main() {
	addr := flag.String("addr", "127.0.0.1:8765", "messemu's address")
	n := flag.Int("n", 10, "pages to open")
	dur := flag.Duration("for", 10*time.Second, "how long to read")
	flag.Parse()
	u := url.URL{Scheme: "ws", Host: *addr, Path: "/_messemu/ui/ws", RawQuery: "after=0"}
	hdr := http.Header{"Origin": {"http://" + *addr}}
	var read, frames atomic.Int64
	lastSeq := make([]uint64, *n)
	var wg sync.WaitGroup
	for p := range *n {
		conn, _, err := websocket.DefaultDialer.Dial(u.String(), hdr)
		if err != nil {
			log.Fatalf("page %d: %v", p, err)
		}
		conn.SetReadDeadline(time.Now().Add(*dur))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			var b []byte // reused: the readers leave core 1 to wrk
			for {
				_, r, err := conn.NextReader()
				if err != nil {
					return
				}
				if b, err = readAll(b[:0], r); err != nil {
					return
				}
				read.Add(int64(len(b)))
				frames.Add(1)
				// Each event starts with its seq; finding them is cheaper
				// than decoding the frame, so the readers leave core 1 to wrk.
				for rest := b; ; {
					i := bytes.Index(rest, seqKey)
					if i < 0 {
						break
					}
					rest = rest[i+len(seqKey):]
					n := 0
					for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
						n++
					}
					seq, err := strconv.ParseUint(string(rest[:n]), 10, 64)
					if err != nil {
						log.Fatalf("page %d: frame: %v", p, err)
					}
					if seq != lastSeq[p]+1 && lastSeq[p] != 0 {
						log.Fatalf("page %d: event %d after %d", p, seq, lastSeq[p])
					}
					lastSeq[p] = seq
				}
			}
		}()
	}
	wg.Wait()
	fmt.Fprintf(os.Stdout, "%d pages: %d frames, %.1f MB, last seq %v\n", *n, frames.Load(), float64(read.Load())/1e6, lastSeq)
}

// readAll is io.ReadAll into b's memory.
func readAll(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
