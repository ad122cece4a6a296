package news

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestTrySeed(t *testing.T) {
	b, err := os.ReadFile("../../../shared/seed/000_7c294af00ee85bfb.txt")
	if err != nil {
		t.Skip(err)
	}
	r, err := Read(b, Options{Lang: "auto", Date: time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC), Rates: func(day time.Time, c string) (float64, bool) {
		m := map[string]float64{"DKK": 7.4588, "USD": 1.0852, "GBP": 0.85365}
		v, ok := m[c]
		return v, ok
	}})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.MarshalIndent(r, "", " ")
	fmt.Println(string(j))
	fmt.Println(r.Text())
}
