// Package csvio reads CSV files with a header row into records addressed by
// column name, keeping line numbers for error messages. It accepts a UTF-8
// byte order mark and ';' as separator (as spreadsheets in Danish locales
// write), detected from the header line.
package csvio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Record is one data row.
type Record struct {
	Line   int // 1-based line number in the file
	fields []string
	index  map[string]int
}

// Get returns the value of a column, trimmed ("" if absent).
func (r Record) Get(col string) string {
	if i, ok := r.index[col]; ok && i < len(r.fields) {
		return strings.TrimSpace(r.fields[i])
	}
	return ""
}

// Has reports whether the file has the column.
func (r Record) Has(col string) bool { _, ok := r.index[col]; return ok }

// Error is a problem at a place in a file: FILE:LINE: field: reason.
type Error struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Reader yields records one at a time.
type Reader struct {
	name   string
	cr     *csv.Reader
	cnt    *countReader
	line   int // the line of the last record read
	header []string
	index  map[string]int
}

// MaxFieldBytes bounds one field, so a hostile file cannot make a field of
// gigabytes.
const MaxFieldBytes = 64 << 10

// MaxRecordBytes bounds one record (with its quoted line breaks). It is
// checked while reading: encoding/csv would otherwise hold a whole field of
// any size in memory before MaxFieldBytes could be checked.
const MaxRecordBytes = 1 << 20

// errRecordTooLong is what countReader returns past MaxRecordBytes.
var errRecordTooLong = fmt.Errorf("record longer than %d bytes (a field is at most %d)", MaxRecordBytes, MaxFieldBytes)

// countReader counts the bytes read since the last record and fails past a
// limit; the csv reader's own buffer reads ahead at most 4 KiB.
type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	if c.n > MaxRecordBytes+4096 {
		return 0, errRecordTooLong
	}
	k, err := c.r.Read(p)
	c.n += k
	return k, err
}

// NewReader reads the header and checks required columns.
func NewReader(r io.Reader, name string, required ...string) (*Reader, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	first, _ := br.Peek(4096)
	line, _, _ := bytes.Cut(first, []byte("\n"))
	cnt := &countReader{r: br}
	cr := csv.NewReader(cnt)
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.Comment = '#' // reference files carry notes on comment lines
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{File: name, Line: 1, Err: errors.New("empty file: a header row is required")}
	}
	if err != nil {
		return nil, parseErr(name, err)
	}
	cnt.n = 0
	rd := &Reader{name: name, cr: cr, cnt: cnt, line: 1, index: map[string]int{}}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if _, dup := rd.index[h]; dup {
			return nil, &Error{File: name, Line: 1, Field: h, Err: errors.New("column appears twice")}
		}
		rd.index[h] = i
		rd.header = append(rd.header, h)
	}
	var missing []string
	for _, c := range required {
		if _, ok := rd.index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &Error{File: name, Line: 1, Err: fmt.Errorf("missing required column(s) %s (found: %s)",
			strings.Join(missing, ", "), strings.Join(rd.header, ", "))}
	}
	return rd, nil
}

// Header returns the normalised column names.
func (rd *Reader) Header() []string { return rd.header }

// Next returns the next record, or io.EOF. Blank lines are skipped.
func (rd *Reader) Next() (Record, error) {
	for {
		fields, err := rd.cr.Read()
		if err == io.EOF {
			return Record{}, io.EOF
		}
		if errors.Is(err, errRecordTooLong) {
			return Record{}, &Error{File: rd.name, Line: rd.line + 1, Err: errRecordTooLong}
		}
		if err != nil {
			return Record{}, parseErr(rd.name, err)
		}
		rd.cnt.n = 0
		line, _ := rd.cr.FieldPos(0)
		rd.line = line
		blank := true
		for i, f := range fields {
			if len(f) > MaxFieldBytes {
				return Record{}, &Error{File: rd.name, Line: line, Field: rd.colName(i), Err: fmt.Errorf("field longer than %d bytes", MaxFieldBytes)}
			}
			if !utf8.ValidString(f) {
				return Record{}, &Error{File: rd.name, Line: line, Field: rd.colName(i), Err: errors.New("not valid UTF-8")}
			}
			if strings.IndexByte(f, 0) >= 0 {
				return Record{}, &Error{File: rd.name, Line: line, Field: rd.colName(i), Err: errors.New("contains a NUL byte")}
			}
			if strings.TrimSpace(f) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		return Record{Line: line, fields: fields, index: rd.index}, nil
	}
}

func (rd *Reader) colName(i int) string {
	for n, j := range rd.index {
		if j == i {
			return n
		}
	}
	return fmt.Sprintf("column %d", i+1)
}

// ReadAll reads every record.
func ReadAll(r io.Reader, name string, required ...string) ([]Record, error) {
	rd, err := NewReader(r, name, required...)
	if err != nil {
		return nil, err
	}
	var out []Record
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
}

func parseErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: name, Line: pe.Line, Err: pe.Err}
	}
	return &Error{File: name, Err: err}
}

// FieldErr makes an error for a field of a record.
func FieldErr(name string, rec Record, field string, err error) error {
	return &Error{File: name, Line: rec.Line, Field: field, Err: err}
}

// SafeCell defuses values a spreadsheet would run as a formula (=, +, -, @,
// tab, CR at the start) by prefixing a quote, as OWASP advises for CSV export.
// Plain numbers such as "-12.50" are left alone.
// A value that already starts with a quote before such a character gets a
// second quote, so that UndoSafeCell gives back exactly what was written.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	if needsQuote(s) || (s[0] == '\'' && len(s) > 1 && (needsQuote(s[1:]) || s[1] == '\'')) {
		return "'" + s
	}
	return s
}

func needsQuote(s string) bool {
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return !isNumber(s)
	}
	return false
}

// UndoSafeCell removes the quote SafeCell put before a cell, so that an
// export imported again holds what was exported.
func UndoSafeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && SafeCell(s[1:]) == s {
		return s[1:]
	}
	return s
}

func isNumber(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	dot := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case (r == '.' || r == ',') && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}
