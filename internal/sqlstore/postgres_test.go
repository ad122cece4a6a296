package sqlstore_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/sqlstore"
	"github.com/fairshare/fairshare/internal/storetest"
)

// These tests need a PostgreSQL server: set FAIRSHARE_TEST_POSTGRES to its
// URL. Each test works in its own schema, dropped at the end.

func TestPostgres(t *testing.T) {
	storetest.PostgresDSN(t) // skip the whole suite early when there is no server
	storetest.Run(t, func(t *testing.T) fairshare.Store {
		return openMigrated(t, storetest.PostgresDSN(t))
	})
}

// TestPostgresConcurrentMigrate is several instances starting at once on an
// empty database: all of them succeed and the schema is applied once.
func TestPostgresConcurrentMigrate(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	const n = 4
	applied := make([][]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			applied[i], errs[i] = s.Migrate(ctx)
		})
	}
	wg.Wait()
	var all []string
	for i := range n {
		if errs[i] != nil {
			t.Errorf("instance %d: %v", i, errs[i])
		}
		all = append(all, applied[i]...)
	}
	s := openMigrated(t, dsn)
	if s.Driver() != "pgx" {
		t.Fatalf("driver %q, want pgx", s.Driver())
	}
	again, err := s.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("migrating a migrated database applied %v, %v", again, err)
	}
	slices.Sort(all)
	if len(all) == 0 || len(slices.Compact(slices.Clone(all))) != len(all) {
		t.Errorf("migrations applied across instances: %v, want each exactly once", all)
	}
}

// TestCopyRoundTrip copies a SQLite store to PostgreSQL and back to a new
// SQLite file: every version and every copied table reads the same.
func TestCopyRoundTrip(t *testing.T) {
	pg := openMigrated(t, storetest.PostgresDSN(t))
	dir := t.TempDir()
	a := openMigrated(t, filepath.Join(dir, "a.db"))
	b := openMigrated(t, filepath.Join(dir, "b.db"))
	fill(t, a)
	copyAll(t, a, pg)
	copyAll(t, pg, b)
	want := dump(t, a)
	for name, s := range map[string]*sqlstore.Store{"postgres": pg, "sqlite copy": b} {
		if got := dump(t, s); got != want {
			gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := range min(len(gl), len(wl)) {
				if gl[i] != wl[i] {
					t.Errorf("%s differs from the original at line %d:\n%.600s\n%.600s", name, i, gl[i], wl[i])
					break
				}
			}
		}
	}
}
