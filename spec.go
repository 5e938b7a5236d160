// Package messemu holds what every part of the emulator shares at build time:
// the OpenAPI description of the emulated Graph API, embedded in the binary.
//
// The emulator itself lives in the sub-packages: fakegraph (the server;
// fakegraph/intercept answers for graph.facebook.com as an HTTPS proxy),
// validator (would the platform accept this request?), testkit (Go tests)
// and cmd/messemu (the binary).
package messemu

import _ "embed"

// OpenAPI is openapi.yaml, the single source of the emulated request and
// response shapes. validator compiles it once at start-up.
//
//go:embed openapi.yaml
var OpenAPI []byte
