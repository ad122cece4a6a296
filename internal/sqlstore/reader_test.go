package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestLongReadBlocksNobody: on a SQLite file, a read on the long-read pool
// (the grouped ledger's) is a snapshot that neither holds the writer's
// connection nor takes the write lock: a write commits while it is open,
// and the read still sees the database as it was when it began.
func TestLongReadBlocksNobody(t *testing.T) {
	ctx := context.Background()
	s := newMigrated(t, filepath.Join(t.TempDir(), "r.db"))
	if err := s.SetMeta(ctx, "k", "before"); err != nil {
		t.Fatal(err)
	}
	db, err := s.reader()
	if err != nil {
		t.Fatal(err)
	}
	if db == s.db {
		t.Fatal("a SQLite file's long reads share the writer's pool")
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: isoSnapshot(s.driver)})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	read := func() string {
		t.Helper()
		var v string
		if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'k'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := read(); v != "before" {
		t.Fatalf("read %q", v)
	}
	// With the read open: a write through the store commits (it would wait
	// for the busy timeout and fail if the read held the write lock).
	if err := s.SetMeta(ctx, "k", "after"); err != nil {
		t.Fatalf("write while a long read is open: %v", err)
	}
	if v := read(); v != "before" {
		t.Errorf("the open read saw a later commit: %q", v)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = 'x' WHERE key = 'k'`); err == nil {
		t.Error("the long-read pool accepted a write")
	}
	if v, err := s.Meta(ctx, "k"); err != nil || v != "after" {
		t.Errorf("after the write: %q, %v", v, err)
	}
	tx.Rollback()
	s.Close()
	if err := db.PingContext(ctx); err == nil {
		t.Error("the long-read pool is still open after Close")
	}
}
