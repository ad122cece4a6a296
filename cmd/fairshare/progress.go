package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progress draws a bar on stderr, only when stderr is a terminal, so that
// scripts and CI logs get no control characters.
type progress struct {
	e       *env
	total   int
	label   string
	on      bool
	last    time.Time
	started time.Time
}

func newProgress(e *env, total int, label string) *progress {
	p := &progress{e: e, total: total, label: label, started: time.Now()}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && total > 0 {
		p.on = true
		p.set(0)
	}
	return p
}

func (p *progress) set(n int) {
	if !p.on || (time.Since(p.last) < 100*time.Millisecond && n < p.total) {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := width * n / max(p.total, 1)
	fmt.Fprintf(p.e.stderr, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), n, p.total)
}

func (p *progress) done() {
	if p.on {
		p.set(p.total)
		fmt.Fprintf(p.e.stderr, " %.1fs\n", time.Since(p.started).Seconds())
	}
}

// reader counts the bytes read through r on the bar.
func (p *progress) reader(r io.Reader) io.Reader {
	if !p.on {
		return r
	}
	return &countingReader{r: r, p: p}
}

type countingReader struct {
	r io.Reader
	p *progress
	n int
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += n
	c.p.set(c.n)
	return n, err
}
