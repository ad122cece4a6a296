// Package engine computes fair-share reports from a compact in-memory,
// columnar copy of the whole versioned ledger.
//
// Every recorded version is one row of small columns (day, amount, recorded
// time, a link to the next version of the same entry, and dictionary codes
// for donor, currency, dataset, category and status): about 40 bytes a row
// plus about 28 bytes an entry for the id index. Rows are kept sorted by
// (day, currency), with new versions appended to an unsorted tail that is
// merged in when it grows, so a report scans only the rows of its period.
// A row is current at time T when it was recorded at or before T and its
// next version (if any) was recorded after T: one comparison more than a
// current report, so --as-of costs the same.
//
// Conversion into the report currency uses a dense per-currency, per-day
// table built from fairshare.RateTable.Lookup (so the day, earlier, month,
// year fallback is the reference one), and an exact integer
// round-half-to-even per row, which is what fairshare.Compute does with
// big.Rat. The shares themselves are computed by fairshare.Compute on one
// pre-aggregated contribution per donor and year, with each donor's euro
// total for % of GDP (fixed-point bounds, and the exact total when they do
// not settle what is printed), and the fair shares made once per target,
// key, currency and reference data; which rows count (statuses, categories, dataset
// precedence, ids) is decided by the rules of the root package (rules.go),
// which the fast paths here call rather than copy.
//
// Files: ledger.go (columns, adding and linking versions), ids.go (the id
// index), compact.go (sorting the tail in), scan.go (the rows a report
// reads), engine.go (the concurrent Engine), report.go and agg.go
// (aggregation and the report), conv.go (dense rate tables), eurbound.go
// (the bounds of the euro totals), persist.go
// (saving the columns and reading them back), csv.go, csvsplit.go,
// csvrow.go and fastparse.go (reports straight from a CSV file: plan,
// record splitting, row validation, number and date parsing).
package engine
