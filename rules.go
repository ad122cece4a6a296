package fairshare

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// The counting rules, in one place. fairshare.Compute (with Target.Counts
// and Precedence) is the reference; the report engine (internal/engine)
// and the importers call these same functions from their fast paths, so a
// rule changed here changes everywhere.

// ValidID reports whether s may be a contribution id or a dataset name:
// 1-64 ASCII letters, digits, '-', '_' or '.'. It takes bytes too so that
// parsers need not allocate.
func ValidID[T ~string | ~[]byte](s T) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		r := s[i]
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// InvalidIDError is the message for a value ValidID refuses.
func InvalidIDError[T ~string | ~[]byte](s T) error {
	return fmt.Errorf("%q: use letters, digits and '-'", string(s))
}

// CheckSourceURL is the rule for a contribution's source: required, and an
// absolute http(s) URL with a host that parses whole (see CheckURL). The
// common plain URL is checked byte by byte without allocating; anything
// else goes through CheckURL.
func CheckSourceURL[T ~string | ~[]byte](u T) error {
	if len(u) == 0 {
		return errors.New("required: every contribution names its source")
	}
	if plainURL(u) {
		return nil
	}
	if err := CheckURL("source_url", string(u)); err != nil {
		return errors.New(err.(*Error).Message)
	}
	return nil
}

// ErrRequired is the message for a required field left empty.
var ErrRequired = errors.New("required")

// UnknownDonorError is the message for a donor code not in the reference
// data.
func UnknownDonorError(code string) error {
	return fmt.Errorf("unknown donor %q (see 'fairshare donors list')", code)
}

// UnknownCurrencyError is the message for a currency without reference
// rates.
func UnknownCurrencyError(code string) error {
	return fmt.Errorf("unknown currency %q (no reference rates for it)", code)
}

// plainURL reports whether u is http(s)://host[:port][/path] with a host of
// letters, digits, '.' and '-' and a path of printable ASCII without spaces:
// always a valid URL.
func plainURL[T ~string | ~[]byte](u T) bool {
	i := 0
	switch {
	case len(u) > 8 && string(u[:8]) == "https://":
		i = 8
	case len(u) > 7 && string(u[:7]) == "http://":
		i = 7
	default:
		return false
	}
	host := i
	for ; i < len(u) && u[i] != '/'; i++ {
		c := u[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false // ports, user info, IPv6 and the rest: the full check
		}
	}
	if i == host || u[host] == '.' || u[host] == '-' {
		return false
	}
	for ; i < len(u); i++ {
		if c := u[i]; c <= ' ' || c >= 0x7f || c == '%' {
			return false // escapes are checked by url.Parse
		}
	}
	return true
}

// CheckPositive is the rule for an imported amount (minor units); text is
// the amount as written, for the message.
func CheckPositive[T ~string | ~[]byte](a Amount, text T) error {
	if a <= 0 {
		return fmt.Errorf("%s: must be positive (record a correction by editing the entry)", string(text))
	}
	return nil
}

// DefaultDataset is the dataset of a contribution that names none.
const DefaultDataset = "user"

// CountsKind reports whether contributions of category c and status s count
// for t (their date aside; see Counts).
func (t *Target) CountsKind(c Category, s Status) bool {
	okS, okC := false, false
	for _, x := range t.Statuses {
		okS = okS || x == s
	}
	for _, k := range t.Categories {
		okC = okC || k == c
	}
	return okS && okC
}

// Counts reports whether a contribution's status, category and date count
// for t.
func (t *Target) Counts(c *Contribution) bool {
	return t.CountsKind(c.Category, c.Status) && !c.Date.Before(t.Start) && !c.Date.After(t.End)
}

// Precedence is a dataset precedence list: for each donor the first group
// that has any contribution counted for it wins, and the datasets of a group
// count together. A dataset named in several groups belongs to the first.
type Precedence struct {
	groups  [][]string
	groupOf map[string]int
}

// NewPrecedence reads a list of groups, e.g. {{"user"}, {"kiel-r29", "x"}}.
func NewPrecedence(groups [][]string) *Precedence {
	p := &Precedence{groups: groups, groupOf: map[string]int{}}
	for i, g := range groups {
		for _, d := range g {
			if _, dup := p.groupOf[d]; !dup {
				p.groupOf[d] = i
			}
		}
	}
	return p
}

// Group is the group of dataset ds; ok is false when ds is not selected.
func (p *Precedence) Group(ds string) (g int, ok bool) {
	g, ok = p.groupOf[ds]
	return g, ok
}

// Prefer reports whether a donor's counted contribution in group g replaces
// the group chosen so far (best, or none when !seen).
func (p *Precedence) Prefer(g, best int, seen bool) bool { return !seen || g < best }

// Name is how reports name group g ("kiel-r29+user").
func (p *Precedence) Name(g int) string { return strings.Join(p.groups[g], "+") }

// Len is the number of groups.
func (p *Precedence) Len() int { return len(p.groups) }

// GDPYearLookback is how many years before a year the GDP key and % of GDP
// look for a figure when the year has none yet.
const GDPYearLookback = 3

// GDPNearest returns GDP in EUR of year, or of the latest earlier year
// within GDPYearLookback.
func GDPNearest(ind IndicatorTable, donor string, year int) *big.Rat {
	for y := year; y >= year-GDPYearLookback; y-- {
		if g := ind.Get(KeyGDP, donor, y); g != nil {
			return g
		}
	}
	return nil
}

// ExactEUR is an exact euro amount the engine sums over many daily rates.
// As a fraction its denominator has thousands of digits: putting the rates
// over it and reducing the ratio costs more than the rest of a report,
// while a report prints only roundings of % of GDP. So the engine hands
// bounds Lo <= value <= Hi, cheap to compute, and the exact value as a
// function that Over calls only when the bounds do not settle those
// roundings (see Fraction).
type ExactEUR struct {
	Lo, Hi *big.Float                 // nil: no bounds
	Exact  func() (num, den *big.Int) // unreduced, den > 0; nil: zero
}

// Over is e/r (r > 0) as a Fraction. It calls e.Exact, if at all, before
// it returns.
func (e ExactEUR) Over(r *big.Rat) *Fraction {
	if e.Exact == nil {
		return &Fraction{lo: new(big.Float), hi: new(big.Float)} // zero
	}
	exact := func() *big.Rat {
		num, den := e.Exact()
		n := new(big.Int).Mul(num, r.Denom())
		return new(big.Rat).SetFrac(n, new(big.Int).Mul(den, r.Num()))
	}
	if e.Lo == nil || e.Hi == nil {
		return RatFraction(exact())
	}
	return boundedFraction(quoBound(e.Lo, r, big.ToNegativeInf), quoBound(e.Hi, r, big.ToPositiveInf), exact)
}

// quoBound is x/r rounded in mode: with r > 0 both steps (times r's
// denominator, then over its numerator) are increasing, so rounding each
// down (up) gives a lower (upper) bound.
func quoBound(x *big.Float, r *big.Rat, mode big.RoundingMode) *big.Float {
	z := new(big.Float).SetPrec(boundPrec).SetMode(mode)
	z.Mul(x, new(big.Float).SetInt(r.Denom()))
	return z.Quo(z, new(big.Float).SetInt(r.Num()))
}
