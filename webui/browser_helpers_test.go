package webui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/messemu/messemu/examples/demobot"
	"github.com/messemu/messemu/fakegraph"
	"github.com/messemu/messemu/webui"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write docs/webui.png from the browser test")

// browserPath finds Debian's chromium (or another Chrome). Without one the
// browser tests skip locally and fail in CI, where .ci/run installs it.
func browserPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no browser: install Debian's chromium package (apt-get install chromium); .ci/run does")
	}
	t.Skip("browser tests need a browser: install Debian's chromium package (apt-get install chromium)")
	return ""
}

// emulator is a started emulator with the web UI in front, as `messemu
// serve` runs it.
type emulator struct {
	srv *fakegraph.Server
	ui  *webui.UI
	url string
}

func startEmulator(t *testing.T, demoBot bool, opts ...fakegraph.Option) *emulator {
	t.Helper()
	srv := fakegraph.New(append([]fakegraph.Option{fakegraph.WithIDSeed(7)}, opts...)...)
	ui := webui.New(srv)
	require.NoError(t, srv.StartWith("127.0.0.1:0", ui.Wrap))
	t.Cleanup(func() {
		ui.Close()
		if err := srv.Close(); err != nil {
			t.Logf("closing the emulator: %v", err)
		}
	})
	if demoBot {
		require.NoError(t, demobot.Start(srv, nil))
	}
	return &emulator{srv: srv, ui: ui, url: srv.URL()}
}

// graph calls the emulator's Graph API as a bot would (curl, in effect),
// answering the status and decoded body.
func (e *emulator) graph(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.url+"/"+fakegraph.LatestVersion+"/"+path, r)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+fakegraph.DefaultPageToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// send is the bot sending message to psid.
func (e *emulator) send(t *testing.T, psid string, message map[string]any, extra map[string]any) (int, map[string]any) {
	t.Helper()
	body := map[string]any{"recipient": map[string]any{"id": psid}, "messaging_type": "RESPONSE", "message": message}
	for k, v := range extra {
		body[k] = v
	}
	return e.graph(t, http.MethodPost, "me/messages", body)
}

// browser is one headless chromium tab on the page, recording console
// errors and exceptions; on failure its screenshot stays in its directory.
type browser struct {
	t    *testing.T
	ctx  context.Context
	dir  string
	mu   sync.Mutex
	errs []string
	base string
}

// chromium is the one browser process of the test binary: each test opens
// its own tab in it (starting a browser per test costs seconds in CI).
var chromium struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if chromium.cancel != nil {
		chromium.cancel()
	}
	os.Exit(code)
}

func sharedBrowser(exe string) (context.Context, error) {
	chromium.once.Do(func() {
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1400, 860),
		}
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelBrowser := chromedp.NewContext(actx)
		chromium.ctx = bctx
		chromium.cancel = func() { cancelBrowser(); cancelAlloc() }
		// The first Run starts the browser; it must not carry a timeout.
		chromium.err = chromedp.Do(bctx, chromedp.Navigate("about:blank"))
	})
	return chromium.ctx, chromium.err
}

func openBrowser(t *testing.T, e *emulator) *browser {
	t.Helper()
	exe := browserPath(t)
	parent, err := sharedBrowser(exe)
	require.NoError(t, err, "starting %s", exe)
	ctx, cancelCtx := chromedp.NewContext(parent) // a new tab
	dir, err := os.MkdirTemp("", "messemu-webui-"+strings.ReplaceAll(t.Name(), "/", "_")+"-")
	require.NoError(t, err)
	b := &browser{t: t, ctx: ctx, dir: dir, base: e.url}
	msgs := chromedp.Console(ctx) // subscribe before the page loads
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			// Pictures the bot points at (picsum.photos, the platform's
			// CDN) cannot load in a sandbox; that is the network, not the
			// page. Any other error or exception counts.
			if m.Source == "network" && !strings.HasPrefix(m.URL, e.url) {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.addErr(fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
			}
		}
	}()
	t.Cleanup(func() {
		shot := filepath.Join(dir, "page.png")
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot()); err == nil {
			_ = os.WriteFile(shot, png, 0o644)
		}
		cancel()
		cancelCtx()
		if t.Failed() {
			t.Logf("screenshot of the page when the test failed: %s", shot)
			return
		}
		_ = os.RemoveAll(dir)
	})
	return b
}

func (b *browser) addErr(s string) {
	b.mu.Lock()
	b.errs = append(b.errs, s)
	b.mu.Unlock()
}

func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

// do runs browser actions with a deadline.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...), what)
}

// open loads the page and waits until it has drawn the journal.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("loading the page", chromedp.Navigate(b.base+path),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"] #user-list .user`)))
}

// waitFor polls a JavaScript condition until it holds.
func (b *browser) waitFor(what, expr string, timeout time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond)))
	require.NoError(b.t, err, "waiting for %s (%s)", what, expr)
}

// eval evaluates expr.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(b.t, err, "evaluating %s", expr)
	return v
}

// click clicks the first visible element matching a CSS selector, once
// it is there; finding and clicking are one step, so a redraw in between
// cannot leave the test holding a node that is gone.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.waitFor("a visible "+sel+" to click", fmt.Sprintf(`(() => { const el = document.querySelector(%q);
		if (!el || el.getClientRects().length === 0) return false; el.click(); return true; })()`, sel), 10*time.Second)
}

// clickText clicks the first element matching sel whose text is text.
func (b *browser) clickText(sel, text string) {
	b.t.Helper()
	expr := fmt.Sprintf(`(() => { const el = [...document.querySelectorAll(%q)].find(e => e.textContent.trim() === %q); if (!el) return false; el.click(); return true; })()`, sel, text)
	require.True(b.t, eval[bool](b, expr), "no %s with text %q", sel, text)
}

// say types text in the composer and sends it.
func (b *browser) say(text string) {
	b.t.Helper()
	b.do("typing "+text, chromedp.SendKeys(chromedp.CSS("#text"), text+"\r"))
}

// screenshot writes the page as PNG to path.
func (b *browser) screenshot(path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(b.t, err)
	require.NoError(b.t, os.WriteFile(path, png, 0o644))
}

// awaitJS evaluates a JavaScript promise and answers its string value.
func awaitJS(t *testing.T, b *browser, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	require.NoError(t, err, "evaluating %s", expr)
	return v
}

// openAfterHello starts an emulator without the demo bot, where Alice has
// written "hello", and opens the page on it.
func openAfterHello(t *testing.T) (*emulator, *browser) {
	t.Helper()
	e := startEmulator(t, false)
	_, err := e.srv.UserSends(fakegraph.DefaultPageID, alice, fakegraph.UserMessageRequest{Text: "hello"})
	require.NoError(t, err)
	b := openBrowser(t, e)
	b.open("/")
	return e, b
}

// scrollTo scrolls the element with the id to top and waits for its scroll
// event: the page's own handler, added when the page started, has run
// when this returns (whether the view follows the newest is decided
// there). It fails when the element could not move there.
func (b *browser) scrollTo(id string, top int) {
	b.t.Helper()
	got := awaitJS(b.t, b, fmt.Sprintf(`new Promise(r => { const el = document.getElementById(%q), from = el.scrollTop;
		el.addEventListener('scroll', () => r('scrolled to ' + el.scrollTop), { once: true });
		el.scrollTop = %d;
		if (el.scrollTop === from) r('did not move from ' + from); })`, id, top))
	require.Equal(b.t, fmt.Sprintf("scrolled to %d", top), got, "scrolling #%s", id)
}

// settle waits two animation frames. After a condition that a draw
// produced, whatever that draw left for the next frame (the scroll event
// of the scrollTop it set, a ResizeObserver callback, a draw it queued)
// has run: an assertion then sees the page as that work left it.
func (b *browser) settle() {
	b.t.Helper()
	require.Equal(b.t, "two frames", awaitJS(b.t, b, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r('two frames'))))`))
}

// drawnUpTo waits until the page has drawn the journal up to its newest
// event: the model has it and a draw since showed it.
func (b *browser) drawnUpTo(e *emulator) {
	b.t.Helper()
	b.waitFor("the page drawn up to the journal's end", fmt.Sprintf(`window.messemu.drawnSeq === %d`, e.srv.Journal().Last()), 10*time.Second)
}
