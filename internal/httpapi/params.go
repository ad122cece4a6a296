package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// query is a request's validated query string: only the route's parameters,
// each at most once.
type query struct{ v url.Values }

func newQuery(r *http.Request, allowed []string) (query, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return query{}, fairshare.Errorf(fairshare.EINVALID, "malformed query string: %v", err)
	}
	for name, vals := range v {
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return query{}, fairshare.FieldError(name, "unknown parameter (this endpoint takes none)")
			}
			return query{}, fairshare.FieldError(name, "unknown parameter (want "+strings.Join(allowed, ", ")+")")
		}
		if len(vals) > 1 {
			return query{}, fairshare.FieldError(name, "given more than once")
		}
	}
	return query{v}, nil
}

func (q query) str(name string) string { return strings.TrimSpace(q.v.Get(name)) }

func (q query) has(name string) bool { return q.v.Has(name) }

// format returns "json" (default) or "csv".
func (q query) format() (string, error) {
	switch f := q.str("format"); f {
	case "", "json":
		return "json", nil
	case "csv":
		return "csv", nil
	default:
		return "", fairshare.FieldError("format", fmt.Sprintf("%q: want json or csv", f))
	}
}

func (q query) date(name string) (fairshare.Date, error) {
	s := q.str(name)
	if s == "" {
		return fairshare.Date{}, nil
	}
	d, err := fairshare.ParseDate(s)
	if err != nil {
		return d, fairshare.FieldError(name, err.Error())
	}
	return d, nil
}

func (q query) asOf() (time.Time, error) {
	t, err := fairshare.ParseAsOf(q.str("as_of"))
	if err != nil {
		return t, fairshare.FieldError("as_of", err.Error())
	}
	return t, nil
}

// intIn reads an integer in [lo, hi], def when absent.
func (q query) intIn(name string, def, lo, hi int) (int, error) {
	s := q.str(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fairshare.FieldError(name, fmt.Sprintf("%q: want a whole number from %d to %d", s, lo, hi))
	}
	return n, nil
}

// boolean reads true/false (also 1/0); false when absent.
func (q query) boolean(name string) (bool, error) {
	switch s := q.str(name); s {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	default:
		return false, fairshare.FieldError(name, fmt.Sprintf("%q: want true or false", s))
	}
}
