package app

import (
	"context"
	"fmt"

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
	if err := a.store.AddUser(ctx, fairshare.User{Name: name, Role: role, TokenHash: hash}); err != nil {
		return "", err
	}
	if err := a.store.AddAudit(ctx, fairshare.AuditEntry{User: by, Action: "user.add", Subject: name, Reason: reason, Detail: "role " + string(role)}); err != nil {
		return "", err
	}
	return token, nil
}

// ChangeUser loads a user, lets change alter it, stores it and records
// action (user.disable, user.token, ...) with who and why.
func (a *App) ChangeUser(ctx context.Context, name, action, by, reason string, change func(*fairshare.User) error) error {
	u, err := a.store.User(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	if err := change(&u); err != nil {
		return err
	}
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	return a.store.AddAudit(ctx, fairshare.AuditEntry{User: by, Action: action, Subject: u.Name, Reason: reason})
}

// Audit lists recorded changes, newest first.
func (a *App) Audit(ctx context.Context, f fairshare.AuditFilter) ([]fairshare.AuditEntry, error) {
	es, err := a.store.Audit(ctx, f)
	if es == nil {
		es = []fairshare.AuditEntry{}
	}
	return es, err
}

// Users lists users.
func (a *App) Users(ctx context.Context) ([]fairshare.User, error) { return a.store.Users(ctx) }
