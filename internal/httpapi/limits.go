package httpapi

import (
	"runtime/debug"
	"sync"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/httpx"
)

// DefaultMaxImports is how many imports a server runs at once. An import
// holds its entries in memory while it records them (about four times the
// file's size), so this and MaxImportBody bound the memory imports take.
const DefaultMaxImports = 2

// errBusy is told as 503 with Retry-After: the client should try again.
var errBusy = &fairshare.Error{Code: httpx.EUNAVAILABLE, Message: "too many imports at once; try again in a few seconds"}

// importLimit is a counting semaphore that gives memory back to the
// operating system when the last running import ends: a burst of large
// imports must not leave the server holding its peak for good.
type importLimit struct {
	mu      sync.Mutex
	running int
	max     int
}

func newImportLimit(max int) importLimit {
	if max <= 0 {
		max = DefaultMaxImports
	}
	return importLimit{max: max}
}

// acquire takes a slot, or reports false when all are taken.
func (l *importLimit) acquire() (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running >= l.max {
		return nil, false
	}
	l.running++
	return func() {
		l.mu.Lock()
		l.running--
		idle := l.running == 0
		l.mu.Unlock()
		if idle {
			go debug.FreeOSMemory()
		}
	}, true
}
