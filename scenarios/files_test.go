package scenarios

import (
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFileServerServesTheSentFileOnLoopback(t *testing.T) {
	t.Parallel()
	f := &fileServer{}
	defer f.close()
	u, err := f.serve("examples/files/cat.png")
	require.NoError(t, err)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/files/[0-9a-f]{16}/cat\.png$`, u)
	resp, err := http.Get(u)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	want, err := os.ReadFile("examples/files/cat.png")
	require.NoError(t, err)
	assert.Equal(t, want, got)

	resp, err = http.Get(u + ".other")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "only the files of sends: steps are served")

	_, err = f.serve("examples/files/missing.png")
	require.Error(t, err)
}
