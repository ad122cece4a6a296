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
	"sync"

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

// Marshal encodes v as indented JSON with a final newline: the bytes of
// an encoding/json Encoder with SetIndent("", "  "), made by encoding
// compactly and indenting with indent, which is several times faster than
// the Encoder's general indenter on its own output.
func Marshal(v any) ([]byte, error) {
	buf := compactBufs.Get().(*bytes.Buffer)
	defer compactBufs.Put(buf)
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return indent(make([]byte, 0, len(b)+len(b)/2), b), nil
}

var compactBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// indent appends src, compact JSON as encoding/json writes it (no space
// outside strings, then a newline), to dst indented by two spaces per
// level as json.Indent does: a newline and the indentation after an
// opening bracket, a comma and before a closing one, a space after a
// colon, and empty objects and arrays kept as {} and [].
func indent(dst, src []byte) []byte {
	depth := 0
	open := false // just after an opening bracket
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, ' ', ' ')
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			newline()
		}
		switch c {
		case '"':
			// Copy the string to its closing quote.
			j := i + 1
			for ; j < len(src); j++ {
				if src[j] == '\\' {
					j++
				} else if src[j] == '"' {
					break
				}
			}
			dst = append(dst, src[i:min(j+1, len(src))]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			open = true
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
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
