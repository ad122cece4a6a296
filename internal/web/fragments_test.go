package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fairshare/fairshare/internal/app"
)

// TestPagePiecesFollowWrites: the pieces a handler keeps per report version
// (charts, a donor's newest contributions) never outlive a write. After an
// entry is recorded, every page from a handler that kept pieces is the same,
// byte for byte, as from a new handler that kept none.
func TestPagePiecesFollowWrites(t *testing.T) {
	a, err := app.Open(context.Background(), filepath.Join(t.TempDir(), "fairshare.db"), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	get := func(h http.Handler, path string) string {
		t.Helper()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, w.Code)
		}
		return w.Body.String()
	}
	warm := NewHandler(a, Options{})
	tests := []struct {
		path string
		want string // shown only after the write
	}{
		{"/targets/nato-2024?dataset=user,kiel-r29", ""},
		{"/targets/nato-2024?dataset=user,kiel-r29&lang=da", ""},
		{"/donors/DNK?dataset=user,kiel-r29", "test delivery"},
		{"/donors/DNK?lang=da", "test delivery"},
	}
	before := map[string]string{}
	for _, tt := range tests {
		get(warm, tt.path+"&x=0")
		before[tt.path] = get(warm, tt.path+"&x=1") // from kept pieces
	}
	userEntry(t, a)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := get(warm, tt.path+"&x=2")
			want := get(NewHandler(a, Options{}), tt.path+"&x=2")
			if got != want {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("kept pieces differ from a fresh rendering at byte %d:\n%.200s\nwant\n%.200s", i, got[i:], want[i:])
			}
			if got == before[tt.path] {
				t.Error("the page did not change after the write")
			}
			if tt.want != "" && (!strings.Contains(got, tt.want) || strings.Contains(before[tt.path], tt.want)) {
				t.Errorf("%q shown only after the write: before %v, after %v", tt.want, strings.Contains(before[tt.path], tt.want), strings.Contains(got, tt.want))
			}
			// The map's geography (a kept piece) shows Denmark's new share.
			if strings.HasPrefix(tt.path, "/targets/") && geo(got) == geo(before[tt.path]) {
				t.Error("the map did not change after the write")
			}
		})
	}
}

// geo is the map's geography in a page.
func geo(page string) string {
	i := strings.Index(page, `<div class="map-geo">`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</svg>")
	return page[i : i+j]
}
