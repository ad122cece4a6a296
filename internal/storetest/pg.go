package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// PostgresEnv names the environment variable holding the URL of the
// PostgreSQL server the tests use.
const PostgresEnv = "FAIRSHARE_TEST_POSTGRES"

const skipMsg = "PostgreSQL not reachable: set " + PostgresEnv + "=postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresDSN creates a fresh schema on the server named by
// $FAIRSHARE_TEST_POSTGRES and returns a URL whose connections use it
// (search_path), so tests never see each other's tables. The schema is
// dropped when the test ends. Without the variable, or when the server does
// not answer, the test is skipped with a message that says how to run it.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(skipMsg)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		t.Skipf("%s (%v)", skipMsg, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		db.Close()
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
