package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

const versionCols = `id, version, recorded_us, deleted, donor, recipient, day, amount, currency, category, status,
	dataset, description, source_url, source_title, publisher, source_date, author, reason`

func scanVersion(sc interface{ Scan(...any) error }) (fairshare.Contribution, error) {
	var c fairshare.Contribution
	var rec int64
	var del int
	var day, cat, st string
	err := sc.Scan(&c.ID, &c.Version, &rec, &del, &c.Donor, &c.Recipient, &day, &c.Amount, &c.Currency,
		&cat, &st, &c.Dataset, &c.Description, &c.Source.URL, &c.Source.Title, &c.Source.Publisher,
		&c.Source.Date, &c.Author, &c.Reason)
	if err != nil {
		return c, err
	}
	c.RecordedAt = time.UnixMicro(rec).UTC()
	c.Deleted = del != 0
	c.Category, c.Status = fairshare.Category(cat), fairshare.Status(st)
	c.Date, err = fairshare.ParseDate(day)
	return c, err
}

func insertVersion(ctx context.Context, stmt *sql.Stmt, c *fairshare.Contribution) (int64, error) {
	del := 0
	if c.Deleted {
		del = 1
	}
	res, err := stmt.ExecContext(ctx, c.ID, c.Version, c.RecordedAt.UnixMicro(), del, c.Donor, c.Recipient,
		c.Date.String(), int64(c.Amount), c.Currency, string(c.Category), string(c.Status), c.Dataset,
		c.Description, c.Source.URL, c.Source.Title, c.Source.Publisher, c.Source.Date, c.Author, c.Reason)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

const insertVersionSQL = `INSERT INTO contribution_versions (` + versionCols + `)
	VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) ON CONFLICT DO NOTHING`

// batchRows is how many versions one INSERT carries: one statement per row
// costs a round trip (PostgreSQL) or a VM run (SQLite) each; 200 rows of 19
// columns stay far below both engines' parameter limits.
const batchRows = 50

// insertVersions inserts versions in order, many per statement, skipping
// those already recorded, and returns how many it inserted.
func (s *Store) insertVersions(ctx context.Context, tx *sql.Tx, vs []fairshare.Contribution, progress func(done int)) (int, error) {
	per := batchRows
	if s.driver == "sqlite" {
		per = 1
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	n, written := 0, 0
	args := make([]any, 0, per*19)
	for len(vs) > 0 {
		k := min(per, len(vs))
		args = args[:0]
		for i := range vs[:k] {
			c := &vs[i]
			del := 0
			if c.Deleted {
				del = 1
			}
			args = append(args, c.ID, c.Version, c.RecordedAt.UnixMicro(), del, c.Donor, c.Recipient,
				c.Date.String(), int64(c.Amount), c.Currency, string(c.Category), string(c.Status), c.Dataset,
				c.Description, c.Source.URL, c.Source.Title, c.Source.Publisher, c.Source.Date, c.Author, c.Reason)
		}
		var res sql.Result
		var err error
		if k == per {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, insertManySQL(per)); err != nil {
					return n, err
				}
			}
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = tx.ExecContext(ctx, insertManySQL(k), args...)
		}
		if err != nil {
			return n, fmt.Errorf("record %s..%s: %w", vs[0].ID, vs[k-1].ID, err)
		}
		a, err := res.RowsAffected()
		if err != nil {
			return n, err
		}
		n += int(a)
		vs = vs[k:]
		written += k
		if progress != nil && (written%1000 < k || len(vs) == 0) {
			progress(written)
		}
	}
	return n, nil
}

func insertManySQL(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO contribution_versions (` + versionCols + `) VALUES `)
	p := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < 19; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "$%d", p)
			p++
		}
		b.WriteByte(')')
	}
	b.WriteString(` ON CONFLICT DO NOTHING`)
	return b.String()
}

func changeTime(ch fairshare.Change) time.Time {
	if ch.At.IsZero() {
		return time.Now().UTC()
	}
	return ch.At.UTC()
}

// AddContributions inserts version 1 of each entry; an id already recorded is
// skipped (ON CONFLICT DO NOTHING), so a repeated import adds nothing and two
// concurrent imports of the same rows add them once. Rows are inserted in id
// order, so that concurrent imports of overlapping files take their row locks
// in the same order and do not deadlock (the first of equal ids wins).
func (s *Store) AddContributions(ctx context.Context, cs []fairshare.Contribution, ch fairshare.Change) (fairshare.ImportResult, error) {
	if len(cs) >= streamMin {
		return s.AddContributionsFrom(ctx, len(cs), NewSliceSource(cs), ch)
	}
	var res fairshare.ImportResult
	if err := ch.Check(); err != nil {
		return res, err
	}
	for i := range cs {
		if err := cs[i].CheckBytes(); err != nil {
			return res, err
		}
	}
	at := changeTime(ch)
	ids := make([]string, len(cs))
	order := make([]int, len(cs))
	for i := range cs {
		ids[i], order[i] = cs[i].ID, i
		if ids[i] == "" {
			ids[i] = cs[i].NaturalID()
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return ids[order[a]] < ids[order[b]] })
	vs := make([]fairshare.Contribution, len(cs))
	for k, i := range order {
		c := cs[i]
		c.ID = ids[i]
		c.Version, c.RecordedAt, c.Author, c.Reason, c.Deleted = 1, at, ch.Author, ch.Reason, false
		vs[k] = c
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		n, err := s.insertVersions(ctx, tx, vs, ch.Progress)
		res = fairshare.ImportResult{Added: n, Skipped: len(vs) - n}
		return err
	})
	if err != nil {
		return fairshare.ImportResult{}, fmt.Errorf("add contributions: %w", err)
	}
	return res, nil
}

// streamMin is the smallest import that goes by the bulk path (a virtual
// table on SQLite, COPY on PostgreSQL): below it, setting that up costs
// more than it saves.
const streamMin = 500

// AddContributionsFrom is AddContributions for entries read one by one from
// src, so that memory does not grow with the import: n is how many src
// holds (known from a first pass that validated them), which chooses the
// plan. One transaction, all or nothing.
func (s *Store) AddContributionsFrom(ctx context.Context, n int, src ContributionSource, ch fairshare.Change) (fairshare.ImportResult, error) {
	if err := ch.Check(); err != nil {
		return fairshare.ImportResult{}, err
	}
	if n < 0 {
		// A source still being read: a small one is read to its end.
		g, ok := src.(GrowingSource)
		if !ok {
			return fairshare.ImportResult{}, fmt.Errorf("add contributions: %T does not say how many entries it holds", src)
		}
		k, complete, err := g.Count(streamMin)
		if err == nil && !complete && !s.RecordsWhileReading() {
			k, complete, err = g.Count(math.MaxInt)
		}
		if err != nil {
			return fairshare.ImportResult{}, fmt.Errorf("add contributions: %w", err)
		}
		if complete {
			n = k
		}
	}
	if n >= 0 && n < streamMin {
		// A few entries: the row-by-row path, as AddContributions takes.
		if err := src.Rewind(); err != nil {
			return fairshare.ImportResult{}, fmt.Errorf("add contributions: %w", err)
		}
		var cs []fairshare.Contribution
		for {
			var c fairshare.Contribution
			ok, err := src.Next(&c)
			if err != nil {
				return fairshare.ImportResult{}, fmt.Errorf("add contributions: %w", err)
			}
			if !ok {
				break
			}
			if len(cs) >= streamMin {
				return fairshare.ImportResult{}, fmt.Errorf("add contributions: the source holds more than the %d entries announced", n)
			}
			cs = append(cs, c)
		}
		return s.AddContributions(ctx, cs, ch)
	}
	at := changeTime(ch).UnixMicro()
	var added, read int
	var err error
	if s.driver == "pgx" {
		added, read, err = s.streamPG(ctx, n, src, at, ch) // bulk.go
	} else {
		// SQLite's default page cache (2 MB) is kept for the import's sorts:
		// measured at 10^6 rows, 64 MB and two sorter threads cost more CPU
		// (25 s against 21 s) and six times the memory (270 MB peak against
		// 44 MB), for no gain on two shared cores.
		err = s.tx(ctx, func(tx *sql.Tx) error {
			added, read, err = s.importSQLite(ctx, tx, n, src, at, ch) // bulk.go
			return err
		})
	}
	if err != nil {
		return fairshare.ImportResult{}, fmt.Errorf("add contributions: %w", err)
	}
	return fairshare.ImportResult{Added: added, Skipped: read - added}, nil
}

// RecordsWhileReading says whether AddContributionsFrom takes a source
// still being read (a GrowingSource, n < 0) and records its entries as
// they come: PostgreSQL does, as COPY streams them to the server while the
// client parses the rest; SQLite's import works in the same process and
// gains nothing from it.
func (s *Store) RecordsWhileReading() bool { return s.driver == "pgx" }

// AmendContribution records c as the next version of c.ID.
func (s *Store) AmendContribution(ctx context.Context, c fairshare.Contribution, ch fairshare.Change) (fairshare.Contribution, error) {
	err := s.newVersion(ctx, c.ID, ch, func(prev *fairshare.Contribution) error {
		if prev.Deleted {
			return fairshare.Errorf(fairshare.ECONFLICT, "contribution %s is deleted", c.ID)
		}
		v := prev.Version
		c.Version, c.Deleted = v, false
		*prev = c
		return nil
	})
	if err != nil {
		return c, err
	}
	return s.Contribution(ctx, c.ID, time.Time{})
}

// DeleteContribution records a deleted version of id; nothing is removed.
func (s *Store) DeleteContribution(ctx context.Context, id string, ch fairshare.Change) error {
	return s.newVersion(ctx, id, ch, func(prev *fairshare.Contribution) error {
		if prev.Deleted {
			return fairshare.Errorf(fairshare.ECONFLICT, "contribution %s is already deleted", id)
		}
		prev.Deleted = true
		return nil
	})
}

// newVersion reads the newest version of id, lets change edit it, and
// inserts it as version+1; a concurrent writer makes the insert conflict and
// the whole transaction is retried.
func (s *Store) newVersion(ctx context.Context, id string, ch fairshare.Change, change func(*fairshare.Contribution) error) error {
	if err := ch.Check(); err != nil {
		return err
	}
	for attempt := 0; attempt < 5; attempt++ {
		inserted := false
		err := s.tx(ctx, func(tx *sql.Tx) error {
			row := tx.QueryRowContext(ctx, `SELECT `+versionCols+` FROM contribution_versions WHERE id = $1 ORDER BY version DESC LIMIT 1`, id)
			prev, err := scanVersion(row)
			if errors.Is(err, sql.ErrNoRows) {
				return fairshare.Errorf(fairshare.ENOTFOUND, "no contribution %s", id)
			}
			if err != nil {
				return err
			}
			next := prev
			if err := change(&next); err != nil {
				return err
			}
			if err := next.CheckBytes(); err != nil {
				return err
			}
			next.ID, next.Version = id, prev.Version+1
			next.Author, next.Reason = ch.Author, ch.Reason
			next.RecordedAt = changeTime(ch)
			if !next.RecordedAt.After(prev.RecordedAt) {
				// Versions must be ordered in time for --as-of to be exact.
				next.RecordedAt = prev.RecordedAt.Add(time.Microsecond)
			}
			stmt, err := tx.PrepareContext(ctx, insertVersionSQL)
			if err != nil {
				return err
			}
			defer stmt.Close()
			n, err := insertVersion(ctx, stmt, &next)
			inserted = n == 1
			return err
		})
		if err != nil || inserted {
			return err
		}
	}
	return fairshare.Errorf(fairshare.ECONFLICT, "contribution %s changed concurrently; try again", id)
}

// currentSQL selects, for each id, the newest version recorded at or before
// $1, dropping deleted entries.
const currentSQL = `SELECT ` + versionCols + ` FROM contribution_versions v
	WHERE v.recorded_us <= $1 AND v.deleted = 0 AND v.version = (
		SELECT MAX(w.version) FROM contribution_versions w WHERE w.id = v.id AND w.recorded_us <= $1)`

func asOfMicros(t time.Time) int64 {
	if t.IsZero() {
		return time.Now().Add(time.Hour).UnixMicro()
	}
	return t.UnixMicro()
}

// Contribution returns the current version of id as of asOf.
func (s *Store) Contribution(ctx context.Context, id string, asOf time.Time) (fairshare.Contribution, error) {
	c, err := scanVersion(s.db.QueryRowContext(ctx, currentSQL+` AND v.id = $2`, asOfMicros(asOf), id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fairshare.Errorf(fairshare.ENOTFOUND, "no contribution %s", id)
	}
	if err != nil {
		return c, fmt.Errorf("read contribution %s: %w", id, err)
	}
	return c, nil
}

// Contributions lists current entries matching f, ordered by date and id.
func (s *Store) Contributions(ctx context.Context, f fairshare.ContributionFilter) ([]fairshare.Contribution, error) {
	q := currentSQL
	args := []any{asOfMicros(f.AsOf)}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND v.%s $%d", cond, len(args))
	}
	if f.Donor != "" {
		add("donor =", f.Donor)
	}
	if f.Dataset != "" {
		add("dataset =", f.Dataset)
	}
	if !f.From.IsZero() {
		add("day >=", f.From.String())
	}
	if !f.To.IsZero() {
		add("day <=", f.To.String())
	}
	q += " ORDER BY v.day, v.donor, v.id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list contributions: %w", err)
	}
	defer rows.Close()
	var out []fairshare.Contribution
	for rows.Next() {
		c, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("list contributions: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// History returns every version of id, oldest first.
func (s *Store) History(ctx context.Context, id string) ([]fairshare.Contribution, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+versionCols+` FROM contribution_versions WHERE id = $1 ORDER BY version`, id)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", id, err)
	}
	defer rows.Close()
	var out []fairshare.Contribution
	for rows.Next() {
		c, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fairshare.Errorf(fairshare.ENOTFOUND, "no contribution %s", id)
	}
	return out, nil
}

// AllVersions streams every version of every entry, for copies and backups.
func (s *Store) AllVersions(ctx context.Context, fn func(fairshare.Contribution) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT `+versionCols+` FROM contribution_versions ORDER BY id, version`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanVersion(rows)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}
