package fairshare

import (
	"fmt"
	"strings"
	"time"
)

// Date is a calendar day with no time zone, stored as a UTC midnight.
type Date struct{ t time.Time }

// NewDate returns the given calendar day.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// ParseDate reads YYYY-MM-DD, also accepting the Danish DD-MM-YYYY and DD.MM.YYYY.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02-01-2006", "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				return Date{}, fmt.Errorf("date %q is out of range (1900-2200)", s)
			}
			return Date{t}, nil
		}
	}
	return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
}

// MustDate parses a date known to be valid, for tables of reference data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	var b [10]byte
	return string(d.AppendISO(b[:0]))
}

// AppendISO appends String's form, YYYY-MM-DD, to b; nothing for the zero
// Date. An import formats a date for each entry's natural id and again for
// the database, so years 0-9999 skip time.Format.
func (d Date) AppendISO(b []byte) []byte {
	if d.t.IsZero() {
		return b
	}
	y, m, dd := d.t.Date()
	if y < 0 || y > 9999 {
		return d.t.AppendFormat(b, "2006-01-02")
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return d.t }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Year returns the calendar year.
func (d Date) Year() int { return d.t.Year() }

// Month returns the calendar month.
func (d Date) Month() time.Month { return d.t.Month() }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Days returns a number that orders dates and counts days (days since 1970-01-01).
func (d Date) Days() int { return int(d.t.Unix() / 86400) }

// DateFromDays inverts Days.
func DateFromDays(n int) Date { return Date{time.Unix(int64(n)*86400, 0).UTC()} }

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseAsOf reads the ledger time a report is asked as of: a date (the end
// of that day, UTC) or an RFC 3339 time; "" is the zero time (now).
func ParseAsOf(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want YYYY-MM-DD or an RFC 3339 time", s)
	}
	return d.Time().Add(24*time.Hour - time.Microsecond), nil
}
