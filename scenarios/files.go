package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sync"
)

// fileServer serves the local files of sends: steps on loopback, as the
// platform's CDN serves what users send: the bot gets a URL it can fetch.
// It starts at the first file and stops with the run.
type fileServer struct {
	mu    sync.Mutex
	srv   *http.Server
	url   string
	files map[string]string // URL path → file
}

// serve returns a URL for the file.
func (f *fileServer) serve(file string) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.srv == nil {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		f.files = map[string]string{}
		f.srv = &http.Server{Handler: http.HandlerFunc(f.handle)}
		f.url = "http://" + l.Addr().String()
		go func() { _ = f.srv.Serve(l) }() // ends with close
	}
	sum := sha256.Sum256([]byte(abs))
	p := "/files/" + hex.EncodeToString(sum[:8]) + "/" + path.Base(filepath.ToSlash(abs))
	f.files[p] = abs
	return f.url + p, nil
}

func (f *fileServer) handle(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	file, ok := f.files[r.URL.Path]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.ServeFile(w, r, file)
}

func (f *fileServer) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.srv != nil {
		_ = f.srv.Close()
	}
}
