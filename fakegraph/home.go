package fakegraph

import (
	"html/template"
	"net/http"
)

// The home page: what a person sees who opens messemu's address in a
// browser. Until the web UI takes over "/", it says what messemu is and
// where everything is, rather than answering a Graph error to a browser.

// WithHomePage serves h at "/" for browsers, in place of the built-in
// page (cmd/messemu mounts the web UI there). Graph calls to "/" (batch
// requests, anything with an access token) still reach the Graph API.
func WithHomePage(h http.Handler) Option {
	return func(o *options) { o.home = h }
}

// isHomeRequest reports whether r is a browser's visit to "/" rather than
// a Graph call: a GET or HEAD of "/" exactly, with no query and no token.
func isHomeRequest(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		r.URL.Path == "/" && r.URL.RawQuery == "" && r.Header.Get("Authorization") == ""
}

// serveHome answers a home request with the configured page or the
// built-in one.
func (s *Server) serveHome(w http.ResponseWriter, r *http.Request) {
	if s.opts.home != nil {
		s.opts.home.ServeHTTP(w, r)
		return
	}
	base := "http://" + r.Host
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	page := s.opts.pages[0]
	data := struct {
		Base, Version, PageID, PageName, PSID string
	}{base, LatestVersion, page.ID, page.Name, "{psid}"}
	if users, err := s.Users(page.ID); err == nil && len(users) > 0 {
		data.PSID = users[0].PSID
	}
	if err := homePage.Execute(w, data); err != nil {
		s.log.Debug("home page", "err", err) // the browser went away
	}
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>messemu</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em}code{background:#f3f3f3;padding:0 .2em}td{padding:.2em 1em .2em 0;vertical-align:top}</style>
</head><body>
<h1>messemu</h1>
<p>A local emulator of Facebook's Messenger Platform. Point your bot's Graph API base URL here: it answers as the
platform would, refuses what the platform refuses with the same errors, and posts signed webhooks as if people were
writing to the Page. Nothing leaves this machine.</p>
<table>
<tr><td>Graph API</td><td><code>{{.Base}}/{{.Version}}</code> (the version is optional)</td></tr>
<tr><td>Page</td><td><code>{{.PageID}}</code> {{.PageName}}; its token, the app secret and the verify token are on the terminal that runs <code>messemu serve</code></td></tr>
<tr><td>Control API</td><td><a href="{{.Base}}/_messemu/v1/users"><code>{{.Base}}/_messemu/v1/</code></a>: test users, what they do, the clock, faults, the webhook (<code>openapi.yaml</code>, tag <code>control</code>)</td></tr>
<tr><td>Journal</td><td><a href="{{.Base}}/_messemu/v1/journal"><code>{{.Base}}/_messemu/v1/journal</code></a>: every call, accepted or refused with its reasons, every user action and webhook attempt</td></tr>
<tr><td>Docs</td><td><code>README.md</code> in the source tree; the rules messemu enforces, with their sources: <code>docs/rules.md</code>, or <code>messemu rules</code></td></tr>
</table>
<p>Try it: a test user writes to the Page, then look at the journal.</p>
<pre><code>curl -s -X POST {{.Base}}/_messemu/v1/users/{{.PSID}}/messages -d '{"text":"hi"}'</code></pre>
</body></html>
`))
