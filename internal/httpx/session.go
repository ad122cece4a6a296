package httpx

import (
	"net/http"
	"time"
)

// SessionCookie names the web session cookie. Its value is a random id;
// the store keeps only its hash.
const SessionCookie = "fairshare_session"

// SessionID returns the session cookie's value, "" when there is none or
// it is too long to be one of ours.
func SessionID(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil || len(c.Value) > 100 {
		return ""
	}
	return c.Value
}

// SetSessionCookie gives the browser the session id until expires. Lax,
// so following a link to the site keeps the login; forms carry a CSRF
// token besides.
func SetSessionCookie(w http.ResponseWriter, sid string, expires time.Time, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sid, Path: "/", Expires: expires,
		MaxAge: int(time.Until(expires).Seconds()), HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie makes the browser forget the session.
func ClearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}
