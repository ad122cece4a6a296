package httpapi

import (
	"net/http"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/httpx"
)

// authorize checks the request against the role a route needs. Reads are
// open to anonymous visitors unless noAnonymous; writes need a Bearer token
// (never a cookie alone, so a forged cross-site request cannot write).
func (s *server) authorize(r *http.Request, need fairshare.Role) (fairshare.User, error) {
	u, cred, err := httpx.Identify(s.app, r)
	if err != nil && cred == httpx.SessionCookieCred && need == fairshare.Viewer && !s.noAnonymous {
		// A stale session cookie (expired, logged out, user disabled)
		// makes a public read anonymous, not a 401.
		u, cred, err = fairshare.User{}, httpx.Anonymous, nil
	}
	if err != nil {
		return u, err
	}
	if need == fairshare.Viewer {
		if cred == httpx.Anonymous && s.noAnonymous {
			return u, fairshare.Errorf(fairshare.EUNAUTHORIZED, "this server does not serve anonymous readers: send Authorization: Bearer TOKEN")
		}
		return u, nil
	}
	// A session cookie may read what its role may see, but writes need the
	// token: a browser sends cookies with forged cross-site requests too.
	if cred == httpx.Anonymous || cred == httpx.SessionCookieCred && r.Method != http.MethodGet && r.Method != http.MethodHead {
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
	if err := fairshare.CheckReason(s); err != nil {
		return "", err
	}
	return s, nil
}
