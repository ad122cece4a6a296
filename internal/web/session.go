package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/httpx"
)

// loginCookie carries the login form's CSRF token before a session exists
// (double submit: the form's hidden field must equal it).
const loginCookie = "fairshare_login"

// maxFormBody bounds a form post; contributions are a few kilobytes.
const maxFormBody = 64 << 10

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrfToken is the per-session token forms carry: an HMAC keyed by the
// session id, which only the browser holding the (HttpOnly) cookie knows.
// It needs no storage and stays valid as long as the session.
func csrfToken(sid string) string {
	m := hmac.New(sha256.New, []byte(sid))
	m.Write([]byte("fairshare csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// secure tells whether the browser reached us over TLS (directly, or via a
// trusted proxy that says so): then cookies get the Secure attribute.
func (h *handler) secure(r *http.Request) bool {
	return r.TLS != nil || h.opts.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// clientIP is the address login attempts are counted against.
func (h *handler) clientIP(r *http.Request) string {
	if h.opts.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// session returns the logged-in user and the session id, if any.
func (h *handler) session(r *http.Request) (fairshare.User, string, bool) {
	sid := httpx.SessionID(r)
	if sid == "" {
		return fairshare.User{}, "", false
	}
	u, err := h.app.SessionUser(r.Context(), sid)
	if err != nil {
		return fairshare.User{}, "", false
	}
	return u, sid, true
}

// checkPost guards every state-changing form: same-origin (Sec-Fetch-Site
// and Origin, when the browser sends them), a bounded body, a live session
// and the session's CSRF token. It writes the refusal itself.
func (h *handler) checkPost(w http.ResponseWriter, r *http.Request, p *page) (fairshare.User, bool) {
	if err := h.cop.Check(r); err != nil {
		h.fail(w, r, p, fairshare.Errorf(fairshare.EFORBIDDEN, "%s", T(p.Lang, "csrf.origin")))
		return fairshare.User{}, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, p, fairshare.Errorf(httpx.ETOOLARGE, "%s", T(p.Lang, "form.toolarge")))
		return fairshare.User{}, false
	}
	u, sid, ok := h.session(r)
	if !ok {
		h.fail(w, r, p, fairshare.Errorf(fairshare.EUNAUTHORIZED, "%s", T(p.Lang, "login.needed")))
		return fairshare.User{}, false
	}
	if !sameToken(r.PostForm.Get("csrf"), csrfToken(sid)) {
		h.fail(w, r, p, fairshare.Errorf(fairshare.EFORBIDDEN, "%s", T(p.Lang, "csrf.token")))
		return fairshare.User{}, false
	}
	return u, true
}

// gate sends anonymous visitors to the login page when the server runs
// with --no-anonymous (the login page and static files stay open).
func (h *handler) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.opts.NoAnonymous || r.URL.Path == "/login" || strings.HasPrefix(r.URL.Path, "/static/") ||
			r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		if _, _, ok := h.session(r); !ok {
			http.Redirect(w, r, "/login?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limiter counts failed login attempts per key in fixed windows, in memory
// and bounded: when the table is full of live entries, new keys are refused
// (fail closed) until entries expire.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	size   int
	m      map[string]*bucket
	now    func() time.Time
}

type bucket struct {
	n     int
	start time.Time
}

func newLimiter(max int, window time.Duration, size int) *limiter {
	return &limiter{max: max, window: window, size: size, m: map[string]*bucket{}, now: time.Now}
}

// blocked reports whether any key used up its attempts, and for how long.
func (l *limiter) blocked(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		if b := l.m[k]; b != nil && now.Sub(b.start) < l.window && b.n >= l.max {
			return true, l.window - now.Sub(b.start)
		}
	}
	if len(l.m) >= l.size {
		l.sweep(now)
		if len(l.m) >= l.size {
			return true, l.window
		}
	}
	return false, 0
}

// fail records a failed attempt under each key.
func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		b := l.m[k]
		if b == nil || now.Sub(b.start) >= l.window {
			if b == nil && len(l.m) >= l.size {
				l.sweep(now)
				if len(l.m) >= l.size {
					continue
				}
			}
			b = &bucket{start: now}
			l.m[k] = b
		}
		b.n++
	}
}

func (l *limiter) sweep(now time.Time) {
	for k, b := range l.m {
		if now.Sub(b.start) >= l.window {
			delete(l.m, k)
		}
	}
}

type loginData struct {
	CSRF, Next, Username, Error string
}

// safeNext keeps a post-login redirect on this site.
func safeNext(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") || strings.ContainsAny(s, "\r\n") {
		return "/"
	}
	return s
}

func (h *handler) setLoginCookie(w http.ResponseWriter, r *http.Request) string {
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", MaxAge: 3600,
		HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteStrictMode})
	return tok
}

func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	p.Title, p.noStore = T(p.Lang, "login.title"), true
	p.Data = loginData{CSRF: h.setLoginCookie(w, r), Next: safeNext(r.URL.Query().Get("next"))}
	h.render(w, r, http.StatusOK, "login", p)
}

func (h *handler) loginFailed(w http.ResponseWriter, r *http.Request, p *page, status int, d loginData, msg string) {
	d.CSRF, d.Error = h.setLoginCookie(w, r), msg
	p.Title, p.noStore, p.Data = T(p.Lang, "login.title"), true, d
	h.render(w, r, status, "login", p)
}

func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	if err := h.cop.Check(r); err != nil {
		h.fail(w, r, p, fairshare.Errorf(fairshare.EFORBIDDEN, "%s", T(p.Lang, "csrf.origin")))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, p, fairshare.Errorf(httpx.ETOOLARGE, "%s", T(p.Lang, "form.toolarge")))
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostForm.Get("csrf"), c.Value) {
		h.fail(w, r, p, fairshare.Errorf(fairshare.EFORBIDDEN, "%s", T(p.Lang, "csrf.token")))
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("username"))
	pw := r.PostForm.Get("password")
	d := loginData{Next: safeNext(r.PostForm.Get("next")), Username: name}
	keys := []string{"ip:" + h.clientIP(r), "user:" + strings.ToLower(name)}
	if blocked, wait := h.limit.blocked(keys...); blocked {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		h.loginFailed(w, r, p, http.StatusTooManyRequests, d, T(p.Lang, "login.ratelimited"))
		return
	}
	expires := time.Now().Add(h.opts.SessionTTL)
	_, sid, err := h.app.Login(r.Context(), name, pw, expires)
	if fairshare.ErrorCode(err) == fairshare.EUNAUTHORIZED {
		h.limit.fail(keys...)
		h.log.Warn("web: failed login", "user", name, "ip", keys[0][3:])
		h.loginFailed(w, r, p, http.StatusUnauthorized, d, T(p.Lang, "login.wrong"))
		return
	}
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	httpx.SetSessionCookie(w, sid, expires, h.secure(r))
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: "/login", MaxAge: -1, HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteStrictMode})
	next := d.Next
	if next == "/" {
		next = p.Link("/")
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	if _, ok := h.checkPost(w, r, p); !ok {
		return
	}
	if sid := httpx.SessionID(r); sid != "" {
		if err := h.app.Logout(r.Context(), sid); err != nil {
			h.fail(w, r, p, err)
			return
		}
	}
	httpx.ClearSessionCookie(w, h.secure(r))
	http.Redirect(w, r, p.Link("/"), http.StatusSeeOther)
}
