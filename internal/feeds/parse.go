// Package feeds follows RSS and Atom feeds for the news desk: it parses feeds, fetches them
// and their articles politely (conditional GET, a per-host rate limit, timeouts, a size
// limit), extracts the article text with a readability library, and keeps the feeds, the
// items seen, the drafts and the decisions on them in the database.
package feeds

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Item is one entry of a feed.
type Item struct {
	ID        string // the GUID (RSS) or id (Atom); the link when the feed gives none
	Link      string
	Title     string
	Published time.Time // zero when the feed does not say
}

// Parsed is a feed as read.
type Parsed struct {
	Title string
	Items []Item
}

type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Channel struct {
		Title string `xml:"title"`
		Items []struct {
			Title   string `xml:"title"`
			Link    string `xml:"link"`
			GUID    string `xml:"guid"`
			PubDate string `xml:"pubDate"`
			Date    string `xml:"http://purl.org/dc/elements/1.1/ date"`
		} `xml:"item"`
	} `xml:"channel"`
}

type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	Entries []struct {
		ID    string `xml:"id"`
		Title string `xml:"title"`
		Links []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
	} `xml:"entry"`
}

// maxItems bounds what one feed may list; real feeds list tens.
const maxItems = 1000

// Parse reads an RSS 2.0 or Atom feed.
func Parse(r io.Reader) (Parsed, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Parsed{}, err
	}
	root, err := rootName(data)
	if err != nil {
		return Parsed{}, err
	}
	var p Parsed
	switch root.Local {
	case "rss":
		var d rssDoc
		if err := decode(data, &d); err != nil {
			return Parsed{}, fmt.Errorf("rss: %w", err)
		}
		p.Title = strings.TrimSpace(d.Channel.Title)
		for _, it := range d.Channel.Items {
			i := Item{ID: strings.TrimSpace(it.GUID), Link: strings.TrimSpace(it.Link), Title: strings.TrimSpace(it.Title)}
			i.Published = parseTime(it.PubDate)
			if i.Published.IsZero() {
				i.Published = parseTime(it.Date)
			}
			p.Items = append(p.Items, i)
		}
	case "feed":
		var d atomDoc
		if err := decode(data, &d); err != nil {
			return Parsed{}, fmt.Errorf("atom: %w", err)
		}
		p.Title = strings.TrimSpace(d.Title)
		for _, e := range d.Entries {
			i := Item{ID: strings.TrimSpace(e.ID), Title: strings.TrimSpace(e.Title)}
			for _, l := range e.Links {
				if l.Rel == "" || l.Rel == "alternate" {
					i.Link = strings.TrimSpace(l.Href)
					break
				}
			}
			i.Published = parseTime(e.Published)
			if i.Published.IsZero() {
				i.Published = parseTime(e.Updated)
			}
			p.Items = append(p.Items, i)
		}
	default:
		return Parsed{}, fmt.Errorf("not an RSS or Atom feed (root element <%s>)", root.Local)
	}
	if len(p.Items) > maxItems {
		return Parsed{}, fmt.Errorf("feed lists %d items, more than %d", len(p.Items), maxItems)
	}
	for k := range p.Items {
		if p.Items[k].ID == "" {
			p.Items[k].ID = p.Items[k].Link
		}
	}
	return p, nil
}

// decode reads a feed in UTF-8 or in the charset its XML declaration names (ISO-8859-1 and
// Windows-1252 are still met in Danish feeds).
func decode(data []byte, v any) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charset.NewReaderLabel
	return dec.Decode(v)
}

func rootName(data []byte) (xml.Name, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charset.NewReaderLabel
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.Name{}, fmt.Errorf("not a feed: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name, nil
		}
	}
}

var timeLayouts = []string{time.RFC1123Z, time.RFC1123, time.RFC3339, "Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 -0700", "2006-01-02"}

func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
