// Package ledgerio reads and writes contributions as CSV and JSON, the
// documented exchange formats of the ledger.
//
// CSV columns (header required, any order, names case-insensitive):
//
//	required: donor,date,amount,currency,category,status,source_url
//	optional: recipient,dataset,description,source_title,publisher,source_date,id
//
// amount is a plain decimal with '.' or ',' as decimal separator and no
// thousands separators; date is YYYY-MM-DD; ';' may separate fields.
package ledgerio

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
)

// Required and Optional are the CSV contract's columns.
var (
	Required = []string{"donor", "date", "amount", "currency", "category", "status", "source_url"}
	Optional = []string{"recipient", "dataset", "description", "source_title", "publisher", "source_date", "id"}
	// Columns is the order export writes.
	Columns = []string{"id", "donor", "recipient", "date", "amount", "currency", "category", "status",
		"dataset", "description", "source_url", "source_title", "publisher", "source_date"}
)

// Checker knows which donors and currencies exist.
type Checker interface {
	KnownDonor(code string) bool
	KnownCurrency(code string) bool
}

// Options set defaults for rows that leave a column out.
type Options struct {
	Dataset   string // default "user"
	Recipient string // default "UKR"
	// ForceDataset puts every row in Dataset, whatever the file says.
	ForceDataset bool
}

const maxText = 4000

// ReadCSV parses and validates a whole file. The first bad row fails it
// with FILE:LINE: field: reason.
func ReadCSV(r io.Reader, name string, chk Checker, opt Options) ([]fairshare.Contribution, error) {
	rd, err := csvio.NewReader(r, name, Required...)
	if err != nil {
		return nil, err
	}
	var out []fairshare.Contribution
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		c, field, err := fromFields(rec.Get, chk, opt)
		if err != nil {
			return nil, csvio.FieldErr(name, rec, field, err)
		}
		out = append(out, c)
	}
}

// fromFields builds and validates one contribution; on error it names the field.
func fromFields(get func(string) string, chk Checker, opt Options) (fairshare.Contribution, string, error) {
	var c fairshare.Contribution
	for _, col := range append(append([]string{}, Required...), Optional...) {
		if v := get(col); len(v) > maxText {
			return c, col, fmt.Errorf("longer than %d bytes", maxText)
		}
	}
	c.ID = get("id")
	c.Donor = strings.ToUpper(get("donor"))
	if c.Donor == "" {
		return c, "donor", errors.New("required")
	}
	if chk != nil && !chk.KnownDonor(c.Donor) {
		return c, "donor", fmt.Errorf("unknown donor %q (see 'fairshare donors list')", c.Donor)
	}
	c.Recipient = strings.ToUpper(get("recipient"))
	if c.Recipient == "" {
		c.Recipient = opt.Recipient
		if c.Recipient == "" {
			c.Recipient = "UKR"
		}
	}
	d, err := fairshare.ParseDate(get("date"))
	if err != nil {
		return c, "date", err
	}
	c.Date = d
	c.Currency = strings.ToUpper(get("currency"))
	if len(c.Currency) != 3 || (chk != nil && !chk.KnownCurrency(c.Currency)) {
		return c, "currency", fmt.Errorf("unknown currency %q (no reference rates for it)", get("currency"))
	}
	a, err := fairshare.ParseAmount(get("amount"), c.Currency)
	if err != nil {
		return c, "amount", err
	}
	if err := fairshare.CheckPositive(a, get("amount")); err != nil {
		return c, "amount", err
	}
	c.Amount = a
	cat, err := fairshare.ParseCategory(strings.ToLower(get("category")))
	if err != nil {
		return c, "category", errors.New(err.(*fairshare.Error).Message)
	}
	c.Category = cat
	st, err := fairshare.ParseStatus(strings.ToLower(get("status")))
	if err != nil {
		return c, "status", errors.New(err.(*fairshare.Error).Message)
	}
	c.Status = st
	c.Dataset = get("dataset")
	if c.Dataset == "" || opt.ForceDataset {
		c.Dataset = opt.Dataset
		if c.Dataset == "" {
			c.Dataset = fairshare.DefaultDataset
		}
	}
	if !fairshare.ValidID(c.Dataset) {
		return c, "dataset", fairshare.InvalidIDError(c.Dataset)
	}
	c.Description = get("description")
	c.Source = fairshare.Source{URL: get("source_url"), Title: get("source_title"), Publisher: get("publisher"), Date: get("source_date")}
	if err := fairshare.CheckSourceURL(c.Source.URL); err != nil {
		return c, "source_url", err
	}
	if c.Source.Date != "" {
		if _, err := fairshare.ParseDate(c.Source.Date); err != nil {
			return c, "source_date", err
		}
	}
	if c.ID != "" && !fairshare.ValidID(c.ID) {
		return c, "id", fairshare.InvalidIDError(c.ID)
	}
	if err := c.Validate(); err != nil {
		var fe *fairshare.Error
		if errors.As(err, &fe) {
			return c, fe.Field, errors.New(fe.Message)
		}
		return c, "", err
	}
	return c, "", nil
}

// WriteCSV writes contributions in Columns order with a '.' decimal point.
// Text cells that a spreadsheet would evaluate are defused.
func WriteCSV(w io.Writer, cs []fairshare.Contribution) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, c := range cs {
		rec := []string{c.ID, c.Donor, c.Recipient, c.Date.String(), c.Amount.Format(c.Currency), c.Currency,
			string(c.Category), string(c.Status), c.Dataset, c.Description, c.Source.URL, c.Source.Title,
			c.Source.Publisher, c.Source.Date}
		for i := range rec {
			rec[i] = csvio.SafeCell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// JSONContribution is the JSON exchange form: amount as a decimal string.
type JSONContribution struct {
	ID          string `json:"id,omitempty"`
	Version     int    `json:"version,omitempty"`
	Donor       string `json:"donor"`
	Recipient   string `json:"recipient,omitempty"`
	Date        string `json:"date"`
	Amount      string `json:"amount"`
	Currency    string `json:"currency"`
	Category    string `json:"category"`
	Status      string `json:"status"`
	Dataset     string `json:"dataset,omitempty"`
	Description string `json:"description,omitempty"`
	SourceURL   string `json:"source_url"`
	SourceTitle string `json:"source_title,omitempty"`
	Publisher   string `json:"publisher,omitempty"`
	SourceDate  string `json:"source_date,omitempty"`
	RecordedAt  string `json:"recorded_at,omitempty"`
	Deleted     bool   `json:"deleted,omitempty"`
	Author      string `json:"author,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// ToJSON converts a contribution to its JSON form.
func ToJSON(c fairshare.Contribution) JSONContribution {
	j := JSONContribution{ID: c.ID, Version: c.Version, Donor: c.Donor, Recipient: c.Recipient, Date: c.Date.String(),
		Amount: c.Amount.Format(c.Currency), Currency: c.Currency, Category: string(c.Category), Status: string(c.Status),
		Dataset: c.Dataset, Description: c.Description, SourceURL: c.Source.URL, SourceTitle: c.Source.Title,
		Publisher: c.Source.Publisher, SourceDate: c.Source.Date, Deleted: c.Deleted, Author: c.Author, Reason: c.Reason}
	if !c.RecordedAt.IsZero() {
		j.RecordedAt = c.RecordedAt.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
	}
	return j
}

// FromJSON validates one JSON contribution as ReadCSV validates a row.
func FromJSON(j JSONContribution, chk Checker, opt Options) (fairshare.Contribution, string, error) {
	m := map[string]string{"id": j.ID, "donor": j.Donor, "recipient": j.Recipient, "date": j.Date, "amount": j.Amount,
		"currency": j.Currency, "category": j.Category, "status": j.Status, "dataset": j.Dataset,
		"description": j.Description, "source_url": j.SourceURL, "source_title": j.SourceTitle,
		"publisher": j.Publisher, "source_date": j.SourceDate}
	return FromMap(m, chk, opt)
}

// FromMap validates one contribution given as CSV column names to values.
func FromMap(m map[string]string, chk Checker, opt Options) (fairshare.Contribution, string, error) {
	return fromFields(func(k string) string { return strings.TrimSpace(m[k]) }, chk, opt)
}

// ReadJSON reads a JSON array of contributions.
func ReadJSON(r io.Reader, name string, chk Checker, opt Options) ([]fairshare.Contribution, error) {
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	var js []JSONContribution
	if err := dec.Decode(&js); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make([]fairshare.Contribution, 0, len(js))
	for i, j := range js {
		c, field, err := FromJSON(j, chk, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: item %d: %s: %w", name, i+1, field, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// WriteJSON writes contributions as a JSON array.
func WriteJSON(w io.Writer, cs []fairshare.Contribution) error {
	js := make([]JSONContribution, len(cs))
	for i, c := range cs {
		js[i] = ToJSON(c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(js)
}
