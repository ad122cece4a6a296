package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// LedgerStamp is a cheap fingerprint of the ledger table: it changes with
// every committed version, whoever wrote it. Count is COUNT(*) on
// PostgreSQL and MAX(rowid) on SQLite, where the append-only ledger makes
// the two equal and MAX(rowid) is one index probe instead of a scan.
type LedgerStamp struct {
	Count       int64
	MaxRecorded int64 // recorded_us of the newest version
}

// LedgerStamp reads the ledger's fingerprint.
func (s *Store) LedgerStamp(ctx context.Context) (LedgerStamp, error) {
	q := `SELECT COUNT(*), COALESCE(MAX(recorded_us), 0) FROM contribution_versions`
	if s.driver == "sqlite" {
		// Two subqueries keep SQLite's min/max optimisation (one B-tree probe each).
		q = `SELECT (SELECT COALESCE(MAX(rowid), 0) FROM contribution_versions),
			(SELECT COALESCE(MAX(recorded_us), 0) FROM contribution_versions)`
	}
	var st LedgerStamp
	stmt, err := s.prepared(ctx, q)
	if err != nil {
		return st, fmt.Errorf("ledger stamp: %w", err)
	}
	if err := stmt.QueryRowContext(ctx).Scan(&st.Count, &st.MaxRecorded); err != nil {
		return st, fmt.Errorf("ledger stamp: %w", err)
	}
	return st, nil
}

// ScanVersions streams every version recorded at or after sinceUs with the
// columns a report needs (no descriptions, sources or authors): all of
// them in table order, or those since a time in the order of the index on
// recorded_us. The Contribution passed to fn is reused: copy what you keep.
func (s *Store) ScanVersions(ctx context.Context, sinceUs int64, fn func(*fairshare.Contribution) error) error {
	q := `SELECT id, version, recorded_us, deleted, donor, day, amount, currency, category, status, dataset
		FROM contribution_versions`
	var args []any
	intern := map[string]string{}
	in := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		s = strings.Clone(s) // it may be part of a longer string
		intern[s] = s
		return s
	}
	switch {
	case s.driver == "sqlite":
		at, stopped, err := s.scanPacked(ctx, sinceUs, in, fn)
		if err != nil || !stopped {
			return err
		}
		if sinceUs > 0 {
			q += ` WHERE recorded_us >= $1 AND (recorded_us > $2 OR (recorded_us = $2 AND rowid >= $3)) ORDER BY recorded_us, rowid`
			args = append(args, sinceUs, at.rec, at.rowid)
		} else {
			q += ` WHERE rowid >= $1 ORDER BY rowid`
			args = append(args, at.rowid)
		}
	case sinceUs > 0:
		q += ` WHERE recorded_us >= $1`
		args = append(args, sinceUs)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("scan versions: %w", err)
	}
	defer rows.Close()
	var c fairshare.Contribution
	var rec, amount int64
	var del int
	var donor, day, cur, cat, st, ds string
	for rows.Next() {
		if err := rows.Scan(&c.ID, &c.Version, &rec, &del, &donor, &day, &amount, &cur, &cat, &st, &ds); err != nil {
			return fmt.Errorf("scan versions: %w", err)
		}
		c.RecordedAt = time.UnixMicro(rec)
		c.Deleted = del != 0
		c.Donor, c.Currency, c.Dataset = in(donor), in(cur), in(ds)
		c.Category, c.Status = fairshare.Category(in(cat)), fairshare.Status(in(st))
		c.Amount = fairshare.Amount(amount)
		if c.Date, err = parseDay(day); err != nil {
			return fmt.Errorf("scan versions: %s: %w", c.ID, err)
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanPacked is ScanVersions on SQLite with the text columns joined into
// one: the driver's cost is mostly per column (each call takes the
// connection's mutex), and these five columns are read in about two thirds
// of the time of the eleven (10^6 rows: 2.3-2.5 s against 3.6-3.7 s). Rows
// come in rowid order, or with sinceUs in the order of the index on
// recorded_us (then rowid). Valid text never holds the separator, U+001F; a
// row whose text does stops the scan with stopped set, and at is where the
// caller goes on, column by column (rows are only ever appended, so none
// is missed or read twice).
func (s *Store) scanPacked(ctx context.Context, sinceUs int64, in func(string) string, fn func(*fairshare.Contribution) error) (at rowAt, stopped bool, err error) {
	q := `SELECT rowid, version * 2 + (deleted <> 0), recorded_us, amount,
		id || char(31) || day || char(31) || donor || char(31) || currency || char(31) || category || char(31) || status || char(31) || dataset
		FROM contribution_versions`
	var args []any
	if sinceUs > 0 {
		q += ` WHERE recorded_us >= $1 ORDER BY recorded_us, rowid`
		args = append(args, sinceUs)
	} else {
		q += ` ORDER BY rowid`
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return at, false, fmt.Errorf("scan versions: %w", err)
	}
	defer rows.Close()
	var c fairshare.Contribution
	var verDel, amount int64
	var packed string
	var f [7]string
	for rows.Next() {
		if err := rows.Scan(&at.rowid, &verDel, &at.rec, &amount, &packed); err != nil {
			return at, false, fmt.Errorf("scan versions: %w", err)
		}
		if strings.Count(packed, "\x1f") != len(f)-1 {
			return at, true, nil
		}
		rest := packed
		for i := range f[:len(f)-1] {
			f[i], rest, _ = strings.Cut(rest, "\x1f")
		}
		f[len(f)-1] = rest
		c.ID = f[0]
		c.Version, c.Deleted = int(verDel>>1), verDel&1 != 0
		c.RecordedAt = time.UnixMicro(at.rec)
		c.Donor, c.Currency, c.Dataset = in(f[2]), in(f[3]), in(f[6])
		c.Category, c.Status = fairshare.Category(in(f[4])), fairshare.Status(in(f[5]))
		c.Amount = fairshare.Amount(amount)
		if c.Date, err = parseDay(f[1]); err != nil {
			return at, false, fmt.Errorf("scan versions: %s: %w", c.ID, err)
		}
		if err := fn(&c); err != nil {
			return at, false, err
		}
	}
	return at, false, rows.Err()
}

// rowAt is a row's place in a scan: its recorded time and rowid.
type rowAt struct{ rec, rowid int64 }

// VersionsSince streams versions recorded at or after recordedUs (the
// engine's incremental refresh); see ScanVersions.
func (s *Store) VersionsSince(ctx context.Context, recordedUs int64, fn func(*fairshare.Contribution) error) error {
	return s.ScanVersions(ctx, recordedUs, fn)
}

// parseDay reads the stored YYYY-MM-DD without time.Parse.
func parseDay(s string) (fairshare.Date, error) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		n := func(b string) int {
			v := 0
			for i := 0; i < len(b); i++ {
				if b[i] < '0' || b[i] > '9' {
					return -1
				}
				v = v*10 + int(b[i]-'0')
			}
			return v
		}
		y, m, d := n(s[:4]), n(s[5:7]), n(s[8:])
		if y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			if dt := fairshare.NewDate(y, time.Month(m), d); dt.Time().Day() == d {
				return dt, nil
			}
		}
	}
	return fairshare.ParseDate(s)
}
