package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config is what the bot needs to know.
type Config struct {
	GraphURL    string // base URL, without version
	PageToken   string
	AppSecret   string
	VerifyToken string
	Client      *http.Client
	Logger      *slog.Logger
	// Now is the bot's clock (default time.Now); tests pass the
	// emulator's virtual clock so the bot sees time jump with it.
	Now func() time.Time
}

// Bot is the bot: an http.Handler for its webhook and help-desk endpoint.
type Bot struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex
	lastSeen map[string]time.Time // each user's last message, from webhook timestamps
}

// New returns the bot.
func New(cfg Config) *Bot {
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	b := &Bot{cfg: cfg, mux: http.NewServeMux(), lastSeen: map[string]time.Time{}}
	b.mux.HandleFunc("GET /webhook", b.verify)
	b.mux.HandleFunc("POST /webhook", b.receive)
	b.mux.HandleFunc("POST /agent", b.agent)
	return b
}

// ServeHTTP serves /webhook and /agent.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.mux.ServeHTTP(w, r) }

// verify answers the subscription handshake.
func (b *Bot) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || q.Get("hub.verify_token") != b.cfg.VerifyToken {
		http.Error(w, "verification failed", http.StatusForbidden)
		return
	}
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

// signed reports whether sig is "sha256=" + HMAC-SHA256(app secret, body).
func (b *Bot) signed(body []byte, sig string) bool {
	hexSig, ok := strings.CutPrefix(sig, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(b.cfg.AppSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// The webhook body, as much of it as the bot reads.
type (
	update struct {
		Object string  `json:"object"`
		Entry  []entry `json:"entry"`
	}
	entry struct {
		Messaging []event `json:"messaging"`
	}
	event struct {
		Sender    struct{ ID string } `json:"sender"`
		Timestamp int64               `json:"timestamp"`
		Message   *struct {
			Mid        string `json:"mid"`
			Text       string `json:"text"`
			IsEcho     bool   `json:"is_echo"`
			QuickReply *struct {
				Payload string `json:"payload"`
			} `json:"quick_reply"`
			Attachments []struct {
				Type    string `json:"type"`
				Payload struct {
					URL string `json:"url"`
				} `json:"payload"`
			} `json:"attachments"`
		} `json:"message"`
		Postback *struct {
			Title   string `json:"title"`
			Payload string `json:"payload"`
		} `json:"postback"`
	}
)

// receive handles a webhook POST: it checks the signature, answers each
// event, and always answers 200 once the body is authentic, so the
// platform does not redeliver what the bot already handled.
func (b *Bot) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	if !b.signed(body, r.Header.Get("X-Hub-Signature-256")) {
		b.cfg.Logger.Warn("webhook with a bad signature")
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	var u update
	if err := json.Unmarshal(body, &u); err != nil || u.Object != "page" {
		http.Error(w, "not a page webhook", http.StatusBadRequest)
		return
	}
	for _, e := range u.Entry {
		for _, ev := range e.Messaging {
			b.handle(ev)
		}
	}
	w.WriteHeader(http.StatusOK)
}

// agent plays the help desk: POST /agent?psid=…&text=… forwards an
// agent's answer to the user.
func (b *Bot) agent(w http.ResponseWriter, r *http.Request) {
	psid, text := r.FormValue("psid"), r.FormValue("text")
	if psid == "" || text == "" {
		http.Error(w, "psid and text are required", http.StatusBadRequest)
		return
	}
	if err := b.agentReply(psid, text); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
