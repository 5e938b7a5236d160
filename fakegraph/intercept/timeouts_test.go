package intercept

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// slowBody is a POST whose body never arrives beyond its first bytes.
const slowBody = "POST http://graph.facebook.com/v26.0/me/messages HTTP/1.1\r\nHost: graph.facebook.com\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"recip"

// requireCutOff waits (at most 5 s) for the proxy to end conn, and fails if
// the client's own deadline came first: the proxy held the stalled request.
func requireCutOff(t *testing.T, conn net.Conn) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the proxy kept a stalled request open for 5 s with a 300 ms read timeout")
	}
}

func TestInterceptCutsOffASlowBody(t *testing.T) {
	t.Parallel()
	tp := startProxy(t, Options{ReadTimeout: 300 * time.Millisecond, ReadHeaderTimeout: 300 * time.Millisecond})

	t.Run("absolute form", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", tp.addr)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		_, err = io.WriteString(conn, slowBody)
		require.NoError(t, err)
		requireCutOff(t, conn)
	})
	t.Run("inside a TLS tunnel", func(t *testing.T) {
		t.Parallel()
		conn, br, resp := rawConnect(t, tp.addr, "graph.facebook.com:443", nil)
		require.Equal(t, 200, resp.StatusCode)
		require.Zero(t, br.Buffered())
		tc := tls.Client(conn, &tls.Config{ServerName: GraphHost, RootCAs: tp.ca.Pool()})
		require.NoError(t, tc.Handshake())
		_, err := io.WriteString(tc, slowBody)
		require.NoError(t, err)
		requireCutOff(t, tc)
	})
	t.Run("headers", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", tp.addr)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		_, err = io.WriteString(conn, "GET http://graph.facebook.com/me HTTP/1.1\r\nHost: gra")
		require.NoError(t, err)
		requireCutOff(t, conn)
	})
}
