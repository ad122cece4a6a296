package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/fairshare/fairshare"
)

// groupsSQL sums the current versions as of $1 per dataset, donor,
// currency, day, status and category: one pass over the ledger instead of
// every row sent to the caller.
const groupsSQL = `SELECT v.dataset, v.donor, v.currency, v.day, v.status, v.category, COUNT(*), CAST(SUM(v.amount) AS BIGINT)
	FROM contribution_versions v
	WHERE v.recorded_us <= $1 AND v.deleted = 0 AND v.version = (
		SELECT MAX(w.version) FROM contribution_versions w WHERE w.id = v.id AND w.recorded_us <= $1)
	GROUP BY v.dataset, v.donor, v.currency, v.day, v.status, v.category`

// LedgerGroups returns the current contributions as of asOf (zero: now),
// summed per dataset, donor, currency, day, status and category.
func (s *Store) LedgerGroups(ctx context.Context, asOf time.Time) ([]fairshare.LedgerGroup, error) {
	db, err := s.reader()
	if err != nil {
		return nil, fmt.Errorf("ledger groups: %w", err)
	}
	return queryGroups(ctx, db, asOf)
}

// LedgerGroupsStamped returns the current groups with the ledger stamp
// they reflect, both read in one snapshot: the versions recorded after
// the stamp are exactly those the groups lack.
func (s *Store) LedgerGroupsStamped(ctx context.Context) ([]fairshare.LedgerGroup, LedgerStamp, error) {
	var st LedgerStamp
	db, err := s.reader()
	if err != nil {
		return nil, st, fmt.Errorf("ledger groups: %w", err)
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: isoSnapshot(s.driver), ReadOnly: s.driver == "pgx"})
	if err != nil {
		return nil, st, fmt.Errorf("ledger groups: %w", err)
	}
	defer tx.Rollback()
	q := `SELECT COUNT(*), COALESCE(MAX(recorded_us), 0) FROM contribution_versions`
	if s.driver == "sqlite" {
		q = `SELECT (SELECT COALESCE(MAX(rowid), 0) FROM contribution_versions),
			(SELECT COALESCE(MAX(recorded_us), 0) FROM contribution_versions)`
	}
	if err := tx.QueryRowContext(ctx, q).Scan(&st.Count, &st.MaxRecorded); err != nil {
		return nil, st, fmt.Errorf("ledger groups: %w", err)
	}
	gs, err := queryGroups(ctx, tx, time.Time{})
	return gs, st, err
}

func queryGroups(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, asOf time.Time) ([]fairshare.LedgerGroup, error) {
	rows, err := db.QueryContext(ctx, groupsSQL, asOfMicros(asOf))
	if err != nil {
		return nil, fmt.Errorf("ledger groups: %w", err)
	}
	defer rows.Close()
	var out []fairshare.LedgerGroup
	// The few datasets, donors, currencies, statuses and categories are
	// shared, not one string each per group: at 10^6 contributions the
	// groups are some 770,000, and a server keeps them; fewer objects are
	// less for every garbage collection to mark.
	seen := map[string]string{}
	intern := func(s *string) {
		if v, ok := seen[*s]; ok {
			*s = v
		} else {
			seen[*s] = *s
		}
	}
	for rows.Next() {
		var g fairshare.LedgerGroup
		var day, st, cat string
		var sum int64
		if err := rows.Scan(&g.Dataset, &g.Donor, &g.Currency, &day, &st, &cat, &g.Count, &sum); err != nil {
			return nil, fmt.Errorf("ledger groups: %w", err)
		}
		intern(&g.Dataset)
		intern(&g.Donor)
		intern(&g.Currency)
		intern(&st)
		intern(&cat)
		if g.Day, err = parseDay(day); err != nil {
			return nil, fmt.Errorf("ledger groups: %w", err)
		}
		g.Status, g.Category, g.Sum = fairshare.Status(st), fairshare.Category(cat), fairshare.Amount(sum)
		out = append(out, g)
	}
	return out, rows.Err()
}

// AddTarget adds or replaces a user-defined target and records e in the
// audit log in the same transaction: a target is never there unaudited.
func (s *Store) AddTarget(ctx context.Context, t fairshare.Target, e fairshare.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return concurrent(s.tx(ctx, func(tx *sql.Tx) error {
		// A new version of the target with who and why (reference_versions).
		if err := putUserTarget(ctx, tx, t, fairshare.Change{Author: e.User, Reason: e.Reason, At: e.At}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at_us, user_name, action, subject, reason, detail) VALUES ($1,$2,$3,$4,$5,$6)`,
			e.At.UnixMicro(), e.User, e.Action, e.Subject, e.Reason, e.Detail)
		return err
	}), "target "+t.ID)
}
