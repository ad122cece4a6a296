package kiel

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// month is a calendar month counted from year 0: year*12 + month-1.
type month int

func monthOf(y int, m time.Month) month { return month(y*12 + int(m) - 1) }

func (m month) year() int      { return int(m) / 12 }
func (m month) String() string { return fmt.Sprintf("%04d-%02d", m.year(), int(m)%12+1) }

// date is the first day of the month.
func (m month) date() fairshare.Date { return fairshare.NewDate(m.year(), time.Month(int(m)%12+1), 1) }

// cell is one month of one series (one donor, aid type and measure).
type cell struct {
	m        month
	amount   fairshare.Amount // EUR cents; negative while a correction is pending
	rows     int              // source rows summed into the cell
	absorbed []month          // months whose negative net was netted into this one
}

// netNegatives makes every month of one series non-negative without changing
// the series' total where it can. The ledger holds no negative amounts, and a
// negative monthly net in Kiel's data is a correction of earlier reporting, so
// it is taken from the series' earlier months, latest first; what those cannot
// cover is taken from its later months, earliest first. A series whose total
// is negative cannot be netted: the remainder is returned as dropped (EUR
// cents, positive) and the series comes back empty. Months left at zero are
// removed. Cells must be sorted by month.
func netNegatives(cells []cell) (out []cell, dropped fairshare.Amount) {
	cs := make([]cell, len(cells))
	copy(cs, cells)
	for i := range cs {
		if cs[i].amount >= 0 {
			continue
		}
		need := -cs[i].amount
		cs[i].amount = 0
		take := func(j int) {
			if cs[j].amount <= 0 || need == 0 {
				return
			}
			t := min(cs[j].amount, need)
			cs[j].amount -= t
			need -= t
			cs[j].absorbed = append(cs[j].absorbed, cs[i].m)
		}
		for j := i - 1; j >= 0 && need > 0; j-- {
			take(j)
		}
		for j := i + 1; j < len(cs) && need > 0; j++ {
			take(j)
		}
		dropped += need
	}
	for _, c := range cs {
		if c.amount > 0 {
			out = append(out, c)
		}
	}
	return out, dropped
}

// correctionNote says which later (or earlier) months' corrections a month absorbed.
func correctionNote(c cell) string {
	if len(c.absorbed) == 0 {
		return ""
	}
	ms := make([]string, len(c.absorbed))
	sort.Slice(c.absorbed, func(i, j int) bool { return c.absorbed[i] < c.absorbed[j] })
	for i, m := range c.absorbed {
		ms[i] = m.String()
	}
	return "; net of Kiel's negative correction(s) booked in " + strings.Join(ms, ", ")
}
