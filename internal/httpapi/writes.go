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
	"github.com/fairshare/fairshare/internal/csvio"
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
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	c, field, err := ledgerio.FromJSON(j, ref, ledgerio.Options{})
	if err != nil {
		return fairshare.FieldError(field, err.Error())
	}
	if c.ID == "" {
		c.ID = c.NaturalID()
	}
	u := userOf(r)
	res, err := s.app.AddContributions(r.Context(), []fairshare.Contribution{c}, fairshare.Change{Author: u.Name, Reason: reason})
	if err != nil {
		return err
	}
	if res.Added == 0 {
		return fairshare.Errorf(fairshare.ECONFLICT, "contribution %s is already recorded (same id, or same content); correct it with PUT", c.ID)
	}
	got, err := s.app.Store.Contribution(r.Context(), c.ID, time.Time{})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/contributions/"+c.ID)
	return writeResult(w, http.StatusCreated, ledgerio.ToJSON(got))
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

// Apply sets the given fields on j and reports whether any was given.
func (p ContributionPatch) Apply(j *ledgerio.JSONContribution) bool {
	any := false
	for _, f := range []struct {
		v   *string
		dst *string
	}{{p.Donor, &j.Donor}, {p.Recipient, &j.Recipient}, {p.Date, &j.Date}, {p.Amount, &j.Amount},
		{p.Currency, &j.Currency}, {p.Category, &j.Category}, {p.Status, &j.Status}, {p.Dataset, &j.Dataset},
		{p.Description, &j.Description}, {p.SourceURL, &j.SourceURL}, {p.SourceTitle, &j.SourceTitle},
		{p.Publisher, &j.Publisher}, {p.SourceDate, &j.SourceDate}} {
		if f.v != nil {
			*f.dst, any = *f.v, true
		}
	}
	return any
}

func (s *server) amendContribution(w http.ResponseWriter, r *http.Request, q query) error {
	b, err := readBody(w, r, MaxJSONBody)
	if err != nil {
		return err
	}
	var p ContributionPatch
	if err := decodeStrict(b, &p); err != nil {
		return err
	}
	reason, err := reasonText(p.Reason)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	cur, err := s.app.Store.Contribution(r.Context(), id, time.Time{})
	if err != nil {
		return err
	}
	j := ledgerio.ToJSON(cur)
	if !p.Apply(&j) {
		return fairshare.Errorf(fairshare.EINVALID, "nothing to correct: give the fields that change (and a reason)")
	}
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	c, field, err := ledgerio.FromJSON(j, ref, ledgerio.Options{})
	if err != nil {
		return fairshare.FieldError(field, err.Error())
	}
	c.ID = id
	out, err := s.app.AmendContribution(r.Context(), c, fairshare.Change{Author: userOf(r).Name, Reason: reason})
	if err != nil {
		return err
	}
	return writeResult(w, http.StatusOK, ledgerio.ToJSON(out))
}

func (s *server) deleteContribution(w http.ResponseWriter, r *http.Request, q query) error {
	b, err := readBody(w, r, MaxJSONBody)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if len(bytes.TrimSpace(b)) > 0 {
		if err := decodeStrict(b, &in); err != nil {
			return err
		}
	}
	if in.Reason == "" {
		in.Reason = q.v.Get("reason")
	}
	reason, err := reasonText(in.Reason)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.app.DeleteContribution(r.Context(), id, fairshare.Change{Author: userOf(r).Name, Reason: reason}); err != nil {
		return err
	}
	hs, err := s.app.Store.History(r.Context(), id)
	if err != nil {
		return err
	}
	return writeResult(w, http.StatusOK, ledgerio.ToJSON(hs[len(hs)-1]))
}

// importContributions records a CSV or JSON file: all or nothing.
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
	body, err := readBody(w, r, MaxImportBody)
	if err != nil {
		return err
	}
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	var cs []fairshare.Contribution
	if t := bytes.TrimSpace(body); strings.HasPrefix(ct, "application/json") || len(t) > 0 && t[0] == '[' {
		cs, err = ledgerio.ReadJSON(bytes.NewReader(body), "body", ref, opt)
	} else {
		cs, err = ledgerio.ReadCSV(bytes.NewReader(body), "body", ref, opt)
	}
	if err != nil {
		fe := &fairshare.Error{Code: fairshare.EINVALID, Message: err.Error()}
		var ce *csvio.Error
		if errors.As(err, &ce) {
			fe.Field = ce.Field
		}
		return fe
	}
	if len(cs) == 0 {
		return fairshare.Errorf(fairshare.EINVALID, "no contributions in the body")
	}
	res, err := s.app.AddContributions(r.Context(), cs, fairshare.Change{Author: userOf(r).Name, Reason: reason})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Added > 0 {
		status = http.StatusCreated
	}
	return writeResult(w, status, res)
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
