// Command gen writes rules_table.go in each package directory given.
package main

import (
	"fmt"
	"os"

	"github.com/messemu/messemu/cmd/messemu/internal/rulegen"
)

func main() {
	for _, dir := range os.Args[1:] {
		if err := rulegen.Write(dir); err != nil {
			fmt.Fprintln(os.Stderr, "rulegen:", err)
			os.Exit(1)
		}
	}
}
