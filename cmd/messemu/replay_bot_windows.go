package main

import (
	"os"
	"os/exec"
	"strconv"
)

// shellCommand runs line with cmd.exe.
func shellCommand(line string) *exec.Cmd {
	return exec.Command("cmd.exe", "/C", line)
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
