package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
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

// Column roles.
const (
	colOther = iota
	colID
	colDonor
	colDate
	colAmount
	colCurrency
	colCategory
	colStatus
	colDataset
	colSource
	nRoles
)

var roleNames = map[string]int{"id": colID, "donor": colDonor, "date": colDate, "amount": colAmount, "currency": colCurrency,
	"category": colCategory, "status": colStatus, "dataset": colDataset, "source_url": colSource}

type chunk struct {
	buf  []byte
	line int // line number of buf's first byte
	n    int // bytes of buf that are whole records
}

type worker struct {
	p       *csvParser
	g       *agg
	slots   map[string]int
	names   []string
	first   []int // line each slot was first seen on
	lastDS  []byte
	lastS   int
	rows    int
	counted int
	err     *csvio.Error
	fields  [][]byte
	scratch []byte
}

func (p *csvParser) run(r io.Reader, name string, workers int) (CSVStats, *agg, []string, error) {
	var st CSVStats
	const block = 4 << 20
	buf := make([]byte, 0, block)
	// Header: BOM, separator, roles.
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return st, nil, nil, err
	}
	head = head[:n]
	st.Bytes += int64(n)
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		if n == len(head) && n > 0 && len(head) < 64<<10 {
			nl = len(head)
		} else {
			return st, nil, nil, &csvio.Error{File: name, Line: 1, Err: errors.New("no header line")}
		}
	}
	hline := bytes.TrimRight(head[:nl], "\r")
	sep := byte(',')
	if bytes.Count(hline, []byte(";")) > bytes.Count(hline, []byte(",")) {
		sep = ';'
	}
	var roles []int8
	seen := map[int]bool{}
	for _, h := range bytes.Split(hline, []byte{sep}) {
		h = bytes.Trim(bytes.TrimSpace(h), `"`)
		role := roleNames[strings.ToLower(string(h))]
		roles = append(roles, int8(role))
		seen[role] = true
	}
	for _, req := range []string{"donor", "date", "amount", "currency", "category", "status", "source_url"} {
		if !seen[roleNames[req]] {
			return st, nil, nil, &csvio.Error{File: name, Line: 1, Err: fmt.Errorf("missing column %q", req)}
		}
	}
	if nl < len(head) {
		buf = append(buf, head[nl+1:]...)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunks := make(chan chunk, workers)
	free := make(chan []byte, workers+2)
	for i := 0; i < workers+1; i++ {
		free <- make([]byte, 0, block+64<<10)
	}
	ws := make([]*worker, workers)
	var wg sync.WaitGroup
	for i := range ws {
		w := &worker{p: p, g: newAgg(p.ct, len(p.donorCodes), len(p.ct.curs), p.nyear), slots: map[string]int{},
			lastS: -1, fields: make([][]byte, len(roles))}
		ws[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if w.err == nil {
					w.parse(c.buf[:c.n], c.line, sep, roles, name)
				}
				free <- c.buf[:0]
			}
		}()
	}
	line := 2
	carry := buf
	var rerr error
	eof := false
	for !eof {
		b := <-free
		if cap(b) < len(carry)+block {
			b = make([]byte, 0, len(carry)+block)
		}
		b = append(b, carry...)
		for len(b) < cap(b) && !eof {
			k, err := r.Read(b[len(b):cap(b)])
			b = b[:len(b)+k]
			st.Bytes += int64(k)
			if err == io.EOF {
				eof = true
			} else if err != nil {
				rerr, eof = err, true
			}
		}
		cut := len(b)
		if !eof {
			cut = recordCut(b)
			if cut < 0 { // one record longer than a block: read on
				carry = append([]byte(nil), b...)
				free <- b[:0]
				continue
			}
		}
		carry = append(carry[:0:0], b[cut:]...)
		chunks <- chunk{b, line, cut}
		line += bytes.Count(b[:cut], []byte{'\n'})
	}
	close(chunks)
	wg.Wait()
	if rerr != nil {
		return st, nil, nil, rerr
	}
	var firstErr *csvio.Error
	for _, w := range ws {
		if w.err != nil && (firstErr == nil || w.err.Line < firstErr.Line) {
			firstErr = w.err
		}
		st.Rows += w.rows
		st.Counted += w.counted
	}
	if firstErr != nil {
		return st, nil, nil, firstErr
	}
	// Merge: slots by dataset name, in order of first appearance in the file.
	first := map[string]int{}
	for _, w := range ws {
		for s, nm := range w.names {
			if l, ok := first[nm]; !ok || w.first[s] < l {
				first[nm] = w.first[s]
			}
		}
	}
	var names []string
	for nm := range first {
		names = append(names, nm)
	}
	sort.Slice(names, func(a, b int) bool { return first[names[a]] < first[names[b]] })
	g := newAgg(p.ct, len(p.donorCodes), len(p.ct.curs), p.nyear)
	index := map[string]int{}
	for _, nm := range names {
		index[nm] = g.addSlot()
	}
	for _, w := range ws {
		m := make([]int, len(w.names))
		for s, nm := range w.names {
			m[s] = index[nm]
		}
		g.merge(w.g, m)
	}
	return st, g, names, nil
}

// recordCut returns the length of b's whole records: up to and including the
// last newline outside quotes, or -1 when there is none.
func recordCut(b []byte) int {
	if bytes.IndexByte(b, '"') < 0 {
		i := bytes.LastIndexByte(b, '\n')
		if i < 0 {
			return -1
		}
		return i + 1
	}
	in, last := false, -1
	for i, c := range b {
		switch c {
		case '"':
			in = !in
		case '\n':
			if !in {
				last = i
			}
		}
	}
	if last < 0 {
		return -1
	}
	return last + 1
}

// parse handles the records of one block.
func (w *worker) parse(b []byte, line int, sep byte, roles []int8, name string) {
	i := 0
	for i < len(b) {
		start := line
		// Split one record into fields.
		nf := 0
		w.scratch = w.scratch[:0]
		for {
			var f []byte
			if i < len(b) && b[i] == '"' {
				f, i, line = w.quoted(b, i, line, sep)
			} else {
				j := i
				for j < len(b) && b[j] != sep && b[j] != '\n' {
					j++
				}
				f = b[i:j]
				i = j
			}
			if nf < len(w.fields) {
				w.fields[nf] = f
			}
			nf++
			if i >= len(b) || b[i] == '\n' {
				i++
				line++
				break
			}
			i++ // separator
		}
		if nf == 1 && len(bytes.TrimSpace(w.fields[0])) == 0 {
			continue // blank line
		}
		for k := nf; k < len(w.fields); k++ {
			w.fields[k] = nil
		}
		if err := w.record(roles, start, name); err != nil {
			w.err = err
			return
		}
	}
}

// quoted reads a quoted field at b[i]; "" is a quote. It returns the field
// (unescaped into scratch when needed), the index after the closing quote
// and the line count.
func (w *worker) quoted(b []byte, i, line int, sep byte) ([]byte, int, int) {
	i++
	s := i
	esc := false
	for i < len(b) {
		if b[i] == '"' {
			if i+1 < len(b) && b[i+1] == '"' {
				esc = true
				i += 2
				continue
			}
			break
		}
		if b[i] == '\n' {
			line++
		}
		i++
	}
	f := b[s:min(i, len(b))]
	if esc {
		off := len(w.scratch)
		w.scratch = append(w.scratch, bytes.ReplaceAll(f, []byte(`""`), []byte(`"`))...)
		f = w.scratch[off:]
	}
	i++ // closing quote
	for i < len(b) && b[i] != sep && b[i] != '\n' {
		i++ // text after the closing quote is ignored, as a lenient reader does
	}
	return f, i, line
}

func trim(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

var (
	catNames    [][]byte
	statusNames [][]byte
)

func init() {
	for _, c := range fairshare.Categories {
		catNames = append(catNames, []byte(c))
	}
	for _, s := range fairshare.Statuses {
		statusNames = append(statusNames, []byte(s))
	}
}

func fieldErr(name string, line int, field string, err error) *csvio.Error {
	return &csvio.Error{File: name, Line: line, Field: field, Err: err}
}

// record validates and counts one row.
func (w *worker) record(roles []int8, line int, name string) *csvio.Error {
	p := w.p
	var f [nRoles][]byte
	for k, role := range roles {
		if role != colOther && len(w.fields[k]) > 0 {
			f[role] = trim(w.fields[k])
		}
	}
	w.rows++
	donor := -1
	if k := code3(f[colDonor]); k >= 0 && p.donorOf[k] > 0 {
		donor = int(p.donorOf[k]) - 1
	} else if d, ok := p.donorMap[strings.ToUpper(string(f[colDonor]))]; ok {
		donor = d
	} else if len(f[colDonor]) == 0 {
		return fieldErr(name, line, "donor", errors.New("required"))
	} else {
		return fieldErr(name, line, "donor", fmt.Errorf("unknown donor %q (see 'fairshare donors list')", strings.ToUpper(string(f[colDonor]))))
	}
	day, ok := fastDay(f[colDate])
	if !ok {
		d, err := fairshare.ParseDate(string(f[colDate]))
		if err != nil {
			return fieldErr(name, line, "date", err)
		}
		day = int32(d.Days())
	}
	cur := -1
	if k := code3(f[colCurrency]); k >= 0 && p.curOf[k] > 0 {
		cur = int(p.curOf[k]) - 1
	} else {
		return fieldErr(name, line, "currency", fmt.Errorf("unknown currency %q (no reference rates for it)", string(f[colCurrency])))
	}
	amount, ok := fastAmount(f[colAmount], p.curDigits[cur])
	if !ok {
		a, err := fairshare.ParseAmount(string(f[colAmount]), p.ct.curs[cur])
		if err != nil {
			return fieldErr(name, line, "amount", err)
		}
		amount = int64(a)
	}
	if err := fairshare.CheckPositive(fairshare.Amount(amount), f[colAmount]); err != nil {
		return fieldErr(name, line, "amount", err)
	}
	ci := matchName(f[colCategory], catNames)
	if ci < 0 {
		_, err := fairshare.ParseCategory(strings.ToLower(string(f[colCategory])))
		return fieldErr(name, line, "category", errors.New(err.(*fairshare.Error).Message))
	}
	si := matchName(f[colStatus], statusNames)
	if si < 0 {
		_, err := fairshare.ParseStatus(strings.ToLower(string(f[colStatus])))
		return fieldErr(name, line, "status", errors.New(err.(*fairshare.Error).Message))
	}
	if err := fairshare.CheckSourceURL(f[colSource]); err != nil {
		return fieldErr(name, line, "source_url", err)
	}
	ds := f[colDataset]
	if len(ds) == 0 {
		ds = []byte(fairshare.DefaultDataset)
	}
	if day < p.d0 || day > p.d1 || !p.mask[ci<<2|si] {
		if !bytes.Equal(ds, w.lastDS) && !fairshare.ValidID(ds) {
			return fieldErr(name, line, "dataset", fairshare.InvalidIDError(ds))
		}
		return nil
	}
	s := w.lastS
	if s < 0 || !bytes.Equal(ds, w.lastDS) {
		var known bool
		s, known = w.slots[string(ds)]
		if !known {
			if !fairshare.ValidID(ds) {
				return fieldErr(name, line, "dataset", fairshare.InvalidIDError(ds))
			}
			s = w.g.addSlot()
			w.slots[string(ds)] = s
			w.names = append(w.names, string(ds))
			w.first = append(w.first, line)
		}
		w.lastDS = append(w.lastDS[:0], ds...)
		w.lastS = s
	}
	w.counted++
	if !w.g.add(donor, s, cur, day, amount) {
		w.g.noRate(donor, s, cur, day, fmt.Sprintf("%s:%d", name, line))
	}
	return nil
}

// matchName finds b among names (exact, then ASCII case-insensitive).
func matchName(b []byte, names [][]byte) int {
	for i, n := range names {
		if bytes.Equal(b, n) {
			return i
		}
	}
	for i, n := range names {
		if bytes.EqualFold(b, n) {
			return i
		}
	}
	return -1
}

// fastDay reads YYYY-MM-DD (1900-2200) as days since 1970.
func fastDay(b []byte) (int32, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	num := func(s []byte) int {
		v := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, m, d := num(b[:4]), num(b[5:7]), num(b[8:])
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// fastAmount reads digits[.digits] with at most digits decimals into minor
// units; anything else goes to fairshare.ParseAmount.
func fastAmount(b []byte, digits int) (int64, bool) {
	var v int64
	i, n := 0, 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + int64(b[i]-'0')
		n++
	}
	if n == 0 || n > 15 {
		return 0, false
	}
	frac := 0
	if i < len(b) && b[i] == '.' {
		i++
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if frac == digits {
				return 0, false
			}
			v = v*10 + int64(b[i]-'0')
			frac++
		}
	}
	if i != len(b) {
		return 0, false
	}
	if frac == 3 && n <= 3 && b[0] != '0' {
		return 0, false // "1.000" could be a thousand: fairshare.ParseAmount refuses it
	}
	for ; frac < digits; frac++ {
		v *= 10
	}
	return v, true
}
