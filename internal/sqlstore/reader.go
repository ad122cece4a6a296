package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"
	"sync"
)

// longReads is the SQLite pool for reads that take seconds at scale (the
// grouped ledger: one pass over every version). The store's own pool has
// one connection, the writer's; a long read there holds every report,
// write and stamp check behind it, and its BEGIN IMMEDIATE takes the write
// lock. Here a read is a deferred transaction on a query-only connection:
// in WAL mode it reads one snapshot and blocks nobody.
type longReads struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// reader returns the pool for long reads: the store's own on PostgreSQL,
// a second, read-only pool on a SQLite file (opened on first use).
func (s *Store) reader() (*sql.DB, error) {
	if s.driver != "sqlite" || s.memory() {
		return s.db, nil
	}
	r := &s.long
	r.once.Do(func() {
		path := strings.TrimPrefix(s.dsn, "sqlite:")
		q := "?_pragma=busy_timeout(10000)&_pragma=query_only(1)&_txlock=deferred"
		r.db, r.err = sql.Open("sqlite", "file:"+path+q)
		if r.err != nil {
			r.err = fmt.Errorf("open %s for reading: %w", path, r.err)
			return
		}
		r.db.SetMaxOpenConns(2)
	})
	return r.db, r.err
}

func (r *longReads) close() {
	r.once.Do(func() {}) // no pool opens after Close
	if r.db != nil {
		r.db.Close()
	}
}
