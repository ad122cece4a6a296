package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// memoryBound is the peak resident memory the README promises for a server
// under a burst of large imports and for 'import --all' of a zip bomb.
const memoryBound = 512 << 20

// procKB reads a "Vm...: N kB" line of /proc/PID/status, in bytes.
func procKB(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// bigImport writes a CSV of about size bytes whose last row is bad.
func bigImport(t *testing.T, path string, size int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("donor,date,amount,currency,category,status,source_url,description\n")
	n := 0
	for i := 0; n < size; i++ {
		k, _ := fmt.Fprintf(w, "DNK,2024-06-%02d,%d,DKK,in-kind,delivered,https://example.org/big/%d,synthetic row %d for the memory test\n", i%28+1, i+1, i, i)
		n += k
	}
	w.WriteString("DNK,2024-06-14,1.000,DKK,in-kind,delivered,https://example.org/big/last,ambiguous amount\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestServerMemoryUnderImportBurst: ten concurrent 30 MB imports with a bad
// last row keep the server's peak RSS under the bound, each is refused (400
// naming the line, or 503 with Retry-After when the server is busy), the
// ledger is unchanged, and the memory is handed back afterwards.
func TestServerMemoryUnderImportBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 30 MB and sends it ten times")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	token := addUser(t, db, "ed", "editor")
	file := filepath.Join(dir, "big.csv")
	bigImport(t, file, 30<<20)
	base, cmd := serveProc(t, db)
	pid := cmd.Process.Pid
	if resp, err := http.Get(base + "/api/v1/reports/nato-2024"); err == nil {
		resp.Body.Close()
	}
	start := procKB(t, pid, "VmHWM")

	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	var firstErr string
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := os.Open(file)
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			req, _ := http.NewRequest("POST", base+"/api/v1/contributions/import?reason=burst", f)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "text/csv")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			statuses[resp.StatusCode]++
			switch resp.StatusCode {
			case http.StatusBadRequest:
				if firstErr == "" {
					firstErr = string(body)
				}
			case http.StatusServiceUnavailable:
				if resp.Header.Get("Retry-After") == "" {
					t.Errorf("503 without Retry-After")
				}
			default:
				t.Errorf("status %d: %s", resp.StatusCode, body)
			}
		}()
	}
	wg.Wait()
	peak := procKB(t, pid, "VmHWM")
	t.Logf("server VmHWM: %d MB at start, %d MB after ten 30 MB imports; statuses %v", start>>20, peak>>20, statuses)
	if statuses[http.StatusBadRequest] == 0 || !strings.Contains(firstErr, "amount") {
		t.Errorf("no import reached the bad row: %v %s", statuses, firstErr)
	}
	if peak > memoryBound {
		t.Errorf("peak RSS %d MB, over the %d MB bound", peak>>20, memoryBound>>20)
	}
	time.Sleep(2 * time.Second)
	t.Logf("server VmRSS after 2 s idle: %d MB", procKB(t, pid, "VmRSS")>>20)
	resp, err := http.Get(base + "/api/v1/contributions?dataset=user")
	if err != nil {
		t.Fatal(err)
	}
	var list []json.RawMessage
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list) != 0 {
		t.Fatalf("the refused imports recorded %d entries", len(list))
	}
}

// zeroBomb writes a bundle of three zero-filled 1 GiB files whose zip
// headers claim 1 KB each (the manifest says 1 GiB, with the right sums).
func zeroBomb(t *testing.T, path string) {
	t.Helper()
	const gib = 1 << 30
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	chunk := make([]byte, 1<<20)
	crc := crc32.NewIEEE()
	sum := sha256.New()
	for range gib / len(chunk) {
		fw.Write(chunk)
		crc.Write(chunk)
		sum.Write(chunk)
	}
	fw.Close()
	type file struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
		Bytes  int    `json:"bytes"`
	}
	names := []string{"versions.jsonl", "rates.csv", "targets.json"}
	var files []file
	for _, n := range names {
		files = append(files, file{n, hex.EncodeToString(sum.Sum(nil)), gib})
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, n := range names {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: n, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: 1000})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
	}
	m, _ := json.Marshal(map[string]any{"format": "fairshare-bundle", "version": 1, "created": "2026-11-29T00:00:00Z", "files": files})
	w, _ := zw.Create("manifest.json")
	w.Write(m)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// TestImportAllZipBombMemory: 'import --all' of a 3 MB bundle holding three
// zero-filled 1 GiB files is refused within the memory bound and records
// nothing.
func TestImportAllZipBombMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("deflates 1 GiB")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	bomb := filepath.Join(dir, "bomb.zip")
	zeroBomb(t, bomb)
	st, _ := os.Stat(bomb)
	before := mustFS(t, db, "contributions", "export", "--format", "csv")
	cmd := exec.Command(binary, "import", "--all", bomb)
	cmd.Env = append(os.Environ(), "FAIRSHARE_DB="+db)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("bomb not refused with exit 1: %v %s", err, stderr.String())
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	t.Logf("bundle of %d KB; import --all peak RSS %d MB; %s", st.Size()>>10, peak>>20, strings.TrimSpace(stderr.String()))
	if peak > memoryBound {
		t.Errorf("peak RSS %d MB, over the %d MB bound", peak>>20, memoryBound>>20)
	}
	if after := mustFS(t, db, "contributions", "export", "--format", "csv"); after != before {
		t.Fatal("the refused bundle changed the ledger")
	}
}
