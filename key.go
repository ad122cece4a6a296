package fairshare

import (
	"fmt"
	"math/big"
	"strconv"
)

// Keys that apportion a target. Each documents its formula.
const (
	KeyGDP        = "gdp"        // w_i = GDP_i(key year) in EUR / sum of participants' GDP
	KeyPopulation = "population" // w_i = population_i(key year) / sum of participants' population
	KeyEqual      = "equal"      // w_i = 1 / number of participants
	KeyCustom     = "custom"     // w_i = weight_i from a file / sum of participants' weights
)

// KeyDocs explains every key, for --help and the API.
var KeyDocs = map[string]string{
	KeyGDP:        "share of participants' total GDP in the key year (current prices, EUR)",
	KeyPopulation: "share of participants' total population in the key year",
	KeyEqual:      "the same share for every participant",
	KeyCustom:     "weights from a CSV file (donor,weight), normalised over participants",
}

// Keys lists the built-in keys in display order.
var Keys = []string{KeyGDP, KeyPopulation, KeyEqual, KeyCustom}

func validKey(k string) bool { _, ok := KeyDocs[k]; return ok }

// IndicatorTable holds yearly indicators by kind, donor and year as exact values.
type IndicatorTable map[string]map[string]map[int]*big.Rat

// NewIndicatorTable indexes indicators.
func NewIndicatorTable(ind []Indicator) (IndicatorTable, error) {
	t := IndicatorTable{}
	for _, i := range ind {
		v, ok := new(big.Rat).SetString(i.Value)
		if !ok {
			return nil, fmt.Errorf("%s %s %d: %q is not a number", i.Kind, i.Donor, i.Year, i.Value)
		}
		if t[i.Kind] == nil {
			t[i.Kind] = map[string]map[int]*big.Rat{}
		}
		if t[i.Kind][i.Donor] == nil {
			t[i.Kind][i.Donor] = map[int]*big.Rat{}
		}
		t[i.Kind][i.Donor][i.Year] = v
	}
	return t, nil
}

// Get returns the indicator of a donor in a year, or nil.
func (t IndicatorTable) Get(kind, donor string, year int) *big.Rat {
	return t[kind][donor][year]
}

// Weights computes each participant's key weight (not yet normalised).
func Weights(key string, year int, codes []string, ind IndicatorTable, custom map[string]*big.Rat) ([]*big.Rat, error) {
	ws := make([]*big.Rat, len(codes))
	for i, c := range codes {
		switch key {
		case KeyEqual:
			ws[i] = big.NewRat(1, 1)
		case KeyGDP, KeyPopulation:
			v := ind.Get(key, c, year)
			if v == nil {
				return nil, Errorf(ENOTFOUND, "no %s figure for %s in %d: choose another --key-year", key, c, year)
			}
			ws[i] = v
		case KeyCustom:
			v := custom[c]
			if v == nil {
				return nil, Errorf(EINVALID, "custom weights have no weight for %s", c)
			}
			ws[i] = v
		default:
			return nil, Errorf(EINVALID, "unknown key %q", key)
		}
	}
	return ws, nil
}

// ParseWeight reads a non-negative custom weight.
func ParseWeight(s string) (*big.Rat, error) {
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 {
		return nil, fmt.Errorf("%q is not a non-negative number", s)
	}
	return r, nil
}
