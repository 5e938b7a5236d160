package fakegraph

import (
	"errors"
	"net/http"
	"sort"
	"strings"
)

// ErrNoProduct: the Page's catalogue has no product with that id.
var ErrNoProduct = errors.New("no such product")

// Catalogue products: the product template names products of the Page's
// catalogue by id, and the platform refuses an id it does not know
// (PLATFORM.md §2.7, product-id). Nothing in messemu sells, so products
// are registered by the test or the user: WithProducts, AddProducts, the
// control API's /_messemu/v1/products, `serve --products`.

// Product is a catalogue product the product template may name. Only the
// id counts for the platform's check; the rest is what a viewer shows.
type Product struct {
	ID       string `json:"id"`
	PageID   string `json:"page_id,omitempty"`
	Name     string `json:"name,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
	Price    string `json:"price,omitempty"`
}

// WithProducts registers catalogue products at start (and again after a
// Reset). A product with no PageID belongs to the first page.
func WithProducts(products ...Product) Option {
	return func(o *options) { o.products = append(o.products, products...) }
}

// AddProducts registers catalogue products to a Page; a product already
// registered is replaced.
func (s *Server) AddProducts(pageID string, products ...Product) error {
	for _, p := range products {
		if strings.TrimSpace(p.ID) == "" {
			return invalid(`a product needs an "id", the id the product template names`)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pg, err := s.page(pageID)
	if err != nil {
		return err
	}
	for _, p := range products {
		p.PageID = pageID
		pg.products[p.ID] = p
	}
	return nil
}

// Products lists a Page's catalogue products by id.
func (s *Server) Products(pageID string) ([]Product, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	pg, err := s.page(pageID)
	if err != nil {
		return nil, err
	}
	out := make([]Product, 0, len(pg.products))
	for _, p := range pg.products {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// RemoveProducts takes products off a Page's catalogue; no ids: all of them.
func (s *Server) RemoveProducts(pageID string, ids ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	pg, err := s.page(pageID)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		clear(pg.products)
		return nil
	}
	for _, id := range ids {
		if _, ok := pg.products[id]; !ok {
			return fail(ErrNoProduct, "no product "+id+" on page "+pageID)
		}
	}
	for _, id := range ids {
		delete(pg.products, id)
	}
	return nil
}

// productControlRoutes: the Page's catalogue.
func (s *Server) productControlRoutes() []controlRoute {
	return []controlRoute{
		{"POST", "products", "addProducts", s.ctlAddProducts},
		{"GET", "products", "listProducts", s.ctlListProducts},
		{"DELETE", "products", "clearProducts", s.ctlClearProducts},
		{"DELETE", "products/{id}", "removeProduct", s.ctlRemoveProduct},
	}
}

// ctlAddProducts takes one product or a list: POST /_messemu/v1/products.
func (s *Server) ctlAddProducts(c *controlCall) (any, error) {
	var req struct {
		Product
		Products []Product `json:"products"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	list := req.Products
	if req.ID != "" {
		list = append(list, req.Product)
	}
	if len(list) == 0 {
		return nil, invalid(`give {"id":"…"} or {"products":[{"id":"…"},…]}`)
	}
	if err := s.AddProducts(c.pageID, list...); err != nil {
		return nil, err
	}
	return s.ctlListProducts(c)
}

func (s *Server) ctlListProducts(c *controlCall) (any, error) {
	list, err := s.Products(c.pageID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": list}, nil
}

func (s *Server) ctlClearProducts(c *controlCall) (any, error) {
	if err := s.RemoveProducts(c.pageID); err != nil {
		return nil, err
	}
	return map[string]any{"ok": true}, nil
}

func (s *Server) ctlRemoveProduct(c *controlCall) (any, error) {
	if err := s.RemoveProducts(c.pageID, c.r.PathValue("id")); err != nil {
		if errors.Is(err, ErrNoProduct) {
			return nil, &controlStatus{http.StatusNotFound, err.Error()}
		}
		return nil, err
	}
	return map[string]any{"ok": true}, nil
}
