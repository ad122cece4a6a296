package app

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// The ledger's use cases: read, add, import, edit, delete. Every front end
// (CLI, API, dashboard) calls these, so an edit is merged and validated in
// one place, and every write brings the report engine up to date.

// PatchFields are the fields a ContributionPatch may name: the CSV/JSON
// names of a contribution's fields.
var PatchFields = []string{"donor", "recipient", "date", "amount", "currency", "category", "status", "dataset",
	"description", "source_url", "source_title", "publisher", "source_date"}

// ContributionPatch is an edit: the fields it changes, by their CSV/JSON
// names, to their new values as text ("" clears an optional field). Fields
// it does not name keep the value of the version it is applied to.
type ContributionPatch map[string]string

// Check refuses names that are not fields one may change.
func (p ContributionPatch) Check() error {
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !slices.Contains(PatchFields, k) {
			return fairshare.FieldError(k, "not a field that can be changed (want "+strings.Join(PatchFields, ", ")+")")
		}
	}
	if len(p) == 0 {
		return fairshare.Errorf(fairshare.EINVALID, "nothing to change: name the fields that change")
	}
	return nil
}

// Fields returns the names the patch sets, in PatchFields order.
func (p ContributionPatch) Fields() []string {
	var out []string
	for _, f := range PatchFields {
		if _, ok := p[f]; ok {
			out = append(out, f)
		}
	}
	return out
}

// Apply merges the patch into cur and validates the result as a new entry
// is validated: the one merge-then-validate rule of every edit.
func (p ContributionPatch) Apply(cur fairshare.Contribution, chk ledgerio.Checker) (fairshare.Contribution, error) {
	j := ledgerio.ToJSON(cur)
	m := map[string]string{"donor": j.Donor, "recipient": j.Recipient, "date": j.Date, "amount": j.Amount,
		"currency": j.Currency, "category": j.Category, "status": j.Status, "dataset": j.Dataset,
		"description": j.Description, "source_url": j.SourceURL, "source_title": j.SourceTitle,
		"publisher": j.Publisher, "source_date": j.SourceDate}
	for k, v := range p {
		m[k] = v
	}
	c, field, err := ledgerio.FromMap(m, chk, ledgerio.Options{})
	if err != nil {
		return c, fairshare.FieldError(field, err.Error())
	}
	c.ID = cur.ID
	return c, nil
}

// Contribution returns the current version of id as the ledger stood at
// asOf (zero: now); its Version names it for an edit (an ETag).
func (a *App) Contribution(ctx context.Context, id string, asOf time.Time) (fairshare.Contribution, error) {
	return a.store.Contribution(ctx, id, asOf)
}

// ContributionHistory returns every version of id, oldest first.
func (a *App) ContributionHistory(ctx context.Context, id string) ([]fairshare.Contribution, error) {
	return a.store.History(ctx, id)
}

// ListContributions lists the current entries f selects.
func (a *App) ListContributions(ctx context.Context, f fairshare.ContributionFilter) ([]fairshare.Contribution, error) {
	return a.store.Contributions(ctx, f)
}

// ResolveContributionID turns a full id or a unique prefix of at least six
// characters into the id; deleted entries count, so their history can be
// found.
func (a *App) ResolveContributionID(ctx context.Context, prefix string) (string, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if len(prefix) >= 36 {
		return prefix, nil
	}
	if len(prefix) < 6 {
		return "", fairshare.FieldError("id", fmt.Sprintf("%q: give at least 6 characters", prefix))
	}
	if strings.Trim(prefix, "0123456789abcdef-") != "" {
		return "", fairshare.FieldError("id", fmt.Sprintf("%q is not the beginning of an id", prefix))
	}
	ids, err := a.store.ContributionIDs(ctx, prefix, 2)
	if err != nil {
		return "", err
	}
	switch len(ids) {
	case 1:
		return ids[0], nil
	case 0:
		return "", fairshare.Errorf(fairshare.ENOTFOUND, "no contribution %s", prefix)
	}
	return "", fairshare.Errorf(fairshare.EINVALID, "id %s is ambiguous: give more characters", prefix)
}

// AddContribution validates and records one new entry (its id derived from
// its content unless given). An entry already recorded is ECONFLICT.
func (a *App) AddContribution(ctx context.Context, j ledgerio.JSONContribution, ch fairshare.Change) (fairshare.Contribution, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return fairshare.Contribution{}, err
	}
	c, field, err := ledgerio.FromJSON(j, ref, ledgerio.Options{})
	if err != nil {
		return c, fairshare.FieldError(field, err.Error())
	}
	if c.ID == "" {
		c.ID = c.NaturalID()
	}
	res, err := a.AddContributions(ctx, []fairshare.Contribution{c}, ch)
	if err != nil {
		return c, err
	}
	if res.Added == 0 {
		return c, &fairshare.Error{Code: fairshare.ECONFLICT, Field: "id",
			Message: fmt.Sprintf("contribution %s is already recorded (same id, or same content)", c.ID)}
	}
	return a.store.Contribution(ctx, c.ID, time.Time{})
}

// ImportFormat says how an import is written: "csv", "json", or "" to tell
// by the first character (a JSON import is an array).
type ImportFormat string

// ImportContributions reads a CSV or JSON file from r (name is how errors
// name it) and records every entry in one transaction: a bad row changes
// nothing and is EINVALID naming file, line and field; entries already
// recorded are skipped, so importing a file twice adds nothing.
func (a *App) ImportContributions(ctx context.Context, r io.Reader, name string, format ImportFormat, opt ledgerio.Options, ch fairshare.Change) (fairshare.ImportResult, error) {
	if a.sql.RecordsWhileReading() {
		br, format, err := importInput(r, format)
		if err != nil {
			return fairshare.ImportResult{}, err
		}
		return a.importStreaming(ctx, br, name, format, opt, ch) // importpipe.go
	}
	v, err := a.ReadContributions(ctx, r, name, format, opt)
	if err != nil {
		return fairshare.ImportResult{}, err
	}
	defer v.Close()
	return a.RecordImport(ctx, v, ch)
}

// RecordsWhileReading says whether ImportContributions records entries
// while it still reads the file (on PostgreSQL), so that a caller showing
// progress shows the reading, which is then the whole import; otherwise
// ReadContributions and RecordImport are its two halves.
func (a *App) RecordsWhileReading() bool { return a.sql.RecordsWhileReading() }

// ReadContributions is the first half of an import, for a caller that
// shows progress: it reads and validates a whole file without recording
// it; RecordImport then records the result, all or nothing. The caller
// closes what it returns.
func (a *App) ReadContributions(ctx context.Context, r io.Reader, name string, format ImportFormat, opt ledgerio.Options) (*ValidImport, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	br, format, err := importInput(r, format)
	if err != nil {
		return nil, err
	}
	v, err := readImport(br, name, format, ref, opt)
	if err != nil {
		return nil, readError(err)
	}
	return v, nil
}

// importInput buffers r and tells its format when not given ("csv", or
// "json" for a file that starts with '[').
func importInput(r io.Reader, format ImportFormat) (*bufio.Reader, ImportFormat, error) {
	br := bufio.NewReader(r)
	if format == "" {
		format = "csv"
		if startsWithBracket(br) {
			format = "json"
		}
	}
	if format != "json" && format != "csv" {
		return nil, "", fairshare.FieldError("format", fmt.Sprintf("%q: want csv or json", format))
	}
	if b, _ := br.Peek(3); format == "json" && bytes.Equal(b, utf8BOM) {
		br.Discard(3) // JSON has none, but editors on Windows write one
	}
	return br, format, nil
}

// RecordImport records the entries of a validated import (new entries in
// one transaction, as AddContributions) and brings the engine up to date.
func (a *App) RecordImport(ctx context.Context, v *ValidImport, ch fairshare.Change) (fairshare.ImportResult, error) {
	if ch.Role != "" {
		ref, err := a.Reference(ctx)
		if err != nil {
			return fairshare.ImportResult{}, err
		}
		for _, ds := range v.datasets {
			if err := canWrite(ref, ch, ds); err != nil {
				return fairshare.ImportResult{}, err
			}
		}
	}
	res, err := a.sql.AddContributionsFrom(ctx, v.n, v, ch)
	if err == nil {
		_, err = a.freshEngine(ctx, true, nil)
	}
	return res, err
}

// inputError is a bad file: EINVALID, and still the reader's error (with
// its file, line and field) for whoever looks for it.
type inputError struct {
	coded *fairshare.Error
	err   error
}

func (e *inputError) Error() string   { return e.err.Error() }
func (e *inputError) Unwrap() []error { return []error{e.coded, e.err} }

var utf8BOM = []byte("\xEF\xBB\xBF")

// startsWithBracket peeks past a byte order mark and white space for '['.
func startsWithBracket(br *bufio.Reader) bool {
	b, _ := br.Peek(4096) // fewer at the end of the input
	b = bytes.TrimPrefix(b, utf8BOM)
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '['
}

// EditContribution records a new version of id with the fields p names
// changed. base is the version the edit was made against: when the entry
// has changed since, nothing is recorded and the error is a
// *fairshare.VersionConflict carrying the newest version. With base 0 the
// fields are applied to the newest version, whatever it is; either way the
// merge and the write are one transaction, so no concurrent change is lost.
func (a *App) EditContribution(ctx context.Context, id string, base int, p ContributionPatch, ch fairshare.Change) (fairshare.Contribution, error) {
	if err := p.Check(); err != nil {
		return fairshare.Contribution{}, err
	}
	ref, err := a.Reference(ctx)
	if err != nil {
		return fairshare.Contribution{}, err
	}
	out, err := a.store.UpdateContribution(ctx, id, base, ch, func(cur fairshare.Contribution) (fairshare.Contribution, error) {
		if cur.Deleted {
			return cur, fairshare.Errorf(fairshare.ECONFLICT, "contribution %s is deleted", id)
		}
		if err := canWrite(ref, ch, cur.Dataset); err != nil {
			return cur, err
		}
		next, err := p.Apply(cur, ref)
		if err == nil {
			err = canWrite(ref, ch, next.Dataset)
		}
		return next, err
	})
	if err != nil {
		return out, err
	}
	return out, a.refresh(ctx)
}

// RemoveContribution records a deleted version of id (nothing is erased);
// base as for EditContribution.
func (a *App) RemoveContribution(ctx context.Context, id string, base int, ch fairshare.Change) (fairshare.Contribution, error) {
	return a.setDeleted(ctx, id, base, ch, true)
}

// setDeleted records a version of id that is deleted or, restoring it,
// not: the same content otherwise, with who and why. An entry already in
// that state is ECONFLICT.
func (a *App) setDeleted(ctx context.Context, id string, base int, ch fairshare.Change, deleted bool) (fairshare.Contribution, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return fairshare.Contribution{}, err
	}
	out, err := a.store.UpdateContribution(ctx, id, base, ch, func(cur fairshare.Contribution) (fairshare.Contribution, error) {
		if err := canWrite(ref, ch, cur.Dataset); err != nil {
			return cur, err
		}
		if cur.Deleted == deleted {
			state := "not deleted"
			if deleted {
				state = "already deleted"
			}
			return cur, fairshare.Errorf(fairshare.ECONFLICT, "contribution %s is %s", id, state)
		}
		cur.Deleted = deleted
		return cur, nil
	})
	if err != nil {
		return out, err
	}
	return out, a.refresh(ctx)
}

// refresh brings the report engine up to date after a write.
func (a *App) refresh(ctx context.Context) error {
	_, err := a.freshEngine(ctx, true, nil)
	return err
}
