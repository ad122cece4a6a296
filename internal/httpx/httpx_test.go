package httpx

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
)

func TestParseIfMatch(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		bad  bool
	}{
		{"", 0, false},
		{"*", 0, false},
		{`"v3"`, 3, false},
		{` "v12" `, 12, false},
		{`"v3-gz"`, 3, false},
		{VersionETag(7), 7, false},
		{`W/"v3"`, 0, true},
		{`"3"`, 0, true},
		{`"v0"`, 0, true},
		{`"vx"`, 0, true},
		{`v3`, 0, true},
		{`"v3", "v4"`, 0, true},
	} {
		got, err := ParseIfMatch(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseIfMatch(%q) = %d, %v; want %d, bad %v", tc.in, got, err, tc.want, tc.bad)
		}
		if err != nil && fairshare.ErrorCode(err) != fairshare.EINVALID {
			t.Errorf("ParseIfMatch(%q): code %s", tc.in, fairshare.ErrorCode(err))
		}
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{fairshare.EINVALID: 400, fairshare.ENOTFOUND: 404, fairshare.ECONFLICT: 409,
		fairshare.EUNAUTHORIZED: 401, fairshare.EFORBIDDEN: 403, ETOOLARGE: 413, EMETHOD: 405, fairshare.EINTERNAL: 500, "other": 500} {
		if got := Status(code); got != want {
			t.Errorf("Status(%q) = %d, want %d", code, got, want)
		}
	}
}

func TestServeEncodedGzipAndRevalidation(t *testing.T) {
	body := make([]byte, 4000)
	for i := range body {
		body[i] = 'a' + byte(i%26)
	}
	e := NewEncoded(body, "")
	for _, tc := range []struct {
		gzip     bool
		inm      string
		status   int
		encoding string
	}{
		{false, "", 200, ""},
		{true, "", 200, "gzip"},
		{false, ETag(body), 304, ""},
		{true, ETag(body), 200, "gzip"}, // the gzip form has its own tag
		{false, `"x", W/` + ETag(body), 304, ""},
		{false, "*", 304, ""},
		{false, "W/" + ETag(body) + "x", 200, ""},
		{false, `"x"`, 200, ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.gzip {
			r.Header.Set("Accept-Encoding", "br, gzip")
		}
		if tc.inm != "" {
			r.Header.Set("If-None-Match", tc.inm)
		}
		w := httptest.NewRecorder()
		ServeEncoded(w, r, "text/plain", e, "no-cache")
		if w.Code != tc.status || w.Header().Get("Content-Encoding") != tc.encoding {
			t.Errorf("%+v: status %d, encoding %q", tc, w.Code, w.Header().Get("Content-Encoding"))
		}
		if w.Header().Get("Cache-Control") != "no-cache" || w.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("%+v: headers %v", tc, w.Header())
		}
		if want := map[int]int{200: len(body), 304: 0}[tc.status]; tc.encoding == "" && w.Body.Len() != want {
			t.Errorf("%+v: %d bytes, want %d", tc, w.Body.Len(), want)
		}
	}
}

// TestServeEncodedWeak: a weak validator (the API's reports) matches
// If-None-Match with or without its W/ prefix.
func TestServeEncodedWeak(t *testing.T) {
	body := []byte("report")
	for _, inm := range []string{"W/" + ETag(body), ETag(body)} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("If-None-Match", inm)
		w := httptest.NewRecorder()
		ServeEncoded(w, r, "application/json", NewEncoded(body, "W/"+ETag(body)), "no-cache")
		if w.Code != 304 {
			t.Errorf("If-None-Match %s: %d, want 304", inm, w.Code)
		}
	}
}

func TestServeEncodedHead(t *testing.T) {
	body := []byte(strings.Repeat("x", 100))
	w := httptest.NewRecorder()
	ServeEncoded(w, httptest.NewRequest("HEAD", "/", nil), "text/plain", NewEncoded(body, ""), "")
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != "100" {
		t.Fatalf("HEAD: %d, %d bytes, headers %v", w.Code, w.Body.Len(), w.Header())
	}
}

func TestSessionCookie(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if SessionID(r) != "" {
		t.Fatal("session without cookie")
	}
	r.AddCookie(&http.Cookie{Name: SessionCookie, Value: "abc"})
	if SessionID(r) != "abc" {
		t.Fatal("cookie not read")
	}
	w := httptest.NewRecorder()
	ClearSessionCookie(w, true)
	if c := w.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 || !c[0].Secure || !c[0].HttpOnly {
		t.Fatalf("clear: %+v", c)
	}
}

// TestGzippedSameBytes: compressors are reused (a pool); the bytes must be
// those of a new writer, whatever was compressed before.
func TestGzippedSameBytes(t *testing.T) {
	for i, body := range [][]byte{
		bytes.Repeat([]byte(`{"donor":"DNK","amount":"12.34"},`), 200),
		bytes.Repeat([]byte("abcdefghij"), 5000),
		bytes.Repeat([]byte(`{"donor":"DNK","amount":"12.34"},`), 200),
	} {
		var want bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&want, gzip.BestSpeed)
		zw.Write(body)
		zw.Close()
		e := NewEncoded(body, "")
		if got := e.Gzipped(); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%d: pooled gzip differs from a new writer's (%d bytes, want %d)", i, len(got), want.Len())
		}
	}
}
