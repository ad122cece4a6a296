package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/fairshare/fairshare/internal/csvio"
)

// Table writes rows under a header as an aligned text table, CSV, JSON (an
// array of objects keyed by the header) or Markdown.
func Table(w io.Writer, format string, header []string, rows [][]string) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(header)
		for _, r := range rows {
			safe := make([]string, len(r))
			for i, v := range r {
				safe[i] = csvio.SafeCell(v)
			}
			cw.Write(safe)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]string, len(rows))
		for i, r := range rows {
			m := map[string]string{}
			for j, h := range header {
				if j < len(r) {
					m[h] = r[j]
				}
			}
			out[i] = m
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "md":
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat(" --- |", len(header)))
		for _, r := range rows {
			esc := make([]string, len(r))
			for i, v := range r {
				esc[i] = mdEscape(v)
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(esc, " | "))
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}
