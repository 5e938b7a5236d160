//go:build !linux

package conformance

import "os/exec"

// stopWithParent is Linux-only; elsewhere the test's cleanup stops the server.
func stopWithParent(*exec.Cmd) {}
