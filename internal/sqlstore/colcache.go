package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// The engine cache (migration 0006): the report engine's saved columns and
// the versions recorded since, kept in the database itself so that backups,
// copies and every server sharing a PostgreSQL database see them. The
// store only keeps bytes; internal/app decides when they can be trusted
// (each row carries the ledger stamp it was written at).

// EngineCache is what the cache holds: the newest base snapshot in parts
// and the segments appended after it, in order.
type EngineCache struct {
	Base      [][]byte
	BaseStamp LedgerStamp
	Segments  [][]byte
	SegStamp  LedgerStamp // stamp of the last segment (BaseStamp when none)
}

const cachePart = 16 << 20 // bytes per stored part of a base snapshot

// ReadEngineCache reads the cache; an empty EngineCache when there is none.
func (s *Store) ReadEngineCache(ctx context.Context) (EngineCache, error) {
	var c EngineCache
	// One read transaction, so that a base and its segments are seen as one
	// state even while another server replaces them.
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var baseSeq int64
		rows, err := tx.QueryContext(ctx, `SELECT seq, part, count, max_recorded_us, data FROM engine_cache
			WHERE kind = 'base' AND seq = (SELECT MAX(seq) FROM engine_cache WHERE kind = 'base') ORDER BY part`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var part int
			var b []byte
			if err := rows.Scan(&baseSeq, &part, &c.BaseStamp.Count, &c.BaseStamp.MaxRecorded, &b); err != nil {
				rows.Close()
				return err
			}
			if part != len(c.Base) {
				c.Base = nil // a part missing: unusable
				break
			}
			c.Base = append(c.Base, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil || c.Base == nil {
			return err
		}
		c.SegStamp = c.BaseStamp
		// Every segment left: those a base includes were deleted with it, and
		// a version applied twice is ignored.
		rows, err = tx.QueryContext(ctx, `SELECT count, max_recorded_us, data FROM engine_cache
			WHERE kind = 'seg' ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&c.SegStamp.Count, &c.SegStamp.MaxRecorded, &b); err != nil {
				return err
			}
			c.Segments = append(c.Segments, b)
		}
		return rows.Err()
	})
	if err != nil {
		return EngineCache{}, fmt.Errorf("read engine cache: %w", err)
	}
	return c, nil
}

// WriteEngineBase stores a new base snapshot taken at stamp and drops the
// older bases and the segments it includes. Sequence numbers are shared by
// bases and segments, so segments appended by another server after this
// one's snapshot was cut stay after it.
func (s *Store) WriteEngineBase(ctx context.Context, stamp LedgerStamp, data []byte) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM engine_cache`).Scan(&seq); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM engine_cache WHERE kind = 'base' OR (kind = 'seg' AND max_recorded_us <= $1)`, stamp.MaxRecorded); err != nil {
			return err
		}
		for part := 0; part*cachePart < len(data) || part == 0; part++ {
			chunk := data[part*cachePart : min(len(data), (part+1)*cachePart)]
			if _, err := tx.ExecContext(ctx, `INSERT INTO engine_cache (kind, seq, part, count, max_recorded_us, data) VALUES ('base', $1, $2, $3, $4, $5)`,
				seq, part, stamp.Count, stamp.MaxRecorded, chunk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write engine cache: %w", err)
	}
	return nil
}

// AppendEngineSegment stores versions recorded since the last base or
// segment; stamp is the ledger's stamp once they are included.
func (s *Store) AppendEngineSegment(ctx context.Context, stamp LedgerStamp, data []byte) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM engine_cache`).Scan(&seq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO engine_cache (kind, seq, part, count, max_recorded_us, data) VALUES ('seg', $1, 0, $2, $3, $4)`,
			seq, stamp.Count, stamp.MaxRecorded, data)
		return err
	})
	if err != nil {
		return fmt.Errorf("append engine cache: %w", err)
	}
	return nil
}

// DropEngineCache removes the cache (it is rebuilt on the next open).
func (s *Store) DropEngineCache(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM engine_cache`); err != nil {
		return fmt.Errorf("drop engine cache: %w", err)
	}
	return nil
}

// HasVersion reports whether the ledger holds version of id recorded at
// recordedUs: the check that a saved engine describes this ledger and not
// one since replaced (a restore).
func (s *Store) HasVersion(ctx context.Context, id string, version int, recordedUs int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM contribution_versions WHERE id = $1 AND version = $2 AND recorded_us = $3`,
		id, version, recordedUs).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check version: %w", err)
	}
	return n > 0, nil
}

func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.driver != "sqlite" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}
