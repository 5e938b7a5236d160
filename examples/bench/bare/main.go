// Command bare is the yardstick of examples/bench/compare.sh: a plain
// net/http server that answers POST /{version}/me/messages by decoding the
// same JSON a Send API call carries and writing a Send API-shaped answer,
// with no token, no rules, no store and no journal. What messemu adds on
// top of this is what the comparison measures.
package main

import (
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
)

// sendRequest is the part of a send the bare server decodes.
type sendRequest struct {
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	MessagingType string         `json:"messaging_type"`
	Message       map[string]any `json:"message"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:18766", "listen address")
	flag.Parse()
	http.HandleFunc("POST /{version}/me/messages", func(w http.ResponseWriter, r *http.Request) {
		var req sendRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = w.Write([]byte(`{"recipient_id":"` + req.Recipient.ID + `","message_id":"m_bare"}`))
	})
	if err := http.ListenAndServe(*addr, nil); err != nil {
		slog.Error("bare", "err", err)
		os.Exit(1)
	}
}
