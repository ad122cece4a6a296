package app

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// readImport reads and validates an import in two passes so that a bad file
// costs little memory, however large: the first pass validates every row
// while copying the bytes to a temporary file and keeps nothing; only a
// file found valid is read again, into the entries to record.
func readImport(r io.Reader, name string, format ImportFormat, chk ledgerio.Checker, opt ledgerio.Options) ([]fairshare.Contribution, error) {
	each := ledgerio.EachCSV
	if format == "json" {
		each = ledgerio.EachJSON
	}
	tmp, err := os.CreateTemp("", "fairshare-import-*")
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w := bufio.NewWriterSize(tmp, 64<<10)
	n := 0
	if err := each(io.TeeReader(r, w), name, chk, opt, func(fairshare.Contribution) error { n++; return nil }); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	cs := make([]fairshare.Contribution, 0, n)
	err = each(bufio.NewReaderSize(tmp, 64<<10), name, chk, opt, func(c fairshare.Contribution) error {
		cs = append(cs, c)
		return nil
	})
	return cs, err
}
