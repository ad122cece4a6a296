package feeds

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []Item
		title     string
	}{
		{"rss", `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>One</title><link>https://example.org/1</link><guid isPermaLink="false">g-1</guid><pubDate>Thu, 16 May 2024 07:00:00 +0000</pubDate></item>
<item><title>Two</title><link>https://example.org/2</link></item></channel></rss>`,
			[]Item{{ID: "g-1", Link: "https://example.org/1", Title: "One", Published: time.Date(2024, 5, 16, 7, 0, 0, 0, time.UTC)},
				{ID: "https://example.org/2", Link: "https://example.org/2", Title: "Two"}}, "Wire"},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><id>urn:1</id><title>E</title><link rel="self" href="https://example.org/self"/><link href="https://example.org/e"/><updated>2024-05-16T07:30:00Z</updated></entry></feed>`,
			[]Item{{ID: "urn:1", Link: "https://example.org/e", Title: "E", Published: time.Date(2024, 5, 16, 7, 30, 0, 0, time.UTC)}}, "A"},
	}
	for _, tt := range tests {
		p, err := Parse(strings.NewReader(tt.doc))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if p.Title != tt.title || len(p.Items) != len(tt.want) {
			t.Fatalf("%s: %+v", tt.name, p)
		}
		for i, w := range tt.want {
			if g := p.Items[i]; g.ID != w.ID || g.Link != w.Link || g.Title != w.Title || !g.Published.Equal(w.Published) {
				t.Errorf("%s item %d = %+v, want %+v", tt.name, i, g, w)
			}
		}
	}
	latin1 := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>K\xf8benhavn</title>" +
		"<item><title>St\xf8tte</title><link>https://example.org/s</link></item></channel></rss>"
	if p, err := Parse(strings.NewReader(latin1)); err != nil || p.Title != "København" || p.Items[0].Title != "Støtte" {
		t.Errorf("ISO-8859-1 feed: %+v %v", p, err)
	}
	for _, bad := range []string{"<html><body>no feed</body></html>", "not xml at all", ""} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestGetLimitsAndValidators(t *testing.T) {
	big := strings.Repeat("x", 5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write([]byte(big)) // chunked, no Content-Length known up front for the check
		case "/gone":
			http.Error(w, "gone", http.StatusGone)
		case "/etag":
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Last-Modified", "Thu, 16 May 2024 07:00:00 GMT")
			w.Write([]byte("feed"))
		}
	}))
	defer srv.Close()
	f := NewFetcher()
	f.PerHost, f.MaxBytes = 0, 1000
	ctx := context.Background()
	if _, err := f.Get(ctx, srv.URL+"/big", "", ""); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big: %v, want ErrTooLarge", err)
	}
	var he *HTTPError
	if _, err := f.Get(ctx, srv.URL+"/gone", "", ""); !errors.As(err, &he) || !he.Permanent() {
		t.Errorf("gone: %v, want a permanent HTTPError", err)
	}
	r, err := f.Get(ctx, srv.URL+"/etag", "", "")
	if err != nil || string(r.Body) != "feed" || r.ETag != `"v1"` || r.NotModified {
		t.Fatalf("first: %+v %v", r, err)
	}
	r2, err := f.Get(ctx, srv.URL+"/etag", r.ETag, r.LastModified)
	if err != nil || !r2.NotModified || r2.ETag != `"v1"` || r2.LastModified != r.LastModified {
		t.Fatalf("conditional: %+v %v", r2, err)
	}
	if _, err := f.Get(ctx, "file:///etc/passwd", "", ""); err == nil {
		t.Error("file URL accepted")
	}
}

// TestRateLimitSlots checks that requests to one host are given slots PerHost apart, and
// other hosts are not held up (no timing: the slots are read from the limiter).
func TestRateLimitSlots(t *testing.T) {
	f := NewFetcher()
	f.PerHost = time.Millisecond * 20
	ctx := context.Background()
	f.wait(ctx, "a")
	first := f.last["a"]
	f.wait(ctx, "a")
	if d := f.last["a"].Sub(first); d < f.PerHost {
		t.Errorf("second slot %v after the first, want >= %v", d, f.PerHost)
	}
	f.PerHost = time.Hour // a later slot for host a would be an hour away
	f.wait(ctx, "b")
	if f.last["b"].After(time.Now()) {
		t.Errorf("host b was given a slot in the future: it waited for host a")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	f.PerHost = time.Hour
	f.wait(ctx, "c")
	if err := f.wait(cctx, "c"); err == nil {
		t.Error("wait ignored a cancelled context")
	}
}

func TestExtract(t *testing.T) {
	page := `<html><head><title>T</title><meta property="og:site_name" content="Wire"></head><body><nav>Menu Home About</nav>
<article><h1>T</h1><p>Denmark will give Ukraine a further 2.5 billion Danish crowns in military aid, the defence ministry said on Thursday.</p>
<p>Deliveries start in the summer, and the package includes artillery ammunition and air defence, officials said.</p></article>
<footer>Copyright</footer></body></html>`
	a, err := Extract([]byte(page), "https://example.org/a")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Text, "2.5 billion Danish crowns") || strings.Contains(a.Text, "Copyright") || strings.Contains(a.Text, "Menu Home") {
		t.Errorf("text = %q", a.Text)
	}
	if _, err := Extract([]byte("<html><body></body></html>"), "https://example.org/empty"); err == nil {
		t.Error("an empty page gave an article")
	}
}
