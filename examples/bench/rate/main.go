// Command rate is the fixed-rate pass of examples/bench/compare.sh: it
// POSTs one body at a steady rate over a few keep-alive connections and
// prints the latency percentiles. The schedule is open: each request has
// its time on the clock, and its latency counts from that time, so a
// server that falls behind is charged for the requests waiting on it
// rather than being sent fewer. The load generator's own pauses are
// charged too: it keeps them small (on Linux it sleeps to each request's
// time in nanosleep(2); see newPacer) and prints how late it sent, so that
// a reader can tell its share of a percentile from the server's. Keep it
// on a core of its own.
//
//	rate -url http://127.0.0.1:38765/v26.0/me/messages?access_token=… -body '{…}' -rate 2000 -for 20s
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "", "the URL to POST to")
	body := flag.String("body", "", "the JSON body of every request")
	rate := flag.Int("rate", 2000, "requests a second")
	dur := flag.Duration("for", 20*time.Second, "how long to send")
	conns := flag.Int("c", 16, "connections")
	warm := flag.Duration("warm", time.Second, "sent first at the same rate, not counted")
	flag.Parse()
	if *url == "" || *rate <= 0 || *conns <= 0 {
		fmt.Fprintln(os.Stderr, "rate: -url, a positive -rate and -c are needed")
		os.Exit(2)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}}
	interval := time.Second / time.Duration(*rate)
	warmN := int(*warm / interval)
	n := warmN + int(*dur/interval)

	type job struct {
		i  int
		at time.Time
	}
	jobs := make(chan job, n)
	lat := make([]time.Duration, n)
	late := make([]time.Duration, n) // how late the generator's sleep to each request's time ended
	var failed, wrong int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range *conns {
		wg.Go(func() {
			for j := range jobs {
				resp, err := client.Post(*url, "application/json", bytes.NewReader([]byte(*body)))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat[j.i] = time.Since(j.at)
				if err != nil || resp.StatusCode != http.StatusOK {
					mu.Lock()
					if err != nil {
						failed++
					} else {
						wrong++
					}
					mu.Unlock()
				}
			}
		})
	}
	sleepUntil := newPacer()
	start := time.Now()
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		sleepUntil(at)
		// The generator's own lateness: how late its sleep ended. A wait
		// for a free connection after this is the server's backlog, and
		// counts in the latency only.
		late[i] = time.Since(at)
		jobs <- job{i: i, at: at}
		// Yield, so that the connection that took the job runs now: this
		// goroutine keeps its thread (newPacer), so the runtime hands the P
		// to another thread for it, which measured faster (from a request's
		// time to a connection taking it, p50 0.18 -> 0.10 ms) than leaving
		// the job to be stolen.
		runtime.Gosched()
	}
	close(jobs)
	wg.Wait()
	took := time.Since(start.Add(time.Duration(warmN) * interval))

	counted := lat[warmN:]
	fmt.Printf("requests %d in %.1f s (%.0f/s), failed %d, not 200 %d\n", len(counted), took.Seconds(), float64(len(counted))/took.Seconds(), failed, wrong)
	fmt.Printf("latency ms: %s\n", percentiles(counted))
	fmt.Printf("generator lateness ms: %s\n", percentiles(late[warmN:]))
	if failed+wrong > 0 {
		os.Exit(1)
	}
}

// percentiles writes the p50, p90, p99, p99.9 and max of ds, in ms.
func percentiles(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	pct := func(p float64) float64 {
		return float64(s[min(len(s)-1, int(p*float64(len(s))))]) / float64(time.Millisecond)
	}
	return fmt.Sprintf("p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f", pct(0.5), pct(0.9), pct(0.99), pct(0.999), pct(1))
}
