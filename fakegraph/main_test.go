package fakegraph

import (
	"fmt"
	"os"
	"testing"
)

// TestMain fails the run when a request was refused without a rule of its
// own (finish journals it under the catalogue key): every refusal names a
// rule that docs/rules.md lists.
func TestMain(m *testing.M) {
	code := m.Run()
	if note := unnamedRefusal.Load(); note != nil && code == 0 {
		fmt.Fprintf(os.Stderr, "a refusal named no rule of its own: %s\n", *note)
		code = 1
	}
	os.Exit(code)
}
