package fakegraph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestHandshakeFails: a bot answering the wrong challenge is reported
// (error, status, journal alert) and gets nothing until a handshake passes.
func TestHandshakeFails(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	bot.setChallenge(func(string) string { return "12345" })
	s := hookServer(t, nil, WebhookConfig{})
	err := s.SetWebhook(WebhookConfig{URL: bot.URL()})
	if err == nil || !strings.Contains(err.Error(), `answered "12345", not the challenge`) || !errors.Is(err, ErrWebhookVerification) {
		t.Fatalf("SetWebhook error = %v, want the wrong-challenge reason", err)
	}
	st := s.Webhook()
	if st.State != "unverified" || st.Verified || !strings.Contains(st.LastError, `"12345"`) {
		t.Errorf("status = %+v", st)
	}
	alert := waitJournal(t, s, 0, func(e *Event) bool { return e.Kind == KindAlert && e.API == APIWebhookVerify })
	if !strings.Contains(string(alert.Detail), `"answer":"12345"`) || len(alert.Violations) != 1 {
		t.Errorf("alert = %s %+v", alert.Detail, alert.Violations)
	}
	from := s.Journal().Last()
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "anyone?"}); err != nil {
		t.Fatal(err)
	}
	failed := waitJournal(t, s, from, func(e *Event) bool { return e.Kind == KindWebhook })
	if d := attemptOf(t, failed); d.Outcome != OutcomeFailed || !d.Dropped || !strings.Contains(d.Error, "verification failed") || failed.Status != 0 {
		t.Errorf("undelivered event: %+v", d)
	}
	bot.noWebhookWithin(t, 100*time.Millisecond)

	// The control API shows the same reason.
	code, body := control(t, s, "PUT", "webhook", `{"url":"`+bot.URL()+`"}`)
	if code != http.StatusBadRequest || !strings.Contains(body, "not the challenge") {
		t.Errorf("PUT webhook = %d %s", code, body)
	}
	code, body = control(t, s, "GET", "webhook", "")
	if code != http.StatusOK || !strings.Contains(body, `"state":"unverified"`) {
		t.Errorf("GET webhook = %d %s", code, body)
	}

	// A bot that checks the verify token refuses a wrong one.
	if err := s.SetWebhook(WebhookConfig{URL: bot.URL(), VerifyToken: "other"}); err == nil || !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("wrong verify token: %v", err)
	}

	bot.setChallenge(nil)
	if err := s.SetWebhook(WebhookConfig{URL: bot.URL()}); err != nil {
		t.Fatal(err)
	}
	if err := s.VerifyWebhook(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "now?"}); err != nil {
		t.Fatal(err)
	}
	if body := bot.next(t); !strings.Contains(string(body), `"text":"now?"`) {
		t.Errorf("got %s", body)
	}
}

// failingWebhook starts a server whose bot answers 503 to everything and
// has a user write once; attempt(n) waits for the n-th delivery attempt
// of that message.
func failingWebhook(t *testing.T) (bot *hookBot, s *Server, start uint64, attempt func(n int) Event) {
	t.Helper()
	bot = newHookBot(t)
	bot.setAnswer(func([]byte) (int, bool) { return http.StatusServiceUnavailable, false })
	s = hookServer(t, bot, WebhookConfig{})
	start = s.Journal().Last()
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "hello?"}); err != nil {
		t.Fatal(err)
	}
	attempt = func(n int) Event {
		t.Helper()
		return waitJournal(t, s, start, func(e *Event) bool {
			return e.Kind == KindWebhook && e.API == FieldMessages && attemptOf(t, *e).Attempt == n
		})
	}
	return bot, s, start, attempt
}

// TestWebhookDisabled: a bot down for an hour of virtual time gets the
// alert first, then is unsubscribed; setting the webhook again resumes.
func TestWebhookDisabled(t *testing.T) {
	t.Parallel()
	bot, s, start, attempt := failingWebhook(t)
	a4 := attempt(4) // 1 + 3 at once
	if d := attemptOf(t, a4); d.Outcome != OutcomeRetry || d.NextRetry == nil || d.NextRetry.Sub(a4.Time) != time.Minute || a4.Status != 503 {
		t.Fatalf("4th attempt: %+v status %d", d, a4.Status)
	}
	for i, step := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute} {
		s.Advance(step)
		attempt(5 + i)
	}
	if st := s.Webhook(); st.State != "failing" || st.Alerted {
		t.Errorf("after 8 min: %+v", st)
	}
	s.Advance(10 * time.Minute) // 18 min: the alert (at 15) then the retry
	alert := waitJournal(t, s, start, func(e *Event) bool { return e.Kind == KindAlert && e.API == AlertWebhookFailing })
	attempt(8)
	if st := s.Webhook(); st.State != "alerted" || !st.Alerted {
		t.Errorf("after 18 min: %+v", st)
	}
	for n := 9; n <= 12; n++ { // 28, 38, 48, 58 min
		s.Advance(10 * time.Minute)
		attempt(n)
	}
	if st := s.Webhook(); st.Disabled {
		t.Fatalf("disabled before 1 h: %+v", st)
	}
	s.Advance(2 * time.Minute) // 60 min
	disabled := waitJournal(t, s, start, func(e *Event) bool { return e.Kind == KindAlert && e.API == AlertWebhookDisabled })
	if alert.Seq >= disabled.Seq {
		t.Errorf("alert %d should come before disabled %d", alert.Seq, disabled.Seq)
	}
	final := waitJournal(t, s, disabled.Seq, func(e *Event) bool { return e.Kind == KindWebhook })
	if d := attemptOf(t, final); d.Outcome != OutcomeFailed || !d.Dropped || !strings.Contains(d.Error, "Webhooks Disabled") || d.Attempt != 12 {
		t.Errorf("the pending event: %+v", d)
	}
	st := s.Webhook()
	if st.State != "disabled" || st.Pending != 0 || st.Failed != 1 || st.Delivered != 0 || st.Attempts != 12 {
		t.Errorf("disabled status: %+v", st)
	}

	if f := s.SubscribedFields(DefaultPageID); f != nil {
		t.Errorf("the Page is still subscribed to %v", f)
	}
	// Unsubscribed: later events fail at once, with the reason.
	bot.setAnswer(nil)
	from := s.Journal().Last()
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "still there?"}); err != nil {
		t.Fatal(err)
	}
	dropped := waitJournal(t, s, from, func(e *Event) bool { return e.Kind == KindWebhook })
	if d := attemptOf(t, dropped); d.Outcome != OutcomeFailed || !d.Dropped || d.Attempt != 0 || !strings.Contains(d.Error, "set the webhook again") {
		t.Errorf("event while disabled: %+v", d)
	}
	bot.noWebhookWithin(t, 100*time.Millisecond)

	if err := s.SetWebhook(WebhookConfig{URL: bot.URL()}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "back"}); err != nil {
		t.Fatal(err)
	}
	if body := bot.next(t); !strings.Contains(string(body), `"text":"back"`) {
		t.Errorf("got %s", body)
	}
	if st := s.Webhook(); st.State != "active" || st.Alerted || st.FailingSince != nil {
		t.Errorf("re-subscribed: %+v", st)
	}
	if f := s.SubscribedFields(DefaultPageID); len(f) != len(sentFields) {
		t.Errorf("after SetWebhook the Page is subscribed to %v", f)
	}
}

// TestWebhookResubscribeEnablesAtOnce: after the platform disabled the
// webhook, the bot's POST subscribed_apps brings it back at once: the
// status says so before any event comes.
func TestWebhookResubscribeEnablesAtOnce(t *testing.T) {
	t.Parallel()
	bot, s, start, attempt := failingWebhook(t)
	attempt(4)
	for i, step := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
		10 * time.Minute, 10 * time.Minute, 10 * time.Minute, 10 * time.Minute} {
		s.Advance(step)
		attempt(5 + i)
	}
	s.Advance(2 * time.Minute) // 60 min
	waitJournal(t, s, start, func(e *Event) bool { return e.Kind == KindAlert && e.API == AlertWebhookDisabled })
	if st := s.Webhook(); st.State != "disabled" {
		t.Fatalf("after an hour of failures: %+v", st)
	}

	bot.setAnswer(nil)
	if res := apiJSON(t, s, "POST", "/v26.0/me/subscribed_apps?subscribed_fields=messages", nil); res.status != 200 {
		t.Fatalf("subscribe: %s", res.raw)
	}
	if st := s.Webhook(); st.State != "active" || st.Disabled || st.Alerted || st.FailingSince != nil {
		t.Errorf("re-subscribed, before any event: %+v", st)
	}
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "back"}); err != nil {
		t.Fatal(err)
	}
	if body := bot.next(t); !strings.Contains(string(body), `"text":"back"`) {
		t.Errorf("got %s", body)
	}
}

// TestPageSubscription: events follow the Page's subscribed_apps; a Page
// the bot unsubscribed gets nothing, with the reason in the journal.
func TestPageSubscription(t *testing.T) {
	t.Parallel()
	bot := newHookBot(t)
	s := hookServer(t, bot, WebhookConfig{})
	if res := apiJSON(t, s, "POST", "/v26.0/me/subscribed_apps?subscribed_fields=messages", nil); res.status != 200 {
		t.Fatalf("subscribe: %s", res.raw)
	}
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "one"}); err != nil {
		t.Fatal(err)
	}
	bot.next(t)
	if _, err := s.UserReads(DefaultPageID, alice); err != nil {
		t.Fatal(err)
	}
	bot.noWebhookWithin(t, 100*time.Millisecond) // message_reads is not subscribed
	if res := apiJSON(t, s, "DELETE", "/v26.0/me/subscribed_apps", nil); res.status != 200 {
		t.Fatalf("unsubscribe: %s", res.raw)
	}
	from := s.Journal().Last()
	if _, err := s.UserSends(DefaultPageID, alice, UserMessageRequest{Text: "two"}); err != nil {
		t.Fatal(err)
	}
	e := waitJournal(t, s, from, func(e *Event) bool { return e.Kind == KindWebhook })
	if d := attemptOf(t, e); !d.Dropped || !strings.Contains(d.Error, "subscribed_apps") {
		t.Errorf("event to an unsubscribed Page: %+v", d)
	}
	bot.noWebhookWithin(t, 100*time.Millisecond)
}

// TestFlakyBot: a bot failing half its requests at random and sometimes
// stalling past the timeout still gets every event exactly once, or the
// journal says it failed; one user's events keep their order unless an
// event had to wait for a delayed retry (the platform lets later events
// flow then); the journal's attempt log adds up.
func TestFlakyBot(t *testing.T) {
	t.Parallel()
	for _, batch := range []int{1, 4} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) {
			t.Parallel()
			flakyRun(t, batch)
		})
	}
}

func flakyRun(t *testing.T, batch int) {
	bot := newHookBot(t)
	var rmu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	bot.setAnswer(func([]byte) (int, bool) {
		rmu.Lock()
		defer rmu.Unlock()
		switch x := rng.IntN(20); {
		case x < 9:
			return http.StatusInternalServerError, false
		case x < 10:
			return 0, true // past the timeout
		}
		return http.StatusOK, false
	})
	off := false
	s := hookServer(t, bot, WebhookConfig{Timeout: 2 * time.Second, Workers: 4, Receipts: &off, Batch: batch})
	psids := []string{alice, "6283749102837465", "7391028374650192"}
	for i := 0; i < 3; i++ {
		u, err := s.AddUser(User{Name: fmt.Sprintf("Flaky %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		psids = append(psids, u.PSID)
	}
	const perUser = 10
	order := map[string]int{} // mid → its rank in its user's thread
	var omu sync.Mutex
	var wg sync.WaitGroup
	for _, psid := range psids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < perUser; n++ {
				m, err := s.UserSends(DefaultPageID, psid, UserMessageRequest{Text: fmt.Sprintf("%s #%d", psid, n)})
				if err != nil {
					t.Error(err)
					return
				}
				omu.Lock()
				order[m.MID] = n
				omu.Unlock()
			}
		}()
	}
	wg.Wait()
	total := len(psids) * perUser
	// Let real time run the immediate rounds; move the virtual clock for
	// the delayed retries.
	deadline := time.Now().Add(60 * time.Second)
	for st := s.Webhook(); int(st.Delivered+st.Failed) < total; st = s.Webhook() {
		if time.Now().After(deadline) {
			t.Fatalf("still pending after 60 s: %+v", s.Webhook())
		}
		time.Sleep(150 * time.Millisecond) // a stall (2 s) is 13 virtual minutes
		s.Advance(time.Minute)
	}

	// What the bot got, in arrival order.
	got := map[string]int{}
	var arrivals []string
	for len(bot.got) > 0 {
		var p struct {
			Entry []struct {
				Messaging []MessagingEvent `json:"messaging"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(<-bot.got, &p); err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entry {
			mid := e.Messaging[0].Message.MID
			got[mid]++
			arrivals = append(arrivals, mid)
		}
	}

	// The attempt log, by event.
	type history struct {
		attempts []WebhookAttemptDetail
		mid      string
		psid     string
	}
	hist := map[uint64]*history{}
	var attempts uint64
	for _, e := range s.Journal().Find(0, func(e *Event) bool { return e.Kind == KindWebhook && e.API == FieldMessages }) {
		d := attemptOf(t, e)
		h := hist[d.EventID]
		if h == nil {
			h = &history{mid: e.MID, psid: e.PSID}
			hist[d.EventID] = h
		}
		h.attempts = append(h.attempts, d)
		if !d.Dropped {
			attempts++
		}
	}
	if len(hist) != total {
		t.Fatalf("%d events in the attempt log, want %d", len(hist), total)
	}
	delivered, failed := 0, 0
	immediate := map[string]bool{}
	for id, h := range hist {
		last := h.attempts[len(h.attempts)-1]
		for i, a := range h.attempts {
			if a.Attempt != i+1 && !a.Dropped {
				t.Errorf("event %d: attempt %d is numbered %d", id, i+1, a.Attempt)
			}
			if i < len(h.attempts)-1 && a.Outcome != OutcomeRetry {
				t.Errorf("event %d: attempt %d is %s before the last", id, a.Attempt, a.Outcome)
			}
		}
		switch last.Outcome {
		case OutcomeDelivered:
			delivered++
			if got[h.mid] != 1 {
				t.Errorf("event %d (%s) delivered per the journal, the bot got it %d times: %+v", id, h.mid, got[h.mid], h.attempts)
			}
			if !delayedRetry(h.attempts) {
				immediate[h.mid] = true
			}
		case OutcomeFailed:
			failed++
			if got[h.mid] != 0 {
				t.Errorf("event %d failed per the journal, the bot got it %d times", id, got[h.mid])
			}
		default:
			t.Errorf("event %d ends %q", id, last.Outcome)
		}
	}
	for mid, n := range got {
		if n != 1 {
			t.Errorf("the bot got %s %d times", mid, n)
		}
	}
	st := s.Webhook()
	if int(st.Delivered) != delivered || int(st.Failed) != failed || delivered+failed != total || st.Attempts != attempts {
		t.Errorf("status %+v; journal: %d delivered, %d failed, %d attempts, of %d", st, delivered, failed, attempts, total)
	}
	// Per-user order among the events delivered in their immediate round.
	lastRank := map[string]int{}
	psidOf := map[string]string{}
	for _, h := range hist {
		psidOf[h.mid] = h.psid
	}
	for _, mid := range arrivals {
		if !immediate[mid] {
			continue
		}
		p := psidOf[mid]
		if r, ok := lastRank[p]; ok && order[mid] < r {
			t.Errorf("user %s: message #%d arrived after #%d", p, order[mid], r)
		}
		lastRank[p] = order[mid]
	}
	if delivered < total*9/10 {
		t.Errorf("only %d of %d delivered", delivered, total)
	}
	t.Logf("%d events: %d delivered (%d in their first round), %d failed, %d attempts", total, delivered, len(immediate), failed, attempts)
}

// delayedRetry reports whether an event waited for a delayed retry: its
// immediate round (the first POST and the retries made at once) failed.
func delayedRetry(attempts []WebhookAttemptDetail) bool {
	for _, a := range attempts {
		if a.NextRetry != nil {
			return true
		}
	}
	return false
}

// TestBatchedDelivery: with batching on, one POST carries the next event
// of several users, one entry each, signed over the whole body; one user's
// events still go out in order.
func TestBatchedDelivery(t *testing.T) {
	t.Parallel()
	first := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	var posts [][]string // the texts of each POST's entries
	var once sync.Once
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		if msg := checkSignatures(DefaultAppSecret, r.Header, body); msg != "" {
			t.Error(msg)
		}
		var p struct {
			Entry []struct {
				Messaging []MessagingEvent `json:"messaging"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Error(err)
		}
		var texts []string
		for _, e := range p.Entry {
			if len(e.Messaging) != 1 {
				t.Errorf("an entry with %d events", len(e.Messaging))
				continue
			}
			texts = append(texts, e.Messaging[0].Message.Text)
		}
		mu.Lock()
		posts = append(posts, texts)
		mu.Unlock()
		once.Do(func() {
			close(first)
			<-release
		})
	}))
	defer bot.Close()
	off := false
	s := hookServer(t, nil, WebhookConfig{})
	if err := s.SetWebhook(WebhookConfig{URL: bot.URL, Batch: 10, Workers: 1, Receipts: &off}); err != nil {
		t.Fatal(err)
	}
	if st := s.Webhook(); st.Batch != 10 {
		t.Errorf("status batch %d", st.Batch)
	}
	say := func(psid, text string) {
		t.Helper()
		if _, err := s.UserSends(DefaultPageID, psid, UserMessageRequest{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	say(alice, "a1")
	<-first // the only worker is busy with a1
	bob, carla := "6283749102837465", "7391028374650192"
	say(alice, "a2")
	say(bob, "b1")
	say(carla, "c1")
	say(bob, "b2")
	waitUntil(t, "5 pending events", func() bool { return s.Webhook().Pending == 5 })
	close(release)
	waitUntil(t, "5 delivered events", func() bool { return s.Webhook().Delivered >= 5 })
	mu.Lock()
	defer mu.Unlock()
	got := fmt.Sprint(posts)
	if got != "[[a1] [b1 c1 a2] [b2]]" {
		t.Errorf("POSTs carried %s, want [[a1] [b1 c1 a2] [b2]]", got)
	}
	batched := s.Journal().Find(0, func(e *Event) bool { return e.Kind == KindWebhook && attemptOf(t, *e).Batch == 3 })
	if len(batched) != 3 {
		t.Errorf("%d journal attempts say batch 3, want 3", len(batched))
	}
}
