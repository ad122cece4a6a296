package web

import (
	"context"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/auth"
	"github.com/fairshare/fairshare/internal/httpapi"
	"github.com/fairshare/fairshare/internal/httpx"
)

const testPassword = "correct horse battery"

// newAuthServer serves the dashboard and the API with access control, from
// a fresh SQLite file holding an editor and a viewer with passwords.
func newAuthServer(t *testing.T, opts Options, tlsServer bool) (*httptest.Server, *app.App) {
	t.Helper()
	return newAuthServerOn(t, filepath.Join(t.TempDir(), "fairshare.db"), opts, tlsServer)
}

// newAuthServerOn is newAuthServer on the database dsn names.
func newAuthServerOn(t *testing.T, dsn string, opts Options, tlsServer bool) (*httptest.Server, *app.App) {
	t.Helper()
	a, err := app.Open(context.Background(), dsn, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []fairshare.User{{Name: "erika", Role: fairshare.Editor}, {Name: "vic", Role: fairshare.Viewer}} {
		u.PasswordHash = hash
		if err := app.TestStore(a).AddUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", httpapi.NewServer(a, httpapi.Options{NoAnonymous: opts.NoAnonymous}))
	mux.Handle("/", NewHandler(a, opts))
	ts := httptest.NewUnstartedServer(mux)
	if tlsServer {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	return ts, a
}

// client keeps cookies and does not follow redirects.
func client(t *testing.T, ts *httptest.Server) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := *ts.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

var hiddenCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func do(t *testing.T, c *http.Client, method, u string, form url.Values, hdr ...string) (*http.Response, string) {
	t.Helper()
	var req *http.Request
	var err error
	if form != nil {
		req, err = http.NewRequest(method, u, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, err = http.NewRequest(method, u, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp, b.String()
}

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := hiddenCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field in the page")
	}
	return html.UnescapeString(m[1])
}

// login logs c in and returns the session cookie as set.
func login(t *testing.T, c *http.Client, ts *httptest.Server, user, pw string) *http.Response {
	t.Helper()
	_, page := do(t, c, "GET", ts.URL+"/login?lang=en", nil)
	resp, _ := do(t, c, "POST", ts.URL+"/login?lang=en", url.Values{"csrf": {csrfOf(t, page)}, "username": {user}, "password": {pw}, "next": {"/donors/DNK"}})
	return resp
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == httpx.SessionCookie {
			return c
		}
	}
	return nil
}

func TestLoginSessionCookie(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		ts, _ := newAuthServer(t, Options{}, tlsOn)
		c := client(t, ts)
		resp := login(t, c, ts, "erika", testPassword)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/donors/DNK" {
			t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		sc := sessionCookie(resp)
		if sc == nil {
			t.Fatal("no session cookie")
		}
		if !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.MaxAge <= 0 || sc.MaxAge > 12*3600 || len(sc.Value) < 43 {
			t.Errorf("session cookie %+v", sc)
		}
		if sc.Secure != tlsOn {
			t.Errorf("TLS %v: cookie Secure %v", tlsOn, sc.Secure)
		}
		resp, page := do(t, c, "GET", ts.URL+"/donors/DNK?lang=en", nil)
		if !strings.Contains(page, `id="whoami">erika`) || !strings.Contains(page, `id="logout"`) || strings.Contains(page, "Read-only") {
			t.Error("page does not show who is logged in")
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("personal page Cache-Control %q", cc)
		}
		// Log out: the session ends on the server too.
		resp, _ = do(t, c, "POST", ts.URL+"/logout", url.Values{"csrf": {csrfOf(t, page)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		if _, page := do(t, client(t, ts), "GET", ts.URL+"/donors/DNK", nil, "Cookie", sc.Name+"="+sc.Value); strings.Contains(page, "whoami") {
			t.Error("session still valid after logout")
		}
	}
}

func TestCSRFAndRoles(t *testing.T) {
	ts, a := newAuthServer(t, Options{}, false)
	cs := []fairshare.Contribution{userEntry(t, a)}
	id := cs[0].ID
	editURL := ts.URL + "/contributions/" + id + "?lang=en"

	// The login form itself needs its token.
	c := client(t, ts)
	resp, _ := do(t, c, "POST", ts.URL+"/login", url.Values{"username": {"erika"}, "password": {testPassword}})
	if resp.StatusCode != 403 {
		t.Errorf("login without CSRF token: %d", resp.StatusCode)
	}
	if resp := login(t, c, ts, "erika", testPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	_, page := do(t, c, "GET", editURL, nil)
	if !strings.Contains(page, `id="edit-form"`) || !strings.Contains(page, `id="delete-form"`) {
		t.Fatal("editor sees no edit form")
	}
	token := csrfOf(t, page)
	form := url.Values{"donor": {"DNK"}, "date": {cs[0].Date.String()}, "amount": {"4242"}, "currency": {cs[0].Currency},
		"category": {string(cs[0].Category)}, "status": {string(cs[0].Status)}, "dataset": {cs[0].Dataset},
		"source_url": {cs[0].Source.URL}, "reason": {"test correction"}, "base": {strconv.Itoa(cs[0].Version)}}
	before := len(history(t, a, id))
	for _, tt := range []struct {
		name   string
		csrf   string
		hdr    []string
		status int
	}{
		{"no token", "", nil, 403},
		{"wrong token", "x" + token, nil, 403},
		{"cross-site", token, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"foreign origin", token, []string{"Origin", "https://evil.example"}, 403},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if tt.csrf != "" {
			f.Set("csrf", tt.csrf)
		}
		resp, _ := do(t, c, "POST", editURL, f, tt.hdr...)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
	}
	if n := len(history(t, a, id)); n != before {
		t.Fatalf("refused posts changed the ledger")
	}
	// Missing reason: the form comes back with the error, nothing recorded.
	form.Set("csrf", token)
	form.Del("reason")
	resp, page = do(t, c, "POST", editURL, form)
	if resp.StatusCode != 400 || !strings.Contains(page, `id="form-error"`) || !strings.Contains(page, `value="4242"`) {
		t.Errorf("edit without reason: %d", resp.StatusCode)
	}
	form.Set("reason", "test correction")
	form.Set("amount", "-1")
	if resp, _ := do(t, c, "POST", editURL, form); resp.StatusCode != 400 {
		t.Errorf("negative amount: %d", resp.StatusCode)
	}
	if n := len(history(t, a, id)); n != before {
		t.Fatalf("refused edits changed the ledger")
	}
	form.Set("amount", "4242")
	resp, _ = do(t, c, "POST", editURL, form, "Origin", ts.URL, "Sec-Fetch-Site", "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	hs := history(t, a, id)
	if last := hs[len(hs)-1]; len(hs) != before+1 || last.Author != "erika" || last.Reason != "test correction" || last.Amount.Format(last.Currency) != "4242.00" {
		t.Errorf("new version %+v", last)
	}

	// A viewer sees no forms and may not post.
	v := client(t, ts)
	login(t, v, ts, "vic", testPassword)
	_, page = do(t, v, "GET", editURL, nil)
	if strings.Contains(page, `id="edit-form"`) {
		t.Error("viewer sees the edit form")
	}
	form.Set("csrf", csrfOf(t, page))
	if resp, _ := do(t, v, "POST", editURL, form); resp.StatusCode != 403 {
		t.Errorf("viewer edit: %d", resp.StatusCode)
	}
	// Anonymous: no forms, posts refused.
	_, page = do(t, client(t, ts), "GET", editURL, nil)
	if strings.Contains(page, `id="edit-form"`) || !strings.Contains(page, `id="login-link"`) {
		t.Error("anonymous page")
	}
	if resp, _ := do(t, client(t, ts), "POST", editURL, form); resp.StatusCode != 401 {
		t.Errorf("anonymous edit: %d", resp.StatusCode)
	}
}

func history(t *testing.T, a *app.App, id string) []fairshare.Contribution {
	t.Helper()
	hs, err := a.ContributionHistory(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

func TestLoginRateLimit(t *testing.T) {
	ts, _ := newAuthServer(t, Options{}, false)
	c := client(t, ts)
	for i := 1; i <= 6; i++ {
		resp := login(t, c, ts, "erika", "wrong password!")
		want := http.StatusUnauthorized
		if i == 6 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("attempt %d: %d, want %d", i, resp.StatusCode, want)
		}
		if i == 6 && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	// Even the right password waits now (the address is blocked).
	if resp := login(t, c, ts, "vic", testPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("blocked address logs in: %d", resp.StatusCode)
	}
	// Unknown users fail the same way.
	ts2, _ := newAuthServer(t, Options{}, false)
	if resp := login(t, client(t, ts2), ts2, "nobody", testPassword); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown user: %d", resp.StatusCode)
	}
}

func TestLimiterBounded(t *testing.T) {
	l := newLimiter(2, 60e9, 3)
	l.fail("a")
	l.fail("a")
	if b, _ := l.blocked("a"); !b {
		t.Error("a not blocked")
	}
	l.fail("b")
	l.fail("c")
	l.fail("d") // full: not tracked
	if len(l.m) > 3 {
		t.Errorf("limiter grew to %d", len(l.m))
	}
	if b, _ := l.blocked("e"); !b {
		t.Error("a full table must refuse new keys")
	}
}

func TestNoAnonymousWeb(t *testing.T) {
	ts, _ := newAuthServer(t, Options{NoAnonymous: true}, false)
	c := client(t, ts)
	resp, _ := do(t, c, "GET", ts.URL+"/targets/nato-2024?lang=da", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Fatalf("anonymous page: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := do(t, c, "GET", ts.URL+"/charts/nato-2024.svg", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous chart: %d", resp.StatusCode)
	}
	if resp, _ := do(t, c, "GET", ts.URL+"/api/v1/targets", nil); resp.StatusCode != 401 {
		t.Errorf("anonymous API read: %d", resp.StatusCode)
	}
	login(t, c, ts, "vic", testPassword)
	if resp, _ := do(t, c, "GET", ts.URL+"/targets/nato-2024", nil); resp.StatusCode != 200 {
		t.Errorf("viewer page: %d", resp.StatusCode)
	}
	if resp, _ := do(t, c, "GET", ts.URL+"/api/v1/targets", nil); resp.StatusCode != 200 {
		t.Errorf("viewer API read with session: %d", resp.StatusCode)
	}
}

// TestHostileTextEscaped records markup in a description and a source
// title and checks it reaches pages and charts as text.
func TestHostileTextEscaped(t *testing.T) {
	ts, a := newAuthServer(t, Options{}, false)
	c := fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-04-04"), Amount: 5_000_000_00, Currency: "DKK",
		Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user", Description: `<script>alert(1)</script>`,
		Source: fairshare.Source{URL: "https://example.org/x", Title: `"><img src=x onerror=alert(1)>`, Publisher: `<b>pub</b>`}}
	c.ID = c.NaturalID()
	if _, err := a.AddContributions(context.Background(), []fairshare.Contribution{c}, fairshare.Change{Author: `<i>x</i>`, Reason: `<svg onload=alert(1)>`}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/donors/DNK?lang=en", "/donors/DNK?lang=da", "/contributions/" + c.ID, "/charts/donors/DNK.svg", "/targets/nato-2024?dataset=user"} {
		resp, body := fetch(t, ts, p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		for _, raw := range []string{"<script>alert", "<img src=x", `"><img`, "<b>pub", "<svg onload", "<i>x</i>"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s: unescaped %q", p, raw)
			}
		}
		if strings.HasSuffix(p, ".svg") {
			wellFormed(t, body)
		}
	}
	_, body := fetch(t, ts, "/contributions/"+c.ID)
	for _, esc := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;", "&lt;svg onload=alert(1)&gt;"} {
		if !strings.Contains(body, esc) {
			t.Errorf("contribution page lacks the escaped text %q", esc)
		}
	}
}
