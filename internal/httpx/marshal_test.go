package httpx

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestMarshalIndent compares Marshal with encoding/json's indenting Encoder
// on random values: nested objects and arrays (empty ones too), and strings
// full of what must be escaped or looks like JSON syntax.
func TestMarshalIndent(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2))
	pieces := []string{`"`, `\`, `\"`, `{`, `}`, `[`, `]`, `,`, `:`, " ", "\n", "\t", "<", ">", "&", "\u2028", "é", "\x00", "\xff", "a", "\\n"}
	var value func(depth int) any
	value = func(depth int) any {
		switch k := r.IntN(9); {
		case depth > 4 || k < 3:
			var s string
			for range r.IntN(6) {
				s += pieces[r.IntN(len(pieces))]
			}
			return s
		case k == 3:
			return r.NormFloat64() * 1e6
		case k == 4:
			return []any{nil, true, false, r.IntN(3) - 1}[r.IntN(4)]
		case k == 5 || k == 6:
			a := []any{}
			for range r.IntN(4) {
				a = append(a, value(depth+1))
			}
			return a
		default:
			m := map[string]any{}
			for range r.IntN(4) {
				m[value(5).(string)] = value(depth + 1)
			}
			return m
		}
	}
	for i := range 3000 {
		v := value(0)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		got, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("value %d:\ngot:\n%s\nwant:\n%s", i, got, want.Bytes())
		}
	}
}
