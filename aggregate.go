package fairshare

// LedgerGroup sums the current contributions that share a dataset, donor,
// currency, date, status and category. Pages and dataset statistics read
// these groups instead of rows: the ledger has at most a few of them per
// donor and day however many contributions it holds.
type LedgerGroup struct {
	Dataset  string
	Donor    string
	Currency string
	Day      Date
	Status   Status
	Category Category
	Count    int
	Sum      Amount // in Currency's minor units
}
