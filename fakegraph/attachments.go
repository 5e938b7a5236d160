package fakegraph

import (
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/messemu/messemu/validator"
)

// The Attachment Upload API (PLATFORM.md §3) and the attachment store it
// shares with the Send API: is_reusable on a send saves the asset, a
// multipart send uploads its filedata part, and a later send names the
// saved asset by attachment_id. Nothing is ever fetched from a URL.
func (s *Server) attachmentRoutes() []route {
	return []route{
		{method: "POST", pattern: "{page}/message_attachments", op: "uploadAttachment", api: APIAttachments, handle: s.uploadAttachment},
	}
}

// Documented limits and rules of §3.
var (
	ruleUploadMessage  = validator.Rule{Name: "attachment_upload.message", Source: "MP/send-messages/saving-assets"}
	ruleUploadType     = validator.Rule{Name: "attachment_upload.type", Source: "MP/send-messages/saving-assets"}
	ruleUploadReusable = validator.Rule{Name: "attachment_upload.is_reusable", Source: "MP/send-messages/saving-assets"}
	ruleUploadParam    = validator.Rule{Name: "attachment_upload.unknown-parameter", Source: "note §1.3"}
	ruleUploadFiles    = validator.Rule{Name: "attachment_upload.file-count", Limit: 1, Source: "MP/error-codes 2018005"}
	ruleUploadSource   = validator.Rule{Name: "attachment_upload.file-xor-url", Source: "MP/send-messages/saving-assets"}
	ruleUploadSize     = validator.Rule{Name: "attachment_upload.size", Limit: MaxAttachmentSize, Source: "MP/send-messages/saving-assets (25 MB)"}
	ruleUploadMIME     = validator.Rule{Name: "attachment_upload.content-type", Source: "MP/error-codes 2018047"}
	ruleUploadURL      = validator.Rule{Name: "attachment_upload.url", Source: "MP/error-codes 2018008"}
	ruleUploadUnused   = validator.Rule{Name: "attachment_upload.file-unused", Source: "MP/send-messages/saving-assets"}
)

const (
	// MaxAttachmentSize is the 25 MB upload cap, counted
	// on the uploaded bytes.
	MaxAttachmentSize = 25 << 20
	// AttachmentLife is how long a saved attachment id stays usable
	// (over 90 days old is refused), on the virtual clock.
	AttachmentLife = 90 * 24 * time.Hour
)

// uploadTypes are the attachment types an asset may have, in the order
// the enum error lists them.
var uploadTypes = []string{"image", "audio", "video", "file"}

// Attachment is a saved asset of a Page.
type Attachment struct {
	ID     string `json:"id"`
	PageID string `json:"page_id"`
	Type   string `json:"type"` // image, audio, video, file
	// URL is the recorded source of a URL upload ("" for a file upload).
	URL string `json:"url,omitempty"`
	// File describes an uploaded file; its bytes stay in memory for the UI.
	File     *File     `json:"file,omitempty"`
	Reusable bool      `json:"is_reusable"`
	Created  time.Time `json:"created"`
}

// AttachmentUploadResponse is the answer of POST /{page}/message_attachments.
type AttachmentUploadResponse struct {
	AttachmentID string `json:"attachment_id"`
}

// Attachment returns a saved attachment of a Page (the UI shows uploads
// with it).
func (s *Server) Attachment(pageID, id string) (Attachment, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.pages[pageID]
	if !ok {
		return Attachment{}, false
	}
	a, ok := p.attachments[id]
	if !ok {
		return Attachment{}, false
	}
	return *a, true
}

// assetURLs maps the attachment_ids a send named to the URLs its echo
// gives in their place: on the platform an echo's media payload is
// {"url"} (PLATFORM.md §10), whether the bot sent a URL or an id.
type assetURLs map[string]string

// of is the URL for a media payload that names a saved asset.
func (u assetURLs) of(payload map[string]any) (string, bool) {
	if u == nil {
		return "", false
	}
	id, _ := payload["attachment_id"].(string)
	url, ok := u[id]
	return url, ok
}

// echoAssetURLs finds the saved assets the send's message names by
// attachment_id: the URL each was uploaded from, or for an uploaded file
// the control API's copy of it (GET attachments/{id}). s.mu is held.
func (c *call) echoAssetURLs(p *pageState) assetURLs {
	m, _ := c.params["message"].(map[string]any)
	one, many := m["attachment"], m["attachments"]
	if one == nil && many == nil {
		return nil
	}
	var urls assetURLs
	add := func(v any) {
		a, _ := v.(map[string]any)
		pl, _ := a["payload"].(map[string]any)
		id, _ := pl["attachment_id"].(string)
		at, ok := p.attachments[id]
		if !ok {
			return
		}
		if urls == nil {
			urls = assetURLs{}
		}
		urls[id] = at.URL
		if at.URL == "" {
			urls[id] = c.origin() + ControlPrefix + "attachments/" + url.PathEscape(id) + "?page_id=" + url.QueryEscape(at.PageID)
		}
	}
	add(one)
	list, _ := many.([]any)
	for _, v := range list {
		add(v)
	}
	return urls
}

// upload is the media attachment of a request (the Upload API's message,
// or a send's message): its type, its payload and where the asset comes from.
type upload struct {
	path     validator.Path // message.attachment
	typ      string
	payload  map[string]any // nil when the request had none
	url      string
	hasURL   bool
	reusable bool
	file     *File
}

// mediaAttachment finds message.attachment with its type and payload. ok
// is false when the message has no attachment object.
func mediaAttachment(message any) (att map[string]any, typ string, payload map[string]any, ok bool) {
	m, _ := message.(map[string]any)
	att, ok = m["attachment"].(map[string]any)
	if !ok {
		return nil, "", nil, false
	}
	typ, _ = att["type"].(string)
	payload, _ = att["payload"].(map[string]any)
	return att, typ, payload, true
}

func (s *Server) uploadAttachment(c *call) (any, error) {
	c.warnUnknownParams(ruleUploadParam, "message")
	up, gerr := c.readUpload()
	if gerr != nil {
		return nil, gerr
	}
	if gerr := c.checkUploadSource(up); gerr != nil {
		return nil, gerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.saveAttachment(c, up, true)
	return AttachmentUploadResponse{AttachmentID: a.ID}, nil
}

// readUpload checks the Upload API's message object: message.attachment
// with a media type, its payload and is_reusable.
func (c *call) readUpload() (*upload, *validator.GraphError) {
	p := validator.Root("message")
	raw, ok := c.params["message"]
	if !ok || raw == nil {
		return nil, c.fail(p.JSON(), ruleUploadMessage, validator.Err(validator.KeyRequired, p.Param()), "no message")
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, c.fail(p.JSON(), ruleUploadMessage, validator.Err(validator.KeyInvalid), "message must be an object")
	}
	if gerr := c.uploadKeys(m, p, uploadMessageKeys); gerr != nil {
		return nil, gerr
	}
	ap := p.Key("attachment")
	hasText := c.presentNotEmpty(m, "text", p.Key("text"))
	if _, present := m["attachment"]; !present {
		// A text alone lacks the attachment the upload saves.
		return nil, c.fail(ap.JSON(), ruleUploadMessage, validator.Err(validator.KeyRequired, ap.Param()), "no message.attachment")
	}
	if hasText {
		return nil, c.fail(p.JSON(), ruleUploadMessage, validator.Err(validator.KeyTextXorAttachment), "text in an attachment upload")
	}
	att, ok := m["attachment"].(map[string]any)
	if !ok {
		return nil, c.fail(ap.JSON(), ruleUploadMessage, validator.Err(validator.KeyInvalid), "message.attachment must be an object")
	}
	if gerr := c.uploadKeys(att, ap, uploadAttachmentKeys); gerr != nil {
		return nil, gerr
	}
	up := &upload{path: ap}
	tp := ap.Key("type")
	rawType, present := att["type"]
	if !present || rawType == nil { // null is absent (PLATFORM.md D22), as on /messages
		return nil, c.fail(tp.JSON(), ruleUploadType, validator.Err(validator.KeyRequired, tp.Param()), "")
	}
	up.typ, _ = paramString(rawType)
	if !containsString(uploadTypes, up.typ) {
		return nil, c.fail(tp.JSON(), ruleUploadType, validator.EnumError(tp.Param(), uploadTypes, up.typ), "only media can be saved")
	}
	pp := ap.Key("payload")
	rawPayload := att["payload"]
	if rawPayload == nil { // absent or null: §2.4's attachment payload is required, a file part or not
		return nil, c.fail(pp.JSON(), ruleUploadMessage, validator.Err(validator.KeyRequired, pp.Param()), "no payload (a file upload sends {\"is_reusable\":true})")
	}
	pl, ok := rawPayload.(map[string]any)
	if !ok {
		return nil, c.fail(pp.JSON(), ruleUploadMessage, validator.Err(validator.KeyInvalid), "payload must be an object")
	}
	if gerr := c.uploadKeys(pl, pp, uploadPayloadKeys); gerr != nil {
		return nil, gerr
	}
	up.payload = pl
	if gerr := c.readPayloadSource(up); gerr != nil {
		return nil, gerr
	}
	if !up.reusable {
		c.warn(pp.Key("is_reusable").JSON(), ruleUploadReusable, "is_reusable is not true; the platform may not keep the asset for reuse")
	}
	return up, nil
}

// The keys an upload's message, attachment and payload may hold; others
// are E keys, as inside any message (PLATFORM.md §1.3, D19).
var (
	uploadMessageKeys    = []string{"attachment", "text", "attachments", "quick_replies", "metadata"}
	uploadAttachmentKeys = []string{"type", "payload"}
	uploadPayloadKeys    = []string{"url", "is_reusable"}
)

// uploadKeys refuses keys of obj that allowed does not name.
func (c *call) uploadKeys(obj map[string]any, p validator.Path, allowed []string) *validator.GraphError {
	var bad []string
	for k := range obj {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return c.fail(p.JSON(), ruleUploadMessage, validator.KeysError(p.Param(), bad), "keys the platform does not define")
}

// presentNotEmpty reports whether obj holds key with a value other than
// null or "", which are absent on an optional field (PLATFORM.md D22):
// such a key is taken out, with D22's warning, as the rules take it out.
func (c *call) presentNotEmpty(obj map[string]any, key string, p validator.Path) bool {
	v, present := obj[key]
	if !present {
		return false
	}
	if !validator.Absent(v) {
		return true
	}
	delete(obj, key)
	c.warn(p.JSON(), validator.LenientNull, "null or empty value on an optional field is treated as absent")
	return false
}

// readPayloadSource reads payload.url and payload.is_reusable.
func (c *call) readPayloadSource(up *upload) *validator.GraphError {
	pp := up.path.Key("payload")
	if c.presentNotEmpty(up.payload, "url", pp.Key("url")) {
		v := up.payload["url"]
		s, ok := v.(string)
		if _, isBool := v.(bool); !ok && !isBool {
			s, ok = paramString(v) // a number is text, as on /messages (PLATFORM.md §1.3)
		}
		if !ok {
			return c.fail(pp.Key("url").JSON(), ruleUploadURL, validator.Err(validator.KeyString, pp.Key("url").Param()), "url must be text")
		}
		up.url, up.hasURL = s, s != ""
	}
	up.reusable = isTrue(up.payload["is_reusable"])
	return nil
}

// checkUploadSource applies §3's rules on where the asset comes from:
// exactly one file part, or none with a URL; the size cap; the file's
// Content-Type family; an absolute http(s) URL.
func (c *call) checkUploadSource(up *upload) *validator.GraphError {
	pp := up.path.Key("payload")
	switch {
	case up.hasURL && len(c.files) > 0:
		return c.fail(pp.Key("url").JSON(), ruleUploadSource, validator.Err(validator.KeyInvalid), "a file part and a payload.url in one upload")
	case up.hasURL:
		if !absoluteHTTP(up.url) {
			return c.fail(pp.Key("url").JSON(), ruleUploadURL, validator.Err(validator.KeyFetchFailed), "not an absolute http(s) URL: "+up.url)
		}
		return nil
	case len(c.files) != 1:
		return c.fail("filedata", ruleUploadFiles, validator.Err(validator.KeyFileCount), "file parts: "+strconv.Itoa(len(c.files)))
	}
	f := c.files[0]
	if f.Size > MaxAttachmentSize {
		return c.fail("filedata", ruleUploadSize, validator.Err(validator.KeyTooLarge), "the file has "+strconv.FormatInt(f.Size, 10)+" bytes")
	}
	if !contentTypeFits(up.typ, f.ContentType) {
		return c.fail("filedata", ruleUploadMIME, validator.Err(validator.KeyUploadFailure), "Content-Type "+f.ContentType+" is not "+up.typ+"/*")
	}
	up.file = &f
	return nil
}

// saveAttachment stores the asset; s.mu must be held for writing.
func (s *Server) saveAttachment(c *call, up *upload, reusable bool) *Attachment {
	a := &Attachment{PageID: c.page.ID, Type: up.typ, Reusable: reusable, Created: c.now}
	if up.hasURL {
		a.URL = strings.Clone(up.url) // a slice of the body (decodeObjectText), kept as long as the asset
	}
	if up.file != nil {
		f := *up.file
		a.File = &f
	}
	a.ID = s.newObjectID(c.page) // node.go: one id space

	c.page.attachments[a.ID] = a
	return a
}

// contentTypeFits reports whether a file's Content-Type belongs to the
// attachment type's family (file takes any).
func contentTypeFits(typ, contentType string) bool {
	if typ == "file" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	family, _, _ := strings.Cut(mt, "/")
	return family == typ
}

// absoluteHTTP reports whether u is an absolute http or https URL.
func absoluteHTTP(u string) bool {
	x, err := url.Parse(u)
	if err != nil {
		return false
	}
	return (x.Scheme == "http" || x.Scheme == "https") && x.Host != ""
}

// isTrue reads a lenient boolean (PLATFORM.md D22: "true" counts).
func isTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x == "true"
	}
	return false
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// isMultipart reports a multipart/form-data request.
func isMultipart(r *http.Request) bool {
	ct := strings.TrimLeft(r.Header.Get("Content-Type"), " \t")
	if len(ct) < len("multipart/") || !strings.EqualFold(ct[:len("multipart/")], "multipart/") {
		return false // every JSON send: no parsing
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "multipart/form-data"
}

// attachmentInfo shows a saved attachment to the validator: one of p, or
// (Foreign) one of another of pages.
func attachmentInfo(p *pageState, pages map[string]*pageState, id string) (validator.AttachmentInfo, bool) {
	if a, ok := p.attachments[id]; ok && a.Reusable {
		return validator.AttachmentInfo{Type: a.Type, Created: a.Created}, true
	}
	for _, other := range pages {
		if a, ok := other.attachments[id]; ok && other != p && a.Reusable {
			return validator.AttachmentInfo{Type: a.Type, Created: a.Created, Foreign: true}, true
		}
	}
	return validator.AttachmentInfo{}, false
}

// attachmentLive reports whether a is usable at now (under 90 days old).
func attachmentLive(a *Attachment, now time.Time) bool {
	return now.Before(a.Created.Add(AttachmentLife))
}

// getAttachmentNode answers GET /{attachment-id} for a live attachment of
// the token's Page; s.mu must be held.
func (s *Server) getAttachmentNode(c *call, id string) (any, bool) {
	a, ok := c.page.attachments[id]
	if !ok || !a.Reusable || !attachmentLive(a, c.now) {
		return nil, false
	}
	return map[string]any{"id": a.ID}, true
}

// deleteAttachmentNode answers DELETE /{attachment-id}: the asset is
// forgotten, and later sends naming it are refused.
func (s *Server) deleteAttachmentNode(c *call, id string) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := c.page.attachments[id]
	if !ok || !a.Reusable || !attachmentLive(a, c.now) {
		return nil, false
	}
	delete(c.page.attachments, id)
	return Success{Success: true}, true
}
