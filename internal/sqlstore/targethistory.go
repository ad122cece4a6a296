package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fairshare/fairshare"
)

// TargetHistory is every recorded definition of every target, parsed once,
// so that a caller that knows the database unchanged (a server answering
// many reports as of different times) finds the one in force at a time
// without a query. Target gives what TargetAsOf gives.
type TargetHistory struct {
	byID map[string][]targetVersion // versions in order
}

type targetVersion struct {
	version int
	us      int64
	deleted bool
	t       fairshare.Target
	err     error // reported only when this version is asked for, as TargetAsOf would
}

// TargetHistory reads every target version.
func (s *Store) TargetHistory(ctx context.Context) (*TargetHistory, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, version, recorded_us, deleted, body FROM reference_versions
		WHERE kind = $1 ORDER BY id, version`, kindTarget)
	if err != nil {
		return nil, fmt.Errorf("target history: %w", err)
	}
	defer rows.Close()
	h := &TargetHistory{byID: map[string][]targetVersion{}}
	for rows.Next() {
		var id, body string
		var v targetVersion
		var del int
		if err := rows.Scan(&id, &v.version, &v.us, &del, &body); err != nil {
			return nil, fmt.Errorf("target history: %w", err)
		}
		v.deleted = del != 0
		if err := json.Unmarshal([]byte(body), &v.t); err != nil {
			v.err = fmt.Errorf("target: %w", err)
		} else if err := v.t.Normalize(); err != nil {
			v.err = fmt.Errorf("target %s: %w", v.t.ID, err)
		}
		h.byID[id] = append(h.byID[id], v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("target history: %w", err)
	}
	return h, nil
}

// Target finds the definition of target id in force at asOf, by
// TargetAsOf's rule: its newest version recorded at or before asOf, unless
// that version deletes it.
func (h *TargetHistory) Target(id string, asOf time.Time) (fairshare.Target, error) {
	at := asOfMicros(asOf)
	var in *targetVersion
	for i, v := range h.byID[id] {
		if v.us <= at && (in == nil || v.version > in.version) {
			in = &h.byID[id][i]
		}
	}
	if in != nil && !in.deleted {
		return in.t, in.err
	}
	return fairshare.Target{}, fairshare.Errorf(fairshare.ENOTFOUND, "no target %q defined at %s", id, asOf.UTC().Format(time.RFC3339))
}
