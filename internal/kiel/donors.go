package kiel

import (
	"strings"
)

// Donor is one donor the tracker covers.
type Donor struct {
	ISO  string // ISO 3166-1 alpha-3; EUI for EU institutions
	Name string // name as Kiel writes it in data_explorer.csv
	NATO bool   // a NATO ally
}

// Donors lists every donor of the tracker (Release 29): the 29 NATO allies it
// tracks, EU institutions and twelve other countries.
var Donors = []Donor{
	{"BEL", "Belgium", true}, {"BGR", "Bulgaria", true}, {"CAN", "Canada", true},
	{"HRV", "Croatia", true}, {"CZE", "Czechia", true}, {"DNK", "Denmark", true},
	{"EST", "Estonia", true}, {"FIN", "Finland", true}, {"FRA", "France", true},
	{"DEU", "Germany", true}, {"GRC", "Greece", true}, {"HUN", "Hungary", true},
	{"ISL", "Iceland", true}, {"ITA", "Italy", true}, {"LVA", "Latvia", true},
	{"LTU", "Lithuania", true}, {"LUX", "Luxembourg", true}, {"NLD", "Netherlands", true},
	{"NOR", "Norway", true}, {"POL", "Poland", true}, {"PRT", "Portugal", true},
	{"ROU", "Romania", true}, {"SVK", "Slovakia", true}, {"SVN", "Slovenia", true},
	{"ESP", "Spain", true}, {"SWE", "Sweden", true}, {"TUR", "Turkiye", true},
	{"GBR", "United Kingdom", true}, {"USA", "United States", true},
	{"EUI", "EU (Commission and Council)", false},
	{"AUS", "Australia", false}, {"AUT", "Austria", false}, {"CHN", "China", false},
	{"CYP", "Cyprus", false}, {"IND", "India", false}, {"IRL", "Ireland", false},
	{"JPN", "Japan", false}, {"MLT", "Malta", false}, {"NZL", "New Zealand", false},
	{"KOR", "South Korea", false}, {"CHE", "Switzerland", false}, {"TWN", "Taiwan", false},
}

// NotTracked are the NATO allies the tracker does not cover: "no data", not zero.
var NotTracked = []string{"ALB", "MNE", "MKD"}

// NATO returns the ISO codes of the NATO allies the tracker covers, in the
// order of Donors.
func NATO() []string {
	var out []string
	for _, d := range Donors {
		if d.NATO {
			out = append(out, d.ISO)
		}
	}
	return out
}

// aliases are other spellings of donor names seen in releases of the
// workbook, folded by foldName.
var aliases = map[string]string{
	"eu":                          "EUI",
	"eu institutions":             "EUI",
	"eu (commission and council)": "EUI",
	"eu commission and council":   "EUI",
	"european union":              "EUI",
	"european union institutions": "EUI",
	"european commission":         "EUI",
	"czech republic":              "CZE",
	"turkey":                      "TUR",
	"türkiye":                     "TUR",
	"turkiye":                     "TUR",
	"united states of america":    "USA",
	"usa":                         "USA",
	"us":                          "USA",
	"uk":                          "GBR",
	"great britain":               "GBR",
	"korea":                       "KOR",
	"republic of korea":           "KOR",
	"korea, republic of":          "KOR",
	"slovak republic":             "SVK",
	"the netherlands":             "NLD",
	"netherlands, the":            "NLD",
}

var byName = func() map[string]string {
	m := make(map[string]string, len(Donors)+len(aliases))
	for _, d := range Donors {
		m[foldName(d.Name)] = d.ISO
		m[strings.ToLower(d.ISO)] = d.ISO
	}
	for k, v := range aliases {
		m[foldName(k)] = v
	}
	return m
}()

func foldName(s string) string { return normHeader(s) }

// DonorISO maps a donor name as the workbook writes it (or an ISO code) to
// ISO 3166-1 alpha-3, EUI for EU institutions.
func DonorISO(name string) (string, bool) {
	iso, ok := byName[foldName(name)]
	return iso, ok
}
