package web

import (
	"bytes"
	"html/template"
	"strings"
	"sync"
)

// fragments keeps pieces of pages that depend only on the report version
// (App.ReportVersion, as the page cache does) and their own key: the
// overview's charts, a donor's monthly chart and newest contributions. A
// page not kept whole (another URL, another visitor's query string) then
// neither draws nor renders them again while nothing changed.
type fragments struct {
	mu sync.Mutex
	m  map[string]any
}

// maxFragments bounds the cache; the overview's charts are some 250 KB.
const maxFragments = 64

// fragment returns the piece kept under key for the page's version, or
// makes it; callers must not change what it returns. Nothing is kept
// without a version (a logged-in visitor, no engine yet), for key "", or
// when make fails.
func fragment[T any](h *handler, p *page, key string, make func() (T, error)) (T, error) {
	if p.cacheVersion == "" || key == "" {
		return make()
	}
	key = p.cacheVersion + "\x00" + p.cacheAsOf + "\x00" + p.Lang + "\x00" + key
	f := &h.frags
	f.mu.Lock()
	v, ok := f.m[key].(T)
	f.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := make()
	if err != nil {
		return v, err
	}
	// Kept only when the version did not move while it was made.
	if h.app.ReportVersion() == p.cacheVersion {
		f.mu.Lock()
		if f.m == nil || len(f.m) >= maxFragments {
			f.m = map[string]any{}
		}
		f.m[key] = v
		f.mu.Unlock()
	}
	return v, nil
}

// fragKey joins the parts of a fragment's key; "" when one is "" (keep
// nothing).
func fragKey(parts ...string) string {
	for _, s := range parts {
		if s == "" {
			return ""
		}
	}
	return strings.Join(parts, "\x00")
}

// execute renders one of a page's named templates to HTML.
func (h *handler) execute(page, name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := h.pages[page].ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}
