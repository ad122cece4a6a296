package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fairshare/fairshare"
)

// Snapshot reads everything a backup must carry, in one read transaction so
// that it is consistent while writers go on.
func (s *Store) Snapshot(ctx context.Context) (fairshare.Snapshot, error) {
	var snap fairshare.Snapshot
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: s.driver == "pgx", Isolation: isoSnapshot(s.driver)})
	if err != nil {
		return snap, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+versionCols+` FROM contribution_versions ORDER BY id, version`)
	if err != nil {
		return snap, fmt.Errorf("snapshot versions: %w", err)
	}
	for rows.Next() {
		c, err := scanVersion(rows)
		if err != nil {
			rows.Close()
			return snap, err
		}
		snap.Versions = append(snap.Versions, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return snap, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT currency, period, rate, publisher, title, source_date, url FROM rates ORDER BY currency, period`)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		var r fairshare.Rate
		if err := rows.Scan(&r.Currency, &r.Period, &r.Rate, &r.Source.Publisher, &r.Source.Title, &r.Source.Date, &r.Source.URL); err != nil {
			rows.Close()
			return snap, err
		}
		snap.Rates = append(snap.Rates, r)
	}
	rows.Close()
	for _, q := range []struct {
		sql string
		fn  func([]byte) error
	}{
		{`SELECT body FROM targets WHERE built_in = 0 ORDER BY id`, func(b []byte) error {
			var t fairshare.Target
			if err := json.Unmarshal(b, &t); err != nil {
				return err
			}
			snap.Targets = append(snap.Targets, t)
			return nil
		}},
		{`SELECT body FROM datasets WHERE shipped = 0 ORDER BY id`, func(b []byte) error {
			var d fairshare.Dataset
			if err := json.Unmarshal(b, &d); err != nil {
				return err
			}
			snap.Datasets = append(snap.Datasets, d)
			return nil
		}},
	} {
		rows, err := tx.QueryContext(ctx, q.sql)
		if err != nil {
			return snap, err
		}
		for rows.Next() {
			var body string
			if err := rows.Scan(&body); err != nil {
				rows.Close()
				return snap, err
			}
			if err := q.fn([]byte(body)); err != nil {
				rows.Close()
				return snap, err
			}
		}
		rows.Close()
	}
	rows, err = tx.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return snap, err
		}
		snap.Users = append(snap.Users, u)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT kind, id, version, recorded_us, deleted, body, author, reason FROM reference_versions
		WHERE author <> $1 ORDER BY kind, id, version`, shippedAuthor)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		var v fairshare.RefVersion
		var us int64
		var del int
		if err := rows.Scan(&v.Kind, &v.ID, &v.Version, &us, &del, &v.Body, &v.Author, &v.Reason); err != nil {
			rows.Close()
			return snap, err
		}
		v.RecordedAt, v.Deleted = time.UnixMicro(us).UTC(), del != 0
		snap.RefVersions = append(snap.RefVersions, v)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT at_us, user_name, action, subject, reason, detail FROM audit_log ORDER BY at_us`)
	if err != nil {
		return snap, err
	}
	defer rows.Close()
	for rows.Next() {
		var e fairshare.AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.User, &e.Action, &e.Subject, &e.Reason, &e.Detail); err != nil {
			return snap, err
		}
		e.At = time.UnixMicro(at).UTC()
		snap.Audit = append(snap.Audit, e)
	}
	return snap, rows.Err()
}

func isoSnapshot(driver string) sql.IsolationLevel {
	if driver == "pgx" {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault // a SQLite transaction reads one snapshot already
}

// Restore adds a snapshot in one transaction: all of it or nothing. Items
// already present are skipped, so restoring twice adds nothing.
func (s *Store) Restore(ctx context.Context, snap fairshare.Snapshot) (fairshare.SnapshotCounts, error) {
	var n fairshare.SnapshotCounts
	err := s.tx(ctx, func(tx *sql.Tx) error {
		n = fairshare.SnapshotCounts{}
		if err := checkVersions(snap.Versions); err != nil {
			return err
		}
		var err error
		if n.Versions, err = s.insertVersions(ctx, tx, snap.Versions, nil); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if n.Rates, err = addRates(ctx, tx, snap.Rates); err != nil {
			return err
		}
		for _, v := range snap.RefVersions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reference_versions (kind, id, version, recorded_us, deleted, body, author, reason)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`, v.Kind, v.ID, v.Version, v.RecordedAt.UnixMicro(),
				b2i(v.Deleted), v.Body, v.Author, v.Reason); err != nil {
				return fmt.Errorf("restore %s %s version %d: %w", v.Kind, v.ID, v.Version, err)
			}
		}
		for _, t := range snap.Targets {
			body, err := json.Marshal(t)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO targets (id, built_in, body) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`, t.ID, string(body))
			if err != nil {
				return fmt.Errorf("restore target %s: %w", t.ID, err)
			}
			k, _ := res.RowsAffected()
			n.Targets += int(k)
			if k > 0 {
				if err := restoredVersion(ctx, tx, kindTarget, t.ID, string(body)); err != nil {
					return err
				}
			}
		}
		for _, d := range snap.Datasets {
			body, err := json.Marshal(d)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO datasets (id, shipped, body) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`, d.ID, string(body))
			if err != nil {
				return fmt.Errorf("restore dataset %s: %w", d.ID, err)
			}
			k, _ := res.RowsAffected()
			n.Datasets += int(k)
			if k > 0 {
				if err := restoredVersion(ctx, tx, kindDataset, d.ID, string(body)); err != nil {
					return err
				}
			}
		}
		for _, u := range snap.Users {
			res, err := tx.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING`,
				u.Name, string(u.Role), b2i(u.Disabled), u.CreatedAt.UnixMicro(), u.TokenHash, u.PasswordHash)
			if err != nil {
				return fmt.Errorf("restore user %s: %w", u.Name, err)
			}
			k, _ := res.RowsAffected()
			n.Users += int(k)
		}
		for _, e := range snap.Audit {
			res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at_us, user_name, action, subject, reason, detail)
				SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE at_us = $1 AND user_name = $2 AND action = $3 AND subject = $4)`,
				e.At.UnixMicro(), e.User, e.Action, e.Subject, e.Reason, e.Detail)
			if err != nil {
				return fmt.Errorf("restore audit entry: %w", err)
			}
			k, _ := res.RowsAffected()
			n.Audit += int(k)
		}
		return bumpReference(ctx, tx)
	})
	return n, err
}

// BackupSQLite writes a consistent copy of a SQLite database to path while
// others keep reading and writing (VACUUM INTO takes a read snapshot).
func (s *Store) BackupSQLite(ctx context.Context, path string) error {
	if s.driver != "sqlite" {
		return fmt.Errorf("VACUUM INTO needs SQLite")
	}
	_, err := s.db.ExecContext(ctx, `VACUUM INTO $1`, path)
	return err
}
