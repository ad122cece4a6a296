package httpx

import "sync"

// RenderCache keeps renderings (reports, charts, pages) per request and
// ledger version; bounded, since request keys come from clients.
type RenderCache struct {
	// Max bounds the renderings kept (0: 512); pages are large.
	Max int
	mu  sync.Mutex
	m   map[string]renderEntry
}

type renderEntry struct {
	version, asOf string
	e             Encoded
}

const maxRenders = 512

// Get returns the rendering of key made under version for asOf.
func (c *RenderCache) Get(key, version, asOf string) (Encoded, bool) {
	if version == "" {
		return Encoded{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	re, ok := c.m[key]
	return re.e, ok && re.version == version && re.asOf == asOf
}

// Put keeps a rendering; an empty version (unknown state) is not kept.
func (c *RenderCache) Put(key, version, asOf string, e Encoded) {
	if version == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.Max
	if limit <= 0 {
		limit = maxRenders
	}
	if c.m == nil || len(c.m) >= limit {
		c.m = map[string]renderEntry{}
	}
	c.m[key] = renderEntry{version, asOf, e}
}
