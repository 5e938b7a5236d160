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
)

// graphVersion is the Graph API version the bot is written against.
const graphVersion = "v26.0"

// GraphError is the platform's error envelope.
type GraphError struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
	Subcode int    `json:"error_subcode"`
}

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
	err := b.call(map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": message})
	if err != nil {
		b.cfg.Logger.Warn("send failed", "psid", psid, "err", err)
	}
}

// agentReply forwards a help-desk answer: as an UPDATE inside the 24-hour
// window, else with the HUMAN_AGENT tag, which the platform allows for
// seven days after the user's last message.
func (b *Bot) agentReply(psid, text string) error {
	err := b.call(map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "UPDATE", "message": textMessage(text)})
	if !outsideWindow(err) {
		return err
	}
	return b.call(map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT", "message": textMessage(text)})
}

// call posts one Send API request with the token and appsecret_proof.
func (b *Bot) call(body map[string]any) error {
	buf, err := json.Marshal(body)
	if err != nil {
		return err
	}
	q := url.Values{"access_token": {b.cfg.PageToken}, "appsecret_proof": {b.proof()}}
	req, err := http.NewRequest("POST", b.cfg.GraphURL+"/"+graphVersion+"/me/messages?"+q.Encode(), bytes.NewReader(buf))
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
		return fmt.Errorf("send API: HTTP %d: %s", resp.StatusCode, out)
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
