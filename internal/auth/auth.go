// Package auth makes and checks the secrets of users: API tokens (random,
// shown once, stored as SHA-256: they carry 256 bits of entropy, so a slow
// hash adds nothing) and passwords (bcrypt, slow on purpose).
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/fairshare/fairshare"
)

// TokenPrefix marks fairshare tokens, so that leaked ones are easy to grep for.
const TokenPrefix = "fs_"

// NewToken returns a new random token and its hash.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken hashes a token for storage and look-up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MinPassword is the shortest password accepted.
const MinPassword = 10

// HashPassword hashes a password with bcrypt.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPassword {
		return "", fairshare.Errorf(fairshare.EINVALID, "password too short: at least %d characters", MinPassword)
	}
	if len(pw) > 72 {
		return "", fairshare.Errorf(fairshare.EINVALID, "password too long: at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}

// CheckPassword reports whether pw matches hash.
func CheckPassword(hash, pw string) bool {
	return hash != "" && bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// ValidName checks a user name: letters, digits, '.', '_', '-', 1-64 chars.
func ValidName(name string) error {
	if name == "" || len(name) > 64 {
		return fairshare.FieldError("name", "want 1 to 64 characters")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)) {
			return fairshare.FieldError("name", "use letters, digits, '.', '_', '-' or '@'")
		}
	}
	return nil
}

// FromBearer finds the enabled user holding the token in an
// "Authorization: Bearer TOKEN" header value.
func FromBearer(ctx context.Context, acc fairshare.Accounts, header string) (fairshare.User, error) {
	// Auth schemes are case-insensitive (RFC 9110, 11.1): "bearer" too.
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	ok = ok && strings.EqualFold(scheme, "Bearer")
	token = strings.TrimSpace(token)
	if !ok || !strings.HasPrefix(token, TokenPrefix) {
		return fairshare.User{}, fairshare.Errorf(fairshare.EUNAUTHORIZED, "want Authorization: Bearer TOKEN")
	}
	u, err := acc.UserByTokenHash(ctx, HashToken(strings.TrimSpace(token)))
	var fe *fairshare.Error
	if errors.As(err, &fe) && fe.Code == fairshare.ENOTFOUND || err == nil && u.Disabled {
		return fairshare.User{}, fairshare.Errorf(fairshare.EUNAUTHORIZED, "invalid or disabled token")
	}
	return u, err
}
