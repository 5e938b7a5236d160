package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// graphVersion is the Graph API version the bot is written against.
const graphVersion = "v26.0"

// GraphError is the platform's error envelope.
type GraphError struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
	Subcode int    `json:"error_subcode"`
}

// Error renders the error with its code and subcode.
func (e *GraphError) Error() string {
	return fmt.Sprintf("graph error %d/%d: %s", e.Code, e.Subcode, e.Message)
}

// outsideWindow is 10/2018278: the 24-hour window is closed.
func outsideWindow(err error) bool {
	var ge *GraphError
	return errors.As(err, &ge) && ge.Code == 10 && ge.Subcode == 2018278
}

// send answers a user. A refused or failed send is logged and the bot
// goes on: one user who blocked the Page (551) or a rate limit (613) must
// not stop it from answering everybody else.
func (b *Bot) send(psid string, message map[string]any) {
	err := b.call("me/messages", map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": message})
	if err != nil {
		b.cfg.Logger.Warn("send failed", "psid", psid, "err", err)
	}
}

// The messaging window (24 hours after the user's last message) and the
// HUMAN_AGENT tag's reach (7 days), as the platform documents them.
const (
	messagingWindow = 24 * time.Hour
	humanAgentReach = 7 * 24 * time.Hour
)

// seen records a user's message or tap at t (the webhook's timestamp).
func (b *Bot) seen(psid string, t time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t.After(b.lastSeen[psid]) {
		b.lastSeen[psid] = t
	}
}

// errTooLate is the bot's own refusal: even a human agent may not write
// seven days after the user's last message.
var errTooLate = errors.New("the user last wrote more than 7 days ago; not even a human agent may answer now")

// agentReply forwards a help-desk answer: as an UPDATE inside the 24-hour
// window, else with the HUMAN_AGENT tag. When the bot does not know when
// the user last wrote (it restarted), it tries the UPDATE and falls back
// to the tag on 2018278.
func (b *Bot) agentReply(psid, text string) error {
	b.mu.Lock()
	last, known := b.lastSeen[psid]
	b.mu.Unlock()
	age := b.cfg.Now().Sub(last)
	update := map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "UPDATE", "message": textMessage(text)}
	tagged := map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT", "message": textMessage(text)}
	switch {
	case !known:
		if err := b.call("me/messages", update); !outsideWindow(err) {
			return err
		}
		return b.call("me/messages", tagged)
	case age < messagingWindow:
		return b.call("me/messages", update)
	case age < humanAgentReach:
		return b.call("me/messages", tagged)
	}
	return errTooLate
}

// Setup sets the Page's Messenger profile: the Get Started button, the
// greeting and the persistent menu. main calls it at start-up.
func (b *Bot) Setup() error {
	return b.call("me/messenger_profile", map[string]any{
		"get_started": map[string]any{"payload": payloadGetStarted},
		"greeting":    []any{map[string]any{"locale": "default", "text": "Hello {{user_first_name}}! I echo what you say."}},
		"persistent_menu": []any{map[string]any{
			"locale":                  "default",
			"composer_input_disabled": false,
			"call_to_actions": []any{
				map[string]any{"type": "postback", "title": "Shop", "payload": payloadShop},
				map[string]any{"type": "postback", "title": "Colours", "payload": payloadColours},
			},
		}},
	})
}

// call posts a Graph API request (path after the version) with the token
// and appsecret_proof.
func (b *Bot) call(path string, body map[string]any) error {
	buf, err := json.Marshal(body)
	if err != nil {
		return err
	}
	q := url.Values{"access_token": {b.cfg.PageToken}, "appsecret_proof": {b.proof()}}
	req, err := http.NewRequest("POST", b.cfg.GraphURL+"/"+graphVersion+"/"+path+"?"+q.Encode(), bytes.NewReader(buf))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var env struct {
		Error *GraphError `json:"error"`
	}
	if err := json.Unmarshal(out, &env); err != nil || env.Error == nil {
		return fmt.Errorf("%s: HTTP %d: %s", path, resp.StatusCode, out)
	}
	return env.Error
}

// proof is appsecret_proof: HMAC-SHA256 of the token keyed with the app
// secret, in hex.
func (b *Bot) proof() string {
	m := hmac.New(sha256.New, []byte(b.cfg.AppSecret))
	m.Write([]byte(b.cfg.PageToken))
	return hex.EncodeToString(m.Sum(nil))
}
