package validator

import (
	"fmt"
	"strings"
)

// Error types as the platform names them in the envelope's "type" field.
const (
	OAuthException       = "OAuthException"
	GraphMethodException = "GraphMethodException"
	GraphBatchException  = "GraphBatchException"
)

// GraphError is the error the platform answers with: the body of
// {"error":{...}} minus the fbtrace_id, which the server adds per response.
// Every error is HTTP 400 (decision D5).
type GraphError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    int    `json:"code"`
	Subcode int    `json:"error_subcode,omitempty"`
	// Authenticate makes the server add a WWW-Authenticate header
	// (codes 104 and 190).
	Authenticate bool `json:"-"`
	// Key is the error catalogue entry the error came from.
	Key Key `json:"-"`
}

func (e *GraphError) Error() string {
	if e.Subcode != 0 {
		return fmt.Sprintf("graph error %d/%d: %s", e.Code, e.Subcode, e.Message)
	}
	return fmt.Sprintf("graph error %d: %s", e.Code, e.Message)
}

// Key names an entry of the error catalogue (docs/rules.md, "Errors answered").
type Key string

// The keys of the error catalogue (docs/rules.md), plus the fault-only errors.
const (
	KeyNoToken           Key = "no-token"
	KeyBadToken          Key = "bad-token"
	KeyTokenExpired      Key = "token-expired"
	KeyProofInvalid      Key = "proof-invalid"
	KeyProofMissing      Key = "proof-missing"
	KeyUnknownPath       Key = "unknown-path"
	KeyUnsupported       Key = "unsupported"
	KeyNoField           Key = "no-field"
	KeyInvalid           Key = "invalid"
	KeyRequired          Key = "required"
	KeyNonEmpty          Key = "nonempty"
	KeyString            Key = "string"
	KeyLength            Key = "length"
	KeyEnum              Key = "enum"
	KeyID                Key = "id"
	KeyURL               Key = "url"
	KeyKeys              Key = "keys"
	KeyTooMany           Key = "too-many"
	KeyTooFew            Key = "too-few"
	KeyGetMessages       Key = "get-messages"
	KeyNotEmulated       Key = "not-emulated"
	KeyNoUser            Key = "no-user"
	KeyMsgOrState        Key = "msg-or-state"
	KeyMsgAndState       Key = "msg-and-state"
	KeyTextXorAttachment Key = "text-xor-attachment"
	KeyEmptyMessage      Key = "empty-message"
	KeyOutsideWindow     Key = "outside-window"
	KeyNewsOnly          Key = "news-only"
	KeyThreadControlled  Key = "thread-controlled"
	KeyUnavailable       Key = "unavailable"
	KeyQRTitle           Key = "qr-title"
	KeyQRPayload         Key = "qr-payload"
	KeyBtnTitle          Key = "btn-title"
	KeyBtnPayload        Key = "btn-payload"
	KeyBtnURL            Key = "btn-url"
	KeyExtDomain         Key = "ext-domain"
	KeyTemplateType      Key = "template-type"
	KeyTemplateGone      Key = "template-gone"
	KeyIncompleteElement Key = "incomplete-element"
	KeyCurrency          Key = "currency"
	KeyPaymentSummary    Key = "payment-summary"
	KeyMediaType         Key = "media-type"
	KeyMediaURL          Key = "media-url"
	KeyMediaSource       Key = "media-source"
	KeyProductID         Key = "product-id"
	KeyAttachmentID      Key = "attachment-id"
	KeyFetchFailed       Key = "fetch-failed"
	KeyUploadFailure     Key = "upload-failure"
	KeyTooLarge          Key = "too-large"
	KeyFileCount         Key = "file-count"
	KeyGetStartedFirst   Key = "get-started-first"
	KeyProfileRequires   Key = "profile-requires"
	KeyReceiversOnly     Key = "receivers-only"
	KeyNoProfile         Key = "no-profile"
	KeyRateAPI           Key = "rate-api"
	KeyRateMessenger     Key = "rate-messenger"
	KeyBatchSize         Key = "batch-size"
	KeyBadCursor         Key = "bad-cursor"

	// Raised only by fault rules (the error catalogue).
	KeyUnknownError     Key = "unknown-error"
	KeyUnexpectedError  Key = "unexpected-error"
	KeyAppRateLimit     Key = "app-rate-limit"
	KeyPageRateLimit    Key = "page-rate-limit"
	KeyPageAccountLimit Key = "page-account-limit"
	KeyRestricted       Key = "restricted"
	KeySendRateLimit    Key = "send-rate-limit"
	KeyContactTerms     Key = "contact-terms"
)

// entry is one row of the catalogue. Message is a fmt format whose verbs
// take the arguments named in PLATFORM.md (<path>, <n>, ...), in order.
type entry struct {
	code, subcode int
	typ           string
	authenticate  bool
	message       string
}

// catalogue is PLATFORM.md §13, verbatim. Messages of API-method errors carry
// the "(#code) " prefix; token errors, GraphMethodException and 2500 do not.
var catalogue = map[Key]entry{
	KeyNoToken:           {104, 0, OAuthException, true, "An access token is required to request this resource."},
	KeyBadToken:          {190, 0, OAuthException, true, "Invalid OAuth access token - Cannot parse access token"},
	KeyTokenExpired:      {190, 463, OAuthException, true, "Error validating access token: Session has expired on %v. The current time is %v."},
	KeyProofInvalid:      {100, 0, GraphMethodException, false, "Invalid appsecret_proof provided in the API argument"},
	KeyProofMissing:      {100, 0, GraphMethodException, false, "API calls from the server require an appsecret_proof argument"},
	KeyUnknownPath:       {2500, 0, OAuthException, false, "Unknown path components: %v"},
	KeyUnsupported:       {100, 33, GraphMethodException, false, "Unsupported %v request. Object with ID '%v' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"},
	KeyNoField:           {100, 0, OAuthException, false, "(#100) Tried accessing nonexisting field (%v) on node type (%v)"},
	KeyInvalid:           {100, 0, OAuthException, false, "(#100) Invalid parameter"},
	KeyRequired:          {100, 0, OAuthException, false, "(#100) The parameter %v is required"},
	KeyNonEmpty:          {100, 0, OAuthException, false, "(#100) param %v must be non-empty."},
	KeyString:            {100, 0, OAuthException, false, "(#100) Param %v must be a non-empty UTF-8 encoded string"},
	KeyLength:            {100, 0, OAuthException, false, "(#100) Length of param %v must be less than or equal to %v"},
	KeyEnum:              {100, 0, OAuthException, false, "(#100) Param %v must be one of {%v} - got \"%v\"."},
	KeyID:                {100, 0, OAuthException, false, "(#100) Param %v must be a valid ID string (e.g., \"123\")"},
	KeyURL:               {100, 0, OAuthException, false, "(#100) %v should represent a valid URL"},
	KeyKeys:              {100, 0, OAuthException, false, "(#100) Invalid keys \"%v\" were found in param \"%v\"."},
	KeyTooMany:           {105, 0, OAuthException, false, "(#105) param %v has too many elements."},
	KeyTooFew:            {194, 0, OAuthException, false, "(#194) param %v has too few elements."},
	KeyGetMessages:       {100, 0, OAuthException, false, "(#100) For field 'messages': The parameter user_id is required"},
	KeyNotEmulated:       {100, 0, OAuthException, false, "(#100) %v is not emulated by messemu"},
	KeyNoUser:            {100, 2018001, OAuthException, false, "(#100) No matching user found"},
	KeyMsgOrState:        {100, 2018015, OAuthException, false, "(#100) Must send either message or state"},
	KeyMsgAndState:       {100, 2018014, OAuthException, false, "(#100) Cannot send both message and state at the same time."},
	KeyTextXorAttachment: {100, 2018018, OAuthException, false, "(#100) Only one of text or attachment can be specified"},
	KeyEmptyMessage:      {100, 2018034, OAuthException, false, "(#100) Message cannot be empty, must provide valid attachment or text"},
	KeyOutsideWindow:     {10, 2018278, OAuthException, false, "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview"},
	KeyNewsOnly:          {10, 2018065, OAuthException, false, "(#10) This message is sent outside of allowed window. You need News Messaging permission to be able to do it. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview"},
	KeyThreadControlled:  {10, 2018300, OAuthException, false, "(#10) Message failed to send because another app is controlling this thread now."},
	KeyUnavailable:       {551, 1545041, OAuthException, false, "(#551) This person isn't available right now."},
	KeyQRTitle:           {100, 2018098, OAuthException, false, "(#100) Title is required for this quick reply content type"},
	KeyQRPayload:         {100, 2018099, OAuthException, false, "(#100) Payload is required for this quick reply content type"},
	KeyBtnTitle:          {100, 2018053, OAuthException, false, "(#100) Element button title cannot be empty."},
	KeyBtnPayload:        {100, 2018040, OAuthException, false, "(#100) Payload cannot be empty for postback type button"},
	KeyBtnURL:            {100, 2018041, OAuthException, false, "(#100) Web url cannot be empty for url type button"},
	KeyExtDomain:         {100, 0, OAuthException, false, "(#100) The URL provided is not whitelisted for messenger extensions"},
	KeyTemplateType:      {100, 0, OAuthException, false, "(#100) Invalid template type"},
	KeyTemplateGone:      {100, 0, OAuthException, false, "(#100) Template type '%v' is no longer supported"},
	KeyIncompleteElement: {100, 2018035, OAuthException, false, "(#100) Incomplete element data: title and at least one other field (image url, subtitle or buttons) is required with non-empty value"},
	KeyCurrency:          {100, 0, OAuthException, false, "(#100) The currency code '%v' is not supported"},
	KeyPaymentSummary:    {100, 2018055, OAuthException, false, "(#100) The amount you specified in payment summary is invalid. Please verify that it is a valid positive amount and is supported by its currency in terms of decimal places."},
	KeyMediaType:         {100, 2018182, OAuthException, false, "(#100) Media type is not valid"},
	KeyMediaURL:          {100, 2018185, OAuthException, false, "(#100) Only Facebook URLs are supported for media template"},
	KeyMediaSource:       {100, 2018187, OAuthException, false, "(#100) Either a URL or an attachment ID is required"},
	KeyProductID:         {100, 2018320, OAuthException, false, "(#100) Invalid product id"},
	KeyAttachmentID:      {100, 2018074, OAuthException, false, "(#100) Possible invalid ID or you do not own the attachment."},
	KeyFetchFailed:       {100, 2018008, OAuthException, false, "(#100) Failed to fetch the file from the url"},
	KeyUploadFailure:     {100, 2018047, OAuthException, false, "(#100) Upload attachment failure."},
	KeyTooLarge:          {100, 2018109, OAuthException, false, "(#100) Attachment size exceeds allowable limit"},
	KeyFileCount:         {100, 2018005, OAuthException, false, "(#100) Incorrect number of files uploaded. Must upload exactly one file."},
	KeyGetStartedFirst:   {100, 2018145, OAuthException, false, "(#100) You must set a Get Started button if you also wish to use persistent menu."},
	KeyProfileRequires:   {100, 0, OAuthException, false, "(#100) Requires one of the params: get_started,persistent_menu,target_audience,whitelisted_domains,greeting,account_linking_url,payment_settings,home_url,ice_breakers,commands"},
	KeyReceiversOnly:     {100, 2018171, OAuthException, false, "(#100) Only available to Primary and Secondary Receivers."},
	KeyNoProfile:         {100, 2018218, OAuthException, false, "(#100) No profile available for this user."},
	KeyRateAPI:           {613, 0, OAuthException, false, "(#613) Calls to this api have exceeded the rate limit."},
	KeyRateMessenger:     {80006, 0, OAuthException, false, "(#80006) There have been too many calls to this Messenger account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."},
	KeyBatchSize:         {1, 0, GraphBatchException, false, "Too many requests in batch message. Maximum batch size is 50"},
	KeyBadCursor:         {100, 0, OAuthException, false, "(#100) The After Cursor specified exceeds the max limit supported by this endpoint"},

	KeyUnknownError:     {1, 0, OAuthException, false, "An unknown error has occurred."},
	KeyUnexpectedError:  {2, 0, OAuthException, false, "An unexpected error has occurred. Please retry your request later."},
	KeyAppRateLimit:     {4, 0, OAuthException, false, "(#4) Application request limit reached"},
	KeyPageRateLimit:    {32, 0, OAuthException, false, "(#32) Page request limit reached"},
	KeyPageAccountLimit: {80001, 0, OAuthException, false, "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."},
	KeyRestricted:       {10, 1893063, OAuthException, false, "(#10) You are temporarily restricted from sending messages."},
	KeySendRateLimit:    {613, 2018338, OAuthException, false, "(#613) Calls to this api have exceeded the rate limit."},
	KeyContactTerms:     {2, 2018344, OAuthException, false, "(#2) Service temporarily unavailable"},
}

// Err builds the catalogue error key with its arguments (paths, limits,
// values) in the order the catalogue gives them. An unknown key is a
// programming error and yields the generic "invalid" error.
func Err(key Key, args ...any) *GraphError {
	e, ok := catalogue[key]
	if !ok {
		e, key = catalogue[KeyInvalid], KeyInvalid
	}
	msg := e.message
	if len(args) > 0 {
		msg = fmt.Sprintf(e.message, args...)
	}
	return &GraphError{Message: msg, Type: e.typ, Code: e.code, Subcode: e.subcode, Authenticate: e.authenticate, Key: key}
}

// Known reports whether key is in the catalogue.
func Known(key Key) bool {
	_, ok := catalogue[key]
	return ok
}

// ArgCount is how many arguments key's message takes: Err without them
// leaves its placeholders in place.
func ArgCount(key Key) int { return strings.Count(Err(key).Message, "%v") }

// EnumError is the "enum" error with the allowed values listed as the
// platform lists them: "{A, B}".
func EnumError(path string, allowed []string, got string) *GraphError {
	return Err(KeyEnum, path, strings.Join(allowed, ", "), got)
}

// KeysError is the "keys" error for unknown keys found in param path.
func KeysError(path string, keys []string) *GraphError {
	return Err(KeyKeys, strings.Join(keys, ", "), path)
}

// UnsupportedError is 100/33 for a node that does not exist or does not
// support the method (get, post or delete).
func UnsupportedError(method, id string) *GraphError {
	return Err(KeyUnsupported, strings.ToLower(method), id)
}
