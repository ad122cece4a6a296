// Package fairshare holds the domain of the burden-sharing ledger: money,
// contributions, targets, keys and reports. It knows nothing of SQL or HTTP;
// storage and transport live in internal packages that depend on it.
package fairshare

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Category is what a contribution paid for. The first seven are the counted
// costs of NATO's 2024 Washington pledge; financial and humanitarian aid can be
// recorded but no built-in target counts them.
type Category string

const (
	EquipmentPurchase    Category = "equipment-purchase"
	InKind               Category = "in-kind"
	MaintenanceLogistics Category = "maintenance-logistics"
	Training             Category = "training"
	Operations           Category = "operations"
	DefenceIndustry      Category = "defence-industry"
	NATOTrustFund        Category = "nato-trust-fund"
	Financial            Category = "financial"
	Humanitarian         Category = "humanitarian"
)

// Categories lists every category id in documentation order.
var Categories = []Category{EquipmentPurchase, InKind, MaintenanceLogistics, Training,
	Operations, DefenceIndustry, NATOTrustFund, Financial, Humanitarian}

// MilitaryCategories are the seven counted-cost categories of the NATO pledge.
var MilitaryCategories = Categories[:7]

// ParseCategory validates a category id.
func ParseCategory(s string) (Category, error) {
	for _, c := range Categories {
		if string(c) == s {
			return c, nil
		}
	}
	return "", Errorf(EINVALID, "unknown category %q (want one of %s)", s, joinCats(Categories))
}

func joinCats(cs []Category) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// Status is how far a contribution has gone from promise to delivery.
type Status string

const (
	Pledged   Status = "pledged"
	Committed Status = "committed"
	Delivered Status = "delivered"
)

// Statuses lists every status in order of progress.
var Statuses = []Status{Pledged, Committed, Delivered}

// ParseStatus validates a status id.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", Errorf(EINVALID, "unknown status %q (want pledged, committed or delivered)", s)
}

// Source says where a figure comes from.
type Source struct {
	URL       string `json:"url"`
	Publisher string `json:"publisher,omitempty"`
	Title     string `json:"title,omitempty"`
	Date      string `json:"date,omitempty"` // YYYY-MM-DD as published
}

// Contribution is one version of one ledger entry. Versions are never
// overwritten: an edit or a deletion is a new version with a later RecordedAt.
type Contribution struct {
	ID          string   `json:"id"`
	Version     int      `json:"version"`
	Donor       string   `json:"donor"`     // ISO 3166-1 alpha-3, or EUI for EU institutions
	Recipient   string   `json:"recipient"` // default UKR
	Date        Date     `json:"date"`
	Amount      Amount   `json:"amount"` // minor units of Currency
	Currency    string   `json:"currency"`
	Category    Category `json:"category"`
	Status      Status   `json:"status"`
	Dataset     string   `json:"dataset"`
	Description string   `json:"description,omitempty"`
	Source      Source   `json:"source"`

	RecordedAt time.Time `json:"recorded_at"`
	Deleted    bool      `json:"deleted,omitempty"`
	Author     string    `json:"author,omitempty"`
	Reason     string    `json:"reason,omitempty"`
}

// NaturalID derives a stable id from the content of an entry, so that
// importing the same row twice yields the same id and adds nothing.
func (c *Contribution) NaturalID() string {
	// The bytes of fmt's "%s|%s|%s|%s|%d|%s|%s|%s|%s|%s" over the same
	// fields (ids already recorded depend on them), built without fmt: an
	// import of millions of rows hashes every one.
	var arr [256]byte
	b := arr[:0]
	for _, s := range [...]string{c.Dataset, c.Donor, c.Recipient} {
		b = append(b, s...)
		b = append(b, '|')
	}
	b = c.Date.AppendISO(b)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(c.Amount), 10)
	for _, s := range [...]string{c.Currency, string(c.Category), string(c.Status), c.Source.URL, c.Description} {
		b = append(b, '|')
		b = append(b, s...)
	}
	sum := sha256.Sum256(b)
	return uuidFromHash(sum[:])
}

// uuidFromHash formats the first 16 bytes of a hash as a version-5-style UUID,
// portable across SQLite and PostgreSQL without sequences.
func uuidFromHash(b []byte) string {
	var u [16]byte
	copy(u[:], b)
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	hex.Encode(s[9:13], u[4:6])
	hex.Encode(s[14:18], u[6:8])
	hex.Encode(s[19:23], u[8:10])
	hex.Encode(s[24:36], u[10:16])
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return string(s[:])
}

// Validate checks the fields a contribution must have. Currency and donor
// existence are checked against reference data by the caller.
func (c *Contribution) Validate() error {
	switch {
	case c.Donor == "":
		return FieldError("donor", "required")
	case c.Date.IsZero():
		return FieldError("date", "required")
	case c.Amount <= 0:
		return FieldError("amount", "must be positive")
	case len(c.Currency) != 3 || strings.ToUpper(c.Currency) != c.Currency:
		return FieldError("currency", fmt.Sprintf("%q is not an ISO 4217 code", c.Currency))
	case c.Dataset == "":
		return FieldError("dataset", "required")
	}
	if err := c.CheckTexts(); err != nil {
		return err
	}
	if _, err := ParseCategory(string(c.Category)); err != nil {
		return FieldError("category", err.Error())
	}
	if _, err := ParseStatus(string(c.Status)); err != nil {
		return FieldError("status", err.Error())
	}
	return nil
}
