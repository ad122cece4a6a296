// Package httpx is the HTTP plumbing the API (internal/httpapi) and the
// dashboard (internal/web) share: error codes mapped to statuses, JSON
// writing, entity tags, encoded (gzip) responses, a render cache per ledger
// version, the session cookie and report query parsing. It holds no use
// case: those are methods of internal/app.
package httpx

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/fairshare/fairshare"
)

// ETOOLARGE is the error code of a request body over its limit (413).
const ETOOLARGE = "too_large"

// EMETHOD is the error code of a method a path does not take (405).
const EMETHOD = "method_not_allowed"

// EUNAVAILABLE is the error code of a request the server has no room for
// now (503, with Retry-After).
const EUNAVAILABLE = "unavailable"

// Status maps an error code to an HTTP status; unknown codes are 500s.
func Status(code string) int {
	switch code {
	case fairshare.EINVALID:
		return http.StatusBadRequest
	case fairshare.ENOTFOUND:
		return http.StatusNotFound
	case fairshare.ECONFLICT:
		return http.StatusConflict
	case fairshare.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case fairshare.EFORBIDDEN:
		return http.StatusForbidden
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case EMETHOD:
		return http.StatusMethodNotAllowed
	case EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Marshal encodes v as indented JSON with a final newline.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteJSON sends v with a validator, so clients can revalidate cheaply.
func WriteJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := Marshal(v)
	if err != nil {
		return err
	}
	ServeBytes(w, r, "application/json; charset=utf-8", b, "", "no-cache")
	return nil
}

// WriteResult sends the result of a write with status: never cached.
func WriteResult(w http.ResponseWriter, status int, v any) error {
	b, err := Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// ErrorBody is the JSON of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong; Current is the newest version of what
// a stale edit was made against (409 only).
type ErrorDetail struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Current any    `json:"current,omitempty"`
}

// WriteError sends an error body with status, never cached.
func WriteError(w http.ResponseWriter, status int, d ErrorDetail) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(ErrorBody{d})
}
