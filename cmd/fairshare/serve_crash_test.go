package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fairshare/fairshare/internal/sqlstore"
)

// serveProc starts 'fairshare serve' on a free port with extra flags and
// returns its base URL; the process is killed when the test ends.
func serveProc(t *testing.T, db string, flags ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, flags...)...)
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
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "fairshare serving "); ok {
				addr <- strings.TrimSuffix(a, "/")
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case a := <-addr:
		return a, cmd
	case <-time.After(60 * time.Second):
		t.Fatalf("fairshare serve did not start: %s", stderr.String())
	}
	return "", nil
}

// addUser makes a user with the CLI and returns its API token.
func addUser(t *testing.T, db, name, role string) string {
	t.Helper()
	out := strings.TrimSpace(mustFS(t, db, "users", "add", name, "--role", role))
	lines := strings.Split(out, "\n")
	return lines[len(lines)-1]
}

// TestServeKilledDuringWrites sends concurrent writes to a real server,
// kills it with SIGKILL, and checks that the database is intact, holds
// every write the server acknowledged, and has contiguous histories.
func TestServeKilledDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test")
	}
	db := filepath.Join(t.TempDir(), "serve.db")
	token := addUser(t, db, "ed", "editor")
	base, cmd := serveProc(t, db)

	type ack struct {
		id      string
		version int
	}
	var mu sync.Mutex
	var acked []ack
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		var m map[string]any
		if json.NewDecoder(resp.Body).Decode(&m) != nil {
			return 0, nil // cut off mid-answer: not acknowledged
		}
		return resp.StatusCode, m
	}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"donor":"DNK","date":"2024-%02d-%02d","amount":"%d","currency":"DKK","category":"in-kind","status":"delivered",`+
					`"source_url":"https://example.org/w","description":"writer %d entry %d","reason":"kill test"}`, i%12+1, i%28+1, 1000+i, w, i)
				code, m := post("POST", "/api/v1/contributions", body)
				if code != 201 {
					continue
				}
				id, _ := m["id"].(string)
				mu.Lock()
				acked = append(acked, ack{id, 1})
				mu.Unlock()
				if i%3 == 0 { // and correct some of them
					code, m = post("PUT", "/api/v1/contributions/"+id, fmt.Sprintf(`{"amount":"%d","reason":"kill test correction"}`, 5000+i))
					if code == 200 {
						mu.Lock()
						acked = append(acked, ack{id, int(m["version"].(float64))})
						mu.Unlock()
					}
				}
			}
		}(w)
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}

	st, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var check string
	if err := st.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q, %v", check, err)
	}
	for _, a := range acked {
		hs, err := st.History(context.Background(), a.id)
		if err != nil || len(hs) < a.version {
			t.Fatalf("acknowledged write %s v%d lost (%d versions, %v)", a.id, a.version, len(hs), err)
		}
		if hs[a.version-1].Author != "ed" {
			t.Errorf("%s v%d by %q", a.id, a.version, hs[a.version-1].Author)
		}
	}
	// Every history runs 1..n without gaps or repeats.
	rows, err := st.DB().Query(`SELECT id, COUNT(*), MIN(version), MAX(version), COUNT(DISTINCT version) FROM contribution_versions GROUP BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var c, lo, hi, distinct int
		if err := rows.Scan(&id, &c, &lo, &hi, &distinct); err != nil {
			t.Fatal(err)
		}
		if lo != 1 || hi != c || distinct != c {
			t.Errorf("%s: versions %d..%d, %d rows", id, lo, hi, c)
		}
		n++
	}
	t.Logf("%d writes acknowledged, %d entries, all intact", len(acked), n)
	// The database opens and serves again.
	base2, _ := serveProc(t, db)
	resp, err := http.Get(base2 + "/api/v1/contributions/" + acked[0].id + "/history")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after restart: %v %v", resp, err)
	}
	resp.Body.Close()
}

// selfSigned writes a certificate and key for 127.0.0.1 and returns the
// files and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fairshare test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLS runs the server with --tls-cert/--tls-key and a
// self-signed certificate: pages carry the security headers, the login
// cookie is Secure, and an editor's token writes over HTTPS.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tls.db")
	token := addUser(t, db, "ed", "editor")
	cmd := exec.Command(binary, "users", "password", "ed", "--db", db)
	cmd.Stdin = strings.NewReader("a long enough password\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("users password: %v\n%s", err, out)
	}
	certFile, keyFile, pool := selfSigned(t, dir)
	if r := fs(t, db, "serve", "--tls-cert", certFile); r.code == 0 {
		t.Error("--tls-cert without --tls-key accepted")
	}
	base, _ := serveProc(t, db, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serving %s", base)
	}
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	h := resp.Header
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
		t.Errorf("security headers %v", h)
	}
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF field on the login page")
	}
	var loginCookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "fairshare_login" {
			loginCookie = ck
		}
	}
	if loginCookie == nil || !loginCookie.Secure {
		t.Fatalf("login cookie %+v", loginCookie)
	}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"csrf": {string(m[1])}, "username": {"ed"}, "password": {"a long enough password"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(loginCookie)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var sess *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "fairshare_session" {
			sess = ck
		}
	}
	if sess == nil || !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie over TLS %+v", sess)
	}
	req, _ = http.NewRequest("POST", base+"/api/v1/contributions", strings.NewReader(`{"donor":"NOR","date":"2024-01-02","amount":"5","currency":"NOK",`+
		`"category":"training","status":"delivered","source_url":"https://example.org/tls","reason":"over TLS"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("write over TLS: %d", resp.StatusCode)
	}
	if out := mustFS(t, db, "audit", "--user", "ed"); !strings.Contains(out, "over TLS") {
		t.Errorf("audit lacks the write:\n%s", out)
	}
}
