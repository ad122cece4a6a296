package engine

import (
	"context"
	"sync"

	"github.com/fairshare/fairshare"
)

// Engine is the in-memory ledger with its report cache. It is safe for
// concurrent use: reports read under a shared lock, writes take it alone.
type Engine struct {
	mu sync.RWMutex
	l  ledger
	// gen counts changes; cached reports of another generation are stale.
	gen uint64

	convMu sync.Mutex
	convs  map[convKey]*convTable

	cacheMu sync.Mutex
	cache   map[string]cacheEntry

	sharesMu sync.Mutex
	shares   map[string]sharesEntry
}

type convKey struct {
	rates      *fairshare.RateTable
	to         string
	day0, day1 int32
}

// New returns an empty engine.
func New() *Engine { return &Engine{} }

// Load replaces the engine's contents with every version src holds.
func (e *Engine) Load(ctx context.Context, src Source) error {
	var l ledger
	err := src.ScanVersions(ctx, 0, func(c *fairshare.Contribution) error {
		l.bulk(c)
		return nil
	})
	if err != nil {
		return err
	}
	l.link()
	l.compact(true)
	e.mu.Lock()
	e.l = l
	e.gen++
	e.convMu.Lock()
	e.convs = nil // dictionary codes may differ in the new ledger
	e.convMu.Unlock()
	e.mu.Unlock()
	e.dropCache()
	return nil
}

// Apply adds versions (new entries, amendments, deletions) as they are
// recorded; versions it already holds are ignored. It returns how many were
// new.
func (e *Engine) Apply(vs ...fairshare.Contribution) int {
	e.mu.Lock()
	n := 0
	for i := range vs {
		if e.l.apply(&vs[i]) {
			n++
		}
	}
	if n > 0 {
		e.l.compact(false)
		e.gen++
	}
	e.mu.Unlock()
	if n > 0 {
		e.dropCache()
	}
	return n
}

// Len is the number of versions held.
func (e *Engine) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.l.col.len()
}

// Entries is the number of entries (distinct ids) held.
func (e *Engine) Entries() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.l.noIDs {
		return e.l.nid
	}
	return len(e.l.latest)
}

// MaxRecorded is the latest recorded_us held (0 when empty).
func (e *Engine) MaxRecorded() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.l.maxRec
}

// Generation changes whenever the contents change.
func (e *Engine) Generation() uint64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.gen
}

// Bytes is the memory held by the ledger's columns and id index.
func (e *Engine) Bytes() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.l.bytes()
}

// Compact merges the unsorted tail of recent writes into the sorted rows.
func (e *Engine) Compact() {
	e.mu.Lock()
	e.l.compact(true)
	e.mu.Unlock()
}
