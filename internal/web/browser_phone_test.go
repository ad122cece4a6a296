package web

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Phone-first checks, measured in Chromium: at 390 px no text is smaller
// than 11 CSS px (SVG text counted at the size the chart is drawn at) and
// no heading or caption runs off the screen. Screenshots at 390 and 1400 px
// in both languages are kept as artefacts in $FAIRSHARE_SCREENSHOTS, else
// testdata/screenshots (gitignored).

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("FAIRSHARE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".jpg"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// smallTextJS lists visible text under 11 px: HTML text by its computed
// font size, SVG text by its font size times the chart's drawn scale.
const smallTextJS = `(() => {
  const bad = [];
  const shown = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = w.nextNode())) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || el.closest('svg') || el.closest('option') || !shown(el)) continue;
    const fs = parseFloat(getComputedStyle(el).fontSize);
    if (fs < 11) bad.push(el.tagName.toLowerCase() + ' ' + fs.toFixed(1) + 'px: ' + n.textContent.trim().slice(0, 40));
  }
  document.querySelectorAll('svg text').forEach(t => {
    const svg = t.ownerSVGElement;
    if (!svg || !shown(svg) || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) return;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const fs = parseFloat(t.getAttribute('font-size')) * scale;
    if (fs < 10.95) bad.push('svg text ' + fs.toFixed(1) + 'px: ' + t.textContent.slice(0, 40));
  });
  return bad;
})()`

// clippedJS lists headings and captions whose box runs past the screen's
// edges or whose text overflows its box.
const clippedJS = `(() => {
  const bad = [];
  document.querySelectorAll('h1, h2, h3, figcaption, caption .cap, caption').forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    if (el.tagName === 'CAPTION' && el.querySelector('.cap')) return;
    if (r.left < -1 || r.right > window.innerWidth + 1 || el.scrollWidth > el.clientWidth + 1)
      bad.push(el.tagName.toLowerCase() + ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + '] of ' + window.innerWidth + ': ' + el.textContent.trim().slice(0, 50));
  });
  return bad;
})()`

// svgOverflowJS lists SVG text whose drawn box runs outside its chart's
// viewBox (cut titles, axis labels past the left edge), measured with the
// browser's own fonts.
const svgOverflowJS = `(() => {
  const bad = [];
  document.querySelectorAll('svg').forEach(svg => {
    const vb = svg.viewBox.baseVal;
    const r = svg.getBoundingClientRect();
    if (!vb || !vb.width || r.width === 0 || r.height === 0) return;
    svg.querySelectorAll('text').forEach(t => {
      const b = t.getBBox();
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5)
        bad.push((svg.closest('[id]') ? svg.closest('[id]').id : '') + ' [' + Math.round(b.x) + ', ' + Math.round(b.x + b.width) + '] of ' + vb.width + ': ' + t.textContent.slice(0, 50));
    });
  });
  return bad;
})()`

var phonePages = []struct{ name, path, wait string }{
	{"overview-da", "/targets/nato-2024?lang=da", "#ratio-chart"},
	{"overview-en", "/targets/nato-2024?lang=en", "#ratio-chart"},
	{"donor-dnk-da", "/donors/DNK?lang=da", "#monthly"},
	{"donor-dnk-en", "/donors/DNK?lang=en", "#monthly"},
	{"compare-da", "/compare/nato-2024?lang=da", "#datasets table"},
	{"map-da", "/embed/nato-2024-map?lang=da", "#embed-chart"},
	{"map-en", "/embed/nato-2024-map?lang=en", "#embed-chart"},
	{"fund-da", "/targets/nato-fund-2025-2029?lang=da", "#years-table"},
	{"methodology-da", "/methodology?lang=da", "#citation"},
	{"dataset-kiel-da", "/datasets/kiel-r29?lang=da", "#coverage"},
	{"fx-da", "/fx?lang=da&amount=1000000&from=EUR&to=DKK&date=2024-05-31", "#fx-result"},
}

func TestBrowserPhoneReadable(t *testing.T) {
	ctx, errs := browser(t)
	ts := newTestServer(t)
	for _, p := range phonePages {
		t.Run(p.name, func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(390, 844),
				chromedp.Navigate(ts.URL+p.path),
				chromedp.WaitVisible(chromedp.CSS(p.wait)),
			); err != nil {
				t.Fatal(err)
			}
			// Folded parts (embed codes, the allies month by month) are
			// checked open.
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll('details').forEach(d => d.open = true), true`)); err != nil {
				t.Fatal(err)
			}
			small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](smallTextJS))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range small {
				t.Errorf("text under 11 px at 390 px: %s", s)
			}
			outside, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](svgOverflowJS))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range outside {
				t.Errorf("chart text outside its chart at 390 px: %s", s)
			}
			clipped, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](clippedJS))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range clipped {
				t.Errorf("clipped at 390 px: %s", s)
			}
			over, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth + 1"))
			if err != nil || over {
				t.Errorf("page wider than the phone's screen (%v)", err)
			}
			shot(t, ctx, "390-"+p.name)
		})
	}
	// The report table keeps the ally and its ratio in view while it
	// scrolls sideways.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(ts.URL+"/targets/nato-2024?lang=da"),
		chromedp.WaitVisible(chromedp.CSS("#report-table")),
	); err != nil {
		t.Fatal(err)
	}
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
	  const sc = document.querySelector('#report-table').closest('.scroll'); sc.scrollLeft = 10000;
	  const cell = document.querySelector('#report-table tbody tr td.ratio').getBoundingClientRect();
	  const ally = document.querySelector('#report-table tbody tr th').getBoundingClientRect();
	  return ally.left >= 0 && cell.right <= window.innerWidth && cell.left >= ally.right - 1;
	})()`))
	if err != nil || !ok {
		t.Errorf("ally and ratio scroll out of view on a phone (%v)", err)
	}
	noConsoleErrors(t, errs)
}

func TestBrowserDesktopShots(t *testing.T) {
	ctx, errs := browser(t)
	ts := newTestServer(t)
	for _, p := range phonePages {
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(1400, 900),
			chromedp.Navigate(ts.URL+p.path),
			chromedp.WaitVisible(chromedp.CSS(p.wait)),
		); err != nil {
			t.Fatal(err)
		}
		small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](smallTextJS))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range small {
			t.Errorf("%s: text under 11 px at 1400 px: %s", p.name, s)
		}
		outside, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](svgOverflowJS))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range outside {
			t.Errorf("%s: chart text outside its chart at 1400 px: %s", p.name, s)
		}
		shot(t, ctx, "1400-"+p.name)
	}
	noConsoleErrors(t, errs)
}

// englishWords are phrases fairshare itself writes that must not show on a
// Danish page (text marked lang="en", quoted from sources, is skipped).
var englishWords = regexp.MustCompile(`(?i)\b(reported by|spokesperson|press conference|user|no donor|not found|no data|citing|title taken from the URL)\b`)

func TestBrowserDanishThroughout(t *testing.T) {
	ctx, errs := browser(t)
	ts := newTestServer(t)
	pages := []string{
		"/targets/nato-2024", "/targets/nato-fund-2025-2029", "/compare/nato-2024", "/donors/DNK", "/donors/USA", "/donors/ALB",
		"/fx", "/policies", "/methodology", "/datasets", "/datasets/kiel-r29", "/datasets/dk-mod", "/datasets/nato-reported", "/datasets/user",
		"/embed/nato-2024", "/embed/nato-2024-monthly", "/embed/nato-2024-allies", "/embed/nato-2024-map", "/login",
		"/donors/XXX", "/no-such-page", "/targets/no-such-target",
	}
	for _, path := range pages {
		for _, url := range []string{path + "?lang=da", "/da" + path} {
			if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+url), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
				t.Fatalf("%s: %v", url, err)
			}
			text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			  const c = document.body.cloneNode(true);
			  c.querySelectorAll('[lang="en"], script, textarea').forEach(e => e.remove());
			  return document.documentElement.lang + '|' + document.title + '|' + c.textContent;
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(text, "da|") {
				t.Errorf("%s: page language %q, want da", url, strings.SplitN(text, "|", 2)[0])
			}
			for _, m := range englishWords.FindAllString(text, -1) {
				i := strings.Index(text, m)
				t.Errorf("%s: English %q in %q", url, m, text[max(0, i-60):min(len(text), i+60)])
			}
		}
	}
	noConsoleErrors(t, errs)
}

// TestBrowserSortAnyColumn: every column of every table gets a sort
// button, two-row headers too, and sorting a number column orders it.
func TestBrowserSortAnyColumn(t *testing.T) {
	ctx, errs := browser(t)
	ts := newTestServer(t)
	for _, path := range []string{"/compare/nato-2024?lang=da", "/targets/nato-2024?lang=da", "/donors/DNK?lang=en", "/methodology?lang=da"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatal(err)
		}
		bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		  const bad = [];
		  document.querySelectorAll('main table').forEach(tb => {
		    const row = tb.tBodies[0] && tb.tBodies[0].rows[0];
		    if (!row) return;
		    const n = tb.tHead.querySelectorAll('button.sort').length;
		    if (n !== row.cells.length) bad.push((tb.id || tb.caption.textContent.slice(0, 30)) + ': ' + n + ' sort buttons for ' + row.cells.length + ' columns');
		  });
		  return bad;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bad {
			t.Errorf("%s: %s", path, b)
		}
	}
	// Sort the compare table by dataset A's ratio, descending: Danish numbers
	// ("1.234 %") order as numbers.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/compare/nato-2024?lang=da"), chromedp.WaitReady(chromedp.CSS("#datasets table"))); err != nil {
		t.Fatal(err)
	}
	sorted, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
	  const tb = document.querySelector('#datasets table');
	  const col = 3;
	  const btn = tb.tHead.rows[1].cells[1].querySelector('button');
	  btn.click(); btn.click();
	  const num = c => { const t = c.textContent.replace(/[^0-9,-]/g, '').replace(',', '.'); return t === '' ? -Infinity : Number(t); };
	  const vals = Array.from(tb.tBodies[0].rows).map(r => num(r.cells[col]));
	  for (let i = 1; i < vals.length; i++) if (vals[i] > vals[i-1]) return false;
	  return vals.length > 10;
	})()`))
	if err != nil || !sorted {
		t.Errorf("compare table not sorted by ratio (%v)", err)
	}
	noConsoleErrors(t, errs)
}
