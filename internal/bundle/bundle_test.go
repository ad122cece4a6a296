package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
)

func TestRoundTrip(t *testing.T) {
	c := fairshare.Contribution{ID: "a", Version: 1, Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-06-14"),
		Amount: 100000, Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user",
		Source: fairshare.Source{URL: "https://example.org/a"}, RecordedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Author: "anne", Reason: "import"}
	kwd := c
	kwd.ID, kwd.Currency, kwd.Amount = "b", "KWD", 1000 // "1.000": a decimal point, not a thousand
	var buf bytes.Buffer
	if err := Write(&buf, fairshare.Snapshot{Versions: []fairshare.Contribution{c, kwd}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	snap, err := Read(buf.Bytes(), "b.zip")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Versions) != 2 || snap.Versions[0].Amount != 100000 || snap.Versions[1].Amount != 1000 || snap.Versions[0].Author != "anne" {
		t.Fatalf("%+v", snap.Versions)
	}
}

var zeroDeflated = map[int64][]byte{}

// zeroEntry is n zero bytes deflated, computed once per size.
func zeroEntry(t *testing.T, n int64) []byte {
	if b, ok := zeroDeflated[n]; ok {
		return b
	}
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	chunk := make([]byte, 1<<20)
	for left := n; left > 0; left -= int64(len(chunk)) {
		w.Write(chunk[:min(int64(len(chunk)), left)])
	}
	w.Close()
	zeroDeflated[n] = buf.Bytes()
	return buf.Bytes()
}

var (
	zeroCRC = map[int64]uint32{}
	zeroSum = map[int64]string{}
)

func crcZeros(n int64) uint32 {
	if c, ok := zeroCRC[n]; ok {
		return c
	}
	h := crc32.NewIEEE()
	io.CopyN(h, zeroReader{}, n)
	zeroCRC[n] = h.Sum32()
	return zeroCRC[n]
}

func sumZeros(n int64) string {
	if s, ok := zeroSum[n]; ok {
		return s
	}
	h := sha256.New()
	io.CopyN(h, zeroReader{}, n)
	zeroSum[n] = hex.EncodeToString(h.Sum(nil))
	return zeroSum[n]
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// bomb builds a bundle whose files are zero-filled, with the zip headers and
// the manifest claiming the sizes given.
func bomb(t *testing.T, real, header, manifest int64) []byte {
	t.Helper()
	data := zeroEntry(t, real)
	m := Manifest{Format: Format, Version: Version, Created: "2026-11-29T00:00:00Z"}
	names := []string{"versions.jsonl", "rates.csv", "targets.json"}
	for _, n := range names {
		m.Files = append(m.Files, File{Name: n, SHA256: sumZeros(real), Bytes: int(manifest)})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: n, Method: zip.Deflate, CRC32: crcZeros(real),
			CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(header)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	mb, _ := json.Marshal(m)
	w, _ := zw.Create("manifest.json")
	w.Write(mb)
	zw.Close()
	return buf.Bytes()
}

// TestZipBomb: a bundle of three zero-filled 1 GiB files is refused without
// decompressing them into memory, whether the headers and the manifest say
// so or lie.
func TestZipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("deflates 1 GiB")
	}
	const gib = 1 << 30
	tests := []struct {
		name                   string
		real, header, manifest int64
		want                   string
	}{
		{"honest", gib, gib, gib, "larger than"},
		{"headers lie", gib, 1000, gib, "larger than"},
		{"headers and manifest lie", gib, 1000, 1000, "versions.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := bomb(t, tt.real, tt.header, tt.manifest)
			if tt.name == "honest" {
				t.Logf("bundle of %d bytes", len(data))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Read(data, "bomb.zip")
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MB reading the bomb", alloc>>20)
			}
		})
	}
}
