// Package bundle writes and reads a portable copy of a fairshare store: a
// zip archive of JSON and CSV files with a manifest that gives each file's
// SHA-256, so that a damaged or altered bundle is refused before anything is
// recorded.
package bundle

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// Format names the bundle layout; Version changes when it does.
const (
	Format  = "fairshare-bundle"
	Version = 1
)

// Manifest describes a bundle.
type Manifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Created string `json:"created"`
	Files   []File `json:"files"`
}

// File is one file of a bundle.
type File struct {
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	Bytes   int    `json:"bytes"`
	Records int    `json:"records"`
	About   string `json:"about"`
}

// Write writes snap as a bundle.
func Write(w io.Writer, snap fairshare.Snapshot, created time.Time) error {
	zw := zip.NewWriter(w)
	m := Manifest{Format: Format, Version: Version, Created: created.UTC().Format(time.RFC3339)}
	add := func(name, about string, records int, data []byte) error {
		sum := sha256.Sum256(data)
		m.Files = append(m.Files, File{Name: name, SHA256: hex.EncodeToString(sum[:]), Bytes: len(data), Records: records, About: about})
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	// One JSON object per line: versions stream and diff well.
	var buf bytes.Buffer
	for _, c := range snap.Versions {
		b, err := json.Marshal(ledgerio.ToJSON(c))
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if err := add("versions.jsonl", "every version of every contribution (ledgerio JSON, one per line)", len(snap.Versions), buf.Bytes()); err != nil {
		return err
	}
	buf.Reset()
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"currency", "period", "rate", "publisher", "title", "source_date", "url"})
	for _, r := range snap.Rates {
		cw.Write([]string{r.Currency, r.Period, r.Rate, r.Source.Publisher, r.Source.Title, r.Source.Date, r.Source.URL})
	}
	cw.Flush()
	if err := add("rates.csv", "euro reference rates: units per EUR by day, month or year", len(snap.Rates), buf.Bytes()); err != nil {
		return err
	}
	for _, part := range []struct {
		name, about string
		n           int
		v           any
	}{
		{"targets.json", "user-defined targets", len(snap.Targets), nonNil(snap.Targets)},
		{"datasets.json", "user-defined dataset descriptions", len(snap.Datasets), nonNil(snap.Datasets)},
		{"users.json", "users, with hashed secrets only", len(snap.Users), nonNil(snap.Users)},
		{"audit.json", "audit log of changes outside the ledger", len(snap.Audit), nonNil(snap.Audit)},
	} {
		b, err := json.MarshalIndent(part.v, "", "  ")
		if err != nil {
			return err
		}
		if err := add(part.name, part.about, part.n, b); err != nil {
			return err
		}
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := zw.Create("manifest.json")
	if err != nil {
		return err
	}
	if _, err := f.Write(mb); err != nil {
		return err
	}
	return zw.Close()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// MaxFile bounds one file inside a bundle, against zip bombs.
const MaxFile = 1 << 30

// Read checks a bundle's manifest and checksums and parses it. Nothing is
// returned unless every file is intact and valid.
func Read(data []byte, name string) (fairshare.Snapshot, error) {
	var snap fairshare.Snapshot
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return snap, fmt.Errorf("%s: not a bundle: %w", name, err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return snap, fmt.Errorf("%s: %s: %w", name, f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, MaxFile+1))
		rc.Close()
		if err != nil {
			return snap, fmt.Errorf("%s: %s: %w", name, f.Name, err)
		}
		if len(b) > MaxFile {
			return snap, fmt.Errorf("%s: %s: larger than %d bytes", name, f.Name, MaxFile)
		}
		files[f.Name] = b
	}
	var m Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		return snap, fmt.Errorf("%s: manifest.json: %w", name, err)
	}
	if m.Format != Format || m.Version != Version {
		return snap, fmt.Errorf("%s: manifest.json: format %q version %d, want %s version %d", name, m.Format, m.Version, Format, Version)
	}
	for _, f := range m.Files {
		b, ok := files[f.Name]
		if !ok {
			return snap, fmt.Errorf("%s: %s is in the manifest but not in the bundle", name, f.Name)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != f.SHA256 {
			return snap, fmt.Errorf("%s: %s: checksum mismatch: the file was altered or damaged", name, f.Name)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(files["versions.jsonl"]))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var j ledgerio.JSONContribution
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			return snap, fmt.Errorf("%s: versions.jsonl:%d: %w", name, line, err)
		}
		c, field, err := ledgerio.FromJSON(j, nil, ledgerio.Options{})
		if err != nil {
			return snap, fmt.Errorf("%s: versions.jsonl:%d: %s: %w", name, line, field, err)
		}
		c.ID, c.Version, c.Deleted, c.Author, c.Reason = j.ID, j.Version, j.Deleted, j.Author, j.Reason
		if c.RecordedAt, err = time.Parse(time.RFC3339Nano, j.RecordedAt); err != nil {
			return snap, fmt.Errorf("%s: versions.jsonl:%d: recorded_at: %w", name, line, err)
		}
		snap.Versions = append(snap.Versions, c)
	}
	if err := sc.Err(); err != nil {
		return snap, fmt.Errorf("%s: versions.jsonl: %w", name, err)
	}
	recs, err := csvio.ReadAll(bytes.NewReader(files["rates.csv"]), name+": rates.csv", "currency", "period", "rate")
	if err != nil {
		return snap, err
	}
	for _, r := range recs {
		snap.Rates = append(snap.Rates, fairshare.Rate{Currency: r.Get("currency"), Period: r.Get("period"), Rate: r.Get("rate"),
			Source: fairshare.Source{Publisher: r.Get("publisher"), Title: r.Get("title"), Date: r.Get("source_date"), URL: r.Get("url")}})
	}
	if _, err := fairshare.NewRateTable(snap.Rates); err != nil {
		return snap, fmt.Errorf("%s: rates.csv: %w", name, err)
	}
	for _, part := range []struct {
		name string
		v    any
	}{{"targets.json", &snap.Targets}, {"datasets.json", &snap.Datasets}, {"users.json", &snap.Users}, {"audit.json", &snap.Audit}} {
		if err := json.Unmarshal(files[part.name], part.v); err != nil {
			return snap, fmt.Errorf("%s: %s: %w", name, part.name, err)
		}
	}
	for i := range snap.Targets {
		if err := snap.Targets[i].Validate(); err != nil {
			return snap, fmt.Errorf("%s: targets.json: %s: %w", name, snap.Targets[i].ID, err)
		}
	}
	return snap, nil
}
