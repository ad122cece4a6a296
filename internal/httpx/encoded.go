package httpx

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// ETag returns a strong entity tag of body.
func ETag(body []byte) string { return ETagOf(body) }

// ETagOf is the ETag of the parts' concatenation, without making it.
func ETagOf(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	var sum [sha256.Size]byte
	return `"` + hex.EncodeToString(h.Sum(sum[:0])[:12]) + `"`
}

// ServeBytes writes body with an ETag (computed from body when etag is
// empty) and Cache-Control, answering If-None-Match with 304 and HEAD
// without a body, gzipped for clients that accept it.
func ServeBytes(w http.ResponseWriter, r *http.Request, contentType string, body []byte, etag, cacheControl string) {
	ServeEncoded(w, r, contentType, NewEncoded(body, etag), cacheControl)
}

// NewEncoded wraps body with etag (computed from body when empty).
func NewEncoded(body []byte, etag string) Encoded {
	if etag == "" {
		etag = ETag(body)
	}
	return Encoded{body: body, etag: etag, gz: new(lazyGzip)}
}

// Encoded is a response body with its entity tag and, once made, its gzip
// form (with its own tag: the bytes differ). Copies share the gzip form:
// made for the first client that takes gzip, on a copy served from a
// cache, it is kept for the next ones, and never made when no client asks.
type Encoded struct {
	body []byte
	etag string
	gz   *lazyGzip
}

type lazyGzip struct {
	once sync.Once
	b    []byte
}

// Body returns the plain bytes.
func (e *Encoded) Body() []byte { return e.body }

// minGzip is the size below which gzip saves too little to be worth it.
const minGzip = 1024

// Gzipped returns (and keeps) the gzip form; nil for small bodies.
func (e *Encoded) Gzipped() []byte {
	if len(e.body) < minGzip {
		return nil
	}
	if e.gz == nil { // the zero Encoded
		e.gz = new(lazyGzip)
	}
	e.gz.once.Do(func() {
		buf := bytes.NewBuffer(make([]byte, 0, len(e.body)/4+64))
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(buf)
		zw.Write(e.body)
		zw.Close()
		gzipWriters.Put(zw)
		e.gz.b = buf.Bytes()
	})
	return e.gz.b
}

// gzipWriters keeps compressors for reuse: a new one allocates and clears
// about 1 MB of state, more than compressing a report costs. Reset gives
// the same output as a new writer (no header fields are set).
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// AcceptsGzip tells whether the client takes gzip content encoding.
func AcceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
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
	if AcceptsGzip(r) {
		if gz := e.Gzipped(); gz != nil {
			body, etag = gz, strings.TrimSuffix(etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	// Written here rather than by http.ServeContent, whose range and date
	// handling a cached report or page never needs, and which cost a
	// fifth of a cached request (a copy through io.CopyN among them). A
	// Range header is ignored, as RFC 9110 allows: the whole body is sent.
	if noneMatch(r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// noneMatch says whether an If-None-Match header matches etag (weak
// comparison, as RFC 9110 asks for it: a W/ prefix on either does not
// count).
func noneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	etag = strings.TrimPrefix(etag, "W/")
	for tag := range strings.SplitSeq(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(tag), "W/") == etag {
			return true
		}
	}
	return false
}
