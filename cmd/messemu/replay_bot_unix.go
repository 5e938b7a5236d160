//go:build !windows

package main

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// shellCommand runs line with /bin/sh in a process group of its own, so
// that stopping it also stops what it started (a `go run`'s binary, npm's
// node).
func shellCommand(line string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", "-c", line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// terminateTree asks p's process group to stop.
func terminateTree(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGTERM) }

// killTree kills p's process group.
func killTree(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGKILL) }

// addrInUse reports a listen error for an address something else holds.
func addrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
