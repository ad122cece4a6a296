package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Languages the dashboard speaks; the first is the fallback.
var Languages = []string{"en", "da"}

// ChooseLang picks the language: ?lang= in the URL wins, then the best
// Accept-Language match, then English. explicit tells whether the URL chose.
func ChooseLang(r *http.Request) (lang string, explicit bool) {
	switch l := r.URL.Query().Get("lang"); l {
	case "da", "en":
		return l, true
	}
	return fromAcceptLanguage(r.Header.Get("Accept-Language")), false
}

// fromAcceptLanguage returns the supported language with the highest q.
func fromAcceptLanguage(h string) string {
	best, bestQ := "en", 0.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (primary == "da" || primary == "en") && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}

// messages holds every UI string: key -> {English, Danish}.
var messages = map[string][2]string{
	"skip":                    {"Skip to content", "Spring til indhold"},
	"nav.label":               {"Main", "Hovedmenu"},
	"nav.overview":            {"Overview", "Overblik"},
	"nav.compare":             {"Compare", "Sammenlign"},
	"nav.fx":                  {"Currency", "Valuta"},
	"nav.api":                 {"API", "API"},
	"lang.switch":             {"Dansk", "English"},
	"lang.switch.long":        {"Vis på dansk", "Show in English"},
	"readonly":                {"Read-only: you are viewing the books. Editors log in to add and correct contributions; every change is recorded with who, when and why.", "Du kan kun læse med. Redaktører logger ind for at tilføje og rette bidrag; alle ændringer registreres med hvem, hvornår og hvorfor."},
	"method":                  {"This address does not take that method.", "Siden understøtter ikke denne forespørgselsmetode."},
	"signedin":                {"Logged in as", "Logget ind som"},
	"signedin.edit":           {"you can add and correct contributions; every change is recorded with your name and reason.", "du kan tilføje og rette bidrag; hver ændring registreres med dit navn og din begrundelse."},
	"logout":                  {"Log out", "Log ud"},
	"role.viewer":             {"viewer", "læser"},
	"role.editor":             {"editor", "redaktør"},
	"role.admin":              {"administrator", "administrator"},
	"login.link":              {"Log in", "Log ind"},
	"login.title":             {"Log in", "Log ind"},
	"login.legend":            {"Editors and administrators", "Redaktører og administratorer"},
	"login.username":          {"User name", "Brugernavn"},
	"login.password":          {"Password", "Adgangskode"},
	"login.submit":            {"Log in", "Log ind"},
	"login.note":              {"Accounts are created by the operator ('fairshare users add', 'fairshare users password').", "Konti oprettes af den driftsansvarlige ('fairshare users add', 'fairshare users password')."},
	"login.wrong":             {"Wrong user name or password.", "Forkert brugernavn eller adgangskode."},
	"login.ratelimited":       {"Too many failed attempts. Wait a minute and try again.", "For mange mislykkede forsøg. Vent et minut, og prøv igen."},
	"login.needed":            {"Log in first (your session may have expired).", "Log ind først (din session kan være udløbet)."},
	"csrf.token":              {"The form has expired or did not come from this site. Reload the page and try again.", "Formularen er udløbet eller kom ikke fra dette websted. Genindlæs siden, og prøv igen."},
	"csrf.origin":             {"Cross-site request refused.", "Forespørgslen kom fra et andet websted og er afvist."},
	"form.toolarge":           {"The form is too large.", "Formularen er for stor."},
	"edit.forbidden":          {"Your role may not change the ledger; editors may.", "Du har ikke ret til at ændre i regnskabet; det kræver en redaktørkonto."},
	"reason.required":         {"required: say why (it is kept in the history)", "skal udfyldes: skriv, hvorfor du ændrer (det gemmes i historikken)"},
	"reason.hint":             {"Why, e.g. \"corrected per MoD statement of 3 March\". Kept in the history with your name.", "Hvorfor, fx \"rettet efter Forsvarsministeriets meddelelse af 3. marts\". Gemmes i historikken med dit navn."},
	"contrib.title":           {"Contribution", "Bidrag"},
	"contrib.new":             {"Add a contribution", "Tilføj et bidrag"},
	"contrib.add":             {"Add", "Tilføj"},
	"contrib.exists":          {"Already recorded:", "Allerede registreret:"},
	"contrib.history":         {"History", "Historik"},
	"contrib.history.caption": {"Every recorded version, newest first: nothing is overwritten.", "Alle registrerede versioner, nyeste først: intet overskrives."},
	"contrib.edit":            {"Correct", "Ret"},
	"contrib.edit.legend":     {"The fields you change are recorded in a new version; the others keep their values", "Ændrede felter gemmes som en ny version; resten står uændret"},
	"contrib.save":            {"Save correction", "Gem rettelse"},
	"contrib.delete":          {"Delete (recorded as a version)", "Slet (registreres som en version)"},
	"contrib.restore":         {"Restore (recorded as a version)", "Gendan (registreres som en version)"},
	"contrib.deleted":         {"deleted", "slettet"},
	"contrib.conflict":        {"Someone else changed this entry after you opened it: it is now at version %d (by %s, %s). Nothing was saved. The form shows the newest values with your changes on top; where both changed a field, the newer value is shown beside yours. Check, then save again.", "En anden har ændret bidraget, efter du åbnede det: det er nu i version %d (af %s, %s). Intet er gemt. Formularen viser de nyeste værdier med dine ændringer ovenpå; hvor I begge har ændret et felt, står den nyere værdi ved siden af din. Tjek og gem igen."},
	"contrib.newer":           {"Newer value", "Nyere værdi"},
	"contrib.unchanged":       {"nothing changed: change a field before saving", "intet er ændret: ret et felt, før du gemmer"},
	"col.donor":               {"Donor", "Donor"},
	"col.recipient":           {"Recipient", "Modtager"},
	"col.currency":            {"Currency", "Valuta"},
	"col.sourcetitle":         {"Source title", "Kildens titel"},
	"col.publisher":           {"Publisher", "Udgiver"},
	"col.sourcedate":          {"Source date", "Kildens dato"},
	"col.reason":              {"Reason", "Begrundelse"},
	"col.version":             {"Version", "Version"},
	"col.recorded":            {"Recorded", "Registreret"},
	"col.by":                  {"By", "Af"},
	"footer":                  {"fairshare keeps the books on military aid to Ukraine and each NATO ally's fair share. Figures are computed from cited public sources; see each dataset.", "fairshare fører regnskab med militær støtte til Ukraine og hver NATO-allieredes rimelige andel. Tallene er beregnet ud fra offentlige kilder, som er angivet for hvert datasæt."},

	"overview.progress":     {"Counted against the target", "Opgjort i forhold til målet"},
	"overview.chart":        {"Counted as a share of each ally's fair share", "Opgjorte bidrag i forhold til hver allieredes rimelige andel"},
	"overview.chart.note":   {"Sorted by ratio; the dashed line is 100 % of the fair share. Red bars are below their fair share.", "Landene er sorteret efter, hvor stor en del af deres rimelige andel de har givet; den stiplede linje markerer 100 %. Røde søjler er under den rimelige andel."},
	"overview.table":        {"Fair share and counted per ally", "Rimelig andel og opgjort bidrag pr. allieret"},
	"overview.csv":          {"Download the table as CSV", "Hent tabellen som CSV (dansk format: semikolon og decimalkomma)"},
	"overview.svg":          {"Chart as SVG (for embedding)", "Diagram som SVG (til indlejring)"},
	"overview.compare":      {"Compare keys and datasets", "Sammenlign fordelingsnøgler og datasæt"},
	"card.target":           {"Target", "Mål"},
	"card.counted":          {"Counted", "Opgjort"},
	"card.shortfall":        {"Shortfall of allies below their share", "Mangler fra allierede under deres andel"},
	"card.of":               {"of the target", "af målet"},
	"controls.show":         {"Show", "Vis"},
	"controls.currency":     {"Currency", "Valuta"},
	"controls.key":          {"Key", "Fordelingsnøgle"},
	"controls.dataset":      {"Datasets", "Datasæt"},
	"controls.target":       {"Target", "Mål"},
	"controls.legend":       {"Report settings", "Indstillinger for opgørelsen"},
	"col.ally":              {"Ally", "Allieret"},
	"col.weight":            {"Weight", "Vægt"},
	"col.fairshare":         {"Fair share", "Rimelig andel"},
	"col.counted":           {"Counted", "Opgjort"},
	"col.balance":           {"Balance", "Saldo"},
	"col.ratio":             {"Ratio", "Forhold"},
	"col.pctgdp":            {"% of GDP", "% af BNP"},
	"col.dataset":           {"Dataset", "Datasæt"},
	"col.key":               {"Key", "Nøgle"},
	"col.date":              {"Date", "Dato"},
	"col.amount":            {"Amount", "Beløb"},
	"col.category":          {"Category", "Kategori"},
	"col.status":            {"Status", "Status"},
	"col.description":       {"Description", "Beskrivelse"},
	"col.source":            {"Source", "Kilde"},
	"col.total":             {"Total", "I alt"},
	"nodata":                {"no data", "ingen data"},
	"notcovered":            {"not in dataset", "ikke i datasættet"},
	"nodata.note":           {"No data in the counted datasets (unknown, not zero):", "Ingen data i de valgte datasæt (ukendt, ikke nul):"},
	"optedout":              {"opted out", "fravalgt"},
	"published":             {"Published totals", "Offentliggjorte totaler"},
	"asof":                  {"Ledger as of", "Regnskab pr."},
	"key.gdp":               {"GDP", "BNP"},
	"key.population":        {"population", "befolkning"},
	"key.equal":             {"equal shares", "lige andele"},
	"key.custom":            {"custom weights", "egne vægte"},
	"donor.monthly":         {"Giving per month, by dataset", "Bidrag måned for måned, pr. datasæt"},
	"donor.monthly.note":    {"Each dataset is drawn separately: they describe the same aid and must not be added up.", "Hvert datasæt vises for sig: de beskriver den samme støtte og må ikke lægges sammen."},
	"donor.keys":            {"Fair share under each key", "Rimelig andel efter hver fordelingsnøgle"},
	"donor.policies":        {"Rules on using donated weapons against targets in Russia", "Regler for brug af donerede våben mod mål i Rusland"},
	"donor.nopolicies":      {"No recorded rules.", "Ingen registrerede regler."},
	"donor.contributions":   {"Contributions", "Bidrag"},
	"donor.nocontrib":       {"No contributions recorded.", "Ingen registrerede bidrag."},
	"donor.csv":             {"Download the contributions as CSV", "Hent bidragene som CSV"},
	"donor.accession":       {"NATO member since", "NATO-medlem siden"},
	"donor.currency":        {"Currency", "Valuta"},
	"donor.indicators":      {"GDP and population", "BNP og befolkning"},
	"col.year":              {"Year", "År"},
	"col.gdp":               {"GDP", "BNP"},
	"col.population":        {"Population", "Befolkning"},
	"policy.prohibited":     {"prohibited", "forbudt"},
	"policy.limited":        {"limited", "begrænset"},
	"policy.allowed":        {"allowed", "tilladt"},
	"policy.unknown":        {"unknown", "ukendt"},
	"compare.title":         {"Compare", "Sammenlign"},
	"compare.keys":          {"Shares under each key", "Andele efter hver fordelingsnøgle"},
	"compare.keys.note":     {"The same target apportioned by GDP, by population and in equal shares.", "Det samme mål fordelt efter BNP, efter befolkning og i lige andele."},
	"compare.datasets":      {"Two datasets side by side", "To datasæt side om side"},
	"compare.datasets.note": {"Counted contributions of each ally in each dataset alone; datasets are never added up.", "Hver allieredes opgjorte bidrag i hvert datasæt for sig; datasæt lægges aldrig sammen."},
	"compare.a":             {"Dataset A", "Datasæt A"},
	"compare.b":             {"Dataset B", "Datasæt B"},
	"fx.title":              {"Currency converter", "Valutaomregner"},
	"fx.amount":             {"Amount", "Beløb"},
	"fx.from":               {"From", "Fra"},
	"fx.to":                 {"To", "Til"},
	"fx.date":               {"Date of the rate", "Kursdato"},
	"fx.convert":            {"Convert", "Omregn"},
	"fx.rate":               {"Rate used", "Anvendt kurs"},
	"fx.hint":               {"ECB euro reference rate of the day, else the last earlier one (up to 7 days), else the month's or year's average.", "ECB's referencekurs for euro på dagen; findes den ikke, den seneste inden for 7 dage før, ellers månedens eller årets gennemsnit."},
	"fx.target":             {"The target's figures in another currency", "Målets tal i en anden valuta"},
	"fx.target.link":        {"See every ally in this currency", "Se alle allierede i denne valuta"},
	"fx.amount.hint":        {"Digits with '.' or ',' as decimal separator, no thousands separators.", "Skriv beløbet med komma eller punktum som decimaltegn og uden tusindtalsadskillelse."},
	"basis.day":             {"ECB reference rate of", "ECB-referencekurs for"},
	"basis.earlier":         {"last ECB reference rate before the date, of", "seneste ECB-referencekurs før datoen, fra"},
	"basis.month":           {"monthly average", "månedsgennemsnit"},
	"basis.year":            {"annual average", "årsgennemsnit"},
	"basis.latest-year":     {"latest annual average available,", "seneste tilgængelige årsgennemsnit,"},
	"error.title":           {"Something is wrong", "Noget gik galt"},
	"error.back":            {"Back to the overview", "Tilbage til overblikket"},
	"chart.source":          {"Source", "Kilde"},
	"warn.leftout": {"Not counted: %s holds entries for this period that the selection %s leaves out. Datasets describing the same aid are never added silently; to count them, choose them by name (e.g. %s: for each ally, the first dataset with entries counts).",
		"Ikke medregnet: %s har poster for perioden, som valget %s ikke tæller med. Datasæt, der beskriver den samme støtte, lægges aldrig stiltiende sammen; vælg dem ved navn for at medregne dem (f.eks. %s: for hvert land tæller det første datasæt med poster)."},
	"chart.asof":                {"as of", "pr."},
	"chart.key":                 {"key", "nøgle"},
	"chart.target":              {"target", "mål"},
	"chart.ratio.sub":           {"Counted contributions as % of fair share (dashed line: 100 %)", "Opgjorte bidrag i % af den rimelige andel (stiplet linje: 100 %)"},
	"chart.progress":            {"Counted %s of %s (%s)", "Opgjort %s af %s (%s)"},
	"chart.monthly.unit":        {"per month, %s", "pr. måned, %s"},
	"chart.tip":                 {"%s: counted %s, fair share %s (%s)", "%s: opgjort %s, rimelig andel %s (%s)"},
	"legend.above":              {"at or above fair share", "på eller over den rimelige andel"},
	"legend.below":              {"below fair share", "under den rimelige andel"},
	"legend.line":               {"100 % = fair share", "100 % = den rimelige andel"},
	"timeline.title":            {"Counted giving month by month", "Opgjorte bidrag måned for måned"},
	"timeline.sub":              {"Counted contributions added up by month against the target spread evenly over its months (%s)", "Opgjorte bidrag lagt sammen måned for måned, over for målet fordelt jævnt over perioden (%s)"},
	"timeline.counted":          {"counted, cumulative", "opgjort, løbende total"},
	"timeline.prorata":          {"target pro rata", "målet fordelt jævnt"},
	"timeline.tip":              {"%s: counted to date %s, due pro rata %s", "%s: opgjort til dato %s, målet fordelt jævnt %s"},
	"timeline.note":             {"Contributions count in the month of their date; the dashed line is where the allies together would stand had they given the target evenly.", "Bidrag tælles i måneden for deres dato; den stiplede linje viser, hvor de allierede samlet ville stå, hvis de havde givet målet jævnt fordelt."},
	"multiples.title":           {"Each ally month by month", "Hver allieret måned for måned"},
	"multiples.sub":             {"Counted, cumulative, against the ally's own fair share spread evenly; each panel on its own scale, sorted as the chart above", "Hvert lands løbende total over for dets egen rimelige andel fordelt jævnt. Hvert felt har sin egen skala; rækkefølgen er som i diagrammet ovenfor"},
	"multiples.share":           {"fair share pro rata", "rimelig andel fordelt jævnt"},
	"multiples.ofshare":         {"of fair share", "af rimelig andel"},
	"multiples.show":            {"Show every ally month by month", "Vis hver allieret måned for måned"},
	"map.title":                 {"Map", "Kort"},
	"map.heading":               {"Counted as a share of fair share, on the map", "Kort: opgjorte bidrag i forhold til den rimelige andel"},
	"map.sub":                   {"Counted contributions as % of each ally's fair share; hatched: no data", "Opgjorte bidrag i % af hver allieredes rimelige andel; skraveret: ingen data"},
	"map.other":                 {"not in the target", "ikke omfattet"},
	"map.ukraine":               {"Ukraine (recipient)", "Ukraine (modtager)"},
	"map.geo":                   {"Map: Natural Earth (public domain).", "Kort: Natural Earth (offentligt domæne)."},
	"embed.title":               {"Embed or download", "Indlejr eller hent"},
	"embed.code":                {"Embed code (copy into your page)", "Kode til indlejring (kopiér ind på din side)"},
	"embed.svg":                 {"SVG", "SVG"},
	"embed.png":                 {"PNG", "PNG"},
	"embed.open":                {"Open the embed view", "Åbn visningen til indlejring"},
	"datanote":                  {"How these numbers are made: methodology", "Sådan er tallene opgjort: metode"},
	"datanote.datasets":         {"the datasets", "datasættene"},
	"overview.timeline":         {"Counted giving month by month", "Opgjorte bidrag måned for måned"},
	"overview.map":              {"Map of the allies", "Kort over de allierede"},
	"overview.xlsx":             {"Download the table as Excel (XLSX)", "Hent tabellen som Excel (XLSX)"},
	"nav.methodology":           {"Methodology", "Metode"},
	"nav.datasets":              {"Datasets", "Datasæt"},
	"period.half":               {"H%d %d", "%d. halvår %d"},
	"period.quarter":            {"Q%d %d", "%d. kvartal %d"},
	"quote.reported":            {"reported by %s, citing %s", "oplyst af %s med henvisning til %s"},
	"untranslated":              {"(English only)", "(kun på engelsk)"},
	"col.ratio.pct":             {"Ratio (% of fair share)", "Forhold (% af rimelig andel)"},
	"compare.xlsx":              {"Download both tables as Excel (XLSX)", "Hent begge tabeller som Excel (XLSX)"},
	"title.fromurl":             {"(title taken from the URL)", "(titel udledt af adressen)"},
	"dataset.user":              {"user", "egne registreringer"},
	"cite.text":                 {"fairshare, \u201c%s\u201d: fair shares by %s %d, datasets %s, ledger as of %s. %s", "fairshare, \u00bb%s\u00ab: rimelige andele efter %s %d, datasæt %s, regnskab pr. %s. %s"},
	"qual.over":                 {"over", "over"},
	"qual.about":                {"about", "omkring"},
	"card.target.whole":         {"Target, whole period", "Mål for hele perioden"},
	"card.due":                  {"Due to date", "Forfaldent til dato"},
	"card.counted.todate":       {"Counted to date", "Opgjort til dato"},
	"card.of.due":               {"of what is due to date", "af det forfaldne til dato"},
	"card.shortfall.todate":     {"Shortfall to date of allies below their share", "Manko til dato hos allierede under deres andel"},
	"todate.note":               {"This target is still running: fair shares, balances and ratios below are what is due to date (past years in full, this year pro rata), not the whole period.", "Målet løber stadig: rimelige andele, saldi og forhold nedenfor er det, der er forfaldent til dato (forløbne år helt, i år forholdsmæssigt), ikke hele perioden."},
	"overview.progress.todate":  {"Counted against what is due to date", "Opgjort i forhold til det forfaldne til dato"},
	"overview.chart.todate":     {"Counted to date as a share of each ally's fair share to date", "Opgjorte bidrag til dato i forhold til hver allieredes rimelige andel til dato"},
	"col.fairshare.todate":      {"Fair share to date", "Rimelig andel til dato"},
	"years.title":               {"Year by year", "År for år"},
	"years.due":                 {"Due in the year", "Forfaldent i året"},
	"years.counted":             {"Counted in the year", "Opgjort i året"},
	"years.cumdue":              {"Due to date", "Forfaldent til dato"},
	"years.cumcounted":          {"Counted to date", "Opgjort til dato"},
	"years.current":             {"to date", "til dato"},
	"meth.targets":              {"Targets", "Mål"},
	"meth.period":               {"Period", "Periode"},
	"meth.statuses":             {"Counted statuses", "Statusser, der tælles med"},
	"meth.categories":           {"Counted categories", "Kategorier, der tælles med"},
	"meth.participants":         {"Participants", "Deltagere"},
	"meth.optouts":              {"Opted out", "Fravalgt"},
	"datasets.intro":            {"Every contribution belongs to one dataset, with its source and licence. How datasets are chosen and why they are never added up:", "Hvert bidrag hører til ét datasæt med kilde og licens. Hvordan datasæt vælges, og hvorfor de aldrig lægges sammen:"},
	"ds.release":                {"Released", "Udgivet"},
	"ds.nodata":                 {"Allies not covered (no data)", "Allierede uden dækning (ingen data)"},
	"ds.licence":                {"Licence", "Licens"},
	"ds.nolicence":              {"Entered here by editors; each row cites its source.", "Indtastet her af redaktører; hver række angiver sin kilde."},
	"ds.rows":                   {"Contributions in the ledger", "Bidrag i regnskabet"},
	"ds.donors":                 {"Donors with contributions", "Donorer med bidrag"},
	"ds.span":                   {"Dates", "Tidsrum"},
	"ds.coverage":               {"Coverage", "Dækning"},
	"ds.coverage.en":            {"As the dataset states it:", "Dækningsnoten findes kun på engelsk, som datasættet angiver den:"},
	"ds.years":                  {"Our totals per year", "Vores sum år for år"},
	"ds.years.note":             {"All the dataset's contributions (every category and status), converted to euros at the rate of each one's date.", "Alle datasættets bidrag (alle kategorier og statusser) omregnet til euro efter kursen på hvert bidrags dato."},
	"ds.unconverted":            {"Rows without a rate, left out", "Rækker uden kurs, udeladt"},
	"ds.totals":                 {"Published totals against ours", "Udgiverens egne totaler over for vores"},
	"ds.totals.note":            {"What the publisher states, beside our sum of the same year where the scope matches.", "Hvad udgiveren oplyser, ved siden af vores sum for samme år, hvor afgrænsningen svarer."},
	"ds.period":                 {"Period", "Periode"},
	"ds.measure":                {"What", "Opgørelse"},
	"ds.published":              {"Published", "Offentliggjort"},
	"ds.ours":                   {"Ours", "Vores"},
	"ds.share":                  {"Ours / published", "Vores / offentliggjort"},
	"ds.csv":                    {"Download the dataset's contributions as CSV", "Hent datasættets bidrag som CSV"},
	"ds.name.kiel-r29":          {"Kiel Ukraine Support Tracker, Release 29", "Kiel Ukraine Support Tracker, udgivelse 29"},
	"ds.name.dk-mod":            {"Danish Ministry of Defence donation packages", "Forsvarsministeriets donationspakker"},
	"ds.name.nato-reported":     {"NATO-reported totals", "NATO's egne opgjorte totaler"},
	"error.notfound":            {"Not found", "Ikke fundet"},
	"error.english":             {"The error, as the program words it:", "Programmets egen fejlmeddelelse (på engelsk):"},
	"desc.en":                   {"Descriptions are as the sources give them.", "Beskrivelserne findes kun på engelsk."},
	"donor.xlsx":                {"as Excel (XLSX)", "som Excel (XLSX)"},
	"ds.measure.what":           {"What a row counts", "Hvad en række tæller"},
	"ds.compiledby":             {"Compiled by", "Samlet af"},
	"timeline.upto":             {"to %s (last figures)", "til og med %s (seneste tal)"},
	"cat.equipment-purchase":    {"equipment purchase", "indkøb af udstyr"},
	"cat.in-kind":               {"in kind", "donation af materiel"},
	"cat.maintenance-logistics": {"maintenance and logistics", "vedligehold og logistik"},
	"cat.training":              {"training", "uddannelse"},
	"cat.operations":            {"operations", "operationer"},
	"cat.defence-industry":      {"defence industry", "forsvarsindustri"},
	"cat.nato-trust-fund":       {"NATO trust fund", "NATO-trustfond"},
	"cat.financial":             {"financial", "økonomisk støtte"},
	"cat.humanitarian":          {"humanitarian", "humanitær hjælp"},
	"status.pledged":            {"pledged", "lovet"},
	"status.committed":          {"committed", "tilsagt"},
	"status.delivered":          {"delivered", "leveret"},
}

// targetNamesDA names the built-in targets in Danish; the data names them
// in English only.
var targetNamesDA = map[string]string{
	"nato-2024":           "NATO-løftet 2024: mindst 40 mia. euro i militær støtte til Ukraine",
	"nato-fund-2025-2029": "Foreslået NATO-fond: 100 mia. euro over fem år (20 mia. euro om året)",
}

// T returns the message key in lang, or the key itself when missing (a
// visible mistake rather than a blank).
func T(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == "da" {
		return m[1]
	}
	return m[0]
}

// capFirst upper-cases the first letter, for labels that start a cell.
func capFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
