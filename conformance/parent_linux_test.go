package conformance

import (
	"os/exec"
	"syscall"
)

// stopWithParent asks Linux to end the server when the test binary dies,
// even when it is killed before its cleanup runs.
func stopWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
