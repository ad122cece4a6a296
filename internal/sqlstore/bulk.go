package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/fairshare/fairshare"
)

// Bulk inserts on PostgreSQL: the entries go by COPY (pgx's binary
// protocol, no statement per row, read from the source as COPY sends them)
// into a temporary table, and one INSERT ... SELECT ... ORDER BY id ... ON
// CONFLICT DO NOTHING moves them into the ledger in the same transaction,
// so that an import stays all-or-nothing, rows already recorded (by an
// earlier import or a concurrent one) are skipped, and concurrent imports
// of overlapping files take their row locks in the same order. The
// constant columns (version, time, author, reason) are parameters of the
// INSERT, not copied with every row.

// streamPG records version 1 of every entry of src by COPY in one
// transaction and returns how many were new and how many src held.
func (s *Store) streamPG(ctx context.Context, n int, src ContributionSource, at int64, ch fairshare.Change) (added, read int, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("bulk insert: unexpected driver connection %T", dc)
		}
		pc := sc.Conn()
		for attempt := 0; ; attempt++ {
			if err := src.Rewind(); err != nil {
				return err
			}
			added, read, err = copyContributions(ctx, pc, n, src, at, ch)
			if err == nil || !retryable(err) || attempt == 7 {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(10*(1<<attempt)) * time.Millisecond):
			}
		}
	})
	return added, read, err
}

func copyContributions(ctx context.Context, pc *pgx.Conn, n int, src ContributionSource, at int64, ch fairshare.Change) (int, int, error) {
	tx, err := pc.Begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// A large import into a smaller ledger drops the secondary indexes and
	// builds them again before the commit (measured at 2 x 10^5 rows: 11 s
	// instead of 21 s). Dropping an index locks the ledger until the commit,
	// so other readers wait for the import instead of reading beside it;
	// that is kept to the first, big imports. The lock is taken first
	// (SHARE ROW EXCLUSIVE: other writers wait, readers do not until the
	// indexes go), so what is read under it holds until the commit.
	var defs []string
	locked := false
	if n < 0 {
		// Still being read (RecordsWhileReading): as big as it is so far,
		// once that is enough to tell.
		k, _, err := src.(GrowingSource).Count(pgReindexMin)
		if err != nil {
			return 0, 0, err
		}
		n = k
	}
	if n >= pgReindexMin {
		var have int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM contribution_versions LIMIT $1) t`, n+1).Scan(&have); err != nil {
			return 0, 0, fmt.Errorf("bulk insert: %w", err)
		}
		if have <= n {
			if _, err := tx.Exec(ctx, `LOCK TABLE contribution_versions IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return 0, 0, fmt.Errorf("bulk insert: %w", err)
			}
			locked = true
			if defs, err = dropIndexesPG(ctx, tx); err != nil {
				return 0, 0, err
			}
			// Each index (and the primary key, see copyDirect) is
			// then built by one sort; with PostgreSQL's default 64 MB a
			// sort of 10^6 keys spills to disk. Local to this transaction.
			if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
				return 0, 0, fmt.Errorf("bulk insert: %w", err)
			}
		}
	}
	added, read, err := -1, 0, error(nil)
	if locked {
		added, read, err = copyDirect(ctx, tx, src, at, ch)
		if err != nil {
			return 0, read, err
		}
	}
	if added < 0 {
		if added, read, err = copyStaged(ctx, tx, src, at, ch); err != nil {
			return 0, read, err
		}
	}
	for _, def := range defs {
		if _, err := tx.Exec(ctx, def); err != nil {
			return 0, read, fmt.Errorf("bulk insert: rebuild index: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, read, err
	}
	return added, read, nil
}

// copyDirect copies the entries straight into the ledger (locked by the
// caller against other writers), as a first import of a big file does:
// an entry already recorded or twice in the file makes it undo what it
// copied and return added < 0, for copyStaged to skip those. (The
// embedded reference data puts a few hundred entries in every new
// ledger, so "empty" would never hold.)
func copyDirect(ctx context.Context, tx pgx.Tx, src ContributionSource, at int64, ch fairshare.Change) (added, read int, err error) {
	if _, err := tx.Exec(ctx, `SAVEPOINT bulk_direct`); err != nil {
		return 0, 0, fmt.Errorf("bulk insert: %w", err)
	}
	// The primary key goes too and is added again after the copy: rows
	// arrive in file order, and a random-order insert into a B-tree of a
	// million keys cost three times the copy itself (at 10^6: 10.6 s
	// against 3.2 s for the copy and 1.7 s for building the key). Adding
	// it back checks uniqueness, so an entry twice in the file still ends
	// in 23505 and the rollback below brings the key back.
	pk, err := dropPrimaryKeyPG(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	cs := &copySource{ctx: ctx, src: src, progress: ch.Progress, full: true, at: at, author: ch.Author, reason: ch.Reason}
	k, err := copyBinary(ctx, tx, "contribution_versions", fullCols, cs)
	if cs.err != nil {
		return 0, cs.read, cs.err
	}
	if err == nil && pk != "" {
		_, err = tx.Exec(ctx, pk)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT bulk_direct`); err != nil {
			return 0, cs.read, fmt.Errorf("bulk insert: %w", err)
		}
		if err := src.Rewind(); err != nil {
			return 0, 0, err
		}
		return -1, 0, nil
	}
	if err != nil {
		return 0, cs.read, fmt.Errorf("bulk insert: copy: %w", err)
	}
	return int(k), cs.read, nil
}

// copyStaged copies the entries into a temporary table and moves them into
// the ledger in id order, skipping those already recorded.
func copyStaged(ctx context.Context, tx pgx.Tx, src ContributionSource, at int64, ch fairshare.Change) (added, read int, err error) {
	if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE bulk_import (
		id TEXT, donor TEXT, recipient TEXT, day TEXT, amount BIGINT, currency TEXT, category TEXT, status TEXT,
		dataset TEXT, description TEXT, source_url TEXT, source_title TEXT, publisher TEXT, source_date TEXT,
		seq BIGINT) ON COMMIT DROP`); err != nil {
		return 0, 0, fmt.Errorf("bulk insert: %w", err)
	}
	cols := []string{"id", "donor", "recipient", "day", "amount", "currency", "category", "status",
		"dataset", "description", "source_url", "source_title", "publisher", "source_date", "seq"}
	cs := &copySource{ctx: ctx, src: src, progress: ch.Progress}
	if _, err := copyBinary(ctx, tx, "bulk_import", cols, cs); err != nil {
		if cs.err != nil {
			return 0, cs.read, cs.err
		}
		return 0, cs.read, fmt.Errorf("bulk insert: copy: %w", err)
	}
	// Without conflicts (a new file) a plain INSERT is a fifth cheaper
	// than ON CONFLICT DO NOTHING; a conflict (rows already recorded, by
	// an earlier import or a concurrent one, or twice in the file) undoes
	// it and the rows go again, skipping those.
	ins := `INSERT INTO contribution_versions (` + versionCols + `)
		SELECT id, 1, $1, 0, donor, recipient, day, amount, currency, category, status, dataset,
			description, source_url, source_title, publisher, source_date, $2, $3
		FROM bulk_import ORDER BY id, seq`
	if _, err := tx.Exec(ctx, `SAVEPOINT bulk_plain`); err != nil {
		return 0, cs.read, fmt.Errorf("bulk insert: %w", err)
	}
	tag, err := tx.Exec(ctx, ins, at, ch.Author, ch.Reason)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT bulk_plain`); err != nil {
			return 0, cs.read, fmt.Errorf("bulk insert: %w", err)
		}
		tag, err = tx.Exec(ctx, ins+` ON CONFLICT DO NOTHING`, at, ch.Author, ch.Reason)
	}
	if err != nil {
		return 0, cs.read, fmt.Errorf("bulk insert: %w", err)
	}
	return int(tag.RowsAffected()), cs.read, nil
}

// dropIndexesPG drops the ledger's indexes but its primary key and returns
// the statements that build them again.
func dropIndexesPG(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = 'contribution_versions'::regclass AND NOT i.indisunique AND NOT i.indisprimary`)
	if err != nil {
		return nil, fmt.Errorf("bulk insert: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, fmt.Errorf("bulk insert: %w", err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bulk insert: %w", err)
	}
	for _, name := range names {
		if _, err := tx.Exec(ctx, `DROP INDEX `+pgx.Identifier{name}.Sanitize()); err != nil {
			return nil, fmt.Errorf("bulk insert: %w", err)
		}
	}
	return defs, nil
}

// dropPrimaryKeyPG drops the ledger's primary key and returns the
// statement that adds it again ("" if it has none).
func dropPrimaryKeyPG(ctx context.Context, tx pgx.Tx) (string, error) {
	var name, def string
	err := tx.QueryRow(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'contribution_versions'::regclass AND contype = 'p'`).Scan(&name, &def)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("bulk insert: %w", err)
	}
	con := pgx.Identifier{name}.Sanitize()
	if _, err := tx.Exec(ctx, `ALTER TABLE contribution_versions DROP CONSTRAINT `+con); err != nil {
		return "", fmt.Errorf("bulk insert: %w", err)
	}
	return `ALTER TABLE contribution_versions ADD CONSTRAINT ` + con + ` ` + def, nil
}

// pgReindexMin is the smallest import that rebuilds the indexes on
// PostgreSQL.
const pgReindexMin = 20000

// fullCols are the ledger's columns as copyDirect sends them.
var fullCols = []string{"id", "version", "recorded_us", "deleted", "donor", "recipient", "day", "amount", "currency",
	"category", "status", "dataset", "description", "source_url", "source_title", "publisher", "source_date", "author", "reason"}

// copySource feeds COPY one entry at a time (see copyReader).
type copySource struct {
	ctx      context.Context
	src      ContributionSource
	c        fairshare.Contribution
	read     int
	err      error
	progress func(done int)

	full           bool
	at             int64
	author, reason string
}

func (s *copySource) Next() bool {
	ok, err := s.src.Next(&s.c)
	if err == nil && ok {
		err = s.c.CheckBytes()
	}
	if err != nil {
		s.err = err
		return false
	}
	if !ok {
		if s.progress != nil {
			s.progress(s.read)
		}
		return false
	}
	if s.c.ID == "" {
		s.c.ID = s.c.NaturalID()
	}
	s.read++
	if s.read%1000 == 0 {
		if err := s.ctx.Err(); err != nil {
			s.err = err
			return false
		}
		if s.progress != nil {
			s.progress(s.read)
		}
	}
	return true
}

// copyBinary sends the entries of cs to COPY in PostgreSQL's binary format,
// encoded here: pgx's CopyFrom plans and encodes every value through an
// interface, about a third of the client's CPU in a large import.
func copyBinary(ctx context.Context, tx pgx.Tx, table string, cols []string, cs *copySource) (int64, error) {
	var q strings.Builder
	q.WriteString(`COPY ` + pgx.Identifier{table}.Sanitize() + ` (`)
	for i, c := range cols {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(pgx.Identifier{c}.Sanitize())
	}
	q.WriteString(`) FROM STDIN WITH (FORMAT binary)`)
	r := &copyReader{cs: cs}
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, r, q.String())
	r.stop()
	return tag.RowsAffected(), err
}

// copyReader is the binary COPY stream of a copySource: a header, one
// tuple per entry (field count, then each field's length and bytes: text
// as its UTF-8 bytes, integers big-endian), and a trailer.
type copyReader struct {
	cs            *copySource
	buf           []byte
	off           int
	started, done bool

	mu      sync.Mutex // held by Read; see stop
	stopped bool
}

// stop waits for a Read in progress and makes later ones fail. pgx's
// CopyFrom can return while its goroutine is still reading (a cancelled
// context, a broken connection), and the caller then reads the copySource
// and rewinds the source under it.
func (r *copyReader) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
}

// copySignature starts a binary COPY stream; flags and header extension
// length (both zero) follow it.
const copySignature = "PGCOPY\n\xff\r\n\x00"

func (r *copyReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return 0, errors.New("copy: stopped")
	}
	for r.off == len(r.buf) {
		if r.done {
			return 0, io.EOF
		}
		r.buf, r.off = r.buf[:0], 0
		if !r.started {
			r.buf = append(r.buf, copySignature...)
			r.buf = append(r.buf, 0, 0, 0, 0, 0, 0, 0, 0)
			r.started = true
		}
		for len(r.buf) < 64<<10 {
			if !r.cs.Next() {
				if r.cs.err != nil {
					return 0, r.cs.err
				}
				r.buf = append(r.buf, 0xff, 0xff)
				r.done = true
				break
			}
			r.buf = r.cs.appendTuple(r.buf)
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// appendTuple appends the current entry: its fields in the order of
// fullCols, or with full false of bulk_import's columns.
func (s *copySource) appendTuple(b []byte) []byte {
	text := func(v string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
	}
	int4 := func(v int32) {
		b = binary.BigEndian.AppendUint32(b, 4)
		b = binary.BigEndian.AppendUint32(b, uint32(v))
	}
	int8 := func(v int64) {
		b = binary.BigEndian.AppendUint32(b, 8)
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	c := &s.c
	if s.full {
		b = binary.BigEndian.AppendUint16(b, 19)
		text(c.ID)
		int4(1)
		int8(s.at)
		int4(0)
	} else {
		b = binary.BigEndian.AppendUint16(b, 15)
		text(c.ID)
	}
	text(c.Donor)
	text(c.Recipient)
	// The date's text, written in place after its length.
	b = binary.BigEndian.AppendUint32(b, 0)
	n := len(b)
	b = c.Date.AppendISO(b)
	binary.BigEndian.PutUint32(b[n-4:], uint32(len(b)-n))
	int8(int64(c.Amount))
	text(c.Currency)
	text(string(c.Category))
	text(string(c.Status))
	text(c.Dataset)
	text(c.Description)
	text(c.Source.URL)
	text(c.Source.Title)
	text(c.Source.Publisher)
	text(c.Source.Date)
	if s.full {
		text(s.author)
		text(s.reason)
	} else {
		int8(int64(s.read))
	}
	return b
}

// importSQLite records version 1 of every entry of src inside tx. A large
// import into a smaller ledger (the first import of a big file) drops the
// ledger's secondary indexes (but the one on recorded_us) first and builds
// them again at the end, in the same transaction: building an index from
// sorted rows costs a fraction of updating it row by row, and the
// transaction keeps the import all-or-nothing (SQLite's schema changes are
// transactional, and readers see the old ledger with its indexes until the
// commit).
func (s *Store) importSQLite(ctx context.Context, tx *sql.Tx, n int, src ContributionSource, at int64, ch fairshare.Change) (int, int, error) {
	if err := src.Rewind(); err != nil {
		return 0, 0, err
	}
	if n < sqliteReindexMin {
		return s.streamSQLite(ctx, tx, src, at, ch)
	}
	var have int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM contribution_versions`).Scan(&have); err != nil {
		return 0, 0, err
	}
	if int64(n) < have {
		return s.streamSQLite(ctx, tx, src, at, ch)
	}
	// The index on recorded_us stays: an import's entries share one time,
	// later than any recorded, so they append at its right edge (measured
	// at 10^6 rows: the same CPU as rebuilding it, and no sort that grows
	// faster than the import).
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = 'contribution_versions' AND sql IS NOT NULL
			AND name <> 'contribution_versions_recorded'`)
	if err != nil {
		return 0, 0, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return 0, 0, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return 0, 0, fmt.Errorf("bulk insert: %w", err)
		}
	}
	added, read, err := s.streamSQLite(ctx, tx, src, at, ch)
	if err != nil {
		return added, read, err
	}
	for _, def := range defs {
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return added, read, fmt.Errorf("bulk insert: rebuild index: %w", err)
		}
	}
	return added, read, nil
}

// sqliteReindexMin is the smallest import that rebuilds the indexes.
const sqliteReindexMin = 20000
