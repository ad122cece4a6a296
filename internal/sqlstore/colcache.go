package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The engine cache (migration 0006): the report engine's saved columns and
// the versions recorded since, kept in the database itself so that backups,
// copies and every server sharing a PostgreSQL database see them. The
// store only keeps bytes; internal/app decides when they can be trusted
// (each row carries the ledger stamp it was written at).

// A base part is stored in chunks of at most cacheChunk bytes, rows whose
// part column is part*chunkBase + chunk: reading it back then never needs
// the whole part in one piece (SQLite would assemble a large value in memory
// and the driver copy it again; a cold start's peak memory is the point).
const (
	cacheChunk = 1 << 20
	chunkBase  = 1000000
)

// ReadEngineBase calls fn with the chunks of one part of a saved base (0:
// the columns a report reads, 1: the id index), of the base seq or of the
// newest when seq is 0: next returns them in order, nil after the last; a
// chunk is valid only until next is called again.
// found is false when there is no such base.
func (s *Store) ReadEngineBase(ctx context.Context, seq int64, part int, fn func(seq int64, stamp LedgerStamp, next func() ([]byte, error)) error) (found bool, err error) {
	var st LedgerStamp
	q := `SELECT seq, count, max_recorded_us FROM engine_cache WHERE kind = 'base' AND part = $1 AND seq = $2`
	args := []any{part * chunkBase, seq}
	if seq == 0 {
		q = `SELECT seq, count, max_recorded_us FROM engine_cache WHERE kind = 'base' AND part = $1 ORDER BY seq DESC LIMIT 1`
		args = args[:1]
	}
	err = s.db.QueryRowContext(ctx, q, args...).Scan(&seq, &st.Count, &st.MaxRecorded)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read engine cache: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT part, data FROM engine_cache WHERE kind = 'base' AND seq = $1 AND part >= $2 AND part < $3 ORDER BY part`,
		seq, part*chunkBase, (part+1)*chunkBase)
	if err != nil {
		return false, fmt.Errorf("read engine cache: %w", err)
	}
	defer rows.Close()
	want := part * chunkBase
	next := func() ([]byte, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		var p int
		var b sql.RawBytes // the driver's copy, not another one
		if err := rows.Scan(&p, &b); err != nil {
			return nil, err
		}
		if p != want {
			return nil, fmt.Errorf("engine cache: chunk %d missing", want)
		}
		want++
		if b == nil {
			return []byte{}, nil // an empty chunk, not the end
		}
		return b, nil
	}
	if err := fn(seq, st, next); err != nil {
		return true, err
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("read engine cache: %w", err)
	}
	return true, nil
}

// ReadEngineSegments calls fn with each saved segment in order (versions
// recorded after a base; a version in both is applied once).
func (s *Store) ReadEngineSegments(ctx context.Context, fn func(data []byte) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM engine_cache WHERE kind = 'seg' ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("read engine cache: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var data sql.RawBytes
		if err := rows.Scan(&data); err != nil {
			return fmt.Errorf("read engine cache: %w", err)
		}
		if err := fn(data); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read engine cache: %w", err)
	}
	return nil
}

// WriteEngineBase stores a new base taken at stamp (its parts: columns and
// id index) and drops the older bases and the segments it includes.
// Sequence numbers are shared by bases and segments.
func (s *Store) WriteEngineBase(ctx context.Context, stamp LedgerStamp, parts ...[]byte) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM engine_cache`).Scan(&seq); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM engine_cache WHERE kind = 'base' OR (kind = 'seg' AND max_recorded_us <= $1)`, stamp.MaxRecorded); err != nil {
			return err
		}
		for part, data := range parts {
			if len(data) > cacheChunk*(chunkBase-1) {
				return fmt.Errorf("engine cache part of %d bytes: too large", len(data))
			}
			for k := 0; k == 0 || k*cacheChunk < len(data); k++ {
				chunk := data[k*cacheChunk : min(len(data), (k+1)*cacheChunk)]
				if _, err := tx.ExecContext(ctx, `INSERT INTO engine_cache (kind, seq, part, count, max_recorded_us, data) VALUES ('base', $1, $2, $3, $4, $5)`,
					seq, part*chunkBase+k, stamp.Count, stamp.MaxRecorded, chunk); err != nil {
					return err
				}
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

// ReadRateCache returns the saved rate table (kind 'rates', written by
// WriteRateCache) and the reference stamp it was taken at; found is false
// when there is none.
func (s *Store) ReadRateCache(ctx context.Context) (stamp string, data []byte, found bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT data FROM engine_cache WHERE kind = 'rates' AND seq = 0 AND part = 0`).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("read rate cache: %w", err)
	}
	// data is the stamp's length, the stamp, then the table.
	if len(data) == 0 || int(data[0]) > len(data)-1 {
		return "", nil, false, nil
	}
	n := int(data[0])
	return string(data[1 : 1+n]), data[1+n:], true, nil
}

// WriteRateCache saves the rate table's bytes taken at reference stamp
// (see internal/app: it is used only while the stamp is unchanged, and
// every write of rates changes the stamp).
func (s *Store) WriteRateCache(ctx context.Context, stamp string, table []byte) error {
	if len(stamp) > 255 {
		return fmt.Errorf("write rate cache: stamp %q too long", stamp)
	}
	data := make([]byte, 0, 1+len(stamp)+len(table))
	data = append(append(append(data, byte(len(stamp))), stamp...), table...)
	// One row, replaced: two processes saving at once both succeed, the
	// last one's stays (each is labelled with its own stamp).
	_, err := s.db.ExecContext(ctx, `INSERT INTO engine_cache (kind, seq, part, count, max_recorded_us, data) VALUES ('rates', 0, 0, 0, 0, $1)
		ON CONFLICT (kind, seq, part) DO UPDATE SET data = excluded.data`, data)
	if err != nil {
		return fmt.Errorf("write rate cache: %w", err)
	}
	return nil
}
