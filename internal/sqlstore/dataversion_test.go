package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fairshare/fairshare/internal/sqlstore"
)

// TestDataVersion: the number stays while nothing is committed, and changes
// after a commit through the store itself and through another connection
// (here a second store, as another process would be) on the same file.
func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dv.db")
	s := openMigrated(t, path)
	other := openMigrated(t, path)
	at := func() int64 {
		t.Helper()
		v, ok := s.DataVersion(ctx)
		if !ok {
			t.Fatal("DataVersion: not available on SQLite")
		}
		return v
	}
	s.DataVersion(ctx) // the first answer is "cannot tell"
	other.DataVersion(ctx)
	v0 := at()
	if _, err := s.Meta(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if v := at(); v != v0 {
		t.Fatalf("a read changed the data version: %d -> %d", v0, v)
	}
	for i, w := range []struct {
		name string
		set  func() error
	}{
		{"own connection", func() error { return s.SetMeta(ctx, "x", "1") }},
		{"other connection", func() error { return other.SetMeta(ctx, "x", "2") }},
		{"own again", func() error { return s.SetMeta(ctx, "x", "3") }},
	} {
		before := at()
		if err := w.set(); err != nil {
			t.Fatal(err)
		}
		if v := at(); v == before {
			t.Errorf("%d %s: a commit left the data version at %d", i, w.name, v)
		}
	}
	if _, ok := other.DataVersion(ctx); !ok {
		t.Error("second store: no data version")
	}
}

// BenchmarkStampChecks: what a report's freshness check costs on SQLite:
// the ledger stamp (two index probes) and the reference stamp (a meta row)
// on the store's connection, against data_version on its own.
func BenchmarkStampChecks(b *testing.B) {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("LedgerStamp", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.LedgerStamp(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ReferenceStamp", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ReferenceStamp(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DataVersion", func(b *testing.B) {
		s.DataVersion(ctx)
		for b.Loop() {
			if _, ok := s.DataVersion(ctx); !ok {
				b.Fatal("no data version")
			}
		}
	})
}
