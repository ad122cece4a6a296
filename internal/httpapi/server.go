// Package httpapi serves the ledger and its reports as a JSON (and CSV) API
// under /api/v1/. Reads are open (unless the server runs with
// --no-anonymous); writes take "Authorization: Bearer TOKEN" of an editor
// or admin and record who and why. It only translates HTTP to calls on
// internal/app and back; the accounting stays in the domain package.
package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// Options configure the API server.
type Options struct {
	// Logger receives internal errors (500s); nil discards them.
	Logger *slog.Logger
	// NoAnonymous makes reads need a token or a web session too.
	NoAnonymous bool
}

type server struct {
	app         *app.App
	log         *slog.Logger
	noAnonymous bool
	mux         *http.ServeMux
	renders     RenderCache
}

// NewServer returns the API handler. Its patterns are absolute
// (/api/v1/...), so mount it on "/api/" without stripping the prefix.
func NewServer(a *app.App, opts Options) http.Handler {
	s := &server{app: a, log: opts.Logger, noAnonymous: opts.NoAnonymous}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	// Everything else under the API: JSON 404s and 405s rather than the
	// mux's text.
	mux.HandleFunc("/api/", s.fallback)
	s.mux = mux
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

func (s *server) fallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// Which methods the path does take, if any.
		var allow []string
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "DELETE"} {
			r2 := r.Clone(r.Context())
			r2.Method = m
			if _, pat := s.mux.Handler(r2); pat != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "", r.Method+" is not allowed on "+r.URL.Path+" (allowed: "+strings.Join(allow, ", ")+"; see /api/v1/openapi.json)")
			return
		}
	}
	writeError(w, http.StatusNotFound, fairshare.ENOTFOUND, "", "no such endpoint "+r.URL.Path+" (see /api/v1/openapi.json)")
}

// wrap checks the query against the route's parameters, runs the handler
// and turns its error into a JSON error response.
func (s *server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.authorize(r, rt.Need)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r = withUser(r, u)
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
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
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
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fairshare"`)
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
// without a body, gzipped for clients that accept it.
func ServeBytes(w http.ResponseWriter, r *http.Request, contentType string, body []byte, etag, cacheControl string) {
	if etag == "" {
		etag = ETag(body)
	}
	ServeEncoded(w, r, contentType, Encoded{body: body, etag: etag}, cacheControl)
}

// NewEncoded wraps body with etag (computed from body when empty).
func NewEncoded(body []byte, etag string) Encoded {
	if etag == "" {
		etag = ETag(body)
	}
	return Encoded{body: body, etag: etag}
}

// Encoded is a response body with its entity tag and, once made, its gzip
// form (with its own tag: the bytes differ).
type Encoded struct {
	body, gz []byte
	etag     string
}

// minGzip is the size below which gzip saves too little to be worth it.
const minGzip = 1024

// Gzipped returns (and keeps) the gzip form; nil for small bodies.
func (e *Encoded) Gzipped() []byte {
	if e.gz == nil && len(e.body) >= minGzip {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		zw.Write(e.body)
		zw.Close()
		e.gz = buf.Bytes()
	}
	return e.gz
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

// ServeEncoded writes e as ServeBytes does, reusing its gzip form.
func ServeEncoded(w http.ResponseWriter, r *http.Request, contentType string, e Encoded, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	if cacheControl != "" {
		h.Set("Cache-Control", cacheControl)
	}
	body, etag := e.body, e.etag
	if acceptsGzip(r) {
		if gz := e.Gzipped(); gz != nil {
			body, etag = gz, strings.TrimSuffix(etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}
