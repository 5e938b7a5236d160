package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// shellCommand runs line with cmd.exe. The command line is given as it is
// written: Go's own quoting of an argument (for the C runtime's rules)
// would turn a quoted path such as "C:\Program Files\nodejs\node.exe"
// into one cmd.exe does not read.
func shellCommand(line string) *exec.Cmd {
	cmd := exec.Command("cmd.exe")
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd.exe /d /s /c "` + line + `"`}
	return cmd
}

// terminateTree ends p and the processes it started: Windows has no
// signal a console program can be asked to stop with from outside, so
// this is killTree.
func terminateTree(p *os.Process) { killTree(p) }

// killTree kills p and its descendants (taskkill /T), or p alone where
// taskkill is not to be had.
func killTree(p *os.Process) {
	if err := exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(p.Pid)).Run(); err != nil {
		_ = p.Kill()
	}
}

// addrInUse reports a listen error for an address something else holds
// (WSAEADDRINUSE: Go's syscall.EADDRINUSE is not what Windows answers).
func addrInUse(err error) bool { return errors.Is(err, syscall.Errno(10048)) }
