package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/bundle"
	"github.com/fairshare/fairshare/internal/sqlstore"
)

// Backup writes a consistent snapshot of the database to out (a new file)
// while others keep writing: a SQLite copy (VACUUM INTO) from SQLite; from
// PostgreSQL a SQLite file holding fairshare's own data, so one format
// restores into either store.
func (a *App) Backup(ctx context.Context, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fairshare.Errorf(fairshare.ECONFLICT, "%s exists: choose a new file", out)
	}
	if a.sql.Driver() == "sqlite" {
		if err := a.sql.BackupSQLite(ctx, out); err != nil {
			return fmt.Errorf("backup to %s: %w", out, err)
		}
		return nil
	}
	snap, err := a.store.Snapshot(ctx)
	if err != nil {
		return err
	}
	dst, err := Open(ctx, "sqlite:"+out, Options{})
	if err != nil {
		return err
	}
	_, err = dst.store.Restore(ctx, snap)
	dst.Close()
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("backup to %s: %w", out, err)
	}
	return nil
}

// Snapshot reads everything the database holds beyond the embedded
// reference data, consistently.
func (a *App) Snapshot(ctx context.Context) (fairshare.Snapshot, error) { return a.store.Snapshot(ctx) }

// Restore adds what snap holds that the database lacks, in one
// transaction. With intoOlder it first refuses (ECONFLICT) a database
// holding recorded changes the snapshot lacks: a restore never discards a
// change.
func (a *App) Restore(ctx context.Context, snap fairshare.Snapshot, intoOlder bool) (fairshare.SnapshotCounts, error) {
	if intoOlder {
		have, err := a.store.Snapshot(ctx)
		if err != nil {
			return fairshare.SnapshotCounts{}, err
		}
		in := map[string]bool{}
		for _, v := range snap.Versions {
			in[fmt.Sprintf("%s/%d", v.ID, v.Version)] = true
		}
		extra := 0
		for _, v := range have.Versions {
			if !in[fmt.Sprintf("%s/%d", v.ID, v.Version)] {
				extra++
			}
		}
		if extra > 0 {
			return fairshare.SnapshotCounts{}, fairshare.Errorf(fairshare.ECONFLICT, "the target holds %d recorded change(s) that the backup lacks; restore into a new database (--db NEW) instead", extra)
		}
	}
	n, err := a.store.Restore(ctx, snap)
	if err == nil {
		_, err = a.freshEngine(ctx, true, nil)
	}
	return n, err
}

// ReadSnapshot reads a backup file (SQLite, checked for integrity first)
// or a bundle written by 'fairshare export --all'.
func ReadSnapshot(ctx context.Context, path string) (fairshare.Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return fairshare.Snapshot{}, err
	}
	if bytes.HasPrefix(data, []byte("SQLite format 3\x00")) {
		st, err := sqlstore.Open(ctx, "sqlite:"+path)
		if err != nil {
			return fairshare.Snapshot{}, err
		}
		defer st.Close()
		var check string
		if err := st.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			return fairshare.Snapshot{}, fmt.Errorf("%s fails SQLite's integrity check: %s %v", path, check, err)
		}
		return st.Snapshot(ctx)
	}
	return bundle.Read(data, path)
}

// CopyDatabase copies a whole ledger from one database to another (every
// version with its ids, times, authors and reasons; rates, user targets and
// datasets, meta, users, audit log); the target is migrated and gets the
// embedded reference data. Nothing in the target is overwritten, so a copy
// can be repeated or resumed.
func CopyDatabase(ctx context.Context, from, to string) ([]sqlstore.CopyCount, error) {
	if !sqlstore.IsPostgres(from) {
		// Open would create a missing file; a typo should not copy nothing.
		if _, err := os.Stat(strings.TrimPrefix(from, "sqlite:")); err != nil {
			return nil, fmt.Errorf("--from: %w", err)
		}
	}
	src, err := sqlstore.Open(ctx, from)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	// The source must be at this release's schema: a SQLite file is brought
	// up to date as whenever it is opened; PostgreSQL is migrated explicitly.
	if src.Driver() == "sqlite" {
		if _, err := src.Migrate(ctx); err != nil {
			return nil, err
		}
	}
	dst, err := Open(ctx, to, Options{})
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	return src.CopyTo(ctx, dst.sql)
}
