package testkit_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"

	"github.com/messemu/messemu/testkit"
)

// echoBot is the smallest real bot: it answers the verification
// handshake, checks each webhook's signature, and echoes every text
// message (quick reply taps included) and every postback payload through
// the Send API.
func echoBot(emu *testkit.Emulator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if r.URL.Query().Get("hub.verify_token") != emu.VerifyToken() {
				http.Error(w, "bad verify token", http.StatusForbidden)
				return
			}
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mac := hmac.New(sha256.New, []byte(emu.AppSecret()))
		mac.Write(body)
		if r.Header.Get("X-Hub-Signature-256") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		var u struct {
			Entry []struct {
				Messaging []struct {
					Sender  struct{ ID string } `json:"sender"`
					Message *struct {
						Text   string `json:"text"`
						IsEcho bool   `json:"is_echo"`
					} `json:"message"`
					Postback *struct {
						Payload string `json:"payload"`
					} `json:"postback"`
				} `json:"messaging"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(body, &u); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, e := range u.Entry {
			for _, ev := range e.Messaging {
				var said string
				switch {
				case ev.Message != nil && !ev.Message.IsEcho && ev.Message.Text != "":
					said = ev.Message.Text
				case ev.Postback != nil:
					said = ev.Postback.Payload
				default:
					continue
				}
				if _, _, err := send(emu.Client(), emu.URL(), emu.PageToken(), text(ev.Sender.ID, "echo: "+said)); err != nil {
					http.Error(w, err.Error(), http.StatusBadGateway)
					return
				}
			}
		}
	})
}
