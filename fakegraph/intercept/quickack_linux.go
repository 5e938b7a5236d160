package intercept

import (
	"net"
	"syscall"

	"github.com/messemu/messemu/fakegraph/internal/connlisten"
)

// quickAck asks Linux to acknowledge what c has read at once. A client
// that leaves Nagle's algorithm on for a proxied connection (Python's
// urllib3 does) writes a request's body only once its headers are
// acknowledged, and the kernel's delayed acknowledgement would hold that
// for 40 ms on every call. The kernel leaves quick-ack mode by itself, so
// it is asked again after each read.
func quickAck(c net.Conn) {
	if pc, ok := c.(*connlisten.ReaderConn); ok {
		c = pc.Conn
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
