package app

import (
	"context"
	"fmt"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/auth"
)

// CreateUser adds a user with a new API token, records who added it and
// why, and returns the token (shown once; only its hash is kept).
func (a *App) CreateUser(ctx context.Context, name string, role fairshare.Role, by, reason string) (string, error) {
	if err := auth.ValidName(name); err != nil {
		return "", fairshare.FieldError("name", err.Error())
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	if err := a.Store.AddUser(ctx, fairshare.User{Name: name, Role: role, TokenHash: hash}); err != nil {
		return "", err
	}
	if err := a.Store.AddAudit(ctx, fairshare.AuditEntry{User: by, Action: "user.add", Subject: name, Reason: reason, Detail: "role " + string(role)}); err != nil {
		return "", err
	}
	return token, nil
}

// ChangeUser loads a user, lets change alter it, stores it and records
// action (user.disable, user.token, ...) with who and why.
func (a *App) ChangeUser(ctx context.Context, name, action, by, reason string, change func(*fairshare.User) error) error {
	u, err := a.Store.User(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	if err := change(&u); err != nil {
		return err
	}
	if err := a.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	return a.Store.AddAudit(ctx, fairshare.AuditEntry{User: by, Action: action, Subject: u.Name, Reason: reason})
}

// Audit lists recorded changes, newest first.
func (a *App) Audit(ctx context.Context, f fairshare.AuditFilter) ([]fairshare.AuditEntry, error) {
	es, err := a.Store.Audit(ctx, f)
	if es == nil {
		es = []fairshare.AuditEntry{}
	}
	return es, err
}

// App is the accounts store of the front ends (fairshare.Accounts): the
// methods below only pass through, so authentication has one way in too.

// AddUser adds a user (no audit entry; see CreateUser).
func (a *App) AddUser(ctx context.Context, u fairshare.User) error { return a.Store.AddUser(ctx, u) }

// Users lists users.
func (a *App) Users(ctx context.Context) ([]fairshare.User, error) { return a.Store.Users(ctx) }

// User returns one user.
func (a *App) User(ctx context.Context, name string) (fairshare.User, error) {
	return a.Store.User(ctx, name)
}

// UserByTokenHash finds the user holding a token.
func (a *App) UserByTokenHash(ctx context.Context, hash string) (fairshare.User, error) {
	return a.Store.UserByTokenHash(ctx, hash)
}

// UpdateUser stores a changed user (no audit entry; see ChangeUser).
func (a *App) UpdateUser(ctx context.Context, u fairshare.User) error {
	return a.Store.UpdateUser(ctx, u)
}

// AddSession records a web session by the hash of its id.
func (a *App) AddSession(ctx context.Context, idHash, user string, expires time.Time) error {
	return a.Store.AddSession(ctx, idHash, user, expires)
}

// Session returns the user of a live session.
func (a *App) Session(ctx context.Context, idHash string) (fairshare.User, error) {
	return a.Store.Session(ctx, idHash)
}

// DeleteSession ends a session.
func (a *App) DeleteSession(ctx context.Context, idHash string) error {
	return a.Store.DeleteSession(ctx, idHash)
}

var _ fairshare.Accounts = (*App)(nil)
