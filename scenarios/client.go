package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// client drives an emulator over HTTP: the control API under
// /_messemu/v1/ and, with the Page token, the Graph API, exactly as a
// tool outside the process would. The in-process emulator is driven the
// same way, so both paths are one.
type client struct {
	base  string // emulator URL, no trailing slash
	token string // the Page token
	// controlToken is serve's --control-token, sent as a bearer token
	// on control API calls ("": none).
	controlToken string
	http         *http.Client
}

// controlError is a refusal by the control or Graph API.
type controlError struct {
	Method, Path string
	Status       int
	Message      string
	TraceID      string // a Graph error's fbtrace_id, which names the call in the journal
}

// Error says which call was refused and why.
func (e *controlError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Message)
}

// control calls the control API; out (may be nil) receives the answer.
func (c *client) control(ctx context.Context, method, path string, body, out any) error {
	return c.do(ctx, method, c.base+"/_messemu/v1/"+path, body, out)
}

// graph calls the Graph API with the Page token.
func (c *client) graph(ctx context.Context, method, path string, query url.Values, body, out any) error {
	if query == nil {
		query = url.Values{}
	}
	query.Set("access_token", c.token)
	return c.do(ctx, method, c.base+"/"+strings.TrimPrefix(path, "/")+"?"+query.Encode(), body, out)
}

func (c *client) do(ctx context.Context, method, u string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.controlToken != "" && strings.HasPrefix(u, c.base+"/_messemu/") {
		req.Header.Set("Authorization", "Bearer "+c.controlToken)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var env struct {
			Error struct {
				Message string `json:"message"`
				TraceID string `json:"fbtrace_id"`
			} `json:"error"`
		}
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &env) == nil && env.Error.Message != "" {
			msg = env.Error.Message
		}
		path := u
		if p, err := url.Parse(u); err == nil {
			path = p.Path
		}
		return &controlError{Method: method, Path: path, Status: resp.StatusCode, Message: msg, TraceID: env.Error.TraceID}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the expected JSON: %w", method, u, err)
	}
	return nil
}
