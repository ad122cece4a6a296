package feeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
)

// Fetcher fetches feeds and article pages politely. The zero value is not usable: use
// NewFetcher.
type Fetcher struct {
	Client *http.Client
	// PerHost is the least time between two requests to one host.
	PerHost time.Duration
	// MaxBytes bounds a response body; a longer one is refused, not truncated.
	MaxBytes  int64
	UserAgent string

	mu   sync.Mutex
	last map[string]time.Time // host -> time of the last request
}

// NewFetcher returns a fetcher with a 20 s timeout per request, one request per host every
// two seconds, and responses up to 4 MiB.
func NewFetcher() *Fetcher {
	return &Fetcher{
		Client:    &http.Client{Timeout: 20 * time.Second},
		PerHost:   2 * time.Second,
		MaxBytes:  4 << 20,
		UserAgent: "fairshare-news/1 (+https://github.com/fairshare/fairshare)",
		last:      map[string]time.Time{},
	}
}

// ErrTooLarge is returned for a response over MaxBytes.
var ErrTooLarge = errors.New("response too large")

// HTTPError is a response with a status other than 200 or 304.
type HTTPError struct {
	URL    string
	Status int
}

func (e *HTTPError) Error() string { return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.Status) }

// Permanent reports a client error: fetching again will not help.
func (e *HTTPError) Permanent() bool { return e.Status >= 400 && e.Status < 500 && e.Status != 429 }

// Response is a fetched body with its validators.
type Response struct {
	Body         []byte
	NotModified  bool // 304: the validators sent still hold
	ETag         string
	LastModified string
	URL          string // after redirects
}

// wait sleeps until host may be asked again, or ctx ends.
func (f *Fetcher) wait(ctx context.Context, host string) error {
	f.mu.Lock()
	if f.last == nil {
		f.last = map[string]time.Time{}
	}
	next := f.last[host].Add(f.PerHost)
	now := time.Now()
	if next.Before(now) {
		next = now
	}
	f.last[host] = next // reserve the slot before sleeping, so callers queue up
	f.mu.Unlock()
	t := time.NewTimer(time.Until(next))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Get fetches u, sending etag and lastModified as validators when given.
func (f *Fetcher) Get(ctx context.Context, u, etag, lastModified string) (Response, error) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return Response{}, fmt.Errorf("%q is not an http(s) URL", u)
	}
	if err := f.wait(ctx, pu.Host); err != nil {
		return Response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Response{}, err
	}
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return Response{}, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	out := Response{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), URL: resp.Request.URL.String()}
	switch resp.StatusCode {
	case http.StatusNotModified:
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = etag
		}
		if out.LastModified == "" {
			out.LastModified = lastModified
		}
		return out, nil
	case http.StatusOK:
	default:
		return Response{}, &HTTPError{URL: u, Status: resp.StatusCode}
	}
	if resp.ContentLength > f.MaxBytes {
		return Response{}, fmt.Errorf("GET %s: %w (%d bytes, limit %d)", u, ErrTooLarge, resp.ContentLength, f.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.MaxBytes+1))
	if err != nil {
		return Response{}, fmt.Errorf("GET %s: %w", u, err)
	}
	if int64(len(body)) > f.MaxBytes {
		return Response{}, fmt.Errorf("GET %s: %w (limit %d bytes)", u, ErrTooLarge, f.MaxBytes)
	}
	out.Body = body
	return out, nil
}

// Article is the readable part of a page.
type Article struct {
	Title     string
	Byline    string
	SiteName  string
	Text      string
	Published time.Time // zero when the page does not say
}

// Extract finds the article in an HTML page with go-readability (a port of Mozilla's
// Readability.js), so no site needs rules of its own.
func Extract(page []byte, pageURL string) (Article, error) {
	pu, err := url.Parse(pageURL)
	if err != nil {
		return Article{}, err
	}
	a, err := readability.FromReader(bytes.NewReader(page), pu)
	if err != nil {
		return Article{}, fmt.Errorf("extract %s: %w", pageURL, err)
	}
	var b strings.Builder
	if err := a.RenderText(&b); err != nil {
		return Article{}, fmt.Errorf("extract %s: %w", pageURL, err)
	}
	out := Article{Title: a.Title(), Byline: a.Byline(), SiteName: a.SiteName(), Text: strings.TrimSpace(b.String())}
	if t, err := a.PublishedTime(); err == nil {
		out.Published = t.UTC()
	}
	if out.Text == "" {
		return Article{}, fmt.Errorf("extract %s: no article text found", pageURL)
	}
	return out, nil
}
