package fakegraph

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/messemu/messemu/validator"
)

// Batch requests (PLATFORM.md §9): POST / (or /vX.Y/) with a batch of up
// to 50 Graph calls. Each item is built into an *http.Request and runs
// through the whole pipeline (version, token, route, rate limits, faults,
// handler, journal), one after the other in array order; the answer is an
// array of {code, headers, body} in item order. A failed item does not
// fail the batch.
func (s *Server) batchRoutes() []route {
	return []route{
		{method: "POST", pattern: "", op: "batch", api: APIBatch, handle: s.batch},
	}
}

// MaxBatchSize is the most items a batch may hold (the platform's limit).
const MaxBatchSize = 50

var (
	ruleBatchRequired   = validator.Rule{Name: "batch.required", Source: "Graph/batch-requests"}
	ruleBatchSize       = validator.Rule{Name: "batch.size", Limit: MaxBatchSize, Source: "Graph/batch-requests"}
	ruleBatchItem       = validator.Rule{Name: "batch.item", Source: "Graph/batch-requests"}
	ruleBatchFiles      = validator.Rule{Name: "batch.attached_files", Source: "Graph/batch-requests"}
	ruleBatchReference  = validator.Rule{Name: "batch.reference", Source: "Graph/batch-requests"}
	ruleBatchDependsOn  = validator.Rule{Name: "batch.depends_on", Source: "Graph/batch-requests"}
	ruleBatchParallel   = validator.Rule{Name: "batch.sends-without-depends_on", Source: "Graph/batch-requests (items run in parallel)"}
	ruleBatchNoMethod   = validator.Rule{Name: "batch.method", Source: "Graph/batch-requests"}
	ruleBatchNested     = validator.Rule{Name: "batch.nested", Source: "Graph/batch-requests"}
	ruleBatchBadRequest = validator.Rule{Name: "batch.request", Source: "Graph/batch-requests"}
)

// BatchHeader is one response header of a batch item.
type BatchHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// BatchResponse is one item's answer; a nil *BatchResponse is JSON null
// (omit_response_on_success).
type BatchResponse struct {
	Code    int           `json:"code"`
	Headers []BatchHeader `json:"headers,omitempty"`
	Body    string        `json:"body"`
}

// batchItem is one decoded item of the batch.
type batchItem struct {
	index       int
	method      string
	relativeURL string
	body        any // urlencoded text, or a JSON object
	name        string
	dependsOn   string
	omit        bool
	raw         map[string]any
}

// batchOutcome is what an item produced, for references and depends_on.
type batchOutcome struct {
	ok   bool
	body any // the decoded JSON answer
}

func (s *Server) batch(c *call) (any, error) {
	items, gerr := c.batchItems()
	if gerr != nil {
		return nil, gerr
	}
	includeHeaders := true
	if v, ok := c.params["include_headers"]; ok {
		if b, isText := paramString(v); isText && b == "false" {
			includeHeaders = false
		}
	}
	c.warnParallelSends(items)
	outcomes := map[string]batchOutcome{}
	out := make([]*BatchResponse, len(items))
	for _, it := range items {
		resp := s.runBatchItem(c, it, outcomes)
		if resp.timedOut { // null, and a failed outcome for items that depend on it
			if it.name != "" {
				outcomes[it.name] = batchOutcome{}
			}
			continue
		}
		var decoded any
		ok := resp.status == http.StatusOK
		if err := json.Unmarshal(resp.body, &decoded); err != nil {
			ok = false
		}
		if it.name != "" {
			outcomes[it.name] = batchOutcome{ok: ok, body: decoded}
		}
		if ok && it.omit {
			continue // null
		}
		br := &BatchResponse{Code: resp.status, Body: string(resp.body)}
		if includeHeaders {
			br.Headers = headerList(resp.header)
		}
		out[it.index] = br
	}
	return out, nil
}

// batchItems reads and bounds the batch parameter.
func (c *call) batchItems() ([]batchItem, *validator.GraphError) {
	raw, ok := c.params["batch"]
	if !ok || raw == nil || raw == "" {
		return nil, c.fail("batch", ruleBatchRequired, validator.Err(validator.KeyRequired, "batch"), "")
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, c.fail("batch", ruleBatchRequired, validator.Err(validator.KeyInvalid), "batch must be a JSON array")
	}
	if len(list) > MaxBatchSize {
		return nil, c.fail("batch", ruleBatchSize, validator.Err(validator.KeyBatchSize), strconv.Itoa(len(list))+" items")
	}
	items := make([]batchItem, len(list))
	for i, v := range list {
		it := batchItem{index: i}
		m, _ := v.(map[string]any)
		it.raw = m
		if m != nil {
			it.method, _ = paramString(m["method"])
			it.relativeURL, _ = paramString(m["relative_url"])
			it.body = m["body"]
			it.name, _ = paramString(m["name"])
			it.dependsOn, _ = paramString(m["depends_on"])
			it.omit = isTrue(m["omit_response_on_success"])
		}
		it.method = strings.ToUpper(it.method)
		items[i] = it
	}
	return items, nil
}

// runBatchItem runs one item through the pipeline, or refuses it at the
// batch level (no relative_url, attached_files, a failed dependency or
// reference), journalling the refusal as its own call.
func (s *Server) runBatchItem(c *call, it batchItem, outcomes map[string]batchOutcome) response {
	p := validator.Root("batch").Index(it.index)
	refuse := func(path validator.Path, rule validator.Rule, gerr *validator.GraphError, detail string) response {
		ic := &call{s: s, r: c.r, method: c.method, version: c.version, now: s.clock.Now(), header: make(http.Header, 14), page: c.page, route: c.route,
			params: map[string]any{"batch_item": it.raw}}
		ic.fail(path.JSON(), rule, gerr, detail)
		return s.finish(ic, nil, gerr)
	}
	if it.raw == nil {
		return refuse(p, ruleBatchItem, validator.Err(validator.KeyInvalid), "a batch item must be an object")
	}
	if it.relativeURL == "" {
		return refuse(p.Key("relative_url"), ruleBatchItem, validator.Err(validator.KeyRequired, "relative_url"), "")
	}
	if _, ok := it.raw["attached_files"]; ok {
		return refuse(p.Key("attached_files"), ruleBatchFiles, validator.Err(validator.KeyNotEmulated, "attached_files in batch requests"), "")
	}
	if it.method == "" {
		it.method = http.MethodGet
		c.warn(p.Key("method").JSON(), ruleBatchNoMethod, "no method; served as GET")
	}
	if it.dependsOn != "" {
		o, ok := outcomes[it.dependsOn]
		if !ok || !o.ok {
			return refuse(p.Key("depends_on"), ruleBatchDependsOn, validator.Err(validator.KeyInvalid), "depends_on names no earlier successful item: "+it.dependsOn)
		}
	}
	relURL, detail := resolveURLReferences(it.relativeURL, outcomes)
	if detail != "" {
		return refuse(p.Key("relative_url"), ruleBatchReference, validator.Err(validator.KeyInvalid), detail)
	}
	var body []byte
	contentType := ""
	switch b := it.body.(type) {
	case nil:
	case string:
		text, detail := resolveFormReferences(b, outcomes)
		if detail != "" {
			return refuse(p.Key("body"), ruleBatchReference, validator.Err(validator.KeyInvalid), detail)
		}
		body, contentType = []byte(text), "application/x-www-form-urlencoded"
	default:
		js, err := json.Marshal(b)
		if err != nil {
			return refuse(p.Key("body"), ruleBatchItem, validator.Err(validator.KeyInvalid), "body does not encode")
		}
		text, detail := resolveReferences(string(js), outcomes)
		if detail != "" {
			return refuse(p.Key("body"), ruleBatchReference, validator.Err(validator.KeyInvalid), detail)
		}
		body, contentType = []byte(text), "application/json"
	}
	req, detail := c.itemRequest(it.method, relURL, body, contentType)
	if detail != "" {
		return refuse(p.Key("relative_url"), ruleBatchBadRequest, validator.Err(validator.KeyInvalid), detail)
	}
	if root := strings.Trim(req.URL.Path, "/"); (root == "" || versionPattern.MatchString(root)) && !multiNodeItem(req) {
		return refuse(p.Key("relative_url"), ruleBatchNested, validator.Err(validator.KeyInvalid), "a batch item cannot be a batch")
	}
	return s.serveGraph(req)
}

// itemRequest builds an item's *http.Request: the batch's version unless
// the relative_url names one, and the batch's token (and proof) unless the
// item carries its own.
func (c *call) itemRequest(method, relURL string, body []byte, contentType string) (*http.Request, string) {
	u, err := url.Parse("/" + strings.TrimLeft(relURL, "/"))
	if err != nil {
		return nil, "relative_url does not parse: " + err.Error()
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if len(first) < 2 || first[0] != 'v' || first[1] < '0' || first[1] > '9' {
		u.Path = "/" + c.version + u.Path // the pipeline judges a named version
	}
	if q, _ := parseParams(u.RawQuery); !itemHasToken(q, body, contentType) {
		// Added to the query as it came: encoded again, a pair that does
		// not parse would be dropped rather than refused.
		add := "access_token=" + url.QueryEscape(c.token)
		if proof := c.str("appsecret_proof"); proof != "" && q.Get("appsecret_proof") == "" {
			add += "&appsecret_proof=" + url.QueryEscape(proof)
		}
		if u.RawQuery != "" {
			add = u.RawQuery + "&" + add
		}
		u.RawQuery = add
	}
	ctx := context.WithValue(c.r.Context(), batchItemKey{}, true) // for fault rules that time items out
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, "the item is not a valid request: " + err.Error()
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.RemoteAddr = c.r.RemoteAddr
	req.Host, req.TLS = c.r.Host, c.r.TLS // paging links name the host the bot called
	return req, ""
}

// itemHasToken reports whether an item names its own access_token, in its
// query (q) or its body.
func itemHasToken(q url.Values, body []byte, contentType string) bool {
	if q.Get("access_token") != "" {
		return true
	}
	switch contentType {
	case "application/x-www-form-urlencoded":
		vals, err := parseParams(string(body))
		return err == nil && vals.Get("access_token") != ""
	case "application/json":
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return false
		}
		t, _ := m["access_token"].(string)
		return t != ""
	}
	return false
}

// headerSpelling writes header names as the platform spells them
// (PLATFORM.md §1.4); Go's canonical form serves the rest.
var headerSpelling = map[string]string{
	"Facebook-Api-Version":      "facebook-api-version",
	"X-Fb-Request-Id":           "x-fb-request-id",
	"X-Fb-Trace-Id":             "x-fb-trace-id",
	"X-Fb-Rev":                  "x-fb-rev",
	"X-Fb-Debug":                "X-FB-Debug",
	"Www-Authenticate":          "WWW-Authenticate",
	"X-Business-Use-Case-Usage": "x-business-use-case-usage",
}

// headerList renders headers as the batch answer lists them, sorted.
func headerList(h http.Header) []BatchHeader {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]BatchHeader, 0, len(names))
	for _, k := range names {
		name := k
		if sp, ok := headerSpelling[k]; ok {
			name = sp
		}
		for _, v := range h[k] {
			out = append(out, BatchHeader{Name: name, Value: v})
		}
	}
	return out
}

// warnParallelSends records a warning for two sends to one recipient
// where the later does not depend, directly or through others, on the
// earlier: the platform runs items in parallel, so their order is not
// guaranteed (PLATFORM.md §9).
func (c *call) warnParallelSends(items []batchItem) {
	byName := map[string]int{}
	for _, it := range items {
		if it.name != "" {
			byName[it.name] = it.index
		}
	}
	dependsOn := func(later, earlier int) bool {
		seen := map[int]bool{}
		for i := later; !seen[i]; {
			seen[i] = true
			j, ok := byName[items[i].dependsOn]
			if !ok {
				return false
			}
			if j == earlier {
				return true
			}
			i = j
		}
		return false
	}
	last := map[string]int{}
	for _, it := range items {
		psid := sendRecipient(it)
		if psid == "" {
			continue
		}
		if prev, ok := last[psid]; ok && !dependsOn(it.index, prev) {
			c.warn(validator.Root("batch").Index(it.index).JSON(), ruleBatchParallel,
				"items "+strconv.Itoa(prev)+" and "+strconv.Itoa(it.index)+" both send to "+psid+" without depends_on; the platform may deliver them in either order")
		}
		last[psid] = it.index
	}
}

// sendRecipient is the recipient id of a Send API item ("" otherwise).
func sendRecipient(it batchItem) string {
	if it.method != http.MethodPost && it.method != "" {
		return ""
	}
	path, _, _ := strings.Cut(it.relativeURL, "?")
	if !strings.HasSuffix(strings.TrimRight(path, "/"), "/messages") {
		return ""
	}
	var rec any
	switch b := it.body.(type) {
	case string:
		vals, err := parseParams(b)
		if err != nil {
			return ""
		}
		v, ge, _ := formValue("recipient", vals.Get("recipient"))
		if ge != nil {
			return ""
		}
		rec = v
	case map[string]any:
		rec = b["recipient"]
	}
	m, _ := rec.(map[string]any)
	id, _ := paramString(m["id"])
	return id
}

// multiNodeItem reports an item reading several nodes at once (GET
// ?ids=…): a call to the root, as a batch is, that the pipeline answers
// (unmodelled.go).
func multiNodeItem(req *http.Request) bool {
	q, _ := parseParams(req.URL.RawQuery)
	return req.Method == http.MethodGet && q.Has("ids")
}
