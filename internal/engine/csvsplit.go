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

	"github.com/fairshare/fairshare/internal/csvio"
)

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
