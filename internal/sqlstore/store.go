// Package sqlstore implements fairshare.Store on SQLite (modernc.org/sqlite,
// pure Go) and PostgreSQL (pgx) with one set of portable SQL.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a fairshare.Store on a SQL database.
type Store struct {
	db     *sql.DB
	driver string // "sqlite" or "pgx"
	dsn    string
	stmts  sync.Map  // SQL text -> *sql.Stmt, for queries on hot paths
	watch  watch     // SQLite: the data_version connection (dataversion.go)
	long   longReads // SQLite: a read-only pool for long reads (reader.go)
}

// prepared returns a statement prepared once for the life of the store: the
// stamp checks before every report would otherwise be parsed anew each time.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// sqliteSynchronous is FULL: in WAL mode, NORMAL keeps the database intact
// after a power loss but may lose the last transactions acknowledged before
// it; FULL syncs the WAL at every commit, so nothing acknowledged is lost.
// BenchmarkSmallWritesSQLite measures the cost (see BENCHMARKS.md).
var sqliteSynchronous = "FULL"

// sqlitePageSize is the page size of a new SQLite file: 16 KiB rather than
// SQLite's 4 KiB. A large import writes a quarter as many pages, and in WAL
// mode each page written within one transaction looks up the frames written
// before it, a cost that grows with the square of the transaction's pages:
// measured with `contributions import` into a new file, 10^6 rows 8.8 s
// wall, 10.3 s CPU against 10.9 s and 12.3 s; 10^7 rows 84 s, 98 s CPU
// against 129 s and 146 s. Existing files keep their page size.
var sqlitePageSize = 16384

// createSQLite makes a new SQLite file with sqlitePageSize: the page size
// must be set before journal_mode writes the first page, and the driver
// runs a DSN's pragmas in lexical order (journal_mode first).
func createSQLite(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "PRAGMA page_size = "+strconv.Itoa(sqlitePageSize)+"; PRAGMA journal_mode = WAL")
	return err
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database named by dsn: a postgres://
// URL, or a SQLite file path (optionally prefixed sqlite:). It does not migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{dsn: dsn}
	var err error
	if IsPostgres(dsn) {
		s.driver = "pgx"
		s.db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", redact(dsn), err)
		}
		s.db.SetMaxOpenConns(8)
	} else {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create directory for database: %w", err)
			}
		}
		s.driver = "sqlite"
		if fi, err := os.Stat(path); !s.memory() && (errors.Is(err, fs.ErrNotExist) || err == nil && fi.Size() == 0) {
			if err := createSQLite(ctx, path); err != nil {
				return nil, fmt.Errorf("create %s: %w", path, err)
			}
		}
		// busy_timeout first, so the other pragmas wait for a lock rather than fail.
		q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + sqliteSynchronous + ")&_pragma=foreign_keys(1)&_txlock=immediate"
		s.db, err = sql.Open("sqlite", "file:"+path+q)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		// One writer at a time is SQLite's rule; one connection also keeps
		// transactions simple and fast for a single-user file.
		s.db.SetMaxOpenConns(1)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact(dsn), err)
	}
	return s, nil
}

// Driver returns "sqlite" or "pgx".
func (s *Store) Driver() string { return s.driver }

// DB exposes the handle for maintenance commands (backup, integrity checks).
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	s.watch.mu.Lock()
	s.watch.close()
	s.watch.closed = true
	s.watch.mu.Unlock()
	s.long.close()
	return s.db.Close()
}

func redact(dsn string) string {
	if i := strings.Index(dsn, "@"); i > 0 && IsPostgres(dsn) {
		if j := strings.Index(dsn, "://"); j > 0 && j < i {
			return dsn[:j+3] + "***" + dsn[i:]
		}
	}
	return dsn
}

// Migrate applies embedded migrations not yet applied, each in its own
// transaction, recording their names. It returns the names it applied.
//
// Several processes may migrate one PostgreSQL database at once: each
// migration first claims its row in schema_migrations (INSERT ... ON CONFLICT
// DO NOTHING, which waits for a concurrent claim to commit or roll back), and
// only the process whose claim inserted the row runs the statements.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	// Every process opens with Migrate: when all migrations are recorded,
	// one read answers, and a report never waits for SQLite's write lock
	// (held by another process's import, say) just to learn that.
	if s.allMigrated(ctx, names) {
		return nil, nil
	}
	if err := s.createMigrationsTable(ctx); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []string
	for _, name := range names {
		base := filepath.Base(name)
		ran := false
		err := s.tx(ctx, func(tx *sql.Tx) error {
			ran = false
			res, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_us) VALUES ($1, $2) ON CONFLICT DO NOTHING`, base, time.Now().UnixMicro())
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // applied before, or by a concurrent process
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			for _, stmt := range splitSQL(string(body)) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w", base, err)
				}
			}
			ran = true
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("migrate: %w", err)
		}
		if ran {
			applied = append(applied, base)
		}
	}
	return applied, nil
}

// allMigrated reports whether schema_migrations records every embedded
// migration; false also when it cannot tell (no table yet).
func (s *Store) allMigrated(ctx context.Context, names []string) bool {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return false
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var n string
		if rows.Scan(&n) != nil {
			return false
		}
		done[n] = true
	}
	if rows.Err() != nil {
		return false
	}
	for _, name := range names {
		if !done[filepath.Base(name)] {
			return false
		}
	}
	return true
}

// createMigrationsTable creates schema_migrations if missing. PostgreSQL's
// CREATE TABLE IF NOT EXISTS is not safe against a concurrent one (it can
// fail with 23505 on pg_type or 42P07); the loser tries again and then sees
// the table.
func (s *Store) createMigrationsTable(ctx context.Context) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		_, err = s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_us BIGINT NOT NULL)`)
		if err == nil || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(20*(attempt+1)) * time.Millisecond)
	}
	return err
}

// splitSQL splits a migration into statements on semicolons at line ends,
// after dropping comment lines (the migrations hold no semicolons in strings).
func splitSQL(body string) []string {
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	var out []string
	for _, st := range strings.Split(strings.Join(lines, "\n"), ";\n") {
		if st = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(st), ";")); st != "" {
			out = append(out, st)
		}
	}
	return out
}

// tx runs fn in a transaction, retrying serialization failures and deadlocks
// (PostgreSQL 40001/40P01) and SQLite busy errors a few times.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = s.tx1(ctx, fn)
		if err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(10*(1<<attempt)) * time.Millisecond):
		}
	}
	return err
}

func (s *Store) tx1(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func retryable(err error) bool {
	if errors.Is(err, errConcurrent) {
		return true
	}
	var c interface{ SQLState() string }
	if errors.As(err, &c) {
		switch c.SQLState() {
		case "40001", "40P01":
			return true
		}
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// Meta reads a meta value ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	st, err := s.prepared(ctx, `SELECT value FROM meta WHERE key = $1`)
	if err != nil {
		return "", fmt.Errorf("read meta %s: %w", key, err)
	}
	err = st.QueryRowContext(ctx, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta writes a meta value (an upsert, so that concurrent writers of one
// key do not collide on the primary key).
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}
