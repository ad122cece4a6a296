package httpx

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fairshare/fairshare"
)

// VersionETag is the entity tag of a contribution's version: what
// If-Match names to make an edit against that version.
func VersionETag(version int) string {
	return `"v` + strconv.Itoa(version) + `"`
}

// ParseIfMatch reads an If-Match header naming one version ("v3", as
// VersionETag makes it; the gzip variant "v3-gz" names the same version).
// It returns 0 when the header is absent or "*" (any current version).
func ParseIfMatch(h string) (int, error) {
	h = strings.TrimSpace(h)
	if h == "" || h == "*" {
		return 0, nil
	}
	bad := fairshare.FieldError("If-Match", fmt.Sprintf("%q: want the ETag of a version, such as \"v3\"", h))
	if strings.HasPrefix(h, "W/") {
		return 0, fairshare.FieldError("If-Match", "a weak entity tag cannot name a version: send the ETag of GET /api/v1/contributions/{id}")
	}
	t, ok := strings.CutPrefix(h, `"v`)
	if !ok {
		return 0, bad
	}
	t, ok = strings.CutSuffix(t, `"`)
	if !ok {
		return 0, bad
	}
	t = strings.TrimSuffix(t, "-gz")
	n, err := strconv.Atoi(t)
	if err != nil || n < 1 {
		return 0, bad
	}
	return n, nil
}
