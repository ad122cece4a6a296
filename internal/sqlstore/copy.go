package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/fairshare/fairshare"
)

// InsertVersions records exact versions (ids, version numbers, recorded
// times, authors and reasons as given) in one transaction, skipping versions
// already recorded, and returns how many it inserted. It is for copies
// between stores, not for new entries: those go through AddContributions.
func (s *Store) InsertVersions(ctx context.Context, vs []fairshare.Contribution) (int, error) {
	sorted := make([]fairshare.Contribution, len(vs))
	copy(sorted, vs)
	// One lock order for every writer (see AddContributions).
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].ID != sorted[j].ID {
			return sorted[i].ID < sorted[j].ID
		}
		return sorted[i].Version < sorted[j].Version
	})
	if err := checkVersions(sorted); err != nil {
		return 0, err
	}
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.insertVersions(ctx, tx, sorted, nil)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("insert versions: %w", err)
	}
	return n, nil
}

func checkVersions(vs []fairshare.Contribution) error {
	for i := range vs {
		c := &vs[i]
		if c.ID == "" || c.Version < 1 || c.RecordedAt.IsZero() {
			return fairshare.Errorf(fairshare.EINVALID, "version %q/%d has no id, version or recorded time", c.ID, c.Version)
		}
	}
	return nil
}

// CopyCount says how many rows of one kind CopyTo found in the source and
// how many of them it added to the destination (the rest were there).
type CopyCount struct {
	What         string
	Found, Added int
	// Cleaned names the rows that could not be copied as they are (text
	// that is not valid UTF-8 or holds a NUL byte, which PostgreSQL
	// refuses): they were copied with U+FFFD in place of the bad bytes.
	// 'fairshare data repair' fixes such rows in the source.
	Cleaned []string
}

// copyBatch is how many versions CopyTo writes per transaction.
const copyBatch = 1000

// copyTables are the tables CopyTo copies row by row, besides the ledger and
// the rates. Reference data that the application loads from its embedded
// copy (donors, indicators, policies, built-in targets, shipped datasets) is
// left out, and so are web sessions: people log in again.
var copyTables = []struct {
	what, table, cols, where string
	keyed                    bool // a primary key: ON CONFLICT DO NOTHING; else skip identical rows
}{
	{"user targets", "targets", "id, built_in, body", "built_in = 0", true},
	{"user datasets", "datasets", "id, shipped, body", "shipped = 0", true},
	{"reference versions", "reference_versions", "kind, id, version, recorded_us, deleted, body, author, reason", "1 = 1", true},
	{"meta values", "meta", "key, value", "key NOT LIKE 'lock:%' AND key <> '" + MetaReferenceStamp + "'", true},
	{"users", "users", userCols, "1 = 1", true},
	{"audit log entries", "audit_log", "at_us, user_name, action, subject, reason, detail", "1 = 1", false},
}

// CopyTo copies the ledger with its whole history (every version of every
// entry, with its id, number, recorded time, author and reason), rates,
// user-defined targets and datasets, meta values, users and the audit log
// from s to dst. Nothing in dst is overwritten: what is already there is
// skipped, so a copy can be repeated, or resumed after a failure. Open dst
// with the application first, so that it holds its embedded reference data.
func (s *Store) CopyTo(ctx context.Context, dst *Store) ([]CopyCount, error) {
	// Read the ledger first: a SQLite source has one connection, and
	// streaming while writing elsewhere would hold it for the whole copy.
	var all []fairshare.Contribution
	if err := s.AllVersions(ctx, func(c fairshare.Contribution) error { all = append(all, c); return nil }); err != nil {
		return nil, fmt.Errorf("read versions: %w", err)
	}
	versions := CopyCount{What: "contribution versions", Found: len(all)}
	for i := range all {
		if all[i].CheckBytes() == nil {
			continue
		}
		c, fields := all[i].CleanBytes()
		versions.Cleaned = append(versions.Cleaned, fmt.Sprintf("contribution %s version %d: %s", all[i].ID, all[i].Version, strings.Join(fields, ", ")))
		all[i] = c
	}
	for len(all) > 0 {
		n := min(copyBatch, len(all))
		k, err := dst.InsertVersions(ctx, all[:n])
		if err != nil {
			return nil, err
		}
		versions.Added += k
		all = all[n:]
	}
	out := []CopyCount{versions}

	rates, err := s.Rates(ctx)
	if err != nil {
		return out, err
	}
	n, err := dst.AddRates(ctx, rates)
	if err != nil {
		return out, fmt.Errorf("copy rates: %w", err)
	}
	out = append(out, CopyCount{What: "rates", Found: len(rates), Added: n})

	for _, tb := range copyTables {
		c, err := s.copyTable(ctx, dst, tb.table, tb.cols, tb.where, tb.keyed)
		if err != nil {
			return out, fmt.Errorf("copy %s: %w", tb.what, err)
		}
		c.What = tb.what
		out = append(out, c)
	}
	return out, nil
}

// copyTable copies the rows of table matching where. Rows are read as
// driver values (int64, string), which both drivers accept back.
func (s *Store) copyTable(ctx context.Context, dst *Store, table, cols, where string, keyed bool) (CopyCount, error) {
	var c CopyCount
	rows, err := s.db.QueryContext(ctx, `SELECT `+cols+` FROM `+table+` WHERE `+where)
	if err != nil {
		return c, err
	}
	names := strings.Split(cols, ",")
	var data [][]any
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return c, err
		}
		var bad []string
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
			if str, ok := vals[i].(string); ok && fairshare.CleanText(str) != str {
				vals[i] = fairshare.CleanText(str)
				bad = append(bad, strings.TrimSpace(names[i]))
			}
		}
		if len(bad) > 0 {
			c.Cleaned = append(c.Cleaned, fmt.Sprintf("%s row %d: %s", table, len(data)+1, strings.Join(bad, ", ")))
		}
		data = append(data, vals)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	c.Found = len(data)

	params := make([]string, len(names))
	same := make([]string, len(names))
	for i, name := range names {
		params[i] = fmt.Sprintf("$%d", i+1)
		same[i] = fmt.Sprintf("%s = $%d", strings.TrimSpace(name), i+1)
	}
	ins := `INSERT INTO ` + table + ` (` + cols + `) VALUES (` + strings.Join(params, ", ") + `) ON CONFLICT DO NOTHING`
	if !keyed {
		// No key to conflict on: skip rows identical to one already there.
		// The parameters are typed by the comparisons in NOT EXISTS.
		ins = `INSERT INTO ` + table + ` (` + cols + `) SELECT ` + strings.Join(params, ", ") +
			` WHERE NOT EXISTS (SELECT 1 FROM ` + table + ` WHERE ` + strings.Join(same, " AND ") + `)`
	}
	err = dst.tx(ctx, func(tx *sql.Tx) error {
		c.Added = 0
		stmt, err := tx.PrepareContext(ctx, ins)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, vals := range data {
			res, err := stmt.ExecContext(ctx, vals...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			c.Added += int(n)
		}
		return nil
	})
	return c, err
}
