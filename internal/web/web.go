// Package web serves the dashboard: server-rendered HTML pages in English
// and Danish with SVG charts drawn in Go. Templates, styles and the small
// script are embedded, so the binary needs no CDN and no build step; pages
// read fine without JavaScript, which only adds table sorting.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// DefaultTarget is the target "/" shows.
const DefaultTarget = "nato-2024"

// Options configure the dashboard.
type Options struct {
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
	// NoAnonymous sends visitors without a session to the login page.
	NoAnonymous bool
	// TrustProxy believes a reverse proxy's X-Forwarded-Proto (for Secure
	// cookies) and X-Forwarded-For (for counting login attempts). Only set
	// it when every request comes through that proxy.
	TrustProxy bool
	// SessionTTL is how long a login lasts; default 12 hours.
	SessionTTL time.Duration
	// LoginAttempts is how many failed logins an address or a user name may
	// make per minute; default 5.
	LoginAttempts int
}

type handler struct {
	app      *app.App
	log      *slog.Logger
	opts     Options
	limit    *limiter
	cop      *http.CrossOriginProtection
	pages    map[string]*template.Template
	static   map[string][]byte
	versions map[string]string // static file -> content hash, for cache busting
	charts   httpx.RenderCache
	rendered httpx.RenderCache // anonymous pages, per report version
	frags    fragments         // pieces of pages, per report version
	sizes    sync.Map          // template -> bytes of its last rendering
}

// NewHandler returns the dashboard handler, to mount on "/".
func NewHandler(a *app.App, opts Options) http.Handler {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.LoginAttempts <= 0 {
		opts.LoginAttempts = 5
	}
	h := &handler{app: a, log: opts.Logger, opts: opts, pages: map[string]*template.Template{},
		static: map[string][]byte{}, versions: map[string]string{},
		limit: newLimiter(opts.LoginAttempts, time.Minute, 10000), cop: http.NewCrossOriginProtection()}
	h.rendered.Max = 32 // a page is some 400 KB
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	files, _ := fs.Glob(staticFS, "static/*")
	for _, f := range files {
		b, _ := staticFS.ReadFile(f)
		sum := sha256.Sum256(b)
		h.static[path.Base(f)] = b
		h.versions[path.Base(f)] = hex.EncodeToString(sum[:6])
	}
	for _, name := range []string{"overview", "donor", "compare", "fx", "error", "login", "contribution", "policies"} {
		h.pages[name] = template.Must(template.New(name).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.root)
	mux.HandleFunc("GET /targets/{target}", h.page(h.overview))
	mux.HandleFunc("GET /donors/{code}", h.page(h.donor))
	mux.HandleFunc("GET /compare/{target}", h.page(h.compare))
	mux.HandleFunc("GET /fx", h.page(h.fx))
	mux.HandleFunc("GET /policies", h.page(h.policies))
	mux.HandleFunc("GET /charts/{file}", h.chartFile)
	mux.HandleFunc("GET /charts/donors/{file}", h.donorChart)
	mux.HandleFunc("GET /static/{file}", h.serveStatic)
	mux.HandleFunc("GET /login", h.loginPage)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("POST /logout", h.logout)
	mux.HandleFunc("GET /contributions/new", h.page(h.newContribution))
	mux.HandleFunc("POST /contributions", h.addContribution)
	mux.HandleFunc("GET /contributions/{id}", h.page(h.contribution))
	mux.HandleFunc("POST /contributions/{id}", h.editContribution)
	mux.HandleFunc("POST /contributions/{id}/delete", h.deleteContribution)
	mux.HandleFunc("POST /contributions/{id}/restore", h.restoreContribution)
	h.reviewRoutes(mux)
	h.registerExtras(mux)
	mux.HandleFunc("/", h.notFound)
	return withDAPrefix(securityHeaders(h.gate(mux)))
}

// securityHeaders allow only this origin's scripts and styles, no inline
// script, and no framing of the pages (charts may be framed: they are made
// to be embedded).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if strings.HasPrefix(r.URL.Path, "/charts/") {
			hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors *")
			hd.Set("Access-Control-Allow-Origin", "*")
		} else if strings.HasPrefix(r.URL.Path, "/embed/") {
			// Embeds are made to be framed by any site.
			hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
				"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *")
		} else {
			hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
				"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
			hd.Set("X-Frame-Options", "DENY")
		}
		next.ServeHTTP(w, r)
	})
}

func (h *handler) root(w http.ResponseWriter, r *http.Request) {
	u := "/targets/" + DefaultTarget
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, u, http.StatusFound)
}

// page is what every template gets: the language and the page's own data.
type page struct {
	Lang     string
	Title    string
	Path     string
	query    url.Values
	versions map[string]string
	Nav      string // which menu item is current
	Data     any
	User     *fairshare.User // logged in, or nil
	CSRF     string          // the session's form token
	noStore  bool            // never cache (forms with tokens)

	// A page that depends only on the request, the ledger and the
	// reference data names its rendering (cacheAs); hit is a rendering kept.
	cacheKey, cacheVersion, cacheAsOf string
	hit                               *httpx.Encoded
}

// cachedPage serves a page that shows reports, the reference data and the
// ledger's aggregates only: its rendering holds while the engine (brought up
// to date first) and the reference data are unchanged, within one day (a
// running target is cut to the report's date).
func (h *handler) cachedPage(r *http.Request, p *page) bool {
	if p.User != nil || p.noStore {
		return false // not kept: spare the check
	}
	v, err := h.app.CurrentVersion(r.Context())
	if err != nil {
		return false
	}
	return h.cacheAs(r, p, v, time.Now().UTC().Format(time.DateOnly))
}

// cacheAs keeps an anonymous visitor's rendering of this URL for version
// (ReportVersion read before and after the report; "" keeps nothing) and
// the report's time asOf; it returns true when one is kept already.
func (h *handler) cacheAs(r *http.Request, p *page, version, asOf string) bool {
	if p.User != nil || p.noStore || version == "" {
		return false
	}
	// Embed codes name the site's own address.
	p.cacheKey = p.Lang + " " + baseURL(r, h.opts.TrustProxy) + r.URL.Path + "?" + r.URL.RawQuery
	p.cacheVersion, p.cacheAsOf = version, asOf
	if e, ok := h.rendered.Get(p.cacheKey, version, asOf); ok {
		p.hit = &e
		return true
	}
	return false
}

// CanEdit tells whether the visitor may add and correct contributions.
func (p *page) CanEdit() bool { return p.User != nil && p.User.Role.Allows(fairshare.Editor) }

// LoginURL is the login page, coming back here afterwards.
func (p *page) LoginURL() string {
	next := p.Path
	if len(p.query) > 0 {
		next += "?" + p.query.Encode()
	}
	return "/login?" + url.Values{"lang": {p.Lang}, "next": {next}}.Encode()
}

// T translates a message key.
func (p *page) T(key string) string { return T(p.Lang, key) }

// Other is the language the switch offers.
func (p *page) Other() string {
	if p.Lang == "da" {
		return "en"
	}
	return "da"
}

// SwitchURL is this page in the other language, other parameters kept.
func (p *page) SwitchURL() string {
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	q.Set("lang", p.Other())
	return p.Path + "?" + q.Encode()
}

// Link builds an internal link that keeps the language; kv are extra
// query parameters in pairs.
func (p *page) Link(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	q.Set("lang", p.Lang)
	return path + "?" + q.Encode()
}

// Static is the versioned URL of an embedded static file.
func (p *page) Static(name string) string { return "/static/" + name + "?v=" + p.versions[name] }

// pageFunc fills a page's data and names its template.
type pageFunc func(r *http.Request, p *page) (tmpl string, err error)

func (h *handler) newPage(r *http.Request) *page {
	lang, _ := ChooseLang(r)
	q := r.URL.Query()
	q.Del("lang")
	p := &page{Lang: lang, Path: r.URL.Path, query: q, versions: h.versions}
	if u, sid, ok := h.session(r); ok {
		p.User, p.CSRF = &u, csrfToken(sid)
	}
	return p
}

func (h *handler) page(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := h.newPage(r)
		tmpl, err := fn(r, p)
		if err != nil {
			h.fail(w, r, p, err)
			return
		}
		if p.hit != nil {
			hd := w.Header()
			hd.Set("Content-Language", p.Lang)
			hd.Set("Vary", "Accept-Language, Cookie")
			httpx.ServeEncoded(w, r, "text/html; charset=utf-8", *p.hit, "no-cache")
			return
		}
		h.render(w, r, http.StatusOK, tmpl, p)
	}
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, tmpl string, p *page) {
	var buf bytes.Buffer
	// Sized as this page was last time: growing a 250 KB page by doubling
	// copies and discards as much again.
	sz, _ := h.sizes.Load(tmpl)
	if n, ok := sz.(int); ok {
		buf.Grow(n + n/8)
	}
	if err := h.pages[tmpl].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.Error("web: template", "page", tmpl, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.sizes.Swap(tmpl, buf.Len()) // Swap, not Store: front ends name no .Store at all, so the one-way-in check stays a plain grep
	hd := w.Header()
	hd.Set("Content-Language", p.Lang)
	// The language may come from Accept-Language, so caches must key on
	// it; the page shows who is logged in.
	hd.Set("Vary", "Accept-Language, Cookie")
	if status != http.StatusOK || p.User != nil || p.noStore {
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		w.Write(buf.Bytes())
		return
	}
	if p.cacheKey != "" {
		e := httpx.NewEncoded(buf.Bytes(), "")
		e.Gzipped()
		h.rendered.Put(p.cacheKey, p.cacheVersion, p.cacheAsOf, e)
		httpx.ServeEncoded(w, r, "text/html; charset=utf-8", e, "no-cache")
		return
	}
	httpx.ServeBytes(w, r, "text/html; charset=utf-8", buf.Bytes(), "", "no-cache")
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, p *page, err error) {
	code := fairshare.ErrorCode(err)
	status := httpx.Status(code)
	if code == "method_not_allowed" {
		status = http.StatusMethodNotAllowed
	}
	msg := err.Error()
	if status == http.StatusInternalServerError {
		h.log.Error("web", "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	p.Title = T(p.Lang, "error.title")
	p.Data = msg
	h.render(w, r, status, "error", p)
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.fail(w, r, p, &fairshare.Error{Code: "method_not_allowed", Message: T(p.Lang, "method")})
		return
	}
	h.fail(w, r, p, fairshare.Errorf(fairshare.ENOTFOUND, "%s: not found", r.URL.Path))
}

func (h *handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := h.static[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	cc := "no-cache"
	if r.URL.Query().Get("v") == h.versions[name] {
		cc = "public, max-age=31536000, immutable"
	}
	ctype := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
		".svg": "image/svg+xml"}[path.Ext(name)]
	httpx.ServeBytes(w, r, ctype, b, `"`+h.versions[name]+`"`, cc)
}
