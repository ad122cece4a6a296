package httpapi

import (
	"net/http"
	"strings"

	"github.com/fairshare/fairshare"
)

func currencyText(d fairshare.Donor) string {
	var curs []string
	for _, c := range d.Currencies {
		s := c.Code
		if !c.From.IsZero() {
			s += " from " + c.From.String()
		}
		curs = append(curs, s)
	}
	return strings.Join(curs, ", ")
}

func (s *server) donors(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	if format == "csv" {
		var rows [][]string
		for _, d := range ref.Donors {
			rows = append(rows, []string{d.Code, d.NameEN, d.NameDA, d.Kind, d.NATOAccession.String(), currencyText(d)})
		}
		return writeTable(w, r, "donors", []string{"code", "name_en", "name_da", "kind", "nato_accession", "currencies"}, rows)
	}
	return writeJSON(w, r, ref.Donors)
}

func (s *server) findDonor(r *http.Request, code string) (*fairshare.Donor, error) {
	ref, err := s.ref(r)
	if err != nil {
		return nil, err
	}
	d := ref.ByCode[strings.ToUpper(code)]
	if d == nil {
		return nil, fairshare.Errorf(fairshare.ENOTFOUND, "no donor %q (see /api/v1/donors)", code)
	}
	return d, nil
}

func (s *server) donor(w http.ResponseWriter, r *http.Request, q query) error {
	d, err := s.findDonor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	ind, err := s.app.Indicators(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		fairshare.Donor
		Indicators []fairshare.Indicator `json:"indicators"`
	}{Donor: *d, Indicators: []fairshare.Indicator{}}
	for _, i := range ind {
		if i.Donor == d.Code {
			out.Indicators = append(out.Indicators, i)
		}
	}
	return writeJSON(w, r, out)
}

// checkDataset accepts a described dataset or "user" (entries recorded by hand).
