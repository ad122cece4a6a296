package httpx

import (
	"net/http"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// Credential says how a request proved who made it.
type Credential int

const (
	Anonymous Credential = iota
	BearerToken
	SessionCookieCred
)

// Identify returns the user a request is made by: from an
// "Authorization: Bearer" token, else from the session cookie. A request
// without credentials is Anonymous with no error; credentials that are
// given but invalid (unknown, disabled, expired) are EUNAUTHORIZED.
func Identify(a *app.App, r *http.Request) (fairshare.User, Credential, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		u, err := a.TokenUser(r.Context(), h)
		return u, BearerToken, err
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		u, err := a.SessionUser(r.Context(), c.Value)
		return u, SessionCookieCred, err
	}
	return fairshare.User{}, Anonymous, nil
}
