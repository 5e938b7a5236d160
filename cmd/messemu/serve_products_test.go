package main

import (
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/messemu/messemu/fakegraph"
)

// TestServeProductsFlag: --products registers catalogue products, from a
// list of ids or from a JSON file; a bad file stops serve with the reason.
func TestServeProductsFlag(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "products.json")
	if err := os.WriteFile(file, []byte(`[{"id":"5830587393621833","name":"Blue mug","price":"$12.00"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	var cfg serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.flags(fs)
	if err := fs.Parse([]string{"--products", "4730587393621832, 4730587393621834", "--products", "@" + file}); err != nil {
		t.Fatal(err)
	}
	srv := fakegraph.New(cfg.serverOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))...)
	got, err := srv.Products(fakegraph.DefaultPageID)
	if err != nil {
		t.Fatal(err)
	}
	want := []fakegraph.Product{
		{ID: "4730587393621832", PageID: fakegraph.DefaultPageID},
		{ID: "4730587393621834", PageID: fakegraph.DefaultPageID},
		{ID: "5830587393621833", PageID: fakegraph.DefaultPageID, Name: "Blue mug", Price: "$12.00"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("products (-want +got):\n%s", diff)
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"id":"1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"@" + bad, "@" + filepath.Join(t.TempDir(), "missing.json"), "1,,2"} {
		var c serveConfig
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.flags(fs)
		if err := fs.Parse([]string{"--products", arg}); err == nil {
			t.Errorf("--products %s was accepted", arg)
		}
	}
}

// TestServeProductsFromTheEnvironment: MESSEMU_PRODUCTS stands for
// --products, as every flag has its variable; the flag wins.
func TestServeProductsFromTheEnvironment(t *testing.T) {
	t.Setenv("MESSEMU_PRODUCTS", "4730587393621832")
	products := func(args ...string) []string {
		t.Helper()
		cfg, err := parseServe(args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		srv := fakegraph.New(cfg.serverOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))...)
		got, err := srv.Products(fakegraph.DefaultPageID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range got {
			ids = append(ids, p.ID)
		}
		return ids
	}
	if got := products(); !slices.Equal(got, []string{"4730587393621832"}) {
		t.Errorf("from MESSEMU_PRODUCTS: %v", got)
	}
	if got := products("--products", "5830587393621833"); !slices.Equal(got, []string{"5830587393621833"}) {
		t.Errorf("with --products: %v, want the flag's alone", got)
	}
	t.Setenv("MESSEMU_PRODUCTS", "@/no/such/file.json")
	if _, err := parseServe(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "MESSEMU_PRODUCTS") {
		t.Errorf("a bad MESSEMU_PRODUCTS: %v", err)
	}
}
