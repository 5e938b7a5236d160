package fakegraph

import "github.com/messemu/messemu/validator"

// Attachments on the Send API (PLATFORM.md §2.4, §3): a multipart send
// uploads its filedata part, and is_reusable:true saves the asset and adds
// attachment_id to the answer.

// sendMedia is what a send's media attachment did to the attachment
// store, so a refused send can take it back.
type sendMedia struct {
	up       *upload
	saved    *Attachment // an uploaded file, saved before validation
	done     bool
	reusable bool
}

// prepareSendMedia runs before the Send API validator, with s.mu held for
// writing. A filedata part is checked as the Upload API checks it, saved,
// and named in the message's payload as attachment_id, so the validator
// judges the message as the platform does once the upload is done. A
// multipart media send with neither a file nor a source is file-count.
func (s *Server) prepareSendMedia(c *call) (*sendMedia, *validator.GraphError) {
	_, typ, payload, ok := mediaAttachment(c.params["message"])
	if !ok || !containsString(uploadTypes, typ) {
		if len(c.files) > 0 {
			c.warn("filedata", ruleUploadUnused, "a file part without a media attachment is ignored")
		}
		return nil, nil // not a media send: commit and rollback do nothing
	}
	up := &upload{path: validator.Root("message").Key("attachment"), typ: typ, payload: payload}
	up.url, _ = payload["url"].(string)
	up.hasURL = up.url != ""
	up.reusable = isTrue(payload["is_reusable"])
	m := &sendMedia{up: up, reusable: up.reusable}
	// An id of null or "" is absent (D22); the rules say so of a send
	// without a file, and a file's send is written from the tree anyway.
	id, hasID := payload["attachment_id"]
	hasID = hasID && !validator.Absent(id)
	switch {
	case payload == nil:
		// Without a payload the validator answers required (§2.4),
		// before the file or its absence is looked at.
		return m, nil
	case len(c.files) == 0 && isMultipart(c.r) && !up.hasURL && !hasID:
		return nil, c.fail("filedata", ruleUploadFiles, validator.Err(validator.KeyFileCount), "a multipart media send without a filedata part")
	case len(c.files) == 0:
		return m, nil
	case c.presentNotEmpty(payload, "attachment_id", up.path.Key("payload").Key("attachment_id")):
		return nil, c.fail(up.path.Key("payload").JSON(), ruleUploadSource, validator.Err(validator.KeyInvalid), "a file part and a payload.attachment_id in one send")
	}
	if gerr := c.checkUploadSource(up); gerr != nil {
		return nil, gerr
	}
	m.saved = s.saveAttachment(c, up, true)
	payload["attachment_id"] = m.saved.ID
	return m, nil
}

// commit keeps what an accepted send saved and returns the attachment_id
// its answer carries ("" unless is_reusable was true). s.mu must be held.
func (m *sendMedia) commit(s *Server, c *call) string {
	if m == nil {
		return ""
	}
	m.done = true
	switch {
	case m.up == nil:
		return ""
	case m.saved != nil:
		// A file sent once stays on record for the conversation but cannot
		// be named again unless it was reusable.
		m.saved.Reusable = m.reusable
		if m.reusable {
			return m.saved.ID
		}
		return ""
	case !m.reusable:
		return ""
	case m.up.hasURL:
		return s.saveAttachment(c, m.up, true).ID
	}
	id, _ := m.up.payload["attachment_id"].(string)
	return id
}

// rollback forgets an upload whose send was refused. s.mu must be held.
func (m *sendMedia) rollback(p *pageState) {
	if m == nil || m.done || m.saved == nil {
		return
	}
	delete(p.attachments, m.saved.ID)
}
