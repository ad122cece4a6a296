package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// Request body limits: one contribution or target is a few kilobytes; an
// import is a whole file.
const (
	MaxJSONBody   = 1 << 20
	MaxImportBody = 32 << 20
)

// ETOOLARGE is the error code of a request body over its limit (413).
const ETOOLARGE = httpx.ETOOLARGE

type userKey struct{}

// userOf is the user wrap authorized (zero for anonymous reads).
func userOf(r *http.Request) fairshare.User {
	u, _ := r.Context().Value(userKey{}).(fairshare.User)
	return u
}

func withUser(r *http.Request, u fairshare.User) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), userKey{}, u))
}

// readBody reads at most limit bytes of the body; more is ETOOLARGE.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return nil, bodyError(err, limit)
	}
	return b, nil
}

func bodyError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fairshare.Errorf(ETOOLARGE, "request body larger than %d bytes", limit)
	}
	return fairshare.Errorf(fairshare.EINVALID, "reading the request body: %v", err)
}

// decodeStrict decodes exactly one JSON value from b into dst; unknown
// fields, wrong types and trailing data are 400s naming the field.
func decodeStrict(b []byte, dst any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return fairshare.Errorf(fairshare.EINVALID, "empty request body: want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fairshare.Errorf(fairshare.EINVALID, "malformed JSON at byte %d: %v", se.Offset, se)
		case errors.As(err, &te):
			return fairshare.FieldError(te.Field, fmt.Sprintf("want a JSON %s, got %s", te.Type.Kind(), te.Value))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return fairshare.FieldError(f, "unknown field")
		}
		return fairshare.Errorf(fairshare.EINVALID, "malformed JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fairshare.Errorf(fairshare.EINVALID, "trailing data after the JSON value")
	}
	return nil
}

// ContributionInput is the body of POST /api/v1/contributions: a
// contribution in the exchange form plus the reason for recording it.
type ContributionInput struct {
	ledgerio.JSONContribution
	Reason string `json:"reason"`
}

// writeVersion sends one version of a contribution with its ETag, which
// If-Match names to make an edit against that version.
func writeVersion(w http.ResponseWriter, r *http.Request, c fairshare.Contribution) error {
	b, err := marshal(ledgerio.ToJSON(c))
	if err != nil {
		return err
	}
	httpx.ServeBytes(w, r, "application/json; charset=utf-8", b, httpx.VersionETag(c.Version), "no-cache")
	return nil
}

// writeChanged sends the version a write recorded: never cached.
func writeChanged(w http.ResponseWriter, status int, c fairshare.Contribution) error {
	w.Header().Set("ETag", httpx.VersionETag(c.Version))
	return writeResult(w, status, ledgerio.ToJSON(c))
}

func (s *server) addContribution(w http.ResponseWriter, r *http.Request, q query) error {
	b, err := readBody(w, r, MaxJSONBody)
	if err != nil {
		return err
	}
	var in ContributionInput
	if err := decodeStrict(b, &in); err != nil {
		return err
	}
	reason, err := reasonText(in.Reason)
	if err != nil {
		return err
	}
	j := in.JSONContribution
	for _, f := range []struct {
		name string
		set  bool
	}{{"version", j.Version != 0}, {"recorded_at", j.RecordedAt != ""}, {"deleted", j.Deleted}, {"author", j.Author != ""}} {
		if f.set {
			return fairshare.FieldError(f.name, "set by the server, not the client")
		}
	}
	c, err := s.app.AddContribution(r.Context(), j, fairshare.Change{Author: userOf(r).Name, Role: userOf(r).Role, Reason: reason})
	if fairshare.ErrorCode(err) == fairshare.ECONFLICT {
		return fairshare.Errorf(fairshare.ECONFLICT, "contribution %s is already recorded (same id, or same content); correct it with PATCH or PUT", c.ID)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/contributions/"+c.ID)
	return writeChanged(w, http.StatusCreated, c)
}

// ContributionPatch is the body of PUT /api/v1/contributions/{id}: the
// fields given replace the current ones in a new version.
type ContributionPatch struct {
	Donor       *string `json:"donor"`
	Recipient   *string `json:"recipient"`
	Date        *string `json:"date"`
	Amount      *string `json:"amount"`
	Currency    *string `json:"currency"`
	Category    *string `json:"category"`
	Status      *string `json:"status"`
	Dataset     *string `json:"dataset"`
	Description *string `json:"description"`
	SourceURL   *string `json:"source_url"`
	SourceTitle *string `json:"source_title"`
	Publisher   *string `json:"publisher"`
	SourceDate  *string `json:"source_date"`
	Reason      string  `json:"reason"`
}

// Patch returns the fields given, by name.
func (p ContributionPatch) Patch() app.ContributionPatch {
	out := app.ContributionPatch{}
	for name, v := range map[string]*string{"donor": p.Donor, "recipient": p.Recipient, "date": p.Date, "amount": p.Amount,
		"currency": p.Currency, "category": p.Category, "status": p.Status, "dataset": p.Dataset,
		"description": p.Description, "source_url": p.SourceURL, "source_title": p.SourceTitle,
		"publisher": p.Publisher, "source_date": p.SourceDate} {
		if v != nil {
			out[name] = *v
		}
	}
	return out
}

// baseVersion reads If-Match: the version an edit was made against (0:
// none given, apply to the newest).
func baseVersion(r *http.Request) (int, error) {
	if len(r.Header.Values("If-Match")) > 1 {
		return 0, fairshare.FieldError("If-Match", "given more than once: name one version")
	}
	return httpx.ParseIfMatch(r.Header.Get("If-Match"))
}

// amendContribution is PUT: the fields the body gives replace the current
// ones; If-Match (optional) names the version the change was made against.
func (s *server) amendContribution(w http.ResponseWriter, r *http.Request, q query) error {
	base, err := baseVersion(r)
	if err != nil {
		return err
	}
	b, err := readBody(w, r, MaxJSONBody)
	if err != nil {
		return err
	}
	var p ContributionPatch
	if err := decodeStrict(b, &p); err != nil {
		return err
	}
	return s.edit(w, r, base, p.Patch(), p.Reason)
}

// patchContribution is PATCH with JSON merge-patch semantics (RFC 7396) on
// the named fields: a string sets a field, null clears it (refused for a
// required one), fields not named keep their value.
func (s *server) patchContribution(w http.ResponseWriter, r *http.Request, q query) error {
	base, err := baseVersion(r)
	if err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/merge-patch+json") && !strings.HasPrefix(ct, "application/json") {
		return fairshare.Errorf(fairshare.EINVALID, "Content-Type %q: want application/merge-patch+json", ct)
	}
	b, err := readBody(w, r, MaxJSONBody)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := decodeStrict(b, &fields); err != nil {
		return err
	}
	if fields == nil {
		return fairshare.Errorf(fairshare.EINVALID, "want a JSON object naming the fields that change")
	}
	p := app.ContributionPatch{}
	var reason string
	for name, raw := range fields {
		var v *string
		if err := json.Unmarshal(raw, &v); err != nil {
			return fairshare.FieldError(name, "want a string or null")
		}
		if name == "reason" {
			if v != nil {
				reason = *v
			}
			continue
		}
		if v == nil {
			p[name] = ""
		} else {
			p[name] = *v
		}
	}
	return s.edit(w, r, base, p, reason)
}

func (s *server) edit(w http.ResponseWriter, r *http.Request, base int, p app.ContributionPatch, reason string) error {
	reason, err := reasonText(reason)
	if err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	out, err := s.app.EditContribution(r.Context(), r.PathValue("id"), base, p, fairshare.Change{Author: userOf(r).Name, Role: userOf(r).Role, Reason: reason})
	if err != nil {
		return err
	}
	return writeChanged(w, http.StatusOK, out)
}

func (s *server) deleteContribution(w http.ResponseWriter, r *http.Request, q query) error {
	base, ch, err := baseAndReason(w, r, q)
	if err != nil {
		return err
	}
	out, err := s.app.RemoveContribution(r.Context(), r.PathValue("id"), base, ch)
	if err != nil {
		return err
	}
	return writeChanged(w, http.StatusOK, out)
}

// baseAndReason reads what a delete or a restore needs: the base version
// from If-Match and the reason from a JSON body {"reason": ...} or ?reason=.
func baseAndReason(w http.ResponseWriter, r *http.Request, q query) (int, fairshare.Change, error) {
	base, err := baseVersion(r)
	if err != nil {
		return 0, fairshare.Change{}, err
	}
	b, err := readBody(w, r, MaxJSONBody)
	if err != nil {
		return 0, fairshare.Change{}, err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if len(bytes.TrimSpace(b)) > 0 {
		if err := decodeStrict(b, &in); err != nil {
			return 0, fairshare.Change{}, err
		}
	}
	if in.Reason == "" {
		in.Reason = q.v.Get("reason")
	}
	reason, err := reasonText(in.Reason)
	if err != nil {
		return 0, fairshare.Change{}, err
	}
	return base, fairshare.Change{Author: userOf(r).Name, Role: userOf(r).Role, Reason: reason}, nil
}

// importContributions records a CSV or JSON file: all or nothing. The body
// is read as it arrives, bounded by MaxImportBody.
func (s *server) importContributions(w http.ResponseWriter, r *http.Request, q query) error {
	reason, err := reasonText(q.v.Get("reason"))
	if err != nil {
		return err
	}
	opt := ledgerio.Options{Dataset: q.str("dataset")}
	switch q.str("force_dataset") {
	case "", "false":
	case "true":
		if opt.Dataset == "" {
			return fairshare.FieldError("force_dataset", "needs dataset")
		}
		opt.ForceDataset = true
	default:
		return fairshare.FieldError("force_dataset", "want true or false")
	}
	if opt.Decimal, err = fairshare.ParseNumberStyle(q.str("decimal")); err != nil {
		return err
	}
	var format app.ImportFormat
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		format = "json"
	}
	release, ok := s.imports.acquire()
	if !ok {
		w.Header().Set("Retry-After", "5")
		return errBusy
	}
	defer release()
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, MaxImportBody)}
	res, err := s.app.ImportContributions(r.Context(), body, "body", format, opt, fairshare.Change{Author: userOf(r).Name, Role: userOf(r).Role, Reason: reason})
	if body.err != nil {
		return bodyError(body.err, MaxImportBody)
	}
	if err != nil {
		return err
	}
	if res.Added+res.Skipped == 0 {
		return fairshare.Errorf(fairshare.EINVALID, "no contributions in the body")
	}
	status := http.StatusOK
	if res.Added > 0 {
		status = http.StatusCreated
	}
	return writeResult(w, status, res)
}

// bodyReader keeps the first read error other than EOF, so a body over
// its limit is told as 413 rather than as the parse error it causes.
type bodyReader struct {
	r   io.Reader
	err error
}

func (c *bodyReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

func (s *server) addTarget(w http.ResponseWriter, r *http.Request, q query) error {
	b, err := readBody(w, r, MaxJSONBody)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := decodeStrict(b, &fields); err != nil {
		return err
	}
	var reason string
	if raw, ok := fields["reason"]; ok {
		if err := json.Unmarshal(raw, &reason); err != nil {
			return fairshare.FieldError("reason", "want a string")
		}
		delete(fields, "reason")
	}
	if reason, err = reasonText(reason); err != nil {
		return err
	}
	if _, ok := fields["built_in"]; ok {
		return fairshare.FieldError("built_in", "set by the server, not the client")
	}
	rest, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	var t fairshare.Target
	if err := decodeStrict(rest, &t); err != nil {
		return err
	}
	t, err = s.app.AddTarget(r.Context(), t, userOf(r).Name, reason)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/targets/"+t.ID)
	return writeResult(w, http.StatusCreated, t.Written())
}

func (s *server) audit(w http.ResponseWriter, r *http.Request, q query) error {
	f := fairshare.AuditFilter{User: q.str("user")}
	if v := q.str("since"); v != "" {
		if d, err := fairshare.ParseDate(v); err == nil {
			f.Since = d.Time()
		} else if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			f.Since = t
		} else {
			return fairshare.FieldError("since", fmt.Sprintf("%q: want YYYY-MM-DD or an RFC 3339 time", v))
		}
	}
	var err error
	if f.Limit, err = q.intIn("limit", 100, 1, 1000); err != nil {
		return err
	}
	es, err := s.app.Audit(r.Context(), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []fairshare.AuditEntry{}
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeResult(w, http.StatusOK, es)
}
