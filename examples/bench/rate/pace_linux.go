//go:build linux

package main

import (
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// prSetTimerSlack is prctl's PR_SET_TIMERSLACK (linux/prctl.h).
const prSetTimerSlack = 29

// newPacer returns the schedule's clock on Linux: the dispatching
// goroutine keeps an OS thread of its own and sleeps in nanosleep(2), with
// the thread's timer slack set to one nanosecond, so it wakes within tens
// of microseconds of each request's time.
//
// A Go timer cannot do this on an idle runtime: the scheduler waits for its
// next timer in epoll_wait, whose timeout counts whole milliseconds, so a
// request due in 300 µs goes out up to a millisecond late, and an open
// schedule charges that millisecond to the server. The raw syscall keeps
// this goroutine's P while it sleeps; GOMAXPROCS is raised to at least two
// so that the connections' goroutines always have one to run on.
func newPacer() func(time.Time) {
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	runtime.LockOSThread()
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1, 0)
	return func(t time.Time) {
		for {
			d := time.Until(t)
			if d <= 0 {
				return
			}
			ts := syscall.NsecToTimespec(int64(d))
			// EINTR (the runtime's preemption signal) comes round the loop.
			_, _, _ = syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
		}
	}
}
