package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/fairshare/fairshare"
)

// Repaired is one entry RepairTexts fixed.
type Repaired = fairshare.Repaired

// RepairTexts finds the entries whose newest version holds text that is not
// valid UTF-8 or holds a NUL byte (stored before such text was refused) and
// records for each a new version with U+FFFD in place of the bad bytes, by
// ch. Older versions stay as they were: history is never rewritten.
func (s *Store) RepairTexts(ctx context.Context, ch fairshare.Change) ([]Repaired, error) {
	if err := fairshare.CheckReason(ch.Reason); err != nil {
		return nil, err
	}
	// Collect first: a SQLite store has one connection.
	var bad []string
	var last fairshare.Contribution
	flush := func() {
		if last.ID != "" && last.CheckBytes() != nil {
			bad = append(bad, last.ID)
		}
	}
	err := s.AllVersions(ctx, func(c fairshare.Contribution) error {
		if c.ID != last.ID {
			flush()
		}
		last = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	flush()
	var out []Repaired
	for _, id := range bad {
		var fields []string
		err := s.newVersion(ctx, id, ch, func(c *fairshare.Contribution) error {
			id := c.ID
			*c, fields = c.CleanBytes()
			c.ID = id
			// The author and reason of the old version are replaced by
			// the repair's; say which fields changed.
			fields = without(fields, "author", "reason")
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("repair %s: %w", id, err)
		}
		h, err := s.History(ctx, id)
		if err != nil {
			return out, err
		}
		out = append(out, Repaired{ID: id, Version: h[len(h)-1].Version, Fields: fields})
	}
	return out, nil
}

func without(fields []string, drop ...string) []string {
	var out []string
	for _, f := range fields {
		keep := true
		for _, d := range drop {
			keep = keep && !strings.EqualFold(f, d)
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}
