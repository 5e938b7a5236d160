// Command bare is the yardstick of examples/bench/compare.sh: a plain
// net/http server that answers POST /{version}/me/messages by decoding the
// same JSON a Send API call carries and writing a Send API-shaped answer,
// with no token, no rules, no store and no journal. What messemu adds on
// top of this is what the comparison measures.
//
// With -headers FILE it also writes, on every answer, the headers listed in
// FILE ("Name: value" lines, as curl -D prints them): compare.sh gives it
// the ones messemu answered a send with, so that one row of its table is
// net/http writing the platform's header set and nothing else.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"strings"
)

// sendRequest is the part of a send the bare server decodes.
type sendRequest struct {
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	MessagingType string         `json:"messaging_type"`
	Message       map[string]any `json:"message"`
}

// header is one header line of -headers.
type header struct {
	name  string
	value []string
}

func main() {
	addr := flag.String("addr", "127.0.0.1:18766", "listen address")
	headersFile := flag.String("headers", "", `a file of "Name: value" lines to write on every answer`)
	flag.Parse()
	extra, err := readHeaders(*headersFile)
	if err != nil {
		slog.Error("bare", "err", err)
		os.Exit(2)
	}
	http.HandleFunc("POST /{version}/me/messages", func(w http.ResponseWriter, r *http.Request) {
		var req sendRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=UTF-8")
		for _, x := range extra {
			h[x.name] = x.value
		}
		_, _ = w.Write([]byte(`{"recipient_id":"` + req.Recipient.ID + `","message_id":"m_bare"}`))
	})
	if err := http.ListenAndServe(*addr, nil); err != nil {
		slog.Error("bare", "err", err)
		os.Exit(1)
	}
}

// readHeaders reads the -headers file; the status line, blank lines and
// what net/http writes itself (Date, Content-Length) are skipped.
func readHeaders(path string) ([]header, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hs []header
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if !ok || strings.HasPrefix(name, "HTTP/") {
			continue
		}
		name = http.CanonicalHeaderKey(strings.TrimSpace(name))
		switch name {
		case "Date", "Content-Length":
			continue
		}
		hs = append(hs, header{name: name, value: []string{strings.TrimSpace(value)}})
	}
	return hs, sc.Err()
}
