package news

import (
	"strings"
	"unicode/utf8"
)

// countries maps Danish and English country names (lower case) to ISO 3166 alpha-3.
// Ukraine and Russia are listed so they are recognised and then never taken as donors.
var countries = map[string]string{
	"danmark": "DNK", "denmark": "DNK", "tyskland": "DEU", "germany": "DEU", "usa": "USA", "us": "USA",
	"u.s.": "USA", "united states": "USA", "de forenede stater": "USA", "amerika": "USA", "america": "USA",
	"storbritannien": "GBR", "britain": "GBR", "great britain": "GBR", "united kingdom": "GBR", "uk": "GBR",
	"u.k.": "GBR", "england": "GBR", "frankrig": "FRA", "france": "FRA", "norge": "NOR", "norway": "NOR",
	"sverige": "SWE", "sweden": "SWE", "finland": "FIN", "holland": "NLD", "nederlandene": "NLD",
	"netherlands": "NLD", "the netherlands": "NLD", "belgien": "BEL", "belgium": "BEL", "polen": "POL",
	"poland": "POL", "italien": "ITA", "italy": "ITA", "spanien": "ESP", "spain": "ESP", "canada": "CAN",
	"australien": "AUS", "australia": "AUS", "japan": "JPN", "estland": "EST", "estonia": "EST",
	"letland": "LVA", "latvia": "LVA", "litauen": "LTU", "lithuania": "LTU", "tjekkiet": "CZE",
	"czech republic": "CZE", "czechia": "CZE", "slovakiet": "SVK", "slovakia": "SVK", "østrig": "AUT",
	"austria": "AUT", "schweiz": "CHE", "switzerland": "CHE", "island": "ISL", "iceland": "ISL", "irland": "IRL",
	"ireland": "IRL", "portugal": "PRT", "grækenland": "GRC", "greece": "GRC", "rumænien": "ROU",
	"romania": "ROU", "bulgarien": "BGR", "bulgaria": "BGR", "ungarn": "HUN", "hungary": "HUN",
	"kroatien": "HRV", "croatia": "HRV", "slovenien": "SVN", "slovenia": "SVN", "luxembourg": "LUX",
	"sydkorea": "KOR", "south korea": "KOR", "tyrkiet": "TUR", "turkey": "TUR", "türkiye": "TUR",
	"new zealand": "NZL", "newzealand": "NZL", "ukraine": "UKR", "rusland": "RUS", "russia": "RUS",
}

// acronyms must be written in capitals: "us" is a pronoun.
var acronyms = setOf("usa", "us", "u.s.", "uk", "u.k.")

// governments: "den danske regering", "the German government".
var governmentAdjectives = map[string]string{
	"danske": "DNK", "danish": "DNK", "tyske": "DEU", "german": "DEU", "amerikanske": "USA", "american": "USA",
	"britiske": "GBR", "british": "GBR", "franske": "FRA", "french": "FRA", "norske": "NOR", "norwegian": "NOR",
	"svenske": "SWE", "swedish": "SWE", "finske": "FIN", "finnish": "FIN", "hollandske": "NLD", "dutch": "NLD",
	"polske": "POL", "polish": "POL", "canadiske": "CAN", "canadian": "CAN",
}

var governmentNouns = setOf("regering", "regeringen", "government", "forsvarsministerium", "forsvarsministeriet")

// donorAt recognises a country at token k; n is the number of tokens it spans.
func (d *doc) donorAt(k int) (iso string, n int) {
	toks := d.toks
	for size := 3; size >= 1; size-- {
		if k+size > len(toks) {
			continue
		}
		var parts []string
		ok := true
		for m := 0; m < size; m++ {
			t := toks[k+m]
			if t.kind != tWord || t.sent != toks[k].sent {
				ok = false
				break
			}
			parts = append(parts, t.lower)
		}
		if !ok {
			continue
		}
		name := strings.Join(parts, " ")
		last := toks[k+size-1]
		code, found := countries[name]
		if !found {
			// genitive: Danmarks, USA's, Germany's
			for _, suf := range []string{"'s", "’s", "s", "'", "’"} {
				if strings.HasSuffix(name, suf) {
					if c, ok := countries[strings.TrimSuffix(name, suf)]; ok {
						code, found = c, true
						break
					}
				}
			}
		}
		if found {
			if !startsUpper(toks[k].text) {
				continue
			}
			if size == 1 {
				base := strings.TrimSuffix(strings.TrimSuffix(last.text, "'s"), "’s")
				if acronyms[strings.ToLower(base)] && base != strings.ToUpper(base) {
					continue
				}
			}
			return code, size
		}
	}
	if k+1 < len(toks) {
		if c, ok := governmentAdjectives[toks[k].lower]; ok && governmentNouns[toks[k+1].lower] {
			return c, 2
		}
	}
	if d.lang == "da" && toks[k].lower == "regeringen" {
		// a Danish article's "regeringen" is the Danish government unless an adjective said otherwise
		if k == 0 || governmentAdjectives[toks[k-1].lower] == "" {
			return "DNK", 1
		}
	}
	return "", 0
}

type verbStatus struct {
	status string
	weak   bool // a noun like "donationspakke": used only when no verb is there
}

// pledgeVerbs say what happened to the money: promised, bound or handed over.
var pledgeVerbs = func() map[string]verbStatus {
	m := map[string]verbStatus{}
	add := func(status string, weak bool, words ...string) {
		for _, w := range words {
			m[w] = verbStatus{status, weak}
		}
	}
	add("pledged", false, "donerer", "donere", "giver", "give", "lover", "lovede", "lovet", "tilsiger", "tilsagde",
		"afsætter", "afsætte", "sender", "yder", "annoncerer", "annoncerede", "præsenterer", "præsenterede",
		"øremærker", "støtter", "tilbyder", "pledge", "pledges", "pledged", "promise", "promises", "promised",
		"announce", "announces", "announced", "offer", "offers", "offered", "unveil", "unveils", "unveiled",
		"donate", "donates", "give", "gives", "provide", "provides", "send", "sends", "tilsagn")
	add("committed", false, "forpligter", "forpligtet", "forpligtede", "bevilger", "bevilget", "bevilgede",
		"doneret", "donerede", "givet", "gav", "ydet", "ydede", "afsat", "afsatte", "øremærket", "commit",
		"commits", "committed", "allocate", "allocates", "allocated", "approve", "approves", "approved",
		"earmark", "earmarked", "donated", "gave", "given", "provided", "granted", "signed", "underskrevet")
	add("delivered", false, "leveret", "leverede", "leverer", "sendt", "sendte", "overdraget", "overdrog",
		"delivered", "delivers", "deliver", "sent", "shipped", "handed", "transferred", "disbursed", "udbetalt",
		"udbetalte")
	add("pledged", true, "donationspakke", "støttepakke", "hjælpepakke", "donationspakken", "støttepakken",
		"aid-package", "hjælpepakken")
	return m
}()

func (d *doc) findCandidates() {
	toks := d.toks
	n := len(toks)
	if n == 0 || len(d.res.Amounts) == 0 {
		return
	}
	donor := make([]string, n)
	verb := make([]int8, n) // 1 verb, 2 weak cue
	inAmount := make([]bool, n)
	for _, a := range d.res.Amounts {
		for k := a.tokStart; k < a.tokEnd; k++ {
			inAmount[k] = true // the US of "US$2 billion" is no donor
		}
	}
	for k := 0; k < n; k++ {
		if inAmount[k] {
			continue
		}
		if c, m := d.donorAt(k); m > 0 {
			if c != "UKR" && c != "RUS" {
				donor[k] = c
			}
			k += m - 1
			continue
		}
		if v, ok := pledgeVerbs[toks[k].lower]; ok {
			if v.weak {
				verb[k] = 2
			} else {
				verb[k] = 1
			}
		}
	}
	// nearest donor and verb on either side, computed once so each amount costs O(1)
	prevDonor, nextDonor := nearest(n, func(k int) bool { return donor[k] != "" })
	prevVerb, nextVerb := nearest(n, func(k int) bool { return verb[k] == 1 })
	prevWeak, nextWeak := nearest(n, func(k int) bool { return verb[k] == 2 })
	sentStart := make([]int, 0, 16)
	sentOf := make([]int, n)
	for k := 0; k < n; k++ {
		sentOf[k] = toks[k].sent
		if k == 0 || toks[k].sent != toks[k-1].sent {
			sentStart = append(sentStart, k)
		}
	}
	skip := map[int]bool{}
	for _, c := range d.res.Conversions {
		skip[c.To] = true
		if d.res.Amounts[c.From].rateUnit {
			skip[c.From] = true
		}
	}
	// clauses end at , ; : so "Tyskland giver 2 mia. euro, og EU afsætter 1 mia." keeps donors apart
	clause := make([]int, n)
	c := 0
	for k := 0; k < n; k++ {
		if k > 0 && (toks[k].sent != toks[k-1].sent || (toks[k-1].kind == tPunct && strings.Contains(",;:", toks[k-1].text))) {
			c++
		}
		clause[k] = c
	}
	for i, a := range d.res.Amounts {
		if skip[i] || a.rateUnit || a.rangeStart {
			continue
		}
		k := a.tokStart
		sent := toks[k].sent
		pick := func(prev, next []int, same []int) int {
			p, q := prev[k], next[k]
			pOK := p >= 0 && same[p] == same[k]
			qOK := q >= 0 && same[q] == same[k]
			switch {
			case pOK && qOK:
				if k-p <= q-k {
					return p
				}
				return q
			case pOK:
				return p
			case qOK:
				return q
			}
			return -1
		}
		dk := pick(prevDonor, nextDonor, clause)
		if dk < 0 {
			// the subject may sit in an earlier clause: "Danmark, der ..., giver 5 mia. kr."
			p := prevDonor[k]
			if p >= 0 && toks[p].sent == sent && (i == 0 || d.res.Amounts[i-1].tokStart < p || toks[d.res.Amounts[i-1].tokStart].sent != sent) {
				dk = p
			}
		}
		vk := pick(prevVerb, nextVerb, clause)
		if vk < 0 {
			vk = pick(prevVerb, nextVerb, sentOf)
		}
		if vk < 0 {
			vk = pick(prevWeak, nextWeak, sentOf)
		}
		if dk < 0 || vk < 0 {
			continue
		}
		ss := sentStart[sent]
		se := ss
		for se+1 < n && toks[se+1].sent == sent && se-ss < 200 {
			se++
		}
		d.res.Candidates = append(d.res.Candidates, Candidate{
			Donor:       donor[dk],
			Amount:      a.Exact,
			Currency:    a.Currency,
			Status:      pledgeVerbs[toks[vk].lower].status,
			Date:        d.res.Date,
			Description: clip(d.src[toks[ss].start:toks[se].end], 240),
			AmountIndex: i,
			Verb:        toks[vk].text,
		})
	}
}

// nearest returns, for every token, the index of the closest token at or before it and at or
// after it for which is holds (-1 when none).
func nearest(n int, is func(int) bool) (prev, next []int) {
	prev, next = make([]int, n), make([]int, n)
	last := -1
	for k := 0; k < n; k++ {
		if is(k) {
			last = k
		}
		prev[k] = last
	}
	last = -1
	for k := n - 1; k >= 0; k-- {
		if is(k) {
			last = k
		}
		next[k] = last
	}
	return prev, next
}

// clip shortens s to at most max bytes on a rune boundary and flattens line breaks.
func clip(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
