package engine_test

import (
	"os"
	"testing"

	"github.com/fairshare/fairshare/internal/engine"
)

// BenchmarkRestore reads a saved engine's columns (the cols part of a
// Snapshot, in a file named by FAIRSHARE_BENCH_COLS) in 1 MB chunks, as a
// new process does from the database.
func BenchmarkRestore(b *testing.B) {
	path := os.Getenv("FAIRSHARE_BENCH_COLS")
	if path == "" {
		b.Skip("FAIRSHARE_BENCH_COLS names no file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := engine.New().RestoreChunks(chunks(data, 1<<20)); err != nil {
			b.Fatal(err)
		}
	}
}
