package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/auth"
)

// TokenUser returns the enabled user an "Authorization: Bearer TOKEN"
// header value names; an unknown or disabled token is EUNAUTHORIZED.
func (a *App) TokenUser(ctx context.Context, authorization string) (fairshare.User, error) {
	return auth.FromBearer(ctx, a.store, authorization)
}

// SessionUser returns the user of a live web session (by its cookie
// value; the store keeps only its hash).
func (a *App) SessionUser(ctx context.Context, sid string) (fairshare.User, error) {
	if sid == "" {
		return fairshare.User{}, fairshare.Errorf(fairshare.EUNAUTHORIZED, "no session")
	}
	return a.store.Session(ctx, auth.HashToken(sid))
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// burnPassword spends the time a real password check takes, so a wrong
// user name answers as slowly as a wrong password.
func burnPassword(pw string) {
	dummyOnce.Do(func() { dummyHash, _ = auth.HashPassword("not the password of anyone") })
	auth.CheckPassword(dummyHash, pw)
}

// Login checks a user's password and opens a web session until expires;
// it returns the session id for the cookie. A wrong name or password is
// EUNAUTHORIZED and takes as long either way.
func (a *App) Login(ctx context.Context, name, password string, expires time.Time) (fairshare.User, string, error) {
	u, err := a.store.User(ctx, name)
	ok := false
	if err == nil && !u.Disabled && u.PasswordHash != "" && len(password) <= 72 {
		ok = auth.CheckPassword(u.PasswordHash, password)
	} else {
		burnPassword(password)
	}
	if !ok {
		return fairshare.User{}, "", fairshare.Errorf(fairshare.EUNAUTHORIZED, "wrong user name or password")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return fairshare.User{}, "", err
	}
	sid := base64.RawURLEncoding.EncodeToString(b)
	if err := a.store.AddSession(ctx, auth.HashToken(sid), u.Name, expires); err != nil {
		return fairshare.User{}, "", err
	}
	return u, sid, nil
}

// Logout ends a web session.
func (a *App) Logout(ctx context.Context, sid string) error {
	return a.store.DeleteSession(ctx, auth.HashToken(sid))
}
