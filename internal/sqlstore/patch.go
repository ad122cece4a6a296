package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/fairshare/fairshare"
)

// updateAttempts bounds how often a change is read and applied again after
// a concurrent writer recorded the same next version first; each lost race
// means another change was recorded, so this is only reached under heavy
// contention on one entry.
const updateAttempts = 50

// UpdateContribution implements fairshare.Ledger: the newest version is read
// and the next one inserted in one transaction. SQLite transactions take the
// write lock when they begin (_txlock=immediate), so they run one at a time;
// on PostgreSQL two may read the same newest version, and the second insert
// of (id, version) waits for the first and then does nothing: the whole
// change is then read and applied again on the newer version.
func (s *Store) UpdateContribution(ctx context.Context, id string, base int, ch fairshare.Change,
	change func(cur fairshare.Contribution) (fairshare.Contribution, error)) (fairshare.Contribution, error) {
	var out fairshare.Contribution
	if err := ch.Check(); err != nil {
		return out, err
	}
	for range updateAttempts {
		inserted := false
		err := s.tx(ctx, func(tx *sql.Tx) error {
			prev, err := scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionCols+` FROM contribution_versions WHERE id = $1 ORDER BY version DESC LIMIT 1`, id))
			if errors.Is(err, sql.ErrNoRows) {
				return fairshare.Errorf(fairshare.ENOTFOUND, "no contribution %s", id)
			}
			if err != nil {
				return fmt.Errorf("read contribution %s: %w", id, err)
			}
			if base > 0 && prev.Version != base {
				return &fairshare.VersionConflict{ID: id, Base: base, Current: prev}
			}
			next, err := change(prev)
			if err != nil {
				return err
			}
			if err := next.CheckBytes(); err != nil {
				return err
			}
			next.ID, next.Version = id, prev.Version+1
			next.Author, next.Reason = ch.Author, ch.Reason
			next.RecordedAt = changeTime(ch).Truncate(time.Microsecond)
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
			if err != nil {
				return fmt.Errorf("record version %d of %s: %w", next.Version, id, err)
			}
			inserted, out = n == 1, next
			return nil
		})
		if err != nil {
			return fairshare.Contribution{}, err
		}
		if inserted {
			return out, nil
		}
		if err := ctx.Err(); err != nil {
			return fairshare.Contribution{}, err
		}
	}
	return fairshare.Contribution{}, fairshare.Errorf(fairshare.ECONFLICT, "contribution %s is being changed by many at once; try again", id)
}

// ContributionIDs implements fairshare.Ledger. substr rather than a range
// on the key: PostgreSQL's collation may order '-' and digits unlike bytes.
func (s *Store) ContributionIDs(ctx context.Context, prefix string, limit int) ([]string, error) {
	if limit <= 0 {
		limit = 1
	}
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`SELECT DISTINCT id FROM contribution_versions WHERE substr(id, 1, $1) = $2 ORDER BY id LIMIT %d`, limit),
		len(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("find contribution %s: %w", prefix, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
