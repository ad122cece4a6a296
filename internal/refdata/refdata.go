// Package refdata embeds fairshare's cited reference data (donors, GDP,
// population, euro reference rate averages, targets, weapon-use policies)
// and the shipped datasets of contributions, and parses them into domain
// types. See data/README.md for every file's source and how it is derived.
package refdata

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

//go:embed data
var files embed.FS

// Version is a hash of all embedded data: a store holding another version
// reloads its reference data.
func Version() string {
	h := sha256.New()
	fs.WalkDir(files, "data", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := files.ReadFile(p)
			fmt.Fprintf(h, "%s %d\n", p, len(b))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func read(name string, required ...string) ([]csvio.Record, error) {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	return csvio.ReadAll(bytes.NewReader(b), "refdata/"+name, required...)
}

func source(r csvio.Record, dateCol string) fairshare.Source {
	return fairshare.Source{Publisher: r.Get("publisher"), Title: r.Get("title"), Date: r.Get(dateCol), URL: r.Get("url")}
}

// Load parses all embedded reference data.
func Load() (fairshare.ReferenceData, error) {
	var rd fairshare.ReferenceData
	var err error
	if rd.Donors, err = Donors(); err != nil {
		return rd, err
	}
	if rd.Indicators, err = indicators(); err != nil {
		return rd, err
	}
	if rd.Rates, err = rates(); err != nil {
		return rd, err
	}
	if rd.Targets, err = targets(); err != nil {
		return rd, err
	}
	if rd.Datasets, err = Datasets(); err != nil {
		return rd, err
	}
	if rd.Policies, err = policies(); err != nil {
		return rd, err
	}
	return rd, nil
}

// Donors parses donors.csv.
func Donors() ([]fairshare.Donor, error) {
	recs, err := read("donors.csv", "code", "name_en", "name_da", "kind", "nato_accession", "currencies", "url")
	if err != nil {
		return nil, err
	}
	var out []fairshare.Donor
	for _, r := range recs {
		d := fairshare.Donor{Code: r.Get("code"), NameEN: r.Get("name_en"), NameDA: r.Get("name_da"), Kind: r.Get("kind"),
			Source: source(r, "source_date")}
		if a := r.Get("nato_accession"); a != "" {
			if d.NATOAccession, err = fairshare.ParseDate(a); err != nil {
				return nil, csvio.FieldErr("refdata/donors.csv", r, "nato_accession", err)
			}
		}
		for _, part := range strings.Split(r.Get("currencies"), ";") {
			code, from, _ := strings.Cut(strings.TrimSpace(part), "@")
			p := fairshare.CurrencyPeriod{Code: code}
			if from != "" {
				if p.From, err = fairshare.ParseDate(from); err != nil {
					return nil, csvio.FieldErr("refdata/donors.csv", r, "currencies", err)
				}
			}
			d.Currencies = append(d.Currencies, p)
		}
		out = append(out, d)
	}
	return out, nil
}

func indicators() ([]fairshare.Indicator, error) {
	var out []fairshare.Indicator
	recs, err := read("gdp.csv", "donor", "year", "gdp_eur_mn", "url")
	if err != nil {
		return nil, err
	}
	million := big.NewRat(1000000, 1)
	for _, r := range recs {
		y, err := strconv.Atoi(r.Get("year"))
		if err != nil {
			return nil, csvio.FieldErr("refdata/gdp.csv", r, "year", err)
		}
		v, ok := new(big.Rat).SetString(r.Get("gdp_eur_mn"))
		if !ok {
			return nil, csvio.FieldErr("refdata/gdp.csv", r, "gdp_eur_mn", fmt.Errorf("%q is not a number", r.Get("gdp_eur_mn")))
		}
		v.Mul(v, million)
		out = append(out, fairshare.Indicator{Kind: fairshare.KeyGDP, Donor: r.Get("donor"), Year: y, Value: v.FloatString(0),
			Note: r.Get("conversion"), Vintage: r.Get("vintage"), Source: source(r, "source_date")})
	}
	recs, err = read("population.csv", "donor", "year", "population", "url")
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		y, err := strconv.Atoi(r.Get("year"))
		if err != nil {
			return nil, csvio.FieldErr("refdata/population.csv", r, "year", err)
		}
		out = append(out, fairshare.Indicator{Kind: fairshare.KeyPopulation, Donor: r.Get("donor"), Year: y,
			Value: r.Get("population"), Vintage: r.Get("vintage"), Source: source(r, "source_date")})
	}
	return out, nil
}

func rates() ([]fairshare.Rate, error) {
	recs, err := read("fx_averages.csv", "currency", "period", "rate", "url")
	if err != nil {
		return nil, err
	}
	out := make([]fairshare.Rate, 0, len(recs))
	for _, r := range recs {
		out = append(out, fairshare.Rate{Currency: r.Get("currency"), Period: r.Get("period"), Rate: r.Get("rate"), Source: source(r, "source_date")})
	}
	return out, nil
}

func targets() ([]fairshare.Target, error) {
	b, err := files.ReadFile("data/targets.json")
	if err != nil {
		return nil, err
	}
	return ParseTargets(b, "refdata/targets.json")
}

// ParseTargets reads one target object or an array of them.
func ParseTargets(b []byte, name string) ([]fairshare.Target, error) {
	var ts []fairshare.Target
	trim := bytes.TrimSpace(b)
	if len(trim) > 0 && trim[0] == '{' {
		var t fairshare.Target
		if err := json.Unmarshal(trim, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ts = []fairshare.Target{t}
	} else if err := json.Unmarshal(trim, &ts); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i := range ts {
		if err := ts[i].Validate(); err != nil {
			return nil, fmt.Errorf("%s: target %d (%s): %w", name, i+1, ts[i].ID, err)
		}
	}
	return ts, nil
}

func policies() ([]fairshare.Policy, error) {
	recs, err := read("policies.csv", "donor", "date", "status", "scope", "url")
	if err != nil {
		return nil, err
	}
	var out []fairshare.Policy
	for _, r := range recs {
		d, err := fairshare.ParseDate(r.Get("date"))
		if err != nil {
			return nil, csvio.FieldErr("refdata/policies.csv", r, "date", err)
		}
		out = append(out, fairshare.Policy{Donor: r.Get("donor"), Date: d, Status: r.Get("status"), Scope: r.Get("scope"), ScopeDA: r.Get("scope_da"), Source: source(r, "source_date")})
	}
	return out, nil
}

// Datasets parses every datasets/*.json description (nato-reported included:
// it holds totals only, no contributions).
func Datasets() ([]fairshare.Dataset, error) {
	names, err := fs.Glob(files, "data/datasets/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []fairshare.Dataset
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var d struct {
			fairshare.Dataset
			Totals2 []fairshare.PublishedTotal `json:"totals"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("refdata/%s: %w", path.Base(n), err)
		}
		d.Totals = append(d.Totals, d.Totals2...)
		if d.ID == "" {
			return nil, fmt.Errorf("refdata/%s: id missing", path.Base(n))
		}
		out = append(out, d.Dataset)
	}
	return out, nil
}

// Contributions parses a shipped dataset's contributions (datasets/ID.csv);
// ok is false when the dataset ships none.
func Contributions(id string, chk ledgerio.Checker) (cs []fairshare.Contribution, ok bool, err error) {
	b, err := files.ReadFile("data/datasets/" + id + ".csv")
	if err != nil {
		return nil, false, nil
	}
	cs, err = ledgerio.ReadCSV(bytes.NewReader(b), "refdata/datasets/"+id+".csv", chk, ledgerio.Options{Dataset: id, ForceDataset: true})
	return cs, true, err
}

// ParseWeights reads a custom key: CSV with columns donor,weight (weights are
// non-negative decimals; they are normalised over a target's participants).
func ParseWeights(r io.Reader, name string) (map[string]*big.Rat, error) {
	recs, err := csvio.ReadAll(r, name, "donor", "weight")
	if err != nil {
		return nil, err
	}
	out := map[string]*big.Rat{}
	for _, rec := range recs {
		w, err := fairshare.ParseWeight(rec.Get("weight"))
		if err != nil {
			return nil, csvio.FieldErr(name, rec, "weight", err)
		}
		d := strings.ToUpper(rec.Get("donor"))
		if d == "" {
			return nil, csvio.FieldErr(name, rec, "donor", fmt.Errorf("required"))
		}
		if _, dup := out[d]; dup {
			return nil, csvio.FieldErr(name, rec, "donor", fmt.Errorf("%s appears twice", d))
		}
		out[d] = w
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no weights", name)
	}
	return out, nil
}
