package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fairshare/fairshare"
)

const userCols = `name, role, disabled, created_us, token_hash, password_hash`

func scanUser(sc interface{ Scan(...any) error }) (fairshare.User, error) {
	var u fairshare.User
	var dis int
	var created int64
	var role string
	err := sc.Scan(&u.Name, &role, &dis, &created, &u.TokenHash, &u.PasswordHash)
	u.Role, u.Disabled, u.CreatedAt = fairshare.Role(role), dis != 0, time.UnixMicro(created).UTC()
	return u, err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AddUser creates a user; an existing name is a conflict.
func (s *Store) AddUser(ctx context.Context, u fairshare.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	if err := fairshare.CheckUserName(u.Name); err != nil {
		return err
	}
	if u.Disabled {
		u.TokenHash = ""
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING`,
			u.Name, string(u.Role), b2i(u.Disabled), u.CreatedAt.UnixMicro(), u.TokenHash, u.PasswordHash)
		if err != nil {
			return fmt.Errorf("add user %s: %w", u.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fairshare.Errorf(fairshare.ECONFLICT, "user %s exists", u.Name)
		}
		return nil
	})
}

// Users lists users by name.
func (s *Store) Users(ctx context.Context) ([]fairshare.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var out []fairshare.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (s *Store) userWhere(ctx context.Context, cond string, arg any) (fairshare.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fairshare.Errorf(fairshare.ENOTFOUND, "no such user")
	}
	return u, err
}

// User finds a user by name.
func (s *Store) User(ctx context.Context, name string) (fairshare.User, error) {
	return s.userWhere(ctx, "name = $1", name)
}

// UserByTokenHash finds the user holding an API token.
func (s *Store) UserByTokenHash(ctx context.Context, hash string) (fairshare.User, error) {
	if hash == "" {
		return fairshare.User{}, fairshare.Errorf(fairshare.ENOTFOUND, "no such user")
	}
	return s.userWhere(ctx, "token_hash = $1 AND disabled = 0", hash)
}

// UpdateUser replaces role, disabled flag and secrets of an existing user.
// Disabling ends the user's token and sessions for good: the token hash is
// erased, so enabling the user again needs a new token ('users token').
// A disabled user keeps no token, whatever u says.
func (s *Store) UpdateUser(ctx context.Context, u fairshare.User) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var wasDisabled int
		if err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE name = $1`, u.Name).Scan(&wasDisabled); errors.Is(err, sql.ErrNoRows) {
			return fairshare.Errorf(fairshare.ENOTFOUND, "no user %s", u.Name)
		} else if err != nil {
			return err
		}
		var cur string
		if err := tx.QueryRowContext(ctx, `SELECT token_hash FROM users WHERE name = $1`, u.Name).Scan(&cur); err != nil {
			return err
		}
		switch {
		case wasDisabled != 0 && u.Disabled && u.TokenHash != "" && u.TokenHash != cur:
			return fairshare.Errorf(fairshare.ECONFLICT, "user %s is disabled: enable it first, then issue a token", u.Name)
		case wasDisabled != 0, u.Disabled:
			// Enabling never brings back a token read before the disabling:
			// a new one is issued after ('users token').
			u.TokenHash = ""
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $2, disabled = $3, token_hash = $4, password_hash = $5 WHERE name = $1`,
			u.Name, string(u.Role), b2i(u.Disabled), u.TokenHash, u.PasswordHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fairshare.Errorf(fairshare.ENOTFOUND, "no user %s", u.Name)
		}
		if u.Disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = $1`, u.Name)
		}
		return err
	})
}

// AddSession records a web session by the hash of its id.
func (s *Store) AddSession(ctx context.Context, idHash, user string, expires time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_us < $1`, time.Now().UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_name, expires_us) VALUES ($1, $2, $3)`, idHash, user, expires.UnixMicro())
		return err
	})
}

// Session returns the enabled user of an unexpired session.
func (s *Store) Session(ctx context.Context, idHash string) (fairshare.User, error) {
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT user_name FROM sessions WHERE id_hash = $1 AND expires_us > $2`, idHash, time.Now().UnixMicro()).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return fairshare.User{}, fairshare.Errorf(fairshare.EUNAUTHORIZED, "session expired; log in again")
	}
	if err != nil {
		return fairshare.User{}, err
	}
	u, err := s.User(ctx, name)
	if err != nil || u.Disabled {
		return fairshare.User{}, fairshare.Errorf(fairshare.EUNAUTHORIZED, "session expired; log in again")
	}
	return u, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// AddAudit records a change outside the ledger.
func (s *Store) AddAudit(ctx context.Context, e fairshare.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if err := (fairshare.Change{Author: e.User, Reason: e.Reason}).Check(); err != nil {
		return err
	}
	for _, f := range []string{e.Action, e.Subject, e.Detail} {
		if err := fairshare.CheckText("detail", f); err != nil {
			return err
		}
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (at_us, user_name, action, subject, reason, detail) VALUES ($1,$2,$3,$4,$5,$6)`,
		e.At.UnixMicro(), e.User, e.Action, e.Subject, e.Reason, e.Detail)
	return err
}

// Audit lists changes, newest first: the audit log merged with the ledger's
// versions (a version is its own audit record).
func (s *Store) Audit(ctx context.Context, f fairshare.AuditFilter) ([]fairshare.AuditEntry, error) {
	since := f.Since.UnixMicro()
	if f.Since.IsZero() {
		since = 0
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	var out []fairshare.AuditEntry
	q := `SELECT at_us, user_name, action, subject, reason, detail FROM audit_log WHERE at_us >= $1`
	args := []any{since}
	if f.User != "" {
		q += ` AND user_name = $2`
		args = append(args, f.User)
	}
	rows, err := s.db.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY at_us DESC, user_name, action, subject LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	for rows.Next() {
		var e fairshare.AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.User, &e.Action, &e.Subject, &e.Reason, &e.Detail); err != nil {
			rows.Close()
			return nil, err
		}
		e.At = time.UnixMicro(at).UTC()
		out = append(out, e)
	}
	rows.Close()
	q = `SELECT recorded_us, author, version, deleted, id, reason, donor, day, amount, currency, dataset FROM contribution_versions WHERE recorded_us >= $1`
	if f.User != "" {
		q += ` AND author = $2`
	}
	rows, err = s.db.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY recorded_us DESC, id, version LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at, amount int64
		var version, del int
		var e fairshare.AuditEntry
		var id, donor, day, cur, ds string
		if err := rows.Scan(&at, &e.User, &version, &del, &id, &e.Reason, &donor, &day, &amount, &cur, &ds); err != nil {
			return nil, err
		}
		e.At, e.Subject = time.UnixMicro(at).UTC(), id
		switch {
		case del != 0:
			e.Action = "contribution.delete"
		case version == 1:
			e.Action = "contribution.add"
		default:
			e.Action = "contribution.edit"
		}
		e.Detail = fmt.Sprintf("v%d %s %s %s %s (%s)", version, donor, day, fairshare.Amount(amount).Format(cur), cur, ds)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

var (
	_ fairshare.Accounts = (*Store)(nil)
	_ fairshare.Auditor  = (*Store)(nil)
)
