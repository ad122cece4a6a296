package web

import "testing"

func TestLocalTitle(t *testing.T) {
	for _, tc := range []struct{ lang, in, want string }{
		{"da", "(title taken from the URL) Ellemann: Danske F-16-kampfly må kun bruges i Ukraine", "(titel udledt af adressen) Ellemann: Danske F-16-kampfly må kun bruges i Ukraine"},
		{"en", "(title taken from the URL) Ellemann: Danske F-16-kampfly", "(title taken from the URL) Ellemann: Danske F-16-kampfly"},
		{"da", "Denmark approves new military aid package", "Denmark approves new military aid package"},
		{"da", "A title (title taken from the URL) in the middle", "A title (title taken from the URL) in the middle"},
		{"da", "", ""},
	} {
		if got := localTitle(tc.lang, tc.in); got != tc.want {
			t.Errorf("localTitle(%q, %q) = %q, want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}
