package conformance

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// TestMain says in one line, even without -v, that the npm client tests
// will skip and why: `go test ./...` shows nothing of a passing package but
// its "ok" line, so a skip would otherwise go unnoticed.
func TestMain(m *testing.M) {
	flag.Parse() // testing.Verbose needs the flags
	if _, why := harnessMissing(); why != "" && os.Getenv("CI") != "true" {
		w := goCommandStderr()
		fmt.Fprintf(w, "messemu/conformance: the npm client tests skip: %s\n", why)
		if c, ok := w.(io.Closer); ok && w != os.Stderr {
			if err := c.Close(); err != nil {
				fmt.Fprintln(os.Stderr, "conformance:", err)
			}
		}
	}
	os.Exit(m.Run())
}

// goCommandStderr is where the person running `go test` reads: the go
// command's own standard error, which it does not buffer. The test
// binary's standard error is buffered and dropped when the package
// passes; under -v, or where the parent's descriptors cannot be reached
// (not Linux), it is the fallback.
func goCommandStderr() io.Writer {
	if testing.Verbose() || runtime.GOOS != "linux" {
		return os.Stderr
	}
	f, err := os.OpenFile("/proc/"+strconv.Itoa(os.Getppid())+"/fd/2", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return os.Stderr
	}
	return f
}
