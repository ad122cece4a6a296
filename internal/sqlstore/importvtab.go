package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite/vtab"

	"github.com/fairshare/fairshare"
)

// Bulk imports on SQLite. Binding 19 parameters a row through
// database/sql into modernc SQLite costs as much as the insert itself, and
// holding a whole file's entries in memory to sort them by id does not
// scale. So a large import is one statement,
//
//	INSERT INTO contribution_versions SELECT ... FROM <virtual table> ORDER BY id, seq
//
// over a virtual table (modernc's vtab) whose cursor reads the entries from
// the import's source as SQLite asks for them, in id order, so that the
// primary key grows at its right edge instead of at random pages, and the
// first of equal ids in the file wins as before (seq). A SortedSource (an
// import file, sorted in Go as it is validated) comes in that order and the
// virtual table says so (OrderByConsumed): SQLite does not sort it again.
// Other sources are sorted by SQLite's sorter (in bounded memory, spilling
// to temporary files). The constant columns (version, time, author,
// reason) are parameters bound once.

// ContributionSource is an import read entry by entry, so that a file of
// any size is recorded without holding its entries in memory.
type ContributionSource interface {
	// Next fills c with the next entry; false at the end.
	Next(c *fairshare.Contribution) (bool, error)
	// Rewind starts again from the first entry: a transaction retried (a
	// busy database, a deadlock) reads the entries again.
	Rewind() error
}

// A GrowingSource is a ContributionSource still being read while it is
// recorded (an import into PostgreSQL: see RecordsWhileReading). Count
// waits until it holds at least k entries or is complete, and says how
// many it holds then and whether that is all; Next waits for entries not
// yet read and fails if the read does.
type GrowingSource interface {
	ContributionSource
	Count(k int) (n int, complete bool, err error)
}

// SortedSource is a ContributionSource whose entries come in id order,
// equal ids in the order of the import, each with its id set: SQLite takes
// them in that order instead of sorting them again (the vtab consumes the
// ORDER BY).
type SortedSource interface {
	ContributionSource
	SortedByID() bool
}

// sortedByID tells whether src declares its entries in id order.
func sortedByID(src ContributionSource) bool {
	s, ok := src.(SortedSource)
	return ok && s.SortedByID()
}

// SliceSource is a ContributionSource over entries in memory.
type SliceSource struct {
	cs []fairshare.Contribution
	i  int
}

// NewSliceSource reads cs.
func NewSliceSource(cs []fairshare.Contribution) *SliceSource { return &SliceSource{cs: cs} }

// Next implements ContributionSource.
func (s *SliceSource) Next(c *fairshare.Contribution) (bool, error) {
	if s.i >= len(s.cs) {
		return false, nil
	}
	*c = s.cs[s.i]
	s.i++
	return true, nil
}

// Rewind implements ContributionSource.
func (s *SliceSource) Rewind() error { s.i = 0; return nil }

const importModule = "fairshare_import"

func init() {
	// Registered on the driver before any connection opens: modules reach
	// new connections only.
	if err := vtab.RegisterModule(nil, importModule, importMod{}); err != nil {
		panic(fmt.Sprintf("register SQLite module %s: %v", importModule, err))
	}
}

// importFeed is one import in progress, found by the virtual table through
// its token.
type importFeed struct {
	ctx      context.Context
	src      ContributionSource
	progress func(done int)
	read     int
	err      error // the source's or a row's error, which SQLite reports only as text
	sorted   bool  // the source comes in (id, seq) order
	lastID   string
}

var feeds = struct {
	sync.Mutex
	m    map[string]*importFeed
	next atomic.Int64
}{m: map[string]*importFeed{}}

type importMod struct{}

// importCols are the virtual table's columns; seq is the entry's place in
// the source.
const importCols = `id, donor, recipient, day, amount, currency, category, status, dataset,
	description, source_url, source_title, publisher, source_date, seq`

func (importMod) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	return importMod{}.Connect(ctx, args)
}

func (importMod) Connect(ctx vtab.Context, args []string) (vtab.Table, error) {
	if len(args) < 4 {
		return nil, errors.New("fairshare_import: want a token")
	}
	feeds.Lock()
	f := feeds.m[args[3]]
	feeds.Unlock()
	if f == nil {
		return nil, fmt.Errorf("fairshare_import: no import %q", args[3])
	}
	if err := ctx.Declare(`CREATE TABLE x (` + importCols + `)`); err != nil {
		return nil, err
	}
	return &importTable{f: f}, nil
}

type importTable struct{ f *importFeed }

func (t *importTable) BestIndex(info *vtab.IndexInfo) error {
	info.EstimatedCost = 1e9
	// A sorted source already gives ORDER BY id, seq (seq is its place in
	// the stream): SQLite's sorter is skipped. Next checks the order.
	if t.f.sorted && len(info.OrderBy) > 0 && len(info.OrderBy) <= 2 {
		ok := true
		for i, o := range info.OrderBy {
			ok = ok && !o.Desc && o.Column == []int{0, 14}[i]
		}
		info.OrderByConsumed = ok
	}
	return nil
}

func (t *importTable) Open() (vtab.Cursor, error) { return &importCursor{f: t.f}, nil }
func (t *importTable) Disconnect() error          { return nil }
func (t *importTable) Destroy() error             { return nil }

type importCursor struct {
	f   *importFeed
	c   fairshare.Contribution
	eof bool
}

func (c *importCursor) Filter(int, string, []vtab.Value) error {
	if c.f.read > 0 {
		if err := c.f.src.Rewind(); err != nil {
			return c.fail(err)
		}
		c.f.read = 0
	}
	c.f.lastID = ""
	return c.Next()
}

func (c *importCursor) fail(err error) error {
	if c.f.err == nil {
		c.f.err = err
	}
	return err
}

func (c *importCursor) Next() error {
	f := c.f
	ok, err := f.src.Next(&c.c)
	if err != nil {
		return c.fail(err)
	}
	if !ok {
		c.eof = true
		if f.progress != nil {
			f.progress(f.read)
		}
		return nil
	}
	if err := c.c.CheckBytes(); err != nil {
		return c.fail(err)
	}
	if c.c.ID == "" {
		c.c.ID = c.c.NaturalID()
	}
	if f.sorted {
		// SQLite trusts the order it was promised: a source out of order
		// would break the import's rule that the first of equal ids wins.
		if c.c.ID < f.lastID {
			return c.fail(fmt.Errorf("import source out of id order: %q after %q", c.c.ID, f.lastID))
		}
		f.lastID = c.c.ID
	}
	f.read++
	if f.read%1000 == 0 {
		if err := f.ctx.Err(); err != nil {
			return c.fail(err)
		}
		if f.progress != nil {
			f.progress(f.read)
		}
	}
	return nil
}

func (c *importCursor) Eof() bool { return c.eof }

func (c *importCursor) Column(col int) (vtab.Value, error) {
	e := &c.c
	switch col {
	case 0:
		return e.ID, nil
	case 1:
		return e.Donor, nil
	case 2:
		return e.Recipient, nil
	case 3:
		return e.Date.String(), nil
	case 4:
		return int64(e.Amount), nil
	case 5:
		return e.Currency, nil
	case 6:
		return string(e.Category), nil
	case 7:
		return string(e.Status), nil
	case 8:
		return e.Dataset, nil
	case 9:
		return e.Description, nil
	case 10:
		return e.Source.URL, nil
	case 11:
		return e.Source.Title, nil
	case 12:
		return e.Source.Publisher, nil
	case 13:
		return e.Source.Date, nil
	case 14:
		return int64(c.f.read), nil
	}
	return nil, fmt.Errorf("fairshare_import: no column %d", col)
}

func (c *importCursor) Rowid() (int64, error) { return int64(c.f.read), nil }
func (c *importCursor) Close() error          { return nil }

// streamSQLite records version 1 of every entry of src inside tx and returns
// how many were new and how many the source held.
func (s *Store) streamSQLite(ctx context.Context, tx *sql.Tx, src ContributionSource, at int64, ch fairshare.Change) (added, read int, err error) {
	f := &importFeed{ctx: ctx, src: src, progress: ch.Progress, sorted: sortedByID(src)}
	token := "i" + strconv.FormatInt(feeds.next.Add(1), 10)
	feeds.Lock()
	feeds.m[token] = f
	feeds.Unlock()
	defer func() {
		feeds.Lock()
		delete(feeds.m, token)
		feeds.Unlock()
	}()
	table := `temp."fairshare_import_` + token + `"`
	if _, err := tx.ExecContext(ctx, `CREATE VIRTUAL TABLE `+table+` USING `+importModule+`(`+token+`)`); err != nil {
		return 0, 0, fmt.Errorf("bulk insert: %w", err)
	}
	res, err := tx.ExecContext(ctx, importInsertSQL(table), at, ch.Author, ch.Reason)
	if f.err != nil {
		return 0, f.read, f.err
	}
	if err != nil {
		return 0, f.read, fmt.Errorf("bulk insert: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, f.read, err
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE `+table); err != nil {
		return 0, f.read, fmt.Errorf("bulk insert: %w", err)
	}
	return int(n), f.read, nil
}

// importInsertSQL moves the entries of the virtual table into the ledger in
// id order, the first of equal ids winning; $1, $2, $3 are the time, author
// and reason. WHERE true: SQLite's parser needs it between a SELECT and ON
// CONFLICT.
func importInsertSQL(table string) string {
	return `INSERT INTO contribution_versions (` + versionCols + `)
		SELECT id, 1, $1, 0, donor, recipient, day, amount, currency, category, status, dataset,
			description, source_url, source_title, publisher, source_date, $2, $3
		FROM ` + table + ` WHERE true ORDER BY id, seq ON CONFLICT DO NOTHING`
}
