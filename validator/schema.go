package validator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/messemu/messemu"
)

// Schemas is the compiled openapi.yaml. It is immutable once loaded and safe
// for concurrent use.
type Schemas struct {
	doc *openapi3.T
	// byName holds the resolved components schemas, so a check costs no lookup
	// through the document.
	byName map[string]*openapi3.Schema
}

// SchemaError is a request body that does not fit the spec: where, and why.
type SchemaError struct {
	// Path is the JSON path of the offending value, dotted with [i] for
	// indexes: "message.quick_replies[2].title". For unknown keys it is the
	// object holding them ("" for the body itself).
	Path string
	// Reason says in one line what is wrong.
	Reason string
	// Keys lists, sorted, the keys the object at Path may not hold, when that
	// is the reason (the platform's "Invalid keys" error names them all).
	Keys []string
}

func (e *SchemaError) Error() string {
	if e.Path == "" {
		return "request body: " + e.Reason
	}
	return e.Path + ": " + e.Reason
}

// LoadSchemas parses and validates the spec (normally messemu.OpenAPI).
func LoadSchemas(spec []byte) (*Schemas, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi: load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: validate: %w", err)
	}
	s := &Schemas{doc: doc, byName: make(map[string]*openapi3.Schema)}
	if doc.Components != nil {
		for name, ref := range doc.Components.Schemas {
			if ref == nil || ref.Value == nil {
				return nil, fmt.Errorf("openapi: schema %q does not resolve", name)
			}
			s.byName[name] = ref.Value
		}
	}
	return s, nil
}

// embeddedSchemas compiles messemu.OpenAPI once; the result never changes.
var embeddedSchemas = sync.OnceValues(func() (*Schemas, error) {
	return LoadSchemas(messemu.OpenAPI)
})

// MustLoadSchemas returns the compiled embedded spec (messemu.OpenAPI),
// compiling it on first use. It panics only if the embedded spec is broken,
// which the tests of this package rule out.
func MustLoadSchemas() *Schemas {
	s, err := embeddedSchemas()
	if err != nil {
		panic(err)
	}
	return s
}

// Doc is the loaded document, for callers that need more than the schemas
// (routes, examples). It must not be modified.
func (s *Schemas) Doc() *openapi3.T { return s.doc }

// Has reports whether the spec defines the components schema name.
func (s *Schemas) Has(name string) bool {
	_, ok := s.byName[name]
	return ok
}

// CheckBody validates a decoded request body against the named components
// schema, e.g. "SendRequest". Numbers may be float64 or json.Number. It
// returns nil or the first mismatch, with its JSON path.
//
// The body should already be in canonical form (decision D22: "true" and
// numeric strings normalised, null and "" on optional fields dropped,
// numbers where text is due turned into text): the schemas use strict types.
func (s *Schemas) CheckBody(schema string, body map[string]any) *SchemaError {
	sc, ok := s.byName[schema]
	if !ok {
		return &SchemaError{Reason: fmt.Sprintf("no schema %q in the spec", schema)}
	}
	// No options: no format checks, no request/response defaults (which
	// would deep-copy values for every oneOf), first error only.
	err := sc.VisitJSON(body)
	if err == nil {
		return nil
	}
	return schemaError(body, err)
}

// schemaError turns a kin-openapi error into a SchemaError, following
// discriminated oneOf errors down to the mismatch inside the chosen branch.
func schemaError(body any, err error) *SchemaError {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return &SchemaError{Reason: err.Error()}
	}
	for se.SchemaField == "oneOf" || se.SchemaField == "allOf" {
		var branches openapi3.MultiError
		if se.Origin == nil || !errors.As(se.Origin, &branches) || len(branches) != 1 {
			break
		}
		var inner *openapi3.SchemaError
		if !errors.As(branches[0], &inner) {
			break
		}
		se = inner
	}
	pointer := se.JSONPointer()
	out := &SchemaError{Path: jsonPath(body, pointer)}
	switch se.SchemaField {
	case "properties":
		out.Keys = unknownSchemaKeys(se)
		out.Reason = fmt.Sprintf("invalid keys %q", strings.Join(out.Keys, ", "))
	case "required":
		out.Reason = "is required"
	case "type":
		out.Reason = fmt.Sprintf("%s, got %s", strings.TrimPrefix(se.Reason, "value "), jsonType(se.Value))
	case "enum":
		out.Reason = fmt.Sprintf("must be one of {%s} - got %s", enumList(se.Schema.Enum), quoted(se.Value))
	case "nullable":
		out.Reason = "must not be null"
	case "discriminator":
		out.Path, out.Reason = discriminatorError(out.Path, se)
	case "oneOf":
		if _, isObject := se.Value.(map[string]any); !isObject {
			out.Reason = "must be an object, got " + jsonType(se.Value)
		} else {
			out.Reason = "matches none of the allowed shapes"
		}
	default:
		out.Reason = se.Reason
		if out.Reason == "" {
			out.Reason = fmt.Sprintf("does not match %q", se.SchemaField)
		}
	}
	return out
}

// discriminatorError words a missing or unknown type key (`type`,
// `template_type`) at the key's own path.
func discriminatorError(objPath string, se *openapi3.SchemaError) (path, reason string) {
	d := se.Schema.Discriminator
	path = joinKey(objPath, d.PropertyName)
	switch v := se.Value.(type) {
	case nil:
		return path, "is required"
	case string:
		return path, fmt.Sprintf("must be one of {%s} - got %q", strings.Join(sortedKeys(d.Mapping), ", "), v)
	default:
		return path, "must be a string, got " + jsonType(v)
	}
}

// unknownSchemaKeys lists the keys of the offending object that its closed
// schema does not define.
func unknownSchemaKeys(se *openapi3.SchemaError) []string {
	obj, ok := se.Value.(map[string]any)
	if !ok || se.Schema == nil {
		return nil
	}
	var keys []string
	for k := range obj {
		if _, known := se.Schema.Properties[k]; !known {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// jsonPath renders a JSON pointer as "a.b[2].c", telling indexes from keys
// by walking the body.
func jsonPath(body any, pointer []string) string {
	var b strings.Builder
	cur := body
	for _, seg := range pointer {
		switch node := cur.(type) {
		case []any:
			b.WriteString("[" + seg + "]")
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(node) {
				cur = node[i]
			} else {
				cur = nil
			}
			continue
		case map[string]any:
			cur = node[seg]
		default:
			cur = nil
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, float32, int, int32, int64, json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func quoted(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func enumList(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
