package webui

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/messemu/messemu/fakegraph"
)

// BenchmarkSendWithPages is what open pages cost the emulator: validated
// text sends through the emulator's handler (in process, as many at once
// as GOMAXPROCS allows), with no page open or with ten streams read to
// the end by another process (this test binary, TestPagesReader), so
// that the readers' own work is not counted. cpu-ns/send is the
// process's CPU time (user and system, from getrusage) over the sends,
// including the stream's work until every page has been written the last
// event: compare it between pages=0 and pages=10.
//
//	go test -run '^$' -bench SendWithPages -count 5 ./webui/
func BenchmarkSendWithPages(b *testing.B) {
	for _, pages := range []int{0, 1, 10} {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) { benchSendWithPages(b, pages) })
	}
}

const benchSend = `{"recipient":{"id":"5275811702471834"},"messaging_type":"RESPONSE","message":{"text":"hello from the benchmark"}}`

func benchSendWithPages(b *testing.B, pages int) {
	defer debug.SetGCPercent(debug.SetGCPercent(200)) // as serve runs
	srv := fakegraph.New(fakegraph.WithRetention(fakegraph.DefaultServeRetention))
	b.Cleanup(func() { _ = srv.Close() })
	if _, err := srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hi"}); err != nil {
		b.Fatal(err)
	}
	ui := New(srv)
	h := ui.Wrap(srv.Handler())
	ts := httptest.NewServer(h)
	b.Cleanup(ts.Close)
	b.Cleanup(ui.Close)
	if pages > 0 {
		stop := startReaders(b, ts.Listener.Addr().String(), pages)
		b.Cleanup(stop)
		for ui.Clients() < pages {
			time.Sleep(time.Millisecond)
		}
	}
	target := "/v26.0/me/messages?access_token=" + fakegraph.DefaultPageToken
	before := cpuTime()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(benchSend))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
	b.StopTimer()
	if pages > 0 {
		waitPagesWritten(b, ui, pages)
	}
	if after := cpuTime(); after > 0 {
		b.ReportMetric(float64((after-before).Nanoseconds())/float64(b.N), "cpu-ns/send")
	}
}

// waitPagesWritten waits until every page has been written the journal's
// newest event.
func waitPagesWritten(b *testing.B, ui *UI, pages int) {
	last := ui.srv.Journal().Last()
	deadline := time.Now().Add(30 * time.Second)
	for {
		done := 0
		ui.hub.mu.Lock()
		for c := range ui.hub.clients {
			if c.sent.Load() >= last {
				done++
			}
		}
		ui.hub.mu.Unlock()
		if done == pages {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d pages written up to event %d after 30 s", done, pages, last)
		}
		time.Sleep(time.Millisecond)
	}
}

// readersEnv tells this test binary, started again, to read pages.
const readersEnv = "MESSEMU_BENCH_READERS"

// startReaders starts the process that reads n streams of addr, and
// answers how to stop it.
func startReaders(b *testing.B, addr string, n int) func() {
	cmd := exec.Command(os.Args[0], "-test.run=^TestPagesReader$", "-test.count=1")
	cmd.Env = append(os.Environ(), readersEnv+"="+addr+","+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready") {
		_ = cmd.Process.Kill()
		b.Fatalf("the readers did not start: %q, %v", line, err)
	}
	return func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}
}

// TestPagesReader is the readers of BenchmarkSendWithPages when this
// binary is started by it; otherwise it does nothing.
func TestPagesReader(t *testing.T) {
	spec := os.Getenv(readersEnv)
	if spec == "" {
		return // not a reader process
	}
	addr, count, _ := strings.Cut(spec, ",")
	n, err := strconv.Atoi(count)
	if err != nil {
		t.Fatal(err)
	}
	hdr := http.Header{"Origin": {"http://" + addr}}
	var wg sync.WaitGroup
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr+StreamPath+"?after=0", hdr)
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = conn
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, r, err := conn.NextReader()
				if err != nil {
					return
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					return
				}
			}
		}()
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin) // until the benchmark closes it
	for _, c := range conns {
		_ = c.Close()
	}
	wg.Wait()
}

// BenchmarkFeedScan is the feed's work for one send at saturation (an op):
// reading a send's events (the send, its echo and delivery, with the rate
// warning a load carries) from the journal and encoding them for the
// pages.
func BenchmarkFeedScan(b *testing.B) {
	srv := fakegraph.New(fakegraph.WithRetention(fakegraph.DefaultServeRetention))
	b.Cleanup(func() { _ = srv.Close() })
	if _, err := srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hi"}); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	const sends = 1000
	for range sends {
		req := httptest.NewRequest(http.MethodPost, "/v26.0/me/messages?access_token="+fakegraph.DefaultPageToken, strings.NewReader(benchSend))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	j := srv.Journal()
	from := j.Last() - 3*sends
	var rb runBuilder
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += sends {
		rb.start(1<<20, 3*sends)
		if _, err := j.Scan(from, 0, rb.scanned); err != nil {
			b.Fatal(err)
		}
		if r := rb.finish(); len(r.ends) != 3*sends {
			b.Fatalf("%d events", len(r.ends))
		}
	}
}

const alice = "5275811702471834" // the first default test user
