package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// newsSite serves an Atom feed of two articles on loopback, with an ETag for conditional
// GET, and counts the requests.
type newsSite struct {
	mu       sync.Mutex
	hits     map[string]int
	notMod   int
	srv      *httptest.Server
	articles map[string]string
}

const feedETag = `"feed-v1"`

func newNewsSite(t *testing.T) *newsSite {
	s := &newsSite{hits: map[string]int{}, articles: map[string]string{
		"/a/danmark": `<html><head><title>Danmark sender mere</title></head><body><nav>Forside | Indland | Udland</nav>
<article><h1>Danmark sender mere</h1>
<p>Danmark giver Ukraine yderligere otte milliarder kroner til luftforsvar og ammunition, oplyser Forsvarsministeriet onsdag.</p>
<p>Pengene kommer fra Ukrainefonden, og de første leverancer ventes i løbet af sommeren. Forsvarsministeren kalder det en vigtig pakke.</p>
<p>Beløbet er det største enkeltbidrag fra Danmark i år, og det kommer oven i de tidligere pakker.</p></article>
<footer>Kontakt redaktionen</footer></body></html>`,
		"/a/sweden": `<html><head><title>Sweden adds support</title></head><body><div class="menu">Home News Sport</div>
<article><h1>Sweden adds support</h1>
<p>Sweden will donate 13 billion Swedish crowns in military aid to Ukraine, the government said on Wednesday.</p>
<p>The package includes air defence and artillery ammunition, and deliveries start in the autumn, officials in Stockholm said.</p>
<p>It is the largest package Sweden has sent so far, ministers told reporters.</p></article></body></html>`,
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		s.count(r.URL.Path)
		if r.Header.Get("If-None-Match") == feedETag {
			s.mu.Lock()
			s.notMod++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", feedETag)
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Test wire</title><id>urn:test:wire</id><updated>2024-05-16T08:00:00Z</updated>
<entry><id>urn:test:1</id><title>Danmark sender mere</title><link href="%[1]s/a/danmark"/><published>2024-05-16T07:00:00Z</published></entry>
<entry><id>urn:test:2</id><title>Sweden adds support</title><link rel="alternate" href="%[1]s/a/sweden"/><updated>2024-05-16T07:30:00Z</updated></entry>
</feed>`, s.srv.URL)
	})
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		s.count(r.URL.Path)
		body, ok := s.articles[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	})
	// Started after s.srv is set: the feed handler reads s.srv.URL.
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

func (s *newsSite) count(path string) {
	s.mu.Lock()
	s.hits[path]++
	s.mu.Unlock()
}

// TestNewsFetchFeed: news fetch files a draft for each article of an Atom feed served on
// loopback; a second run asks with the feed's ETag, gets 304 and files nothing new.
func TestNewsFetchFeed(t *testing.T) {
	site := newNewsSite(t)
	db := filepath.Join(t.TempDir(), "f.db")
	feed := site.srv.URL + "/feed.xml"
	if r := fs(t, db, "news", "follow", "ftp://example.org/x"); r.code == 0 {
		t.Fatal("news follow accepted an ftp URL")
	}
	out := mustFS(t, db, "news", "follow", feed)
	if !strings.Contains(out, "following 1 new feed") {
		t.Fatalf("follow: %s", out)
	}
	mustFS(t, db, "news", "follow", feed) // followed already: no error, no second entry
	out = mustFS(t, db, "news", "fetch", "--per-host", "10ms")
	if !strings.Contains(out, "2 new item(s), 2 draft(s) filed") {
		t.Fatalf("first fetch: %s", out)
	}
	var drafts []map[string]string
	if err := json.Unmarshal([]byte(mustFS(t, db, "news", "drafts", "--format", "json")), &drafts); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, d := range drafts {
		got[d["donor"]] = d
	}
	if dk := got["DNK"]; dk == nil || dk["amount"] != "8000000000.00" || dk["currency"] != "DKK" || dk["date"] != "2024-05-16" ||
		dk["said_by"] != "Forsvarsministeriet" || dk["article_url"] != site.srv.URL+"/a/danmark" || dk["origin"] != "feed" {
		t.Errorf("Danish draft: %v", dk)
	}
	if se := got["SWE"]; se == nil || se["amount"] != "13000000000.00" || se["currency"] != "SEK" || se["article_url"] != site.srv.URL+"/a/sweden" {
		t.Errorf("Swedish draft: %v", se)
	}
	if len(drafts) != 2 {
		t.Errorf("%d drafts, want 2: %v", len(drafts), drafts)
	}

	out = mustFS(t, db, "news", "fetch", "--per-host", "10ms")
	if !strings.Contains(out, "(1 unchanged), 0 new item(s), 0 draft(s) filed") {
		t.Fatalf("second fetch: %s", out)
	}
	site.mu.Lock()
	notMod, pages := site.notMod, site.hits["/a/danmark"]+site.hits["/a/sweden"]
	site.mu.Unlock()
	if notMod != 1 || pages != 2 {
		t.Errorf("second fetch: %d conditional 304s (want 1), %d article fetches in all (want 2)", notMod, pages)
	}
	if err := json.Unmarshal([]byte(mustFS(t, db, "news", "drafts", "--state", "all", "--format", "json")), &drafts); err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 2 {
		t.Errorf("after two runs %d drafts, want 2", len(drafts))
	}
}

// TestNewsReviewAudit: drafts from news read --apply wait in the review queue; an approval
// and a rejection (made through the App, as /review makes them) are listed by
// `fairshare audit`, and the approved entry cites the article.
func TestNewsReviewAudit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	file := filepath.Join(dir, "a.txt")
	os.WriteFile(file, []byte("Danmark giver Ukraine 5,6 milliarder kroner, oplyser Forsvarsministeriet. Norge giver 2 milliarder norske kroner.\n"), 0o644)
	mustFS(t, db, "news", "read", file, "--date", "2024-02-01", "--apply", "news-review",
		"--source-url", "https://example.org/article", "--source-title", "Ny pakke", "--publisher", "Ritzau")
	var drafts []map[string]string
	if err := json.Unmarshal([]byte(mustFS(t, db, "news", "drafts", "--format", "json")), &drafts); err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 2 || drafts[0]["origin"] != "read" {
		t.Fatalf("queue after --apply: %v", drafts)
	}
	// The same article again files nothing new.
	mustFS(t, db, "news", "read", file, "--date", "2024-02-01", "--apply", "news-review", "--source-url", "https://example.org/article")
	if err := json.Unmarshal([]byte(mustFS(t, db, "news", "drafts", "--format", "json")), &drafts); err != nil || len(drafts) != 2 {
		t.Fatalf("queue after a second --apply: %v %v", drafts, err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, db, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ed := fairshare.User{Name: "erika", Role: fairshare.Editor}
	var dk, no string
	for _, d := range drafts {
		switch d["donor"] {
		case "DNK":
			dk = d["id"]
		case "NOR":
			no = d["id"]
		}
	}
	if err := a.RejectDraft(ctx, dk, fairshare.User{Name: "vic", Role: fairshare.Viewer}, "x"); fairshare.ErrorCode(err) != fairshare.EFORBIDDEN {
		t.Errorf("viewer's rejection: %v", err)
	}
	c, err := a.ApproveDraft(ctx, dk, app.DraftEdit{}, ed, "matches the ministry's figure")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RejectDraft(ctx, no, ed, "Norway's aid is recorded from its own release"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ApproveDraft(ctx, no, app.DraftEdit{}, ed, "twice"); fairshare.ErrorCode(err) != fairshare.ECONFLICT {
		t.Errorf("approving a rejected draft: %v", err)
	}
	a.Close()
	out := mustFS(t, db, "audit", "--format", "csv")
	for _, want := range []string{"news.approve," + dk + ",matches the ministry's figure", "news.reject," + no + ",Norway's aid is recorded from its own release",
		c.ID} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	got := mustFS(t, db, "contributions", "list", "--dataset", "user", "--format", "json")
	if !strings.Contains(got, "https://example.org/article") || !strings.Contains(got, "5600000000.00") {
		t.Errorf("approved entry: %s", got)
	}
}
