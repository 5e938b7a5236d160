package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/messemu/messemu/fakegraph"
)

// setProducts reads --products: catalogue product ids separated by
// commas, or "@file.json", a JSON list of products. The flag may be given
// more than once.
func (c *serveConfig) setProducts(v string) error {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		var list []fakegraph.Product
		if err := json.Unmarshal(b, &list); err != nil {
			return fmt.Errorf("%s is not a JSON list of products such as [{\"id\":\"4730587393621832\",\"name\":\"Blue mug\"}]: %w", name, err)
		}
		for i, p := range list {
			if strings.TrimSpace(p.ID) == "" {
				return fmt.Errorf("%s: product %d has no id", name, i)
			}
		}
		c.products = append(c.products, list...)
		return nil
	}
	for id := range strings.SplitSeq(v, ",") {
		if id = strings.TrimSpace(id); id == "" {
			return fmt.Errorf("an empty product id in %q", v)
		}
		c.products = append(c.products, fakegraph.Product{ID: id})
	}
	return nil
}
