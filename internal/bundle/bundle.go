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
		{"reference_versions.json", "every recorded definition of user targets and datasets", len(snap.RefVersions), nonNil(snap.RefVersions)},
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

// Limits on what a bundle may hold once decompressed, against zip bombs. They
// are checked against the zip headers and the manifest first, and again while
// reading, since both can lie.
const (
	MaxFile  = 1 << 30 // one file
	MaxTotal = 1 << 30 // all files together
	// MaxSmall bounds the files read whole into memory (all but the
	// versions, which are read line by line).
	MaxSmall = 64 << 20
)

// Read checks a bundle's manifest and checksums and parses it. Nothing is
// returned unless every file is intact and valid.
func Read(data []byte, name string) (fairshare.Snapshot, error) {
	return ReadFrom(bytes.NewReader(data), int64(len(data)), name)
}

// ReadFrom is Read on a file or other ReaderAt. Memory stays bounded whatever
// the bundle claims: checksums are computed while streaming each file once,
// with every limit checked as bytes arrive, and only then is the content
// parsed, the versions line by line.
func ReadFrom(ra io.ReaderAt, size int64, name string) (fairshare.Snapshot, error) {
	var snap fairshare.Snapshot
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return snap, fmt.Errorf("%s: not a bundle: %w", name, err)
	}
	entries := map[string]*zip.File{}
	var declared uint64
	for _, f := range zr.File {
		if _, dup := entries[f.Name]; dup {
			return snap, fmt.Errorf("%s: %s appears twice", name, f.Name)
		}
		entries[f.Name] = f
		if f.UncompressedSize64 > MaxFile {
			return snap, fmt.Errorf("%s: %s: larger than %d bytes", name, f.Name, MaxFile)
		}
		declared += f.UncompressedSize64
	}
	if declared > MaxTotal {
		return snap, fmt.Errorf("%s: the files together are larger than %d bytes decompressed", name, MaxTotal)
	}
	mf, ok := entries["manifest.json"]
	if !ok {
		return snap, fmt.Errorf("%s: manifest.json: missing", name)
	}
	mb, err := readSmall(mf)
	if err != nil {
		return snap, fmt.Errorf("%s: manifest.json: %w", name, err)
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return snap, fmt.Errorf("%s: manifest.json: %w", name, err)
	}
	if m.Format != Format || m.Version != Version {
		return snap, fmt.Errorf("%s: manifest.json: format %q version %d, want %s version %d", name, m.Format, m.Version, Format, Version)
	}
	var total int64
	for _, f := range m.Files {
		if f.Bytes < 0 || f.Bytes > MaxFile {
			return snap, fmt.Errorf("%s: %s: larger than %d bytes", name, f.Name, MaxFile)
		}
		if total += int64(f.Bytes); total > MaxTotal {
			return snap, fmt.Errorf("%s: the files together are larger than %d bytes decompressed", name, MaxTotal)
		}
	}
	total = 0
	for _, f := range m.Files {
		zf, ok := entries[f.Name]
		if !ok {
			return snap, fmt.Errorf("%s: %s is in the manifest but not in the bundle", name, f.Name)
		}
		rc, err := zf.Open()
		if err != nil {
			return snap, fmt.Errorf("%s: %s: %w", name, f.Name, err)
		}
		h := sha256.New()
		// One byte more than the manifest says shows a file that lies.
		n, err := io.Copy(h, io.LimitReader(rc, int64(f.Bytes)+1))
		rc.Close()
		if err != nil {
			return snap, fmt.Errorf("%s: %s: %w", name, f.Name, err)
		}
		if total += n; n != int64(f.Bytes) || total > MaxTotal {
			return snap, fmt.Errorf("%s: %s: size differs from the manifest's %d bytes: the file was altered or damaged", name, f.Name, f.Bytes)
		}
		if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
			return snap, fmt.Errorf("%s: %s: checksum mismatch: the file was altered or damaged", name, f.Name)
		}
	}
	inManifest := map[string]bool{}
	for _, f := range m.Files {
		inManifest[f.Name] = true
	}
	files := map[string][]byte{}
	for _, fn := range []string{"rates.csv", "targets.json", "datasets.json", "users.json", "audit.json"} {
		zf, ok := entries[fn]
		if !ok || !inManifest[fn] {
			return snap, fmt.Errorf("%s: %s: missing", name, fn)
		}
		if files[fn], err = readSmall(zf); err != nil {
			return snap, fmt.Errorf("%s: %s: %w", name, fn, err)
		}
	}
	vf, ok := entries["versions.jsonl"]
	if !ok || !inManifest["versions.jsonl"] {
		return snap, fmt.Errorf("%s: versions.jsonl: missing", name)
	}
	if snap.Versions, err = readVersions(vf, name); err != nil {
		return snap, err
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
	// Bundles written before targets were versioned have no history file.
	if zf, ok := entries["reference_versions.json"]; ok && inManifest["reference_versions.json"] {
		b, err := readSmall(zf)
		if err == nil {
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			err = dec.Decode(&snap.RefVersions)
		}
		if err != nil {
			return snap, fmt.Errorf("%s: reference_versions.json: %w", name, err)
		}
		for _, v := range snap.RefVersions {
			if (v.Kind != "target" && v.Kind != "dataset") || !fairshare.ValidID(v.ID) || v.Version < 1 {
				return snap, fmt.Errorf("%s: reference_versions.json: %s %q version %d: not a target or dataset version", name, v.Kind, v.ID, v.Version)
			}
			if err := (fairshare.Change{Author: v.Author, Reason: v.Reason}).Check(); err != nil {
				return snap, fmt.Errorf("%s: reference_versions.json: %s %s: %w", name, v.Kind, v.ID, err)
			}
		}
	}
	for i := range snap.Targets {
		if err := snap.Targets[i].Validate(); err != nil {
			return snap, fmt.Errorf("%s: targets.json: %s: %w", name, snap.Targets[i].ID, err)
		}
	}
	return snap, nil
}

// readSmall reads a file of the bundle whole, up to MaxSmall bytes.
func readSmall(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxSmall+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSmall {
		return nil, fmt.Errorf("larger than %d bytes", MaxSmall)
	}
	return b, nil
}

// readVersions parses versions.jsonl line by line from the zip.
func readVersions(f *zip.File, name string) ([]fairshare.Contribution, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: versions.jsonl: %w", name, err)
	}
	defer rc.Close()
	var out []fairshare.Contribution
	sc := bufio.NewScanner(io.LimitReader(rc, MaxFile))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var j ledgerio.JSONContribution
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&j); err != nil {
			return nil, fmt.Errorf("%s: versions.jsonl:%d: %w", name, line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%s: versions.jsonl:%d: data after the object", name, line)
		}
		// The bundle is our own format: amounts are written with a decimal point.
		c, field, err := ledgerio.FromJSON(j, nil, ledgerio.Options{Decimal: fairshare.DecimalPoint})
		if err != nil {
			return nil, fmt.Errorf("%s: versions.jsonl:%d: %s: %w", name, line, field, err)
		}
		c.ID, c.Version, c.Deleted, c.Author, c.Reason = j.ID, j.Version, j.Deleted, j.Author, j.Reason
		if err := fairshare.CheckText("author", c.Author); err != nil {
			return nil, fmt.Errorf("%s: versions.jsonl:%d: %w", name, line, err)
		}
		if err := fairshare.CheckText("reason", c.Reason); err != nil {
			return nil, fmt.Errorf("%s: versions.jsonl:%d: %w", name, line, err)
		}
		if c.RecordedAt, err = time.Parse(time.RFC3339Nano, j.RecordedAt); err != nil {
			return nil, fmt.Errorf("%s: versions.jsonl:%d: recorded_at: %w", name, line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: versions.jsonl: %w", name, err)
	}
	return out, nil
}
