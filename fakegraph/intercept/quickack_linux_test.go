package intercept

import (
	"io"
	"net"
	"syscall"
	"testing"
)

// quickAckOn reads TCP_QUICKACK of c: whether the kernel acknowledges at
// once rather than delaying.
func quickAckOn(t *testing.T, c *net.TCPConn) int {
	t.Helper()
	raw, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := raw.Control(func(fd uintptr) { v, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK) }); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatal(serr)
	}
	return v
}

// TestTunnelReadAcknowledgesAtOnce: after an exchange that puts Linux in
// its delayed-acknowledgement (interactive) mode, a read through the
// tunnel's connection leaves quick-ack on, where a plain read does not, so
// a client holding a request's body until its headers are acknowledged
// (Nagle's algorithm, on in urllib3's proxied connections) does not wait
// 40 ms for it.
func TestTunnelReadAcknowledgesAtOnce(t *testing.T) {
	t.Parallel()
	for _, tunnelled := range []bool{false, true} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		client, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		server, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		l.Close()
		var r io.Reader = server
		if tunnelled {
			r = &tunnelConn{Conn: server}
		}
		buf := make([]byte, 64)
		for i := 0; i < 3; i++ { // request, answer: the kernel turns interactive
			if _, err := client.Write([]byte("request")); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Read(buf); err != nil {
				t.Fatal(err)
			}
			if _, err := server.Write([]byte("answer")); err != nil {
				t.Fatal(err)
			}
			if _, err := client.Read(buf); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := client.Write([]byte("request")); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Read(buf); err != nil {
			t.Fatal(err)
		}
		on := quickAckOn(t, server.(*net.TCPConn))
		t.Logf("tunnelled %v: TCP_QUICKACK %d", tunnelled, on)
		if tunnelled && on != 1 {
			t.Errorf("after a read through the tunnel TCP_QUICKACK is %d, want 1", on)
		}
		client.Close()
		server.Close()
	}
}
