package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// watch is a second SQLite connection to the same file that only asks
// PRAGMA data_version: the number changes whenever a transaction is
// committed by any other connection, which includes this store's own
// (writer) connection and every other process on the file. It has its own
// connection so that the question never waits behind the writer or a long
// read on the store's one connection.
type watch struct {
	mu     sync.Mutex
	db     *sql.DB
	conn   *sql.Conn   // pinned: data_version counts per connection
	stmt   driver.Stmt // prepared on conn, used only inside conn.Raw
	dest   []driver.Value
	epoch  int64 // connections opened, so that a new one's count never repeats an old answer
	asked  bool
	closed bool // the store is closed: open nothing more
}

// DataVersion returns a number that differs from every earlier answer of
// this store's once a transaction has been committed to the database since,
// by this process or another: an unchanged number means every table reads
// as it did. ok is false when the store cannot tell (PostgreSQL, an
// in-memory database, an error): the caller must then check in full.
//
// The connection is opened on the second call (the first answers ok
// false), so a one-report CLI process never opens it.
func (s *Store) DataVersion(ctx context.Context) (v int64, ok bool) {
	if s.driver != "sqlite" || s.memory() {
		return 0, false
	}
	w := &s.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, false
	}
	if !w.asked {
		// The first caller has nothing to compare with anyway.
		w.asked = true
		return 0, false
	}
	if w.stmt == nil {
		if err := w.open(ctx, s.dsn); err != nil {
			w.close()
			return 0, false
		}
	}
	if err := w.conn.Raw(w.read); err != nil {
		// A later call opens a new connection, in a new epoch.
		w.close()
		return 0, false
	}
	return w.epoch<<32 | w.dest[0].(int64)&(1<<32-1), true
}

// read asks data_version through the driver: database/sql's pool, row and
// conversion would cost more than the question. It is not cancelled with
// the request: the pragma never waits long (in WAL mode readers do not
// wait for the writer), and a cancellable context costs a watcher per query.
func (w *watch) read(dc any) error {
	q, ok := w.stmt.(driver.StmtQueryContext)
	if !ok {
		return errors.New("data_version: driver statement cannot query")
	}
	rows, err := q.QueryContext(context.Background(), nil)
	if err != nil {
		return err
	}
	err = rows.Next(w.dest)
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if _, ok := w.dest[0].(int64); err == nil && !ok {
		err = fmt.Errorf("data_version: got %T", w.dest[0])
	}
	return err
}

func (w *watch) open(ctx context.Context, dsn string) error {
	w.epoch++
	path := strings.TrimPrefix(dsn, "sqlite:")
	var err error
	if w.db, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"); err != nil {
		return fmt.Errorf("open data_version connection: %w", err)
	}
	if w.conn, err = w.db.Conn(ctx); err != nil {
		return fmt.Errorf("open data_version connection: %w", err)
	}
	w.dest = make([]driver.Value, 1)
	err = w.conn.Raw(func(dc any) error {
		p, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("driver cannot prepare")
		}
		w.stmt, err = p.PrepareContext(ctx, "PRAGMA data_version")
		return err
	})
	if err != nil {
		return fmt.Errorf("prepare data_version: %w", err)
	}
	return nil
}

// memory reports an in-memory SQLite database, which a second connection
// would not see.
func (s *Store) memory() bool {
	return strings.Contains(s.dsn, ":memory:") || strings.Contains(s.dsn, "mode=memory")
}

func (w *watch) close() {
	if w.stmt != nil {
		w.conn.Raw(func(any) error { return w.stmt.Close() })
	}
	if w.conn != nil {
		w.conn.Close()
	}
	if w.db != nil {
		w.db.Close()
	}
	w.db, w.conn, w.stmt = nil, nil, nil
}
