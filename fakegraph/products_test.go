package fakegraph

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// productSend is a product template naming id, as the product template
// reference shows it.
func productSend(id string) string {
	return `{"recipient":{"id":"` + alice + `"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"product","elements":[{"id":"` + id + `"}]}}}}`
}

var productIDBody = errBody(100, 2018320, "OAuthException", "(#100) Invalid product id")

// TestProductsControlAPI: the product template succeeds once the product
// is registered through the control API, and is refused again after it
// is removed; an unknown id keeps the platform's refusal.
func TestProductsControlAPI(t *testing.T) {
	t.Parallel()
	s := New()
	userWrites(t, s, alice)
	code, out := graph(t, s, "POST", "/me/messages", productSend("4730587393621832"))
	wantGraphError(t, code, out, productIDBody)

	code, body := control(t, s, "POST", "products", `{"id":"4730587393621832","name":"Blue mug","price":"$12.00"}`)
	require.Equal(t, http.StatusOK, code, body)
	code, body = control(t, s, "POST", "products", `{"products":[{"id":"5830587393621833"}]}`)
	require.Equal(t, http.StatusOK, code, body)
	code, body = control(t, s, "GET", "products", "")
	require.Equal(t, http.StatusOK, code, body)
	assert.JSONEq(t, `{"data":[{"id":"4730587393621832","page_id":"`+DefaultPageID+`","name":"Blue mug","price":"$12.00"},{"id":"5830587393621833","page_id":"`+DefaultPageID+`"}]}`, body)

	mustGraph(t, s, "POST", "/me/messages", productSend("4730587393621832"))
	code, out = graph(t, s, "POST", "/me/messages", productSend("999"))
	wantGraphError(t, code, out, productIDBody)

	code, body = control(t, s, "DELETE", "products/4730587393621832", "")
	require.Equal(t, http.StatusOK, code, body)
	code, out = graph(t, s, "POST", "/me/messages", productSend("4730587393621832"))
	wantGraphError(t, code, out, productIDBody)
	code, _ = control(t, s, "DELETE", "products/4730587393621832", "")
	assert.Equal(t, http.StatusNotFound, code)
	code, body = control(t, s, "POST", "products", `{"name":"no id"}`)
	assert.Equal(t, http.StatusBadRequest, code, body)

	code, body = control(t, s, "DELETE", "products", "")
	require.Equal(t, http.StatusOK, code, body)
	list, err := s.Products(DefaultPageID)
	require.NoError(t, err)
	assert.Empty(t, list)
}

// TestWithProductsSurvivesReset: products given at start are the
// emulator's initial state, as test users are.
func TestWithProductsSurvivesReset(t *testing.T) {
	t.Parallel()
	s := New(WithProducts(Product{ID: "4730587393621832"}))
	userWrites(t, s, alice)
	mustGraph(t, s, "POST", "/me/messages", productSend("4730587393621832"))
	s.Reset()
	userWrites(t, s, alice)
	mustGraph(t, s, "POST", "/me/messages", productSend("4730587393621832"))
}
