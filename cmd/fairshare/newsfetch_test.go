package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
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
	s.srv = httptest.NewServer(mux)
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
