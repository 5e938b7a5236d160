package fakegraph

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/messemu/messemu/validator"
)

// Cursor paging of Graph edges (PLATFORM.md §1.4): `limit` (default 25),
// `after` and `before` cursors, and a `paging` object whose `next` is absent
// on the last page and `previous` on the first. Cursors are opaque
// base64url; each names an item's place in its collection, so a cursor
// stays good after its item is deleted, and one messemu did not issue is
// refused with bad-cursor.

// DefaultPageSize is the `limit` of a paged edge when none is given.
const DefaultPageSize = 25

var (
	ruleCursor = validator.Rule{Name: "paging.cursor", Source: "Graph/results"}
	ruleLimit  = validator.Rule{Name: "paging.limit", Source: "Graph/results"}
)

// Paged is a page of an edge.
type Paged struct {
	Data   []any   `json:"data"`
	Paging *Paging `json:"paging,omitempty"`
}

// Paging locates a page among its neighbours.
type Paging struct {
	Cursors  Cursors `json:"cursors"`
	Previous string  `json:"previous,omitempty"`
	Next     string  `json:"next,omitempty"`
}

// Cursors are the first and last items of a page.
type Cursors struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// pagedItem is one item of a collection with its place (1, 2, …; places
// only grow, so deleted items leave gaps).
type pagedItem struct {
	place uint64
	value any
}

// cursorCodec makes and reads the cursors of one collection, e.g.
// "personas of Page 1098…". issued is the highest place handed out so far.
type cursorCodec struct {
	collection string
	issued     uint64
}

// cursorKey signs cursors, so that one made by hand from an issued
// one's pattern is told from those messemu issued (PLATFORM.md §1.4). It
// keeps no secret (it is here), only the distinction.
var cursorKey = []byte("messemu paging cursors")

// cursorTag is the signature of a cursor's text: 12 hex digits.
func cursorTag(text string) string {
	m := hmac.New(sha256.New, cursorKey)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil)[:6])
}

func (cc cursorCodec) encode(place uint64) string {
	text := cc.collection + ":" + strconv.FormatUint(place, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(text + ":" + cursorTag(text)))
}

func (cc cursorCodec) decode(cursor string) (uint64, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(cursor)
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ':')
	if i < 0 {
		return 0, false
	}
	text := string(b[:i])
	if !hmac.Equal(b[i+1:], []byte(cursorTag(text))) {
		return 0, false
	}
	rest, ok := strings.CutPrefix(text, cc.collection+":")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	if err != nil || n == 0 || n > cc.issued {
		return 0, false
	}
	return n, true
}

// isBlank reports text that is empty or only space.
func isBlank(v any) bool {
	s, isText := v.(string)
	return isText && strings.TrimSpace(s) == ""
}

// paginate answers one page of items (sorted by place) as the call's
// limit/after/before ask.
func (c *call) paginate(items []pagedItem, cc cursorCodec) (Paged, error) {
	limit := DefaultPageSize
	if v, ok := c.params["limit"]; ok && (v == nil || isBlank(v)) {
		c.warn("limit", ruleLimit, "an empty limit is taken as none: pages of "+strconv.Itoa(DefaultPageSize)) // D22
	} else if ok {
		s, _ := paramString(v)
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return Paged{}, c.fail("limit", ruleLimit, validator.Err(validator.KeyInvalid), "limit must be a positive whole number")
		}
		limit = n
	}
	sort.Slice(items, func(i, j int) bool { return items[i].place < items[j].place })
	start, end := 0, len(items)
	switch {
	case c.str("after") != "":
		place, ok := cc.decode(c.str("after"))
		if !ok {
			return Paged{}, c.fail("after", ruleCursor, validator.Err(validator.KeyBadCursor), "a cursor messemu did not issue for this edge")
		}
		start = sort.Search(len(items), func(i int) bool { return items[i].place > place })
		end = start + min(limit, len(items)-start) // no overflow with a huge limit
	case c.str("before") != "":
		place, ok := cc.decode(c.str("before"))
		if !ok {
			return Paged{}, c.fail("before", ruleCursor, validator.Err(validator.KeyBadCursor), "a cursor messemu did not issue for this edge")
		}
		end = sort.Search(len(items), func(i int) bool { return items[i].place >= place })
		start = max(0, end-limit)
	default:
		end = min(limit, len(items))
	}
	out := Paged{Data: make([]any, 0, end-start)}
	for _, it := range items[start:end] {
		out.Data = append(out.Data, it.value)
	}
	if start == end {
		return out, nil
	}
	p := &Paging{Cursors: Cursors{Before: cc.encode(items[start].place), After: cc.encode(items[end-1].place)}}
	if start > 0 {
		p.Previous = c.pageURL(limit, "before", p.Cursors.Before)
	}
	if end < len(items) {
		p.Next = c.pageURL(limit, "after", p.Cursors.After)
	}
	out.Paging = p
	return out, nil
}

// pageURL is the absolute URL of a neighbouring page: this call's path
// with the version, token, limit, cursor and fields.
func (c *call) pageURL(limit int, dir, cursor string) string {
	q := url.Values{}
	q.Set("access_token", c.token)
	if proof := c.str("appsecret_proof"); proof != "" {
		q.Set("appsecret_proof", proof)
	}
	if f := validator.FieldList(c.params["fields"]); len(f) > 0 {
		q.Set("fields", strings.Join(f, ","))
	}
	for _, k := range []string{"user", "psid"} {
		if v := c.str(k); v != "" {
			q.Set(k, v)
		}
	}
	q.Set("limit", strconv.Itoa(limit))
	q.Set(dir, cursor)
	return c.selfURL(q)
}

// selfURL is the absolute URL of this call's path, with the version, and
// query q.
func (c *call) selfURL(q url.Values) string {
	return c.origin() + "/" + c.version + "/" + strings.Join(c.segs, "/") + "?" + q.Encode()
}

// origin is the scheme and host the bot called.
func (c *call) origin() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	host := c.r.Host
	if host == "" {
		host = "127.0.0.1"
	}
	return scheme + "://" + host
}

// listParam reads a list parameter (fields, params): a comma-separated
// text, a JSON array, or PHP-style key[0]=…&key[1]=… as some clients
// send (botly's removePersistentMenu). present is false when it is absent.
func (c *call) listParam(key string) (list []string, present bool) {
	if v, ok := c.params[key]; ok {
		return validator.FieldList(v), true
	}
	type indexed struct {
		i int
		v string
	}
	var items []indexed
	for k, v := range c.params {
		rest, ok := strings.CutPrefix(k, key+"[")
		if !ok || !strings.HasSuffix(rest, "]") {
			continue
		}
		i, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
		if err != nil {
			i = len(c.params) // "key[]": after the numbered ones
		}
		s, _ := paramString(v)
		items = append(items, indexed{i, s})
	}
	if len(items) == 0 {
		return nil, false
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].i < items[b].i })
	for _, it := range items {
		list = append(list, validator.FieldList(it.v)...)
	}
	return list, true
}
