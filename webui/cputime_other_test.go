//go:build !unix

package webui

import "time"

// cpuTime is 0 where getrusage is not to be had: the benchmark then
// reports no CPU time a send.
func cpuTime() time.Duration { return 0 }
