package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/messemu/messemu/fakegraph"
)

// The bot under test: reached by its webhook URL, or started with --exec
// as a child with the emulator's address and credentials in its
// environment. Either way the emulator's webhook is pointed at it and the
// run starts once its handshake passes.

// botStartTimeout bounds the wait for a started bot's webhook handshake.
const botStartTimeout = 60 * time.Second

// childBot is a bot started with --exec (nil cmd: none).
type childBot struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	mu   sync.Mutex
	err  error
	out  *tailBuffer   // the last of its standard output and error
	read chan struct{} // closed when nothing holds its output open any more
}

// exitText says how the bot ended: "exit status 3", "signal: killed",
// "status 0".
func (b *childBot) exitText() string {
	if err := b.exitErr(); err != nil {
		return err.Error()
	}
	return "status 0"
}

// botOutputLines is how much of the bot's output a failure shows.
const botOutputLines = 40

// printOutput writes the last lines of the bot's output to w, to show why
// a scenario failed or the bot exited; nothing for a bot not started
// with --exec.
func (b *childBot) printOutput(w io.Writer) {
	if b.out == nil {
		return
	}
	if b.exited() {
		// The last lines may still be in the pipe.
		select {
		case <-b.read:
		case <-time.After(time.Second):
		}
	}
	text := strings.TrimRight(b.out.String(), "\n")
	if text == "" {
		fmt.Fprintln(w, "messemu: the bot (--exec) printed nothing")
		return
	}
	lines := strings.Split(text, "\n")
	what := "its output"
	if len(lines) > botOutputLines || b.out.Cut() {
		lines = lines[max(len(lines)-botOutputLines, 0):]
		if b.out.Cut() && len(lines) > 1 {
			lines = lines[1:] // the first may be the end of a line cut off
		}
		what = fmt.Sprintf("the last %d lines of its output", len(lines))
	}
	fmt.Fprintf(w, "messemu: the bot (--exec), %s:\n", what)
	for _, l := range lines {
		fmt.Fprintf(w, "  | %s\n", l)
	}
}

func (b *childBot) exited() bool {
	if b.cmd == nil {
		return false
	}
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

func (b *childBot) exitErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// stop ends the child and what it started: asked to stop first
// (SIGTERM to its process group), then killed after 5 s.
func (b *childBot) stop() {
	if b.cmd == nil || b.exited() {
		return
	}
	terminateTree(b.cmd.Process)
	select {
	case <-b.done:
	case <-time.After(5 * time.Second):
		killTree(b.cmd.Process)
		<-b.done
	}
}

// botEnv is what a started bot finds in its environment: the MESSEMU_*
// names, and the names examples and many bots already read.
func botEnv(graphURL, token, secret, verify string, port int) []string {
	p := strconv.Itoa(port)
	return []string{
		"MESSEMU_GRAPH_URL=" + graphURL, "MESSEMU_PAGE_TOKEN=" + token, "MESSEMU_APP_SECRET=" + secret,
		"MESSEMU_VERIFY_TOKEN=" + verify, "PORT=" + p, "MESSEMU_BOT_ADDR=127.0.0.1:" + p,
		"GRAPH_API_URL=" + graphURL, "PAGE_ACCESS_TOKEN=" + token, "APP_SECRET=" + secret,
		"VERIFY_TOKEN=" + verify, "ADDR=127.0.0.1:" + p,
	}
}

func startBot(ctx context.Context, cfg replayConfig, emuURL string, stderr io.Writer) (*childBot, error) {
	b := &childBot{}
	hook := cfg.bot
	if cfg.exec != "" {
		// The bot listens where --bot says, or on a free port.
		port, err := botPort(hook)
		if err != nil {
			return nil, err
		}
		if hook == "" {
			hook = "http://127.0.0.1:" + strconv.Itoa(port) + "/webhook"
		}
		token, err := pageToken(ctx, emuURL, cfg.control)
		if err != nil {
			return nil, err
		}
		b.out, b.read = &tailBuffer{max: 8 << 10}, make(chan struct{})
		cmd := shellCommand(cfg.exec)
		cmd.Env = append(os.Environ(), botEnv(emuURL, token, cfg.appSecret, cfg.verifyToken, port)...)
		// The output goes through a pipe of replay's own, not one of
		// exec's: Wait then returns when the bot exits, even while
		// something it started still holds the output open.
		pr, pw, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("replay: --exec: %w", err)
		}
		cmd.Stdout, cmd.Stderr = pw, pw
		err = cmd.Start()
		pw.Close()
		if err != nil {
			pr.Close()
			return nil, fmt.Errorf("replay: --exec: %w", err)
		}
		go func() {
			_, _ = io.Copy(b.out, pr)
			pr.Close()
			close(b.read)
		}()
		b.cmd, b.done = cmd, make(chan struct{})
		go func() {
			err := cmd.Wait()
			b.mu.Lock()
			b.err = err
			b.mu.Unlock()
			close(b.done)
		}()
	}
	if hook == "" {
		return b, nil // --emulator whose webhook is already set
	}
	if err := handshake(ctx, emuURL, cfg.control, hook, cfg.verifyToken, b); err != nil {
		b.stop()
		if b.out != nil && b.out.Len() > 0 {
			b.printOutput(stderr)
		}
		return nil, err
	}
	if b.exited() {
		// Something else answered the handshake: the run would test it,
		// not the bot --exec started.
		b.printOutput(stderr)
		return nil, fmt.Errorf("replay: the bot (--exec) exited (%s), though the webhook handshake at %s passed: something else answers there; --exec must run the bot in the foreground, which replay stops at the end", b.exitText(), hook)
	}
	return b, nil
}

// refusalsToStop is how many times in a row the bot may refuse the
// handshake the same definite way (a 403 for a wrong verify token, a 404
// for a wrong path, a wrong challenge) before replay stops waiting: a bot
// that answers is up, and will answer so again.
const refusalsToStop = 5

// handshake points the emulator's webhook at the bot, again and again
// until the bot answers the handshake: the emulator saves a webhook only
// once its handshake passes. A bot that answers it with the same definite
// refusal refusalsToStop times stops the wait early.
func handshake(ctx context.Context, emuURL, control, hook, verify string, b *childBot) error {
	body, _ := json.Marshal(map[string]string{"url": hook, "verify_token": verify})
	deadline := time.Now().Add(botStartTimeout)
	var last string
	refused := 0
	for {
		status, answer, err := controlCall(ctx, control, http.MethodPut, emuURL+"/_messemu/v1/webhook", body)
		if err == nil && status == http.StatusOK {
			var st fakegraph.WebhookStatus
			if json.Unmarshal(answer, &st) == nil && st.Verified {
				return nil
			}
		}
		why := handshakeWhy(answer, err)
		definite := definiteRefusal(why)
		if definite && refusalKind(why) == refusalKind(last) {
			refused++
		} else {
			refused = 1
		}
		last = why
		if b.exited() {
			why := "it exited with status 0"
			if err := b.exitErr(); err != nil {
				why = err.Error()
			}
			return fmt.Errorf("replay: the bot exited before answering the webhook handshake (%s)", why)
		}
		if definite && refused >= refusalsToStop {
			return fmt.Errorf("replay: the bot at %s refused the webhook handshake (%d times in a row): %s", hook, refused, why)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("replay: the bot at %s did not pass the webhook handshake within %s: %s", hook, botStartTimeout, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// handshakeWhy is why a handshake failed, in words: the emulator's
// reason without its control API envelope, nor its advice to read the
// webhook of an emulator that replay stops.
func handshakeWhy(answer []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	var env struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	why := strings.TrimSpace(string(answer))
	if json.Unmarshal(answer, &env) == nil && env.Error.Message != "" {
		why = env.Error.Message
	}
	why = strings.TrimPrefix(why, fakegraph.ErrWebhookVerification.Error()+": ")
	why, _, _ = strings.Cut(why, "; the webhook was left as it was")
	return why
}

// refusalKind is why without what changes from one try to the next: the
// challenge the bot did not echo.
func refusalKind(why string) string {
	kind, _, _ := strings.Cut(why, ", not the challenge ")
	return kind
}

// definiteRefusal reports a handshake the bot answered, and answered
// wrong in a way it will again: a client error (a verify token it was not
// given, a path it does not serve) or an answer that is not the challenge.
// No answer, a server error, or a timeout or rate limit (408, 429, from a
// proxy in front of a bot still starting) may pass.
func definiteRefusal(why string) bool {
	if rest, ok := strings.CutPrefix(why, "the bot answered HTTP 4"); ok && len(rest) >= 2 {
		return !strings.HasPrefix(rest, "08") && !strings.HasPrefix(rest, "29")
	}
	return strings.HasPrefix(why, "the bot answered \"") && strings.Contains(why, "not the challenge")
}

// keepWebhook reads the emulator's webhook and returns what puts it back:
// replay --emulator points a running serve at the bot under test, which
// replay stops at the end. The old bot must pass the handshake again; if
// it cannot, replay says so and how to set it.
func keepWebhook(ctx context.Context, emuURL, control string, stderr io.Writer) (func(), error) {
	status, b, err := controlCall(ctx, control, http.MethodGet, emuURL+"/_messemu/v1/webhook", nil)
	var old fakegraph.WebhookStatus
	if err != nil || status != http.StatusOK || json.Unmarshal(b, &old) != nil {
		return nil, fmt.Errorf("replay: the emulator at %s does not answer GET /_messemu/v1/webhook (%s)", emuURL, unanswered(err, status, b))
	}
	return func() {
		body, _ := json.Marshal(map[string]any{"url": old.URL, "fields": old.Fields, "timeout": old.Timeout, "batch": old.Batch})
		// The run's context may be over (Ctrl-C): this call is the
		// run's last and gets its own few seconds.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		status, answer, err := controlCall(ctx, control, http.MethodPut, emuURL+"/_messemu/v1/webhook", body)
		switch {
		case err != nil || status != http.StatusOK:
			why := strings.TrimSpace(string(answer))
			if err != nil {
				why = err.Error()
			}
			fmt.Fprintf(stderr, "messemu: the emulator's webhook could not be put back to %q (%s); it still points at the bot replay stopped: set it with PUT %s/_messemu/v1/webhook\n", old.URL, why, emuURL)
		case old.URL == "":
			fmt.Fprintln(stderr, "messemu: the emulator's webhook is unset again, as before the run")
		}
	}, nil
}

// controlCall calls the emulator's control API, with its control token
// as a bearer token when there is one.
func controlCall(ctx context.Context, control, method, u string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if control != "" {
		req.Header.Set("Authorization", "Bearer "+control)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}

// unanswered says why a control call did not give what replay needs: the
// connection's error, or the status and the emulator's answer.
func unanswered(err error, status int, body []byte) string {
	if err != nil {
		return err.Error()
	}
	out := "HTTP " + strconv.Itoa(status)
	if t := strings.TrimSpace(string(body)); t != "" {
		out += ": " + t
	}
	if status == http.StatusForbidden {
		out += "; if it was started with --control-token, give replay the same --control-token"
	}
	return out
}

// pageToken asks the emulator for its first Page's token.
func pageToken(ctx context.Context, emuURL, control string) (string, error) {
	status, b, err := controlCall(ctx, control, http.MethodGet, emuURL+"/_messemu/v1/pages", nil)
	if err != nil || status != http.StatusOK {
		return "", fmt.Errorf("replay: the emulator at %s does not answer GET /_messemu/v1/pages (%s)", emuURL, unanswered(err, status, b))
	}
	var pages struct {
		Data []fakegraph.Page `json:"data"`
	}
	if err := json.Unmarshal(b, &pages); err != nil || len(pages.Data) == 0 {
		return "", errors.New("replay: the emulator hosts no Page")
	}
	return pages.Data[0].Token, nil
}

// botPort is the port a started bot listens on: the one of its webhook
// URL (--bot) when it names one, else a free one.
func botPort(hook string) (int, error) {
	if hook != "" {
		u, err := url.Parse(hook)
		if err != nil {
			return 0, fmt.Errorf("replay: --bot %q: %w", hook, err)
		}
		if p := u.Port(); p != "" {
			return strconv.Atoi(p)
		}
		if u.Scheme == "https" {
			return 443, nil
		}
		return 80, nil
	}
	return freePort()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
	cut bool // bytes before buf were let go
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
		t.cut = true
	}
	return len(p), nil
}

// Cut reports whether the start of what was written is gone.
func (t *tailBuffer) Cut() bool { t.mu.Lock(); defer t.mu.Unlock(); return t.cut }

func (t *tailBuffer) Len() int { t.mu.Lock(); defer t.mu.Unlock(); return len(t.buf) }

func (t *tailBuffer) String() string { t.mu.Lock(); defer t.mu.Unlock(); return string(t.buf) }
