package validator

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The receipt template (PLATFORM.md §2.7).

var (
	ruleReceiptRequired  = Rule{Name: "template.receipt.required", Source: "MP/send-messages/template/receipt"}
	ruleReceiptCurrency  = Rule{Name: "template.receipt.currency", Source: "MP/send-messages/template/receipt (ISO 4217)"}
	ruleReceiptAmount    = Rule{Name: "template.receipt.amount", Source: "MP/error-codes 2018055"}
	ruleReceiptOrderUsed = Rule{Name: "template.receipt.order_number.reused", Source: "MP/send-messages/template/receipt"}
	ruleReceiptText      = Rule{Name: "template.receipt.text", Source: "MP/send-messages/template/receipt"}
	ruleReceiptURL       = Rule{Name: "template.receipt.url", Source: "MP/send-messages/template/receipt"}
	ruleReceiptElemMax   = Rule{Name: "template.receipt.elements.too-many", Limit: 100, Source: "MP/send-messages/template/receipt"}
	ruleReceiptObject    = Rule{Name: "template.receipt.object", Source: "MP/send-messages/template/receipt"}
	receiptKeys          = set("template_type", "sharable", "recipient_name", "merchant_name", "order_number", "currency",
		"payment_method", "timestamp", "order_url", "elements", "address", "summary", "adjustments")
	receiptAddressKeys  = set("street_1", "street_2", "city", "postal_code", "state", "country")
	receiptAddressNeeds = []string{"street_1", "city", "postal_code", "state", "country"}
	receiptSummaryKeys  = set("subtotal", "shipping_cost", "total_tax", "total_cost")
	receiptSummaryOrder = []string{"subtotal", "shipping_cost", "total_tax", "total_cost"}
	receiptAdjustKeys   = set("name", "amount")
	receiptElementKeys  = set("title", "subtitle", "quantity", "price", "currency", "image_url")
)

func (s *sendChecker) receiptTemplate(pl map[string]any, p Path) {
	if !s.checkKeys(pl, receiptKeys, p, ruleTemplateKeys) || !s.sharable(pl, p) {
		return
	}
	var currency string
	for _, k := range []string{"recipient_name", "order_number", "currency", "payment_method"} {
		v, ok := s.requiredText(pl, k, p, ruleReceiptRequired)
		if !ok {
			return
		}
		if k == "currency" {
			currency = v
		}
	}
	sum, present, ok := s.optObject(pl, "summary", p, ruleReceiptObject)
	if !ok {
		return
	}
	if !present {
		s.fail(p.Key("summary"), ruleReceiptRequired, Err(KeyRequired, p.Key("summary").Param()), "")
		return
	}
	for _, k := range []string{"merchant_name", "timestamp"} {
		if _, _, ok := s.optText(pl, k, p, ruleReceiptText); !ok {
			return
		}
	}
	if !s.optURL(pl, "order_url", p, ruleReceiptURL) {
		return
	}
	if !s.currency(currency, p.Key("currency")) {
		return
	}
	decimals := currencyDecimals[currency]
	if !s.receiptSummary(sum, p.Key("summary"), decimals) ||
		!s.receiptAddress(pl, p) ||
		!s.receiptAdjustments(pl, p, decimals) ||
		!s.receiptElements(pl, p, decimals) {
		return
	}
	if n, _ := asString(pl["order_number"]); s.st.OrderNumberUsed(n) {
		s.warn(p.Key("order_number"), ruleReceiptOrderUsed, "order_number "+n+" was already used by a receipt")
	}
}

// currency refuses anything but an upper-case ISO 4217 code.
func (s *sendChecker) currency(c string, p Path) bool {
	if _, ok := currencyDecimals[c]; !ok {
		s.fail(p, ruleReceiptCurrency, Err(KeyCurrency, c), "not an upper-case ISO 4217 code")
		return false
	}
	return true
}

// amount checks obj[key], a money amount: a number (or numeric string, D22)
// with a "." decimal, not negative, with at most decimals decimals. The
// canonical number is written back. Missing and required: "required".
func (s *sendChecker) amount(obj map[string]any, key string, p Path, decimals int, required bool) bool {
	kp := p.Key(key)
	var v any
	var present bool
	if required {
		v, present = obj[key]
		present = present && v != nil
	} else {
		v, present = s.optional(obj, key, p, true)
	}
	if !present {
		if required {
			s.fail(kp, ruleReceiptRequired, Err(KeyRequired, kp.Param()), "")
			return false
		}
		return true
	}
	text, ok := amountText(v)
	if !ok {
		s.fail(kp, ruleReceiptAmount, Err(KeyPaymentSummary), "not a number")
		return false
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f < 0 {
		s.fail(kp, ruleReceiptAmount, Err(KeyPaymentSummary), "not a positive amount with a '.' decimal")
		return false
	}
	// The decimals the amount has, not those written: 100.0 is a whole
	// amount, as 1e2 is (Python writes floats so).
	if dot := strings.IndexByte(text, '.'); dot >= 0 && len(strings.TrimRight(text[dot+1:], "0")) > decimals {
		s.fail(kp, ruleReceiptAmount, Err(KeyPaymentSummary), "more decimals than the currency allows ("+strconv.Itoa(decimals)+")")
		return false
	}
	if _, isNumber := v.(string); isNumber {
		s.rewrite(obj, key, f)
	}
	return true
}

// amountText renders an amount as written: a numeric string as is, a
// JSON number in plain decimal form.
func amountText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		for _, r := range x {
			if (r < '0' || r > '9') && r != '.' && r != '-' {
				return "", false
			}
		}
		return x, x != ""
	case json.Number:
		if strings.ContainsAny(x.String(), "eE") {
			f, err := x.Float64()
			return strconv.FormatFloat(f, 'f', -1, 64), err == nil
		}
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

func (s *sendChecker) receiptSummary(sum map[string]any, p Path, decimals int) bool {
	if !s.checkKeys(sum, receiptSummaryKeys, p, ruleTemplateKeys) {
		return false
	}
	for _, k := range receiptSummaryOrder {
		if !s.amount(sum, k, p, decimals, k == "total_cost") {
			return false
		}
	}
	return true
}

func (s *sendChecker) receiptAddress(pl map[string]any, p Path) bool {
	addr, present, ok := s.optObject(pl, "address", p, ruleReceiptObject)
	if !ok || !present {
		return ok
	}
	ap := p.Key("address")
	if !s.checkKeys(addr, receiptAddressKeys, ap, ruleTemplateKeys) {
		return false
	}
	for _, k := range receiptAddressNeeds {
		if _, ok := s.requiredText(addr, k, ap, ruleReceiptRequired); !ok {
			return false
		}
	}
	_, _, ok = s.optText(addr, "street_2", ap, ruleReceiptText)
	return ok
}

func (s *sendChecker) receiptAdjustments(pl map[string]any, p Path, decimals int) bool {
	list, present, ok := s.optArray(pl, "adjustments", p, ruleReceiptObject)
	if !ok || !present {
		return ok
	}
	for i, item := range list {
		ip := p.Key("adjustments").Index(i)
		adj, _, ok := s.object(item, ip, ruleReceiptObject)
		if !ok || !s.checkKeys(adj, receiptAdjustKeys, ip, ruleTemplateKeys) {
			return false
		}
		if _, ok := s.requiredText(adj, "name", ip, ruleReceiptRequired); !ok || !s.amount(adj, "amount", ip, decimals, true) {
			return false
		}
	}
	return true
}

func (s *sendChecker) receiptElements(pl map[string]any, p Path, decimals int) bool {
	list, present, ok := s.optArray(pl, "elements", p, ruleReceiptObject)
	if !ok || !present {
		return ok
	}
	fine := true
	if s.halt(s.count(len(list), p.Key("elements"), Rule{}, ruleReceiptElemMax), &fine) {
		return false
	}
	for i, item := range list {
		if s.halt(s.receiptElement(item, p.Key("elements").Index(i), decimals), &fine) {
			return false
		}
	}
	return fine
}

// receiptElement checks one item of a receipt.
func (s *sendChecker) receiptElement(item any, ip Path, decimals int) bool {
	el, _, ok := s.object(item, ip, ruleReceiptObject)
	if !ok || !s.checkKeys(el, receiptElementKeys, ip, ruleTemplateKeys) {
		return false
	}
	if _, ok := s.requiredText(el, "title", ip, ruleReceiptRequired); !ok {
		return false
	}
	if _, _, ok := s.optText(el, "subtitle", ip, ruleReceiptText); !ok {
		return false
	}
	d := decimals
	if c, present, ok := s.optText(el, "currency", ip, ruleReceiptCurrency); !ok {
		return false
	} else if present {
		if !s.currency(c, ip.Key("currency")) {
			return false
		}
		d = currencyDecimals[c]
	}
	return s.amount(el, "price", ip, d, true) && s.quantity(el, ip) && s.optURL(el, "image_url", ip, ruleReceiptURL)
}

// quantity reads an element's optional quantity, a number (D22: numeric
// strings accepted and written back as numbers).
func (s *sendChecker) quantity(el map[string]any, p Path) bool {
	v, present := s.optional(el, "quantity", p, true)
	if !present {
		return true
	}
	f, ok := asNumber(v)
	if !ok {
		s.fail(p.Key("quantity"), ruleReceiptObject, Err(KeyInvalid), "quantity must be a number")
		return false
	}
	if _, isString := v.(string); isString {
		s.rewrite(el, "quantity", f)
	}
	return true
}

// optURL reads an optional URL field: "" and null are absent (D22); a
// value that is not an absolute http(s) URL gets "url".
func (s *sendChecker) optURL(obj map[string]any, key string, p Path, rule Rule) bool {
	u, present, ok := s.optText(obj, key, p, rule)
	if !ok || !present {
		return ok
	}
	if _, ok := httpURL(u); !ok {
		s.fail(p.Key(key), rule, Err(KeyURL, p.Key(key).Param()), "not an absolute http(s) URL")
		return false
	}
	return true
}
