package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/auth"
)

// SessionCookie names the web session cookie. Its value is a random id;
// the store keeps only its hash (auth.HashToken).
const SessionCookie = "fairshare_session"

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
func Identify(ctx context.Context, acc fairshare.Accounts, r *http.Request) (fairshare.User, Credential, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		u, err := auth.FromBearer(ctx, acc, h)
		return u, BearerToken, err
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		u, err := acc.Session(ctx, auth.HashToken(c.Value))
		return u, SessionCookieCred, err
	}
	return fairshare.User{}, Anonymous, nil
}

// authorize checks the request against the role a route needs. Reads are
// open to anonymous visitors unless noAnonymous; writes need a Bearer token
// (never a cookie alone, so a forged cross-site request cannot write).
func (s *server) authorize(r *http.Request, need fairshare.Role) (fairshare.User, error) {
	u, cred, err := Identify(r.Context(), s.app.Store, r)
	if err != nil {
		return u, err
	}
	if need == fairshare.Viewer {
		if cred == Anonymous && s.noAnonymous {
			return u, fairshare.Errorf(fairshare.EUNAUTHORIZED, "this server does not serve anonymous readers: send Authorization: Bearer TOKEN")
		}
		return u, nil
	}
	// A session cookie may read what its role may see, but writes need the
	// token: a browser sends cookies with forged cross-site requests too.
	if cred == Anonymous || cred == SessionCookieCred && r.Method != http.MethodGet && r.Method != http.MethodHead {
		return u, fairshare.Errorf(fairshare.EUNAUTHORIZED, "writing needs Authorization: Bearer TOKEN (role %s or higher)", need)
	}
	if !u.Role.Allows(need) {
		return u, fairshare.Errorf(fairshare.EFORBIDDEN, "user %s is a %s; this needs the %s role", u.Name, u.Role, need)
	}
	return u, nil
}

// reasonText checks a change's reason: required, at most 1000 characters.
func reasonText(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fairshare.FieldError("reason", "required: say why (it is kept in the history and the audit log)")
	}
	if len([]rune(s)) > 1000 {
		return "", fairshare.FieldError("reason", "longer than 1000 characters")
	}
	return s, nil
}
