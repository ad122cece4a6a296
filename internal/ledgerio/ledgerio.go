// Package ledgerio reads and writes contributions as CSV and JSON, the
// documented exchange formats of the ledger.
//
// CSV columns (header required, any order, names case-insensitive):
//
//	required: donor,date,amount,currency,category,status,source_url
//	optional: recipient,dataset,description,source_title,publisher,source_date,id
//
// amount is a plain decimal with '.' or ',' as decimal separator and no
// thousands separators, unless the number style is stated (Options.Decimal):
// then separators of the other kind group thousands. Without a stated style
// an amount whose only separator is followed by exactly three digits
// ("1.000") is refused as ambiguous. date is YYYY-MM-DD; ';' may separate
// fields. Cells an export defused against spreadsheet formulas ("'=...")
// are read back without the quote.
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
	// Decimal is the number style of amounts, if the user stated it.
	Decimal fairshare.NumberStyle
}

// ReadCSV parses and validates a whole file. The first bad row fails it
// with FILE:LINE: field: reason.
func ReadCSV(r io.Reader, name string, chk Checker, opt Options) ([]fairshare.Contribution, error) {
	rd, err := csvio.NewReader(r, name, Required...)
	if err != nil {
		return nil, err
	}
	var out []fairshare.Contribution
	err = eachCSV(rd, name, chk, opt, func(c fairshare.Contribution) error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachCSV parses and validates a file row by row, handing each contribution
// to fn as it is read, so a caller can stop early or keep less than the whole
// file. The first bad row, or an error of fn, ends it.
func EachCSV(r io.Reader, name string, chk Checker, opt Options, fn func(fairshare.Contribution) error) error {
	rd, err := csvio.NewReader(r, name, Required...)
	if err != nil {
		return err
	}
	return eachCSV(rd, name, chk, opt, fn)
}

func eachCSV(rd *csvio.Reader, name string, chk Checker, opt Options, fn func(fairshare.Contribution) error) error {
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var f cells
		for i, col := range cellCols {
			f[i] = csvio.UndoSafeCell(rec.Get(col))
		}
		c, field, err := fromCells(&f, chk, opt)
		if err != nil {
			return csvio.FieldErr(name, rec, field, err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
}

// cells are the values of one entry's columns, in cellCols order: each
// column is looked up once a row.
type cells [15]string

// cellCols are Required, then Optional, then "deleted".
var cellCols = append(append(append([]string{}, Required...), Optional...), "deleted")

const (
	cDonor = iota
	cDate
	cAmount
	cCurrency
	cCategory
	cStatus
	cSourceURL
	cRecipient
	cDataset
	cDescription
	cSourceTitle
	cPublisher
	cSourceDate
	cID
	cDeleted
)

func init() {
	// The constants above name cellCols' places.
	for i, col := range []string{"donor", "date", "amount", "currency", "category", "status", "source_url",
		"recipient", "dataset", "description", "source_title", "publisher", "source_date", "id", "deleted"} {
		if cellCols[i] != col {
			panic("ledgerio: cellCols out of order at " + col)
		}
	}
}

// fromFields builds and validates one contribution; on error it names the field.
func fromFields(get func(string) string, chk Checker, opt Options) (fairshare.Contribution, string, error) {
	var f cells
	for i, col := range cellCols {
		f[i] = get(col)
	}
	return fromCells(&f, chk, opt)
}

// fromCells builds and validates one contribution; on error it names the field.
func fromCells(f *cells, chk Checker, opt Options) (fairshare.Contribution, string, error) {
	var c fairshare.Contribution
	for i, col := range cellCols[:cDeleted] {
		if err := fairshare.CheckText(col, f[i]); err != nil {
			return c, col, errors.New(err.(*fairshare.Error).Message)
		}
	}
	if strings.EqualFold(f[cDeleted], "true") {
		// A history export holds deleted versions: importing one as a live
		// entry would bring back what was deleted.
		return c, "deleted", errors.New("a deleted version (from a history export) cannot be imported as an entry")
	}
	c.ID = f[cID]
	c.Donor = strings.ToUpper(f[cDonor])
	if c.Donor == "" {
		return c, "donor", fairshare.ErrRequired
	}
	if chk != nil && !chk.KnownDonor(c.Donor) {
		return c, "donor", fairshare.UnknownDonorError(c.Donor)
	}
	c.Recipient = strings.ToUpper(f[cRecipient])
	if c.Recipient == "" {
		c.Recipient = opt.Recipient
		if c.Recipient == "" {
			c.Recipient = "UKR"
		}
	}
	d, err := fairshare.ParseDate(f[cDate])
	if err != nil {
		return c, "date", err
	}
	c.Date = d
	c.Currency = strings.ToUpper(f[cCurrency])
	if len(c.Currency) != 3 || (chk != nil && !chk.KnownCurrency(c.Currency)) {
		return c, "currency", fmt.Errorf("unknown currency %q (no reference rates for it)", f[cCurrency])
	}
	a, err := fairshare.ParseAmountStyle(f[cAmount], c.Currency, opt.Decimal)
	if err != nil {
		return c, "amount", err
	}
	if err := fairshare.CheckPositive(a, f[cAmount]); err != nil {
		return c, "amount", err
	}
	c.Amount = a
	cat, err := fairshare.ParseCategory(strings.ToLower(f[cCategory]))
	if err != nil {
		return c, "category", errors.New(err.(*fairshare.Error).Message)
	}
	c.Category = cat
	st, err := fairshare.ParseStatus(strings.ToLower(f[cStatus]))
	if err != nil {
		return c, "status", errors.New(err.(*fairshare.Error).Message)
	}
	c.Status = st
	c.Dataset = f[cDataset]
	if c.Dataset == "" || opt.ForceDataset {
		c.Dataset = opt.Dataset
		if c.Dataset == "" {
			c.Dataset = fairshare.DefaultDataset
		}
	}
	if !fairshare.ValidID(c.Dataset) {
		return c, "dataset", fairshare.InvalidIDError(c.Dataset)
	}
	c.Description = f[cDescription]
	c.Source = fairshare.Source{URL: f[cSourceURL], Title: f[cSourceTitle], Publisher: f[cPublisher], Date: f[cSourceDate]}
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

// HistoryColumns is the order WriteHistoryCSV writes: the export columns and
// what tells versions apart.
var HistoryColumns = append(append([]string{}, Columns...), "version", "recorded_at", "deleted", "author", "reason")

// WriteHistoryCSV writes versions of contributions with their version
// number, time, deletion mark, author and reason, so that a deletion never
// reads as a live duplicate. Text cells are defused as in WriteCSV.
func WriteHistoryCSV(w io.Writer, vs []fairshare.Contribution) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(HistoryColumns); err != nil {
		return err
	}
	for _, c := range vs {
		j := ToJSON(c)
		rec := []string{c.ID, c.Donor, c.Recipient, c.Date.String(), c.Amount.Format(c.Currency), c.Currency,
			string(c.Category), string(c.Status), c.Dataset, c.Description, c.Source.URL, c.Source.Title,
			c.Source.Publisher, c.Source.Date, fmt.Sprint(c.Version), j.RecordedAt, fmt.Sprint(c.Deleted), c.Author, c.Reason}
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

// MaxJSONBytes bounds a JSON import.
const MaxJSONBytes = 256 << 20

// ReadJSON reads a JSON array of contributions. Unknown fields, wrong types
// and data after the array are refused, naming the item.
func ReadJSON(r io.Reader, name string, chk Checker, opt Options) ([]fairshare.Contribution, error) {
	var out []fairshare.Contribution
	err := EachJSON(r, name, chk, opt, func(c fairshare.Contribution) error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachJSON reads a JSON array of contributions item by item, handing each to
// fn as it is decoded, so that memory does not grow with the file.
func EachJSON(r io.Reader, name string, chk Checker, opt Options, fn func(fairshare.Contribution) error) error {
	dec := json.NewDecoder(io.LimitReader(r, MaxJSONBytes))
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("%s: want a JSON array of contributions", name)
	}
	for i := 1; dec.More(); i++ {
		var j JSONContribution
		if err := dec.Decode(&j); err != nil {
			return fmt.Errorf("%s: item %d: %w", name, i, err)
		}
		c, field, err := FromJSON(j, chk, opt)
		if err != nil {
			return fmt.Errorf("%s: item %d: %s: %w", name, i, field, err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%s: data after the array", name)
	}
	return nil
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
