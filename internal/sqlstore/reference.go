package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/fairshare/fairshare"
)

func formatCurrencies(ps []fairshare.CurrencyPeriod) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Code
		if !p.From.IsZero() {
			parts[i] += "@" + p.From.String()
		}
	}
	return strings.Join(parts, ";")
}

// ParseCurrencies reads "HRK;EUR@2023-01-01".
func ParseCurrencies(s string) ([]fairshare.CurrencyPeriod, error) {
	var out []fairshare.CurrencyPeriod
	for _, part := range strings.Split(s, ";") {
		code, from, _ := strings.Cut(strings.TrimSpace(part), "@")
		p := fairshare.CurrencyPeriod{Code: code}
		if len(code) != 3 {
			return nil, fmt.Errorf("currency %q is not an ISO 4217 code", code)
		}
		if from != "" {
			d, err := fairshare.ParseDate(from)
			if err != nil {
				return nil, err
			}
			p.From = d
		}
		out = append(out, p)
	}
	return out, nil
}

// LoadReference replaces the reference tables in one transaction. Rates are
// only added: a rate once published does not change.
//
// Concurrent loads (two instances starting on one fresh PostgreSQL database)
// are serialised by first writing a lock row in meta: the second waits there,
// and its deletes then see, and remove, what the first inserted.
func (s *Store) LoadReference(ctx context.Context, r fairshare.ReferenceData) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('lock:reference', '')
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM donors`, `DELETE FROM indicators`, `DELETE FROM policies`,
			`DELETE FROM targets WHERE built_in = 1`, `DELETE FROM datasets WHERE shipped = 1`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for _, d := range r.Donors {
			acc := ""
			if !d.NATOAccession.IsZero() {
				acc = d.NATOAccession.String()
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO donors (code, name_en, name_da, kind, nato_accession, currencies, publisher, title, source_date, url)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, d.Code, d.NameEN, d.NameDA, d.Kind, acc, formatCurrencies(d.Currencies),
				d.Source.Publisher, d.Source.Title, d.Source.Date, d.Source.URL); err != nil {
				return fmt.Errorf("donor %s: %w", d.Code, err)
			}
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO indicators (kind, donor, year, value, note, vintage, publisher, title, source_date, url)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, i := range r.Indicators {
			if _, err := stmt.ExecContext(ctx, i.Kind, i.Donor, i.Year, i.Value, i.Note, i.Vintage,
				i.Source.Publisher, i.Source.Title, i.Source.Date, i.Source.URL); err != nil {
				return fmt.Errorf("indicator %s %s %d: %w", i.Kind, i.Donor, i.Year, err)
			}
		}
		for _, p := range r.Policies {
			if _, err := tx.ExecContext(ctx, `INSERT INTO policies (donor, day, status, scope, scope_da, publisher, title, source_date, url)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`, p.Donor, p.Date.String(), p.Status, p.Scope, p.ScopeDA,
				p.Source.Publisher, p.Source.Title, p.Source.Date, p.Source.URL); err != nil {
				return fmt.Errorf("policy %s %s: %w", p.Donor, p.Date, err)
			}
		}
		keepT, keepD := map[string]bool{}, map[string]bool{}
		for _, t := range r.Targets {
			t.BuiltIn = true
			keepT[t.ID] = true
			if err := putTarget(ctx, tx, t); err != nil {
				return err
			}
		}
		for _, d := range r.Datasets {
			keepD[d.ID] = true
			if err := putDataset(ctx, tx, d, 1); err != nil {
				return err
			}
		}
		dropped := fairshare.Change{Author: shippedAuthor, Reason: "no longer in the shipped reference data"}
		if err := markDropped(ctx, tx, kindTarget, keepT, dropped); err != nil {
			return err
		}
		if err := markDropped(ctx, tx, kindDataset, keepD, dropped); err != nil {
			return err
		}
		if _, err = addRates(ctx, tx, r.Rates); err != nil {
			return err
		}
		return bumpReference(ctx, tx)
	})
}

func addRates(ctx context.Context, tx *sql.Tx, rs []fairshare.Rate) (int, error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO rates (currency, period, rate, publisher, title, source_date, url)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	n := 0
	for _, r := range rs {
		res, err := stmt.ExecContext(ctx, r.Currency, r.Period, r.Rate, r.Source.Publisher, r.Source.Title, r.Source.Date, r.Source.URL)
		if err != nil {
			return n, fmt.Errorf("rate %s %s: %w", r.Currency, r.Period, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// AddRates adds rates for periods not yet recorded.
func (s *Store) AddRates(ctx context.Context, rs []fairshare.Rate) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = addRates(ctx, tx, rs); err != nil || n == 0 {
			return err
		}
		return bumpReference(ctx, tx)
	})
	return n, err
}

// MetaReferenceStamp names the meta value that changes with every write to
// reference data, so that processes caching it (servers behind one
// PostgreSQL) notice writes made by others.
const MetaReferenceStamp = "reference_stamp"

func bumpReference(ctx context.Context, tx *sql.Tx) error {
	b := make([]byte, 8)
	rand.Read(b)
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, MetaReferenceStamp, hex.EncodeToString(b))
	return err
}

// ReferenceStamp returns the current reference stamp ("" before any write).
func (s *Store) ReferenceStamp(ctx context.Context) (string, error) {
	return s.Meta(ctx, MetaReferenceStamp)
}

// shippedChange is who and why for reference data that comes with a release.
var shippedChange = fairshare.Change{Author: shippedAuthor, Reason: "shipped reference data"}

func putTarget(ctx context.Context, tx *sql.Tx, t fairshare.Target) error {
	return putTargetBy(ctx, tx, t, shippedChange)
}

// putTargetBy writes the target in force and records it as a new version.
func putTargetBy(ctx context.Context, tx *sql.Tx, t fairshare.Target, ch fairshare.Change) error {
	body, err := json.Marshal(t)
	if err != nil {
		return err
	}
	bi := 0
	if t.BuiltIn {
		bi = 1
	}
	if err := recordRefVersion(ctx, tx, kindTarget, t.ID, string(body), false, t.BuiltIn, ch); err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO targets (id, built_in, body) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET built_in = excluded.built_in, body = excluded.body`, t.ID, bi, string(body)); err != nil {
		return err
	}
	return bumpReference(ctx, tx)
}

func putDataset(ctx context.Context, tx *sql.Tx, d fairshare.Dataset, shipped int) error {
	return putDatasetBy(ctx, tx, d, shipped, shippedChange)
}

func putDatasetBy(ctx context.Context, tx *sql.Tx, d fairshare.Dataset, shipped int, ch fairshare.Change) error {
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := recordRefVersion(ctx, tx, kindDataset, d.ID, string(body), false, shipped == 1, ch); err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO datasets (id, shipped, body) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET shipped = excluded.shipped, body = excluded.body`, d.ID, shipped, string(body)); err != nil {
		return err
	}
	return bumpReference(ctx, tx)
}

// PutTarget adds or replaces a user-defined target (a new version, recorded
// as the command line's). Built-in ids are refused. PutTargetBy names who
// and why.
func (s *Store) PutTarget(ctx context.Context, t fairshare.Target) error {
	return s.PutTargetBy(ctx, t, fairshare.Change{Author: "cli", Reason: "target defined"})
}

// PutDataset adds or replaces a dataset description (a new version).
func (s *Store) PutDataset(ctx context.Context, d fairshare.Dataset) error {
	return s.PutDatasetBy(ctx, d, fairshare.Change{Author: "cli", Reason: "dataset described"})
}

// Donors lists donors by code.
func (s *Store) Donors(ctx context.Context) ([]fairshare.Donor, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name_en, name_da, kind, nato_accession, currencies, publisher, title, source_date, url FROM donors ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("donors: %w", err)
	}
	defer rows.Close()
	var out []fairshare.Donor
	for rows.Next() {
		var d fairshare.Donor
		var acc, curs string
		if err := rows.Scan(&d.Code, &d.NameEN, &d.NameDA, &d.Kind, &acc, &curs, &d.Source.Publisher, &d.Source.Title, &d.Source.Date, &d.Source.URL); err != nil {
			return nil, err
		}
		if acc != "" {
			if d.NATOAccession, err = fairshare.ParseDate(acc); err != nil {
				return nil, err
			}
		}
		if d.Currencies, err = ParseCurrencies(curs); err != nil {
			return nil, fmt.Errorf("donor %s: %w", d.Code, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Indicators lists GDP and population figures.
func (s *Store) Indicators(ctx context.Context) ([]fairshare.Indicator, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, donor, year, value, note, vintage, publisher, title, source_date, url FROM indicators ORDER BY kind, donor, year`)
	if err != nil {
		return nil, fmt.Errorf("indicators: %w", err)
	}
	defer rows.Close()
	var out []fairshare.Indicator
	for rows.Next() {
		var i fairshare.Indicator
		if err := rows.Scan(&i.Kind, &i.Donor, &i.Year, &i.Value, &i.Note, &i.Vintage, &i.Source.Publisher, &i.Source.Title, &i.Source.Date, &i.Source.URL); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// Rates lists every stored rate.
func (s *Store) Rates(ctx context.Context) ([]fairshare.Rate, error) {
	// Read in table order and sorted here: ORDER BY walks the primary key
	// index with a table look-up per row, three times the cost, and every
	// new process reads all rates before its first report.
	rows, err := s.db.QueryContext(ctx, `SELECT currency, period, rate, publisher, title, source_date, url FROM rates`)
	if err != nil {
		return nil, fmt.Errorf("rates: %w", err)
	}
	defer rows.Close()
	var out []fairshare.Rate
	for rows.Next() {
		var r fairshare.Rate
		if err := rows.Scan(&r.Currency, &r.Period, &r.Rate, &r.Source.Publisher, &r.Source.Title, &r.Source.Date, &r.Source.URL); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Currency != out[j].Currency {
			return out[i].Currency < out[j].Currency
		}
		return out[i].Period < out[j].Period
	})
	return out, rows.Err()
}

// RateTable reads the rates into a look-up table: only what look-ups need
// (no sources), in table order (the table sorts), every rate parsed only
// when used. Every new process does this before its first report.
func (s *Store) RateTable(ctx context.Context) (*fairshare.RateTable, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT currency, period, rate FROM rates`)
	if err != nil {
		return nil, fmt.Errorf("rates: %w", err)
	}
	defer rows.Close()
	var b fairshare.RateTableBuilder
	var cur, period, rate string
	for rows.Next() {
		if err := rows.Scan(&cur, &period, &rate); err != nil {
			return nil, fmt.Errorf("rates: %w", err)
		}
		if err := b.Add(cur, period, rate); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rates: %w", err)
	}
	return b.Table(), nil
}

// Targets lists targets by id.
func (s *Store) Targets(ctx context.Context) ([]fairshare.Target, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM targets ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	defer rows.Close()
	var out []fairshare.Target
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var t fairshare.Target
		if err := json.Unmarshal([]byte(body), &t); err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
		if err := t.Normalize(); err != nil {
			return nil, fmt.Errorf("target %s: %w", t.ID, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Datasets lists dataset descriptions by id.
func (s *Store) Datasets(ctx context.Context) ([]fairshare.Dataset, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM datasets ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer rows.Close()
	var out []fairshare.Dataset
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var d fairshare.Dataset
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Policies lists weapon-use policy changes by donor and date.
func (s *Store) Policies(ctx context.Context) ([]fairshare.Policy, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT donor, day, status, scope, scope_da, publisher, title, source_date, url FROM policies ORDER BY donor, day`)
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	defer rows.Close()
	var out []fairshare.Policy
	for rows.Next() {
		var p fairshare.Policy
		var day string
		if err := rows.Scan(&p.Donor, &day, &p.Status, &p.Scope, &p.ScopeDA, &p.Source.Publisher, &p.Source.Title, &p.Source.Date, &p.Source.URL); err != nil {
			return nil, err
		}
		if p.Date, err = fairshare.ParseDate(day); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

var _ fairshare.Store = (*Store)(nil)
