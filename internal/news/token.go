package news

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tWord  tokKind = iota // letters, digits inside, internal hyphens and apostrophes
	tNum                  // digits with internal separators: 1,3  25.000  6.9626
	tSym                  // currency symbols: $ € £ ¥
	tPunct                // any other single rune
)

type token struct {
	kind        tokKind
	start, end  int
	text        string
	lower       string
	spaceBefore bool // whitespace between the previous token and this one
	nlBefore    int  // newlines between the previous token and this one
	sent        int  // sentence index
	line        int  // line index
}

// maxNumLen bounds number tokens so that big-number arithmetic stays cheap on hostile input.
const maxNumLen = 40

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// groupSpaceLen reports the byte length of a no-break or thin space at the start of s,
// which Danish and French typesetting use as a thousands separator.
func groupSpaceLen(s string) int {
	switch {
	case strings.HasPrefix(s, "\u00a0"):
		return 2
	case strings.HasPrefix(s, "\u202f"), strings.HasPrefix(s, "\u2009"):
		return 3
	}
	return 0
}

// threeDigits reports whether s starts with exactly three digits.
func threeDigits(s string) bool {
	if len(s) < 3 || !isDigitByte(s[0]) || !isDigitByte(s[1]) || !isDigitByte(s[2]) {
		return false
	}
	return len(s) == 3 || !isDigitByte(s[3])
}

func isSymbol(r rune) bool { return r == '$' || r == '€' || r == '£' || r == '¥' }

// tokenize splits s in one pass; every token is a slice of s, so offsets are byte offsets.
func tokenize(s string) []token {
	var toks []token
	space, nl, line := false, 0, 0
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			space = true
			if r == '\n' {
				nl++
				line++
			}
			i += size
			continue
		}
		start := i
		var kind tokKind
		switch {
		case r < utf8.RuneSelf && isDigitByte(byte(r)):
			kind = tNum
			j := i + 1
			for j < len(s) {
				c := s[j]
				if isDigitByte(c) {
					j++
					continue
				}
				if (c == '.' || c == ',') && j+1 < len(s) && isDigitByte(s[j+1]) {
					j++
					continue
				}
				if n := groupSpaceLen(s[j:]); n > 0 && threeDigits(s[j+n:]) {
					j += n
					continue
				}
				break
			}
			i = j
		case unicode.IsLetter(r):
			kind = tWord
			j := i + size
			if codeBeforeDigit(s[i:]) {
				// "EUR40bn", "DKK5.6bn": the ISO code is a token of its own
				i += 3
				break
			}
			for j < len(s) {
				r2, sz2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += sz2
					continue
				}
				if r2 == '-' && hyphenScales[strings.ToLower(s[start:j])] {
					// "40-milliarder-euro", "$61-billion-dollar": the scale stands alone
					break
				}
				if r2 == '-' || r2 == '\'' || r2 == '’' {
					r3, _ := utf8.DecodeRuneInString(s[j+sz2:])
					if unicode.IsLetter(r3) || (r2 == '-' && unicode.IsDigit(r3)) {
						j += sz2
						continue
					}
				}
				// Keep U.S. and U.K. whole: single capitals joined by dots.
				if r2 == '.' && j-start <= 3 && j+2 < len(s) && isUpperASCII(s[j+1]) && s[j+2] == '.' && isUpperASCII(s[j-1]) && (j-start == 1 || s[j-2] == '.') {
					j += 3
					continue
				}
				break
			}
			i = j
		case isSymbol(r):
			kind = tSym
			i += size
		default:
			kind = tPunct
			i += size
		}
		text := s[start:i]
		toks = append(toks, token{kind: kind, start: start, end: i, text: text, lower: strings.ToLower(text), spaceBefore: space, nlBefore: nl, line: line})
		space, nl = false, 0
	}
	splitSentences(toks)
	return toks
}

// hyphenScales are scale words that end a hyphenated word: the rest is a currency or a noun.
var hyphenScales = setOf("million", "millioner", "milliard", "milliarder", "billion", "billioner", "mia", "mio", "mrd", "bn")

// codeBeforeDigit reports an upper-case ISO currency code glued to a digit: "EUR40bn".
func codeBeforeDigit(s string) bool {
	return len(s) > 3 && isDigitByte(s[3]) && currencyCodes[s[:3]]
}

func isUpperASCII(c byte) bool { return c >= 'A' && c <= 'Z' }

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// noEnd lists abbreviations whose dot does not end a sentence.
var noEnd = map[string]bool{
	"ca": true, "bl": true, "a": true, "f": true, "eks": true, "fx": true, "jf": true, "kl": true,
	"nr": true, "hr": true, "fr": true, "dr": true, "mr": true, "mrs": true, "ms": true, "st": true,
	"pct": true, "evt": true, "inkl": true, "ekskl": true, "vs": true, "approx": true, "gen": true,
	"sen": true, "rep": true, "gov": true, "no": true, "prof": true, "lt": true, "col": true,
	"c": true,
}

func isQuoteDash(t token) bool {
	return t.kind == tPunct && (t.text == "-" || t.text == "–" || t.text == "—")
}

// splitSentences numbers sentences. A blank line, a quote line, or terminal punctuation
// followed by a capital ends a sentence; single newlines alone do not, because wire
// text is often hard-wrapped.
func splitSentences(toks []token) {
	sent := 0
	for k := range toks {
		if k > 0 && sentenceBreak(toks, k) {
			sent++
		}
		toks[k].sent = sent
	}
}

func sentenceBreak(toks []token, k int) bool {
	t := toks[k]
	if t.nlBefore >= 2 {
		return true
	}
	if t.nlBefore == 1 && isQuoteDash(t) {
		return true
	}
	p := k - 1
	if toks[p].kind == tPunct && (toks[p].text == "\"" || toks[p].text == "”" || toks[p].text == "»") && p > 0 {
		p--
	}
	pt := toks[p]
	if pt.kind != tPunct {
		return false
	}
	switch pt.text {
	case "!", "?":
		return true
	case ".", ":":
		if t.nlBefore > 0 {
			return true
		}
		if pt.text == ":" {
			return false
		}
		if p > 0 && toks[p-1].end == pt.start && noEnd[toks[p-1].lower] {
			return false
		}
		if isQuoteDash(t) {
			// a dash after a dot starts a quote only before a capital; "9,4 mia. kr. – svarende
			// til ..." is an abbreviation's dot before a dash apposition
			return k+1 >= len(toks) || toks[k+1].kind != tWord || startsUpper(toks[k+1].text)
		}
		return startsUpper(t.text) || t.kind == tSym
	}
	return false
}
