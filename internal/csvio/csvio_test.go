package csvio

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	tests := []struct {
		name, in string
		required []string
		wantErr  string
		want     []string // values of column "b" per record
	}{
		{"plain", "a,b\n1,2\n3,4\n", []string{"a"}, "", []string{"2", "4"}},
		{"bom and semicolon", "\uFEFFa;b\n1;2,5\n", nil, "", []string{"2,5"}},
		{"any order, case", "B,A\nx,y\n", []string{"a", "b"}, "", []string{"x"}},
		{"blank lines skipped", "a,b\n\n1,2\n,\n", nil, "", []string{"2"}},
		{"missing column", "a\n1\n", []string{"a", "b"}, "f.csv:1: missing required column(s) b (found: a)", nil},
		{"empty", "", nil, "f.csv:1: empty file", nil},
		{"bad quote", "a,b\n\"x,2\n", nil, "f.csv:2", nil},
		{"bad utf8", "a,b\n1,\xff\n", nil, "f.csv:2: b: not valid UTF-8", nil},
		{"dup column", "a,a\n1,2\n", nil, "f.csv:1: a: column appears twice", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := ReadAll(strings.NewReader(tt.in), "f.csv", tt.required...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("err %T is not *Error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, r.Get("b"))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSafeCell(t *testing.T) {
	tests := map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1+1":                     "'+1+1",
		"@SUM(A1)":                 "'@SUM(A1)",
		"-12.50":                   "-12.50",
		"plain":                    "plain",
		"":                         "",
		"-":                        "'-",
	}
	for in, want := range tests {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeCellRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "=1+1", "+cmd", "-12.50", "-x", "@SUM(A1)", "'=x", "''=x", "'", "'plain", "\tx"} {
		if got := UndoSafeCell(SafeCell(s)); got != s {
			t.Errorf("UndoSafeCell(SafeCell(%q)) = %q", s, got)
		}
	}
}

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "''=1", "-5", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := UndoSafeCell(SafeCell(s)); got != s {
			t.Fatalf("%q -> %q -> %q", s, SafeCell(s), got)
		}
	})
}

// TestHugeFieldRefusedWhileReading: a field of 300 MB is refused after about
// a megabyte read, not after holding it all.
func TestHugeFieldRefusedWhileReading(t *testing.T) {
	const size = 300 << 20
	body := io.MultiReader(strings.NewReader("a,b\n1,\""), io.LimitReader(repeatReader('x'), size), strings.NewReader("\"\n"))
	cr := &countingSource{r: body}
	rd, err := NewReader(cr, "big.csv", "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	_, err = rd.Next()
	if err == nil || !strings.HasPrefix(err.Error(), "big.csv:2: record longer than") {
		t.Fatalf("err = %v", err)
	}
	if cr.n > 4<<20 {
		t.Fatalf("read %d bytes before refusing", cr.n)
	}
}

type repeatReader byte

func (b repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

type countingSource struct {
	r io.Reader
	n int
}

func (c *countingSource) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += k
	return k, err
}
