package httpapi

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// oapiCodegen is the client generator CI checks the document against.
const oapiCodegen = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2"

// TestGeneratedGoClient generates a Go client from the served
// /api/v1/openapi.json with oapi-codegen and compiles it: the document must
// stay usable by the usual generators (no clashing type names). It needs
// the Go module proxy, so it runs only with FAIRSHARE_TEST_CLIENTGEN=1
// (.ci/run sets it).
func TestGeneratedGoClient(t *testing.T) {
	if os.Getenv("FAIRSHARE_TEST_CLIENTGEN") == "" {
		t.Skip("set FAIRSHARE_TEST_CLIENTGEN=1 to generate and build a Go client with oapi-codegen (needs the module proxy)")
	}
	ts, _ := newTestServer(t)
	resp, body := get(t, ts, "GET", "/api/v1/openapi.json")
	if resp.StatusCode != 200 {
		t.Fatalf("openapi.json: status %d", resp.StatusCode)
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(spec, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fairshareclient\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}
	code := run("go", "run", oapiCodegen, "-generate", "types,client", "-package", "fairshareclient", spec)
	if !strings.Contains(code, "func NewClient(") {
		t.Fatalf("oapi-codegen wrote no client:\n%.2000s", code)
	}
	if err := os.WriteFile(filepath.Join(dir, "client.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	run("go", "mod", "tidy")
	run("go", "build", "./...")
}
