package validator

import (
	"slices"
	"strings"
	"testing"
)

// Templates (PLATFORM.md §2.7).

var (
	errTemplateType   = oauth(100, 0, "(#100) Invalid template type")
	errIncomplete     = oauth(100, 2018035, "(#100) Incomplete element data: title and at least one other field (image url, subtitle or buttons) is required with non-empty value")
	errPaymentSummary = oauth(100, 2018055, "(#100) The amount you specified in payment summary is invalid. Please verify that it is a valid positive amount and is supported by its currency in terms of decimal places.")
	errMediaType      = oauth(100, 2018182, "(#100) Media type is not valid")
	errMediaURL       = oauth(100, 2018185, "(#100) Only Facebook URLs are supported for media template")
	errMediaSource    = oauth(100, 2018187, "(#100) Either a URL or an attachment ID is required")
	errProductID      = oauth(100, 2018320, "(#100) Invalid product id")
)

func errCurrency(c string) *GraphError {
	return oauth(100, 0, "(#100) The currency code '"+c+"' is not supported")
}

// button template with text and buttons.
func buttonTpl(text, buttons string) string {
	return tpl(`{"template_type":"button","text":` + jsonString(text) + `,"buttons":` + buttons + `}`)
}

// generic template with the given elements array.
func generic(elements string) string {
	return tpl(`{"template_type":"generic","elements":` + elements + `}`)
}

// el is a generic element holding title and the extra fields.
func el(title, extra string) string {
	return `{"title":` + jsonString(title) + extra + `}`
}

// mediaTpl is a media template with one element's fields.
func mediaTpl(fields string) string {
	return tpl(`{"template_type":"media","elements":[{` + fields + `}]}`)
}

// receipt is a receipt template with the required fields and extra ones
// (extra starts with a comma). The summary is replaced when extra has one.
func receipt(currency, extra string) string {
	summary := `,"summary":{"total_cost":56.14}`
	if strings.Contains(extra, `"summary"`) {
		summary = ""
	}
	return tpl(`{"template_type":"receipt","recipient_name":"Stephane Crozatier","order_number":"12345678902","currency":"` + currency + `","payment_method":"Visa 2345"` + summary + extra + `}`)
}

// receiptWithout is the minimal receipt less one key.
func receiptWithout(key string) string {
	fields := []string{`"template_type":"receipt"`, `"recipient_name":"A"`, `"order_number":"1"`, `"currency":"USD"`, `"payment_method":"Cash"`, `"summary":{"total_cost":1}`}
	var kept []string
	for _, f := range fields {
		if !strings.HasPrefix(f, `"`+key+`"`) {
			kept = append(kept, f)
		}
	}
	return tpl("{" + strings.Join(kept, ",") + "}")
}

// total is a receipt whose total_cost is written as raw JSON.
func total(currency, raw string) string {
	return receipt(currency, `,"summary":{"total_cost":`+raw+`}`)
}

// feedback is the valid feedback payload with one substitution.
func feedback(old, new string) string {
	if !strings.Contains(feedbackPayload, old) {
		panic("feedback fixture lacks " + old)
	}
	return tpl(strings.Replace(feedbackPayload, old, new, 1))
}

// question is a feedback template with one question object.
func question(q string) string {
	return feedback(`{"id":"myquestion1","type":"csat","title":"How would you rate our service?","score_label":"neg_pos","score_option":"five_stars","follow_up":{"type":"free_form","placeholder":"Give additional feedback"}}`, q)
}

const (
	elPath   = "name_placeholder[elements][0]"
	withSub  = `,"subtitle":"s"`
	otn      = `{"template_type":"one_time_notif_req","title":"Tell me when it is back","payload":"BACK_IN_STOCK"}`
	fbURL    = `"url":"https://www.facebook.com/photo.php?fbid=1"`
	qPath    = "name_placeholder[feedback_screens][0][questions][0]"
	wOTN     = "template.one_time_notif_req.legacy"
	wAspect  = "template.generic.image_aspect_ratio.legacy"
	wDefault = "default_action.title"
)

var templateCases = []sendCase{
	// template_type (§2.7, D13, D14).
	{name: "template without template_type", body: tpl(`{"elements":[{"title":"a"}]}`), want: errTemplateType},
	{name: "template_type unknown", body: tpl(`{"template_type":"carousel"}`), want: errTemplateType},
	{name: "template_type empty", body: tpl(`{"template_type":""}`), want: errTemplateType},
	{name: "template payload not an object", body: to(`{"attachment":{"type":"template","payload":"generic"}}`), want: errInvalid},
	{name: "template list (gone)", body: tpl(`{"template_type":"list","elements":[]}`), want: oauth(100, 0, "(#100) Template type 'list' is no longer supported")},
	{name: "template open_graph (gone)", body: tpl(`{"template_type":"open_graph"}`), want: oauth(100, 0, "(#100) Template type 'open_graph' is no longer supported")},
	{name: "template airline_boardingpass (gone)", body: tpl(`{"template_type":"airline_boardingpass"}`), want: oauth(100, 0, "(#100) Template type 'airline_boardingpass' is no longer supported")},
	{name: "template airline_checkin (gone)", body: tpl(`{"template_type":"airline_checkin"}`), want: oauth(100, 0, "(#100) Template type 'airline_checkin' is no longer supported")},
	{name: "template airline_itinerary (gone)", body: tpl(`{"template_type":"airline_itinerary"}`), want: oauth(100, 0, "(#100) Template type 'airline_itinerary' is no longer supported")},
	{name: "template airline_update (gone)", body: tpl(`{"template_type":"airline_update"}`), want: oauth(100, 0, "(#100) Template type 'airline_update' is no longer supported")},
	{name: "template coupon (not emulated)", body: tpl(`{"template_type":"coupon"}`), want: oauth(100, 0, "(#100) The coupon template is not emulated by messemu")},
	{name: "template image grid (not emulated)", body: tpl(`{"template_type":"image_grid"}`), want: oauth(100, 0, "(#100) The image grid template is not emulated by messemu")},
	{name: "template utility (not emulated)", body: tpl(`{"template_type":"utility"}`), want: oauth(100, 0, "(#100) The utility template is not emulated by messemu")},

	// button template.
	{name: "button template", body: buttonTpl("What next?", `[`+postbk+`]`)},
	{name: "button template sharable", body: tpl(`{"template_type":"button","text":"t","buttons":[` + postbk + `],"sharable":true}`)},
	{name: "button template text 640", body: buttonTpl(rep(640), `[`+postbk+`]`)},
	{name: "button template text 641", body: buttonTpl(rep(641), `[`+postbk+`]`), want: errLength("name_placeholder[text]", 640)},
	{name: "button template without text", body: tpl(`{"template_type":"button","buttons":[` + postbk + `]}`), want: errRequired("name_placeholder[text]")},
	{name: "button template empty text", body: buttonTpl("", `[`+postbk+`]`), want: errString("name_placeholder[text]")},
	{name: "button template without buttons", body: tpl(`{"template_type":"button","text":"t"}`), want: errRequired("name_placeholder[buttons]")},
	{name: "button template empty buttons (observed nonempty)", body: buttonTpl("t", `[]`), want: oauth(100, 0, "(#100) param name_placeholder[buttons] must be non-empty.")},
	{name: "button template 3 buttons", body: buttonTpl("t", list(3, postbk))},
	{name: "button template 4 buttons", body: buttonTpl("t", list(4, postbk)), want: errTooMany("name_placeholder[buttons]")},
	{name: "button template unknown key", body: tpl(`{"template_type":"button","text":"t","buttons":[` + postbk + `],"elements":[]}`), want: errKeys("elements", "name_placeholder")},
	{name: "button template sharable not a boolean", body: tpl(`{"template_type":"button","text":"t","buttons":[` + postbk + `],"sharable":"maybe"}`), want: errInvalid},

	// generic template.
	{name: "generic 1 element", body: generic(`[` + el("Hat", withSub) + `]`)},
	{name: "generic 10 elements", body: generic(list(10, el("Hat", withSub)))},
	{name: "generic 11 elements", body: generic(list(11, el("Hat", withSub))), want: errTooMany("name_placeholder[elements]")},
	{name: "generic no elements", body: generic(`[]`), want: errTooFew("name_placeholder[elements]")},
	{name: "generic elements missing", body: tpl(`{"template_type":"generic"}`), want: errRequired("name_placeholder[elements]")},
	{name: "generic elements not an array", body: generic(`"hat"`), want: errInvalid},
	{name: "generic element not an object", body: generic(`["hat"]`), want: errInvalid},
	{name: "generic unknown key", body: tpl(`{"template_type":"generic","elements":[` + el("a", withSub) + `],"color":"red"}`), want: errKeys("color", "name_placeholder")},
	{name: "generic element unknown key", body: generic(`[` + el("a", withSub) + `,` + el("c", `,"item_url":"https://example.com"`) + `]`), want: errKeys("item_url", "name_placeholder[elements][1]")},
	{name: "generic title missing", body: generic(`[{"subtitle":"s"}]`), want: errRequired(elPath + "[title]")},
	{name: "generic title empty", body: generic(`[` + el("", withSub) + `]`), want: errString(elPath + "[title]")},
	{name: "generic title 80", body: generic(`[` + el(rep(80), withSub) + `]`)},
	{name: "generic title 81", body: generic(`[` + el(rep(81), withSub) + `]`), want: errLength(elPath+"[title]", 80)},
	{name: "generic subtitle 80", body: generic(`[` + el("Hat", `,"subtitle":"`+rep(80)+`"`) + `]`)},
	{name: "generic subtitle 81", body: generic(`[` + el("Hat", `,"subtitle":"`+rep(81)+`"`) + `]`), want: errLength(elPath+"[subtitle]", 80)},
	{name: "generic title alone", body: generic(`[` + el("Hat", "") + `]`), want: errIncomplete},
	{name: "generic title and empty subtitle (D22)", body: generic(`[` + el("Hat", `,"subtitle":""`) + `]`), want: errIncomplete, warns: []string{wLenient}},
	{name: "generic title and image", body: generic(`[` + el("Hat", `,"image_url":"https://example.com/hat.png"`) + `]`)},
	{name: "generic title and buttons", body: generic(`[` + el("Hat", `,"buttons":[`+postbk+`]`) + `]`)},
	{name: "generic title and default_action", body: generic(`[` + el("Hat", `,"default_action":{"type":"web_url","url":"https://example.com"}`) + `]`)},
	{name: "generic image_url relative", body: generic(`[` + el("Hat", `,"image_url":"hat.png"`) + `]`), want: errURL(elPath + "[image_url]")},
	{name: "generic buttons null (D22)", body: generic(`[` + el("Hat", withSub+`,"buttons":null`) + `]`), warns: []string{wLenient}},
	{name: "generic buttons empty", body: generic(`[` + el("Hat", withSub+`,"buttons":[]`) + `]`), want: errTooFew(elPath + "[buttons]")},
	{name: "generic 3 buttons", body: generic(`[` + el("Hat", `,"buttons":`+list(3, postbk)) + `]`)},
	{name: "generic 4 buttons", body: generic(`[` + el("Hat", `,"buttons":`+list(4, postbk)) + `]`), want: errTooMany(elPath + "[buttons]")},
	{name: "generic button without title", body: generic(`[` + el("Hat", `,"buttons":[{"type":"web_url","url":"https://example.com"}]`) + `]`), want: errBtnTitle},
	{name: "generic element_share button", body: generic(`[` + el("Hat", `,"buttons":[`+postbk+`,{"type":"element_share"}]`) + `]`), want: errTooMany(elPath + "[buttons]")},
	{name: "generic button unknown key", body: generic(`[` + el("a", `,"buttons":[`+postbk+`,{"type":"postback","title":"y","payload":"q","url":"https://example.com"}]`) + `]`), want: errKeys("url", elPath+"[buttons][1]")},
	{name: "generic default_action with a title (W)", body: generic(`[` + el("Hat", `,"default_action":{"type":"web_url","url":"https://example.com","title":"Hat"}`) + `]`), warns: []string{wDefault}},
	{name: "generic default_action without url", body: generic(`[` + el("Hat", `,"default_action":{"type":"web_url"}`) + `]`), want: errBtnURL},
	{name: "generic default_action postback", body: generic(`[` + el("Hat", `,"default_action":{"type":"postback","payload":"P"}`) + `]`), want: errKeys("payload", elPath+"[default_action]")},
	{name: "generic default_action type postback", body: generic(`[` + el("Hat", `,"default_action":{"type":"postback","url":"https://example.com"}`) + `]`), want: errEnum(elPath+"[default_action][type]", "web_url", "postback")},
	{name: "generic default_action without type", body: generic(`[` + el("Hat", `,"default_action":{"url":"https://example.com"}`) + `]`), want: errRequired(elPath + "[default_action][type]")},
	{name: "generic default_action extensions off the whitelist", body: generic(`[` + el("Hat", `,"default_action":{"type":"web_url","url":"https://other.example","messenger_extensions":true}`) + `]`), want: errExtDomain},
	{name: "generic image_aspect_ratio horizontal (W)", body: tpl(`{"template_type":"generic","image_aspect_ratio":"horizontal","elements":[` + el("a", withSub) + `]}`), warns: []string{wAspect}},
	{name: "generic image_aspect_ratio square (W)", body: tpl(`{"template_type":"generic","image_aspect_ratio":"square","elements":[` + el("a", withSub) + `]}`), warns: []string{wAspect}},
	{name: "generic image_aspect_ratio off the list", body: tpl(`{"template_type":"generic","image_aspect_ratio":"round","elements":[` + el("a", withSub) + `]}`), want: errEnum("name_placeholder[image_aspect_ratio]", "horizontal, square", "round")},
	{name: "generic full element", body: generic(`[` + el("Hat", `,"subtitle":"Red","image_url":"https://example.com/hat.png","default_action":{"type":"web_url","url":"https://example.com/hat","webview_height_ratio":"tall"},"buttons":[{"type":"web_url","url":"https://example.com","title":"View"},`+postbk+`]`) + `]`)},

	// media template.
	{name: "media by facebook url", body: mediaTpl(`"media_type":"image",` + fbURL)},
	{name: "media by facebook.com apex", body: mediaTpl(`"media_type":"video","url":"https://facebook.com/x/videos/1"`)},
	{name: "media by attachment_id", body: mediaTpl(`"media_type":"video","attachment_id":"` + liveAsset + `"`)},
	{name: "media no elements", body: tpl(`{"template_type":"media","elements":[]}`), want: errTooFew("name_placeholder[elements]")},
	{name: "media 2 elements", body: tpl(`{"template_type":"media","elements":[{"media_type":"image",` + fbURL + `},{"media_type":"image",` + fbURL + `}]}`), want: errTooMany("name_placeholder[elements]")},
	{name: "media elements missing", body: tpl(`{"template_type":"media"}`), want: errRequired("name_placeholder[elements]")},
	{name: "media_type audio", body: mediaTpl(`"media_type":"audio",` + fbURL), want: errMediaType},
	{name: "media_type missing", body: mediaTpl(fbURL), want: errRequired(elPath + "[media_type]")},
	{name: "media neither url nor attachment_id", body: mediaTpl(`"media_type":"image"`), want: errMediaSource},
	{name: "media url and attachment_id (D20)", body: mediaTpl(`"media_type":"image",` + fbURL + `,"attachment_id":"` + liveAsset + `"`), want: errInvalid},
	{name: "media url off facebook.com", body: mediaTpl(`"media_type":"image","url":"https://example.com/a.png"`), want: errMediaURL},
	{name: "media url on a look-alike host", body: mediaTpl(`"media_type":"image","url":"https://notfacebook.com/a.png"`), want: errMediaURL},
	{name: "media unknown attachment_id", body: mediaTpl(`"media_type":"image","attachment_id":"9"`), want: errAttachmentID},
	{name: "media 3 buttons", body: mediaTpl(`"media_type":"image",` + fbURL + `,"buttons":` + list(3, postbk))},
	{name: "media 4 buttons", body: mediaTpl(`"media_type":"image",` + fbURL + `,"buttons":` + list(4, postbk)), want: errTooMany(elPath + "[buttons]")},
	{name: "media element unknown key", body: mediaTpl(`"media_type":"image",` + fbURL + `,"title":"x"`), want: errKeys("title", elPath)},

	// receipt template.
	{name: "receipt full", body: receipt("USD", `,"sharable":true,"merchant_name":"Hats","order_url":"https://example.com/order","timestamp":"1428444852","address":{"street_1":"1 Hacker Way","street_2":"","city":"Menlo Park","postal_code":"94025","state":"CA","country":"US"},"summary":{"subtotal":75.00,"shipping_cost":4.95,"total_tax":6.19,"total_cost":56.14},"adjustments":[{"name":"New Customer Discount","amount":20},{"name":"$10 Off Coupon","amount":10}],"elements":[{"title":"Classic White T-Shirt","subtitle":"100% Cotton","quantity":2,"price":50,"currency":"USD","image_url":"https://example.com/white.png"},{"title":"Free sticker","price":0}]`), warns: []string{wLenient}},
	{name: "receipt minimal", body: receiptWithout("")},
	{name: "receipt without recipient_name", body: receiptWithout("recipient_name"), want: errRequired("name_placeholder[recipient_name]")},
	{name: "receipt without order_number", body: receiptWithout("order_number"), want: errRequired("name_placeholder[order_number]")},
	{name: "receipt without currency", body: receiptWithout("currency"), want: errRequired("name_placeholder[currency]")},
	{name: "receipt without payment_method", body: receiptWithout("payment_method"), want: errRequired("name_placeholder[payment_method]")},
	{name: "receipt without summary", body: receiptWithout("summary"), want: errRequired("name_placeholder[summary]")},
	{name: "receipt without total_cost", body: receipt("USD", `,"summary":{"subtotal":1}`), want: errRequired("name_placeholder[summary][total_cost]")},
	{name: "receipt currency lower case", body: receipt("usd", ""), want: errCurrency("usd")},
	{name: "receipt currency not ISO 4217", body: receipt("XYZ", ""), want: errCurrency("XYZ")},
	{name: "receipt USD 2 decimals", body: total("USD", "1.25")},
	{name: "receipt USD 3 decimals", body: total("USD", "1.255"), want: errPaymentSummary},
	{name: "receipt JPY 0 decimals", body: total("JPY", "1500")},
	{name: "receipt JPY 1 decimal", body: total("JPY", "1500.5"), want: errPaymentSummary},
	{name: "receipt JPY written as a float", body: total("JPY", "100.0")},    // Python's json.dumps(100.0)
	{name: "receipt USD with a trailing zero", body: total("USD", "10.050")}, // two decimals, as 1.005e1
	{name: "receipt USD 3 decimals past zeros", body: total("USD", "10.0051"), want: errPaymentSummary},
	{name: "receipt KWD 3 decimals", body: total("KWD", "1.125")},
	{name: "receipt KWD 4 decimals", body: total("KWD", "1.1255"), want: errPaymentSummary},
	{name: "receipt CLF 4 decimals", body: total("CLF", "1.1255")},
	{name: "receipt CLF 5 decimals", body: total("CLF", "1.12555"), want: errPaymentSummary},
	{name: "receipt amount as a numeric string (D22)", body: total("USD", `"56.14"`)},
	{name: "receipt amount with a decimal comma", body: total("USD", `"56,14"`), want: errPaymentSummary},
	{name: "receipt amount negative", body: total("USD", "-1"), want: errPaymentSummary},
	{name: "receipt amount zero", body: total("USD", "0")},
	{name: "receipt amount as an object", body: total("USD", `{"value":1}`), want: errPaymentSummary},
	{name: "receipt subtotal with too many decimals", body: receipt("EUR", `,"summary":{"subtotal":1.001,"total_cost":1}`), want: errPaymentSummary},
	{name: "receipt subtotal null (D22)", body: receipt("EUR", `,"summary":{"subtotal":null,"total_cost":1}`), warns: []string{wLenient}},
	{name: "receipt summary unknown key", body: receipt("USD", `,"summary":{"total_cost":1,"discount":2}`), want: errKeys("discount", "name_placeholder[summary]")},
	{name: "receipt reused order_number (W)", body: tpl(`{"template_type":"receipt","recipient_name":"A","order_number":"` + usedOrder + `","currency":"USD","payment_method":"Cash","summary":{"total_cost":1}}`), warns: []string{"template.receipt.order_number.reused"}},
	{name: "receipt address without city", body: receipt("USD", `,"address":{"street_1":"1 Hacker Way","postal_code":"94025","state":"CA","country":"US"}`), want: errRequired("name_placeholder[address][city]")},
	{name: "receipt address without street_1", body: receipt("USD", `,"address":{"city":"Menlo Park","postal_code":"94025","state":"CA","country":"US"}`), want: errRequired("name_placeholder[address][street_1]")},
	{name: "receipt address without postal_code", body: receipt("USD", `,"address":{"street_1":"1","city":"c","state":"CA","country":"US"}`), want: errRequired("name_placeholder[address][postal_code]")},
	{name: "receipt address without state", body: receipt("USD", `,"address":{"street_1":"1","city":"c","postal_code":"1","country":"US"}`), want: errRequired("name_placeholder[address][state]")},
	{name: "receipt address without country", body: receipt("USD", `,"address":{"street_1":"1","city":"c","postal_code":"1","state":"CA"}`), want: errRequired("name_placeholder[address][country]")},
	{name: "receipt adjustment without name", body: receipt("USD", `,"adjustments":[{"amount":1}]`), want: errRequired("name_placeholder[adjustments][0][name]")},
	{name: "receipt adjustment without amount", body: receipt("USD", `,"adjustments":[{"name":"Coupon"}]`), want: errRequired("name_placeholder[adjustments][0][amount]")},
	{name: "receipt 100 elements", body: receipt("USD", `,"elements":`+list(100, `{"title":"T","price":1}`))},
	{name: "receipt 101 elements", body: receipt("USD", `,"elements":`+list(101, `{"title":"T","price":1}`)), want: errTooMany("name_placeholder[elements]")},
	{name: "receipt element without title", body: receipt("USD", `,"elements":[{"price":1}]`), want: errRequired("name_placeholder[elements][0][title]")},
	{name: "receipt element without price", body: receipt("USD", `,"elements":[{"title":"T"}]`), want: errRequired("name_placeholder[elements][0][price]")},
	{name: "receipt element price 0", body: receipt("USD", `,"elements":[{"title":"T","price":0}]`)},
	{name: "receipt element price in its own currency", body: receipt("USD", `,"elements":[{"title":"T","price":100.5,"currency":"JPY"}]`), want: errPaymentSummary},
	{name: "receipt element currency off the list", body: receipt("USD", `,"elements":[{"title":"T","price":1,"currency":"usd"}]`), want: errCurrency("usd")},
	{name: "receipt element quantity as a string (D22)", body: receipt("USD", `,"elements":[{"title":"T","price":1,"quantity":"2"}]`)},
	{name: "receipt element unknown key", body: receipt("USD", `,"elements":[{"title":"T","price":1,"sku":"x"}]`), want: errKeys("sku", "name_placeholder[elements][0]")},
	{name: "receipt nulls (D22)", body: receipt("USD", `,"merchant_name":null,"order_url":null,"address":null,"adjustments":null,"elements":null`), warns: []string{wLenient, wLenient, wLenient, wLenient, wLenient}},
	{name: "receipt unknown key", body: receipt("USD", `,"discount":1`), want: errKeys("discount", "name_placeholder")},

	// product template.
	{name: "product 1", body: tpl(`{"template_type":"product","elements":[{"id":"` + product + `"}]}`)},
	{name: "product 10", body: tpl(`{"template_type":"product","elements":` + list(10, `{"id":"`+product+`"}`) + `}`)},
	{name: "product 11", body: tpl(`{"template_type":"product","elements":` + list(11, `{"id":"`+product+`"}`) + `}`), want: errTooMany("name_placeholder[elements]")},
	{name: "product 0", body: tpl(`{"template_type":"product","elements":[]}`), want: errTooFew("name_placeholder[elements]")},
	{name: "product unknown id", body: tpl(`{"template_type":"product","elements":[{"id":"1"}]}`), want: errProductID},
	{name: "product without id", body: tpl(`{"template_type":"product","elements":[{}]}`), want: errRequired("name_placeholder[elements][0][id]")},
	{name: "product element unknown key", body: tpl(`{"template_type":"product","elements":[{"id":"` + product + `","title":"x"}]}`), want: errKeys("title", "name_placeholder[elements][0]")},

	// one_time_notif_req (W legacy).
	{name: "one_time_notif_req (W)", body: tpl(otn), warns: []string{wOTN}},
	{name: "one_time_notif_req title 65 (W)", body: tpl(`{"template_type":"one_time_notif_req","title":"` + rep(65) + `","payload":"P"}`), warns: []string{wOTN}},
	{name: "one_time_notif_req title 66", body: tpl(`{"template_type":"one_time_notif_req","title":"` + rep(66) + `","payload":"P"}`), want: errLength("name_placeholder[title]", 65), warns: []string{wOTN}},
	{name: "one_time_notif_req without title", body: tpl(`{"template_type":"one_time_notif_req","payload":"P"}`), want: errRequired("name_placeholder[title]"), warns: []string{wOTN}},
	{name: "one_time_notif_req without payload", body: tpl(`{"template_type":"one_time_notif_req","title":"T"}`), want: errRequired("name_placeholder[payload]"), warns: []string{wOTN}},
	{name: "one_time_notif_req other key", body: tpl(`{"template_type":"one_time_notif_req","title":"T","payload":"P","text":"x"}`), want: errKeys("text", "name_placeholder"), warns: []string{wOTN}},

	// customer_feedback.
	{name: "customer_feedback", body: tpl(feedbackPayload)},
	{name: "customer_feedback title 65", body: feedback(`"title":"Rate your experience"`, `"title":"`+rep(65)+`"`)},
	{name: "customer_feedback title 66", body: feedback(`"title":"Rate your experience"`, `"title":"`+rep(66)+`"`), want: errLength("name_placeholder[title]", 65)},
	{name: "customer_feedback subtitle 80", body: feedback(`"subtitle":"Let us know how we did"`, `"subtitle":"`+rep(80)+`"`)},
	{name: "customer_feedback subtitle 81", body: feedback(`"subtitle":"Let us know how we did"`, `"subtitle":"`+rep(81)+`"`), want: errLength("name_placeholder[subtitle]", 80)},
	{name: "customer_feedback button_title 20", body: feedback(`"button_title":"Rate"`, `"button_title":"`+rep(20)+`"`)},
	{name: "customer_feedback button_title 21", body: feedback(`"button_title":"Rate"`, `"button_title":"`+rep(21)+`"`), want: errLength("name_placeholder[button_title]", 20)},
	{name: "customer_feedback without title", body: feedback(`"title":"Rate your experience",`, ``), want: errRequired("name_placeholder[title]")},
	{name: "customer_feedback without subtitle", body: feedback(`"subtitle":"Let us know how we did",`, ``), want: errRequired("name_placeholder[subtitle]")},
	{name: "customer_feedback without button_title", body: feedback(`"button_title":"Rate",`, ``), want: errRequired("name_placeholder[button_title]")},
	{name: "customer_feedback title with a URL", body: feedback(`"title":"Rate your experience"`, `"title":"Rate us at https://example.com"`), want: errInvalid},
	{name: "customer_feedback subtitle with www.", body: feedback(`"subtitle":"Let us know how we did"`, `"subtitle":"see www.example.com"`), want: errInvalid},
	{name: "customer_feedback unknown key", body: feedback(`"feedback_screens":[{`, `"feedback_screens":[],"x":[{`), want: errKeys("x", "name_placeholder")},
	{name: "customer_feedback empty screens", body: tpl(`{"template_type":"customer_feedback","title":"t","subtitle":"s","button_title":"b","feedback_screens":[],"business_privacy":{"url":"https://example.com"}}`), want: errTooFew("name_placeholder[feedback_screens]")},
	{name: "customer_feedback two screens", body: tpl(`{"template_type":"customer_feedback","title":"t","subtitle":"s","button_title":"b","feedback_screens":[{"questions":[{"id":"q","type":"nps","title":"Rate us"}]},{"questions":[{"id":"q","type":"nps","title":"Rate us"}]}],"business_privacy":{"url":"https://example.com"}}`), want: errTooMany("name_placeholder[feedback_screens]")},
	{name: "customer_feedback screens missing", body: tpl(`{"template_type":"customer_feedback","title":"t","subtitle":"s","button_title":"b","business_privacy":{"url":"https://example.com"}}`), want: errRequired("name_placeholder[feedback_screens]")},
	{name: "customer_feedback two questions", body: tpl(`{"template_type":"customer_feedback","title":"t","subtitle":"s","button_title":"b","feedback_screens":[{"questions":[{"id":"q","type":"nps","title":"Rate us"},{"id":"r","type":"nps","title":"Rate us"}]}],"business_privacy":{"url":"https://example.com"}}`), want: errTooMany("name_placeholder[feedback_screens][0][questions]")},
	{name: "customer_feedback no questions", body: tpl(`{"template_type":"customer_feedback","title":"t","subtitle":"s","button_title":"b","feedback_screens":[{"questions":[]}],"business_privacy":{"url":"https://example.com"}}`), want: errTooFew("name_placeholder[feedback_screens][0][questions]")},
	{name: "customer_feedback question id 80", body: question(`{"id":"` + strings.Repeat("a", 80) + `","type":"csat","title":"Rate us"}`)},
	{name: "customer_feedback question id 81", body: question(`{"id":"` + strings.Repeat("a", 81) + `","type":"csat","title":"Rate us"}`), want: errLength(qPath+"[id]", 80)},
	{name: "customer_feedback question id with a dash", body: question(`{"id":"my-q","type":"csat","title":"Rate us"}`), want: errInvalid},
	{name: "customer_feedback question without id", body: question(`{"type":"csat","title":"Rate us"}`), want: errRequired(qPath + "[id]")},
	{name: "customer_feedback question type off the list", body: question(`{"id":"q","type":"stars","title":"Rate us"}`), want: errEnum(qPath+"[type]", "csat, nps, ces, free_form", "stars")},
	{name: "customer_feedback question free_form", body: question(`{"id":"q","type":"free_form","title":"Tell us more"}`)},
	{name: "customer_feedback question ces", body: question(`{"id":"q","type":"ces","title":"Was it easy?","score_label":"hard_easy","score_option":"one_to_seven"}`)},
	{name: "customer_feedback question title 5", body: question(`{"id":"q","type":"csat","title":"Rate!"}`)},
	{name: "customer_feedback question title 4", body: question(`{"id":"q","type":"csat","title":"Rate"}`), want: errInvalid},
	{name: "customer_feedback question title 85", body: question(`{"id":"q","type":"csat","title":"` + rep(85) + `"}`)},
	{name: "customer_feedback question title 86", body: question(`{"id":"q","type":"csat","title":"` + rep(86) + `"}`), want: errLength(qPath+"[title]", 85)},
	{name: "customer_feedback score_label off the list", body: question(`{"id":"q","type":"csat","title":"Rate us","score_label":"bad_good"}`), want: errEnum(qPath+"[score_label]", "neg_pos, hard_easy, dis_sat, unlike_like, poor_great, none", "bad_good")},
	{name: "customer_feedback csat five_emojis", body: question(`{"id":"q","type":"csat","title":"Rate us","score_label":"dis_sat","score_option":"five_emojis"}`)},
	{name: "customer_feedback csat zero_to_ten", body: question(`{"id":"q","type":"csat","title":"Rate us","score_option":"zero_to_ten"}`), want: errEnum(qPath+"[score_option]", "five_stars, one_to_five, five_emojis", "zero_to_ten")},
	{name: "customer_feedback nps one_to_five", body: question(`{"id":"q","type":"nps","title":"Rate us","score_option":"one_to_five"}`), want: errEnum(qPath+"[score_option]", "zero_to_ten", "one_to_five")},
	{name: "customer_feedback ces zero_to_ten", body: question(`{"id":"q","type":"ces","title":"Rate us","score_option":"zero_to_ten"}`), want: errEnum(qPath+"[score_option]", "one_to_seven", "zero_to_ten")},
	{name: "customer_feedback follow_up placeholder 65", body: question(`{"id":"q","type":"csat","title":"Rate us","follow_up":{"type":"free_form","placeholder":"` + rep(65) + `"}}`)},
	{name: "customer_feedback follow_up placeholder 66", body: question(`{"id":"q","type":"csat","title":"Rate us","follow_up":{"type":"free_form","placeholder":"` + rep(66) + `"}}`), want: errLength(qPath+"[follow_up][placeholder]", 65)},
	{name: "customer_feedback follow_up type off the list", body: question(`{"id":"q","type":"csat","title":"Rate us","follow_up":{"type":"stars"}}`), want: errEnum(qPath+"[follow_up][type]", "free_form", "stars")},
	{name: "customer_feedback question unknown key", body: question(`{"id":"q","type":"csat","title":"Rate us","hint":"x"}`), want: errKeys("hint", qPath)},
	{name: "customer_feedback without business_privacy", body: feedback(`,"business_privacy":{"url":"https://www.example.com"}`, ``), want: errRequired("name_placeholder[business_privacy]")},
	{name: "customer_feedback business_privacy without url", body: feedback(`"business_privacy":{"url":"https://www.example.com"}`, `"business_privacy":{}`), want: errRequired("name_placeholder[business_privacy][url]")},
	{name: "customer_feedback business_privacy bad url", body: feedback(`"url":"https://www.example.com"`, `"url":"privacy"`), want: errURL("name_placeholder[business_privacy][url]")},
	{name: "customer_feedback expires_in_days 1", body: feedback(`"expires_in_days":3`, `"expires_in_days":1`)},
	{name: "customer_feedback expires_in_days 7", body: feedback(`"expires_in_days":3`, `"expires_in_days":7`)},
	{name: "customer_feedback expires_in_days 0", body: feedback(`"expires_in_days":3`, `"expires_in_days":0`), want: errInvalid},
	{name: "customer_feedback expires_in_days 8", body: feedback(`"expires_in_days":3`, `"expires_in_days":8`), want: errInvalid},
	{name: "customer_feedback expires_in_days 2.5", body: feedback(`"expires_in_days":3`, `"expires_in_days":2.5`), want: errInvalid},
	{name: "customer_feedback expires_in_days as a string (D22)", body: feedback(`"expires_in_days":3`, `"expires_in_days":"2"`)},
}

func TestSendTemplates(t *testing.T) {
	t.Parallel()
	runSendCases(t, templateCases)
}

// TestEveryCurrencyHasDecimals guards the ISO 4217 table: upper-case
// three-letter codes with 0 to 4 minor units.
func TestEveryCurrencyHasDecimals(t *testing.T) {
	t.Parallel()
	if len(currencyDecimals) < 150 {
		t.Errorf("only %d currencies in the ISO 4217 table", len(currencyDecimals))
	}
	for c, d := range currencyDecimals {
		if len(c) != 3 || strings.ToUpper(c) != c || d < 0 || d > 4 {
			t.Errorf("currency %q with %d decimals", c, d)
		}
	}
	for c, d := range map[string]int{"USD": 2, "EUR": 2, "JPY": 0, "KRW": 0, "BHD": 3, "CLF": 4} {
		if currencyDecimals[c] != d {
			t.Errorf("%s has %d decimals, want %d", c, currencyDecimals[c], d)
		}
	}
	// Every code takes an amount with its own number of decimals and
	// refuses one more.
	for c, d := range currencyDecimals {
		ok := "1"
		if d > 0 {
			ok += "." + strings.Repeat("5", d)
		}
		over := "1." + strings.Repeat("5", d+1)
		for _, tc := range []struct {
			amount string
			want   *GraphError
		}{{ok, nil}, {over, errPaymentSummary}} {
			chk := testValidator.Send(decodeSchemaBody(t, total(c, tc.amount), true), newFakeState())
			if wantBody(chk.Err()) != wantBody(tc.want) {
				t.Errorf("%s %s: got %s, want %s", c, tc.amount, wantBody(chk.Err()), wantBody(tc.want))
			}
		}
	}
}

// feedbackPayload is a valid customer feedback template (PLATFORM.md §2.7).
const feedbackPayload = `{"template_type":"customer_feedback","title":"Rate your experience","subtitle":"Let us know how we did","button_title":"Rate","feedback_screens":[{"questions":[{"id":"myquestion1","type":"csat","title":"How would you rate our service?","score_label":"neg_pos","score_option":"five_stars","follow_up":{"type":"free_form","placeholder":"Give additional feedback"}}]}],"business_privacy":{"url":"https://www.example.com"},"expires_in_days":3}`

// feedbackMessage is a message object holding feedbackPayload.
const feedbackMessage = `{"attachment":{"type":"template","payload":` + feedbackPayload + `}}`

// expires_in_days below 1 breaks the .min rule, above 7 the .max rule.
func TestFeedbackExpiresNamesTheBoundItBroke(t *testing.T) {
	t.Parallel()
	for days, rule := range map[string]string{"0": "template.customer_feedback.expires_in_days.min", "8": "template.customer_feedback.expires_in_days.max"} {
		chk := testValidator.Send(decodeSchemaBody(t, feedback(`"expires_in_days":3`, `"expires_in_days":`+days), true), newFakeState())
		var rules []string
		for _, v := range chk.Violations {
			rules = append(rules, v.Rule)
		}
		if !slices.Contains(rules, rule) {
			t.Errorf("expires_in_days %s: rules %v, want %s", days, rules, rule)
		}
	}
}
