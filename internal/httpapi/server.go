// Package httpapi serves the ledger and its reports as a JSON (and CSV) API
// under /api/v1/. Reads are open (unless the server runs with
// --no-anonymous); writes take "Authorization: Bearer TOKEN" of an editor
// or admin and record who and why. It only translates HTTP to calls on
// internal/app and back; the accounting stays in the domain package.
package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// Options configure the API server.
type Options struct {
	// Logger receives internal errors (500s); nil discards them.
	Logger *slog.Logger
	// NoAnonymous makes reads need a token or a web session too.
	NoAnonymous bool
	// MaxImports bounds the imports running at once (0: DefaultMaxImports);
	// one more is refused with 503 and Retry-After.
	MaxImports int
}

type server struct {
	app         *app.App
	log         *slog.Logger
	noAnonymous bool
	mux         *http.ServeMux
	renders     httpx.RenderCache
	imports     importLimit
}

// NewServer returns the API handler. Its patterns are absolute
// (/api/v1/...), so mount it on "/api/" without stripping the prefix.
func NewServer(a *app.App, opts Options) http.Handler {
	s := &server{app: a, log: opts.Logger, noAnonymous: opts.NoAnonymous, imports: newImportLimit(opts.MaxImports)}
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
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
			r2 := r.Clone(r.Context())
			r2.Method = m
			if _, pat := s.mux.Handler(r2); pat != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, httpx.EMETHOD, "", r.Method+" is not allowed on "+r.URL.Path+" (allowed: "+strings.Join(allow, ", ")+"; see /api/v1/openapi.json)")
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

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := fairshare.ErrorCode(err)
	d := httpx.ErrorDetail{Code: code, Message: err.Error()}
	status := httpx.Status(code)
	var fe *fairshare.Error
	if errors.As(err, &fe) {
		d.Message, d.Field = fe.Message, fe.Field
	}
	var vc *fairshare.VersionConflict
	if errors.As(err, &vc) {
		// The newest version, so the client can show it and decide again.
		cur := ledgerio.ToJSON(vc.Current)
		d.Current = &cur
		w.Header().Set("ETag", httpx.VersionETag(vc.Current.Version))
	}
	if status == http.StatusInternalServerError {
		// Internal messages may name files or SQL; log them, say little.
		s.log.Error("api", "path", r.URL.Path, "err", err)
		d.Message = "internal error"
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fairshare"`)
	}
	httpx.WriteError(w, status, d)
}

func writeError(w http.ResponseWriter, status int, code, field, msg string) {
	httpx.WriteError(w, status, httpx.ErrorDetail{Code: code, Field: field, Message: msg})
}

func marshal(v any) ([]byte, error) { return httpx.Marshal(v) }

func writeJSON(w http.ResponseWriter, r *http.Request, v any) error { return httpx.WriteJSON(w, r, v) }

func writeResult(w http.ResponseWriter, status int, v any) error {
	return httpx.WriteResult(w, status, v)
}
