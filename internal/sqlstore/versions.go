package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fairshare/fairshare"
)

// Reference values a user can change are versioned in reference_versions
// (migration 0004): the targets and datasets tables hold the definitions in
// force, reference_versions every definition ever recorded, with who, when
// and why, so that a report as of a past time uses the target of that time.

const (
	kindTarget  = "target"
	kindDataset = "dataset"
	// shippedAuthor is the name shipped reference data is recorded under.
	shippedAuthor = "fairshare"
)

// recordRefVersion records body as the next version of kind/id unless it is
// already the newest one. The first version of a shipped value counts from
// the beginning of time (it came with the program); later ones from ch.At.
func recordRefVersion(ctx context.Context, tx *sql.Tx, kind, id, body string, deleted, shipped bool, ch fairshare.Change) error {
	if err := ch.Check(); err != nil {
		return err
	}
	var version, del int
	var last string
	var lastUs int64
	err := tx.QueryRowContext(ctx, `SELECT version, deleted, body, recorded_us FROM reference_versions
		WHERE kind = $1 AND id = $2 ORDER BY version DESC LIMIT 1`, kind, id).Scan(&version, &del, &last, &lastUs)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if deleted {
			return nil
		}
	case err != nil:
		return err
	case last == body && (del != 0) == deleted:
		return nil // nothing changed
	case deleted && del != 0:
		return nil
	}
	at := changeTime(ch)
	if version == 0 && shipped {
		at = time.UnixMicro(0).UTC()
	}
	if version > 0 && at.UnixMicro() <= lastUs {
		at = time.UnixMicro(lastUs + 1).UTC() // versions ordered in time, for as-of
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO reference_versions (kind, id, version, recorded_us, deleted, body, author, reason)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
		kind, id, version+1, at.UnixMicro(), b2i(deleted), body, ch.Author, ch.Reason)
	if err != nil {
		return fmt.Errorf("record %s %s: %w", kind, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errConcurrent // another writer took this version: run the transaction again
	}
	return nil
}

// errConcurrent makes tx run a transaction again (see retryable).
var errConcurrent = errors.New("changed concurrently; try again")

// concurrent turns an errConcurrent left after the retries into a conflict.
func concurrent(err error, what string) error {
	if errors.Is(err, errConcurrent) {
		return fairshare.Errorf(fairshare.ECONFLICT, "%s changed concurrently; try again", what)
	}
	return err
}

// PutTargetBy adds or replaces a user-defined target as a new version with
// who and why. Built-in ids are refused.
func (s *Store) PutTargetBy(ctx context.Context, t fairshare.Target, ch fairshare.Change) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return concurrent(s.tx(ctx, func(tx *sql.Tx) error {
		return putUserTarget(ctx, tx, t, ch)
	}), "target "+t.ID)
}

// putUserTarget records t as a user-defined target's new version in tx,
// refusing the id of a built-in one.
func putUserTarget(ctx context.Context, tx *sql.Tx, t fairshare.Target, ch fairshare.Change) error {
	var bi int
	err := tx.QueryRowContext(ctx, `SELECT built_in FROM targets WHERE id = $1`, t.ID).Scan(&bi)
	if err == nil && bi == 1 {
		return fairshare.Errorf(fairshare.ECONFLICT, "target %s is built in; choose another id", t.ID)
	}
	t.BuiltIn = false
	return putTargetBy(ctx, tx, t, ch)
}

// PutDatasetBy adds or replaces a dataset description as a new version.
func (s *Store) PutDatasetBy(ctx context.Context, d fairshare.Dataset, ch fairshare.Change) error {
	if err := d.CheckTexts(); err != nil {
		return err
	}
	return concurrent(s.tx(ctx, func(tx *sql.Tx) error { return putDatasetBy(ctx, tx, d, 0, ch) }), "dataset "+d.ID)
}

// refAsOf reads the bodies of kind in force at asOf.
func (s *Store) refAsOf(ctx context.Context, kind string, asOf time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM reference_versions v
		WHERE v.kind = $1 AND v.recorded_us <= $2 AND v.deleted = 0 AND v.version = (
			SELECT MAX(w.version) FROM reference_versions w WHERE w.kind = v.kind AND w.id = v.id AND w.recorded_us <= $2)
		ORDER BY v.id`, kind, asOfMicros(asOf))
	if err != nil {
		return nil, fmt.Errorf("%ss as of %s: %w", kind, asOf.Format(time.RFC3339), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// TargetsAsOf lists the targets as they were defined at asOf (zero: now).
func (s *Store) TargetsAsOf(ctx context.Context, asOf time.Time) ([]fairshare.Target, error) {
	bodies, err := s.refAsOf(ctx, kindTarget, asOf)
	if err != nil {
		return nil, err
	}
	out := make([]fairshare.Target, 0, len(bodies))
	for _, b := range bodies {
		var t fairshare.Target
		if err := json.Unmarshal([]byte(b), &t); err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
		if err := t.Normalize(); err != nil {
			return nil, fmt.Errorf("target %s: %w", t.ID, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// TargetAsOf finds the definition of one target in force at asOf.
func (s *Store) TargetAsOf(ctx context.Context, id string, asOf time.Time) (fairshare.Target, error) {
	ts, err := s.TargetsAsOf(ctx, asOf)
	if err != nil {
		return fairshare.Target{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return fairshare.Target{}, fairshare.Errorf(fairshare.ENOTFOUND, "no target %q defined at %s", id, asOf.UTC().Format(time.RFC3339))
}

// RefHistory lists every recorded definition of kind/id, oldest first.
func (s *Store) RefHistory(ctx context.Context, kind, id string) ([]fairshare.RefVersion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version, recorded_us, deleted, body, author, reason FROM reference_versions
		WHERE kind = $1 AND id = $2 ORDER BY version`, kind, id)
	if err != nil {
		return nil, fmt.Errorf("%s history: %w", kind, err)
	}
	defer rows.Close()
	var out []fairshare.RefVersion
	for rows.Next() {
		v := fairshare.RefVersion{Kind: kind, ID: id}
		var us int64
		var del int
		if err := rows.Scan(&v.Version, &us, &del, &v.Body, &v.Author, &v.Reason); err != nil {
			return nil, err
		}
		v.RecordedAt, v.Deleted = time.UnixMicro(us).UTC(), del != 0
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fairshare.Errorf(fairshare.ENOTFOUND, "no %s %s", kind, id)
	}
	return out, nil
}

// markDropped records a deleted version of every shipped value of kind that
// a newer release of the reference data no longer has.
func markDropped(ctx context.Context, tx *sql.Tx, kind string, keep map[string]bool, ch fairshare.Change) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT id FROM reference_versions WHERE kind = $1 AND author = $2`, kind, shippedAuthor)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if keep[id] {
			continue
		}
		// Only if no user has defined it since (then it is theirs).
		var author string
		if err := tx.QueryRowContext(ctx, `SELECT author FROM reference_versions WHERE kind = $1 AND id = $2 ORDER BY version DESC LIMIT 1`, kind, id).Scan(&author); err != nil {
			return err
		}
		if author != shippedAuthor {
			continue
		}
		var body string
		tx.QueryRowContext(ctx, `SELECT body FROM reference_versions WHERE kind = $1 AND id = $2 ORDER BY version DESC LIMIT 1`, kind, id).Scan(&body)
		if err := recordRefVersion(ctx, tx, kind, id, body, true, false, ch); err != nil {
			return err
		}
	}
	return nil
}

// LedgerDatasets lists the datasets the ledger has entries of.
func (s *Store) LedgerDatasets(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT dataset FROM contribution_versions ORDER BY dataset`)
	if err != nil {
		return nil, fmt.Errorf("datasets in the ledger: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// restoredVersion records a definition restored from a snapshot, which
// carries no versions, as in force since the beginning (as migration 0004
// records what was there before versions were kept), unless the store
// already has versions of it.
func restoredVersion(ctx context.Context, tx *sql.Tx, kind, id, body string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reference_versions (kind, id, version, recorded_us, deleted, body, author, reason)
		SELECT $1, $2, 1, 0, 0, $3, '', 'restored from a backup or bundle'
		WHERE NOT EXISTS (SELECT 1 FROM reference_versions WHERE kind = $1 AND id = $2)`, kind, id, body)
	return err
}
