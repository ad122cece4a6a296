package auth

import (
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, hb, _ := NewToken()
	if a == b || ha == hb || !strings.HasPrefix(a, TokenPrefix) || HashToken(a) != ha || strings.Contains(ha, a) {
		t.Fatalf("tokens %q %q hashes %q %q", a, b, ha, hb)
	}
}

func TestPasswords(t *testing.T) {
	tests := []struct {
		pw      string
		wantErr bool
	}{
		{"correct horse battery", false},
		{"short", true},
		{strings.Repeat("x", 73), true},
	}
	for _, tt := range tests {
		h, err := HashPassword(tt.pw)
		if (err != nil) != tt.wantErr {
			t.Fatalf("HashPassword(%q): %v", tt.pw, err)
		}
		if err == nil && (!CheckPassword(h, tt.pw) || CheckPassword(h, tt.pw+"!") || strings.Contains(h, tt.pw)) {
			t.Fatalf("hash %q does not check %q properly", h, tt.pw)
		}
	}
	if CheckPassword("", "") {
		t.Fatal("an empty hash must never match")
	}
}

func TestValidName(t *testing.T) {
	for name, ok := range map[string]bool{"ed": true, "anne.m@mod.dk": true, "": false, "a b": false, "<x>": false, strings.Repeat("a", 65): false} {
		if (ValidName(name) == nil) != ok {
			t.Errorf("ValidName(%q) ok=%v", name, !ok)
		}
	}
}
