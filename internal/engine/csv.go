package engine

import (
	"fmt"
	"io"
	"strings"

	"github.com/fairshare/fairshare"
)

// CSVQuery asks for a report straight from a contributions file in the
// import format (see internal/ledgerio): every row is taken as a current
// contribution; there are no versions and no de-duplication.
type CSVQuery struct {
	// Input is everything fairshare.Compute needs except Contributions,
	// DatasetOf and NoData. Input.Datasets is filled in when Selection is
	// nil.
	Input fairshare.ReportInput
	// Selection is the dataset precedence list; nil counts every dataset in
	// the file as one group (in order of first appearance).
	Selection [][]string
	NoData    func(datasetOf map[string]string) map[string]bool
	// Workers parse blocks in parallel (0: GOMAXPROCS).
	Workers int
}

// CSVStats says what a file held.
type CSVStats struct {
	Rows    int
	Counted int
	Bytes   int64
}

// ReportCSV streams the file once, validating every row as an import would
// (known donor and currency, date, positive amount in the currency's minor
// units, category, status, dataset, http(s) source) and aggregating the
// counted ones, then computes the report as Engine.Report does.
func ReportCSV(r io.Reader, name string, q CSVQuery) (*fairshare.Report, CSVStats, error) {
	in := q.Input
	cur := in.Currency
	if cur == "" {
		cur = in.Target.Currency
	}
	if in.Rates == nil || !in.Rates.Known(cur) {
		rep, err := fairshare.Compute(in)
		return rep, CSVStats{}, err
	}
	p, err := newCSVParser(in, cur)
	if err != nil {
		return nil, CSVStats{}, err
	}
	st, g, slotNames, err := p.run(r, name, q.Workers)
	if err != nil {
		return nil, st, err
	}
	sel := q.Selection
	if sel == nil {
		sel = [][]string{slotNames}
		if len(slotNames) == 0 {
			sel = [][]string{{"user"}}
		}
		in.Datasets = strings.Join(sel[0], "+")
	}
	rep, err := g.report(reportInput{in: in, donors: p.donorCodes, slotNames: slotNames, sel: sel, noData: q.NoData})
	return rep, st, err
}

// code3 maps three ASCII letters (either case) to 0..17575.
func code3(b []byte) int {
	if len(b) != 3 {
		return -1
	}
	v := 0
	for _, c := range b {
		c |= 0x20
		if c < 'a' || c > 'z' {
			return -1
		}
		v = v*26 + int(c-'a')
	}
	return v
}

type csvParser struct {
	ct         *convTable
	t          fairshare.Target
	mask       *[256]bool
	d0, d1     int32
	nyear      int
	donorCodes []string
	donorOf    []int16 // code3 -> donor index+1
	donorMap   map[string]int
	curOf      []int16 // code3 -> currency index+1
	curMap     map[string]int
	curDigits  []int
}

func newCSVParser(in fairshare.ReportInput, cur string) (*csvParser, error) {
	t := in.Target
	p := &csvParser{t: t, mask: countMask(&t), d0: int32(t.Start.Days()), d1: int32(t.End.Days()), nyear: len(t.Years()),
		donorOf: make([]int16, 26*26*26), curOf: make([]int16, 26*26*26), donorMap: map[string]int{}, curMap: map[string]int{}}
	for i, d := range in.Donors {
		p.donorCodes = append(p.donorCodes, d.Code)
		p.donorMap[d.Code] = i
		if k := code3([]byte(d.Code)); k >= 0 && d.Code == strings.ToUpper(d.Code) {
			p.donorOf[k] = int16(i + 1)
		}
	}
	curs := in.Rates.Currencies()
	for i, c := range curs {
		p.curMap[c] = i
		p.curDigits = append(p.curDigits, fairshare.MinorDigits(c))
		if k := code3([]byte(c)); k >= 0 {
			p.curOf[k] = int16(i + 1)
		}
	}
	if p.d1 < p.d0 {
		return nil, fmt.Errorf("target %s ends before it starts", t.ID)
	}
	p.ct = newConvTable(in.Rates, cur, p.d0, p.d1, curs)
	return p, nil
}
