// Package httpapi serves the ledger and its reports as a read-only JSON (and
// CSV) API under /api/v1/. It only translates HTTP to calls on internal/app
// and back; the accounting stays in the domain package.
package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// Options configure the API server.
type Options struct {
	// Logger receives internal errors (500s); nil discards them.
	Logger *slog.Logger
}

type server struct {
	app *app.App
	log *slog.Logger
}

// NewServer returns the API handler. Its patterns are absolute
// (/api/v1/...), so mount it on "/api/" without stripping the prefix.
func NewServer(a *app.App, opts Options) http.Handler {
	s := &server{app: a, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	// Everything else under the API: writes are refused until access
	// control exists; unknown GETs are JSON 404s rather than the mux's text.
	mux.HandleFunc("/api/", s.fallback)
	return headers(mux)
}

// headers sets what every API response carries.
func headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		// Public, read-only data without credentials: any site may read it.
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

// ReadOnlyMessage explains why writes are refused.
const ReadOnlyMessage = "this server is read-only: adding and correcting contributions through the API comes with access control"

func (s *server) fallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "", ReadOnlyMessage)
		return
	}
	writeError(w, http.StatusNotFound, fairshare.ENOTFOUND, "", "no such endpoint "+r.URL.Path+" (see /api/v1/openapi.json)")
}

// wrap checks the query against the route's parameters, runs the handler
// and turns its error into a JSON error response.
func (s *server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := newQuery(r, rt.Params)
		if err == nil {
			err = rt.Handle(s, w, r, q)
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}

// Status maps an error code to an HTTP status.
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
	}
	return http.StatusInternalServerError
}

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := fairshare.ErrorCode(err)
	status := Status(code)
	msg, field := err.Error(), ""
	var fe *fairshare.Error
	if errors.As(err, &fe) {
		msg, field = fe.Message, fe.Field
	}
	if status == http.StatusInternalServerError {
		// Internal messages may name files or SQL; log them, say little.
		s.log.Error("api", "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	writeError(w, status, code, field, msg)
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, field, msg string) {
	var b errorBody
	b.Error.Code, b.Error.Field, b.Error.Message = code, field, msg
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(b)
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSON sends v with a validator, so clients can revalidate cheaply.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	ServeBytes(w, r, "application/json; charset=utf-8", b, "", "no-cache")
	return nil
}

// ETag returns a strong entity tag of body.
func ETag(body []byte) string {
	h := sha256.Sum256(body)
	return `"` + hex.EncodeToString(h[:12]) + `"`
}

// ServeBytes writes body with an ETag (computed from body when etag is
// empty) and Cache-Control, answering If-None-Match with 304 and HEAD
// without a body.
func ServeBytes(w http.ResponseWriter, r *http.Request, contentType string, body []byte, etag, cacheControl string) {
	if etag == "" {
		etag = ETag(body)
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", etag)
	if cacheControl != "" {
		h.Set("Cache-Control", cacheControl)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}
