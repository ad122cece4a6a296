package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare/internal/storetest"
)

// server is a running 'fairshare serve' process.
type server struct {
	base string // http://127.0.0.1:PORT
	cmd  *exec.Cmd
}

// startServe starts 'fairshare serve' on a free port against db and stops it
// when the test ends. It skips the test when this binary has no serve yet.
func startServe(t *testing.T, db string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), "FAIRSHARE_DB=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "fairshare serving "); ok {
				addr <- strings.TrimSuffix(a, "/")
				break
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(exited)
	}()
	select {
	case a := <-addr:
		return &server{base: a, cmd: cmd}
	case <-exited:
		if strings.Contains(stderr.String(), "unknown command") {
			t.Skip("this build has no 'fairshare serve' command yet")
		}
		t.Fatalf("fairshare serve exited before serving: %s", stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("fairshare serve did not report its address within a minute: %s", stderr.String())
	}
	return nil
}

// get fetches path and returns the body and ETag, failing on any status but 200.
func (s *server) get(t *testing.T, path string) (body []byte, etag string) {
	t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s%s: %s\n%s", s.base, path, resp.Status, body)
	}
	return body, resp.Header.Get("ETag")
}

// contributionIDs lists the ids on the first page of a contribution list.
func (s *server) contributionIDs(t *testing.T, path string) []string {
	t.Helper()
	body, _ := s.get(t, path)
	var page struct {
		Total int `json:"total"`
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
	var ids []string
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// TestPostgresTwoServers runs two 'fairshare serve' instances on one
// PostgreSQL database: a write made elsewhere (here the CLI, until the API
// takes writes) is visible through both, and both give the same report.
func TestPostgresTwoServers(t *testing.T) {
	db := storetest.PostgresDSN(t)
	mustFS(t, db, "migrate")
	a, b := startServe(t, db), startServe(t, db)
	const list = "/api/v1/contributions?donor=DNK&dataset=user"

	for _, s := range []*server{a, b} {
		if ids := s.contributionIDs(t, list); len(ids) != 0 {
			t.Fatalf("%s lists user entries before any were added: %v", s.base, ids)
		}
	}
	_, etagA := a.get(t, "/api/v1/reports/nato-2024")
	_, etagB := b.get(t, "/api/v1/reports/nato-2024")
	if etagA != etagB {
		t.Errorf("the two servers' reports differ before the write: %s vs %s", etagA, etagB)
	}

	id := strings.TrimSpace(mustFS(t, db, "contributions", "add", "--db", db, "--donor", "DNK", "--date", "2024-06-14",
		"--amount", "1000000000", "--currency", "DKK", "--category", "in-kind", "--status", "delivered",
		"--source-url", "https://example.org/dk-june", "--description", "seen by both"))
	time.Sleep(2 * time.Millisecond)
	asOf := url.QueryEscape(time.Now().UTC().Format(time.RFC3339Nano))

	// A server may answer reports from memory for a moment after another
	// process wrote (the engine re-checks the ledger at most every second
	// on PostgreSQL), so the checks get a few seconds to come true.
	eventually(t, 5*time.Second, func() string {
		for _, s := range []*server{a, b} {
			if ids := s.contributionIDs(t, list); len(ids) != 1 || ids[0] != id {
				return fmt.Sprintf("%s lists %v after the write, want [%s]", s.base, ids, id)
			}
			if _, now := s.get(t, "/api/v1/reports/nato-2024"); now == etagA {
				return fmt.Sprintf("%s: the report did not change after the write", s.base)
			}
		}
		return ""
	})
	bodyA, newA := a.get(t, "/api/v1/reports/nato-2024?as_of="+asOf)
	bodyB, newB := b.get(t, "/api/v1/reports/nato-2024?as_of="+asOf)
	if !bytes.Equal(bodyA, bodyB) || newA != newB {
		t.Errorf("the two servers' reports differ after the write:\n%s\n%s", bodyA, bodyB)
	}
	var rep reportJSON
	if err := json.Unmarshal(bodyA, &rep); err != nil {
		t.Fatal(err)
	}
	if _, _, counted := rep.row("DNK"); counted == "" {
		t.Errorf("no DNK row in the report: %s", bodyA)
	}
}

// eventually retries check until it returns "" or the time is up, and then
// fails with its last message.
func eventually(t *testing.T, limit time.Duration, check func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		msg := check()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
