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
	"readonly":                {"Read-only: you are viewing the books. Editors log in to add and correct contributions; every change is recorded with who, when and why.", "Kun læsning: du ser regnskabet. Redaktører logger ind for at tilføje og rette bidrag; hver ændring registreres med hvem, hvornår og hvorfor."},
	"method":                  {"This address does not take that method.", "Denne adresse tager ikke imod den metode."},
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
	"login.note":              {"Accounts are created by the operator ('fairshare users add', 'fairshare users password').", "Konti oprettes af driftsansvarlig ('fairshare users add', 'fairshare users password')."},
	"login.wrong":             {"Wrong user name or password.", "Forkert brugernavn eller adgangskode."},
	"login.ratelimited":       {"Too many failed attempts. Wait a minute and try again.", "For mange mislykkede forsøg. Vent et minut, og prøv igen."},
	"login.needed":            {"Log in first (your session may have expired).", "Log ind først (din session kan være udløbet)."},
	"csrf.token":              {"The form has expired or did not come from this site. Reload the page and try again.", "Formularen er udløbet eller kom ikke fra dette websted. Genindlæs siden, og prøv igen."},
	"csrf.origin":             {"Cross-site request refused.", "Forespørgsel fra et andet websted afvist."},
	"form.toolarge":           {"The form is too large.", "Formularen er for stor."},
	"edit.forbidden":          {"Your role may not change the ledger; editors may.", "Din rolle må ikke ændre regnskabet; det må redaktører."},
	"reason.required":         {"required: say why (it is kept in the history)", "påkrævet: sig hvorfor (det gemmes i historikken)"},
	"reason.hint":             {"Why, e.g. \"corrected per MoD statement of 3 March\". Kept in the history with your name.", "Hvorfor, fx \"rettet efter Forsvarsministeriets meddelelse af 3. marts\". Gemmes i historikken med dit navn."},
	"contrib.title":           {"Contribution", "Bidrag"},
	"contrib.new":             {"Add a contribution", "Tilføj et bidrag"},
	"contrib.add":             {"Add", "Tilføj"},
	"contrib.exists":          {"Already recorded:", "Allerede registreret:"},
	"contrib.history":         {"History", "Historik"},
	"contrib.history.caption": {"Every recorded version, newest first: nothing is overwritten.", "Alle registrerede versioner, nyeste først: intet overskrives."},
	"contrib.edit":            {"Correct", "Ret"},
	"contrib.edit.legend":     {"The fields you change are recorded in a new version; the others keep their values", "De felter, du ændrer, registreres i en ny version; de andre beholder deres værdier"},
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
	"footer":                  {"fairshare keeps the books on military aid to Ukraine and each NATO ally's fair share. Figures are computed from cited public sources; see each dataset.", "fairshare fører regnskab med militær støtte til Ukraine og hver NATO-allieret rimelige andel. Tallene er beregnet ud fra offentlige kilder, som er angivet for hvert datasæt."},

	"overview.progress":     {"Counted against the target", "Opgjort i forhold til målet"},
	"overview.chart":        {"Counted as a share of each ally's fair share", "Opgjort bidrag i forhold til hver allieret rimelige andel"},
	"overview.chart.note":   {"Sorted by ratio; the dashed line is 100 % of the fair share. Red bars are below their fair share.", "Sorteret efter forhold; den stiplede linje er 100 % af den rimelige andel. Røde søjler ligger under deres rimelige andel."},
	"overview.table":        {"Fair share and counted per ally", "Rimelig andel og opgjort bidrag pr. allieret"},
	"overview.csv":          {"Download the table as CSV", "Hent tabellen som CSV"},
	"overview.svg":          {"Chart as SVG (for embedding)", "Diagram som SVG (til indlejring)"},
	"overview.compare":      {"Compare keys and datasets", "Sammenlign fordelingsnøgler og datasæt"},
	"card.target":           {"Target", "Mål"},
	"card.counted":          {"Counted", "Opgjort"},
	"card.shortfall":        {"Shortfall of allies below their share", "Manko hos allierede under deres andel"},
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
	"donor.monthly":         {"Giving per month, by dataset", "Bidrag pr. måned, pr. datasæt"},
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
	"compare.datasets.note": {"Counted contributions of each ally in each dataset alone; datasets are never added up.", "Hver allieret opgjorte bidrag i hvert datasæt for sig; datasæt lægges aldrig sammen."},
	"compare.a":             {"Dataset A", "Datasæt A"},
	"compare.b":             {"Dataset B", "Datasæt B"},
	"fx.title":              {"Currency converter", "Valutaomregner"},
	"fx.amount":             {"Amount", "Beløb"},
	"fx.from":               {"From", "Fra"},
	"fx.to":                 {"To", "Til"},
	"fx.date":               {"Date of the rate", "Kursdato"},
	"fx.convert":            {"Convert", "Omregn"},
	"fx.rate":               {"Rate used", "Anvendt kurs"},
	"fx.hint":               {"ECB euro reference rate of the day, else the last earlier one (up to 7 days), else the month's or year's average.", "ECB's referencekurs for euro på dagen, ellers den seneste før (op til 7 dage), ellers månedens eller årets gennemsnit."},
	"fx.target":             {"The target's figures in another currency", "Målets tal i en anden valuta"},
	"fx.target.link":        {"See every ally in this currency", "Se alle allierede i denne valuta"},
	"fx.amount.hint":        {"Digits with '.' or ',' as decimal separator, no thousands separators.", "Cifre med ',' eller '.' som decimaltegn, uden tusindtalsseparatorer."},
	"basis.day":             {"ECB reference rate of", "ECB-referencekurs for"},
	"basis.earlier":         {"last ECB reference rate before the date, of", "seneste ECB-referencekurs før datoen, fra"},
	"basis.month":           {"monthly average", "månedsgennemsnit"},
	"basis.year":            {"annual average", "årsgennemsnit"},
	"basis.latest-year":     {"latest annual average available,", "seneste tilgængelige årsgennemsnit,"},
	"error.title":           {"Something is wrong", "Noget gik galt"},
	"error.back":            {"Back to the overview", "Tilbage til overblikket"},
	"chart.source":          {"Source", "Kilde"},
	"warn.leftout": {"Not counted: %s holds entries for this period that the selection %s leaves out. Datasets describing the same aid are never added silently; to count them, choose them by name (e.g. %s: for each ally, the first dataset with entries counts).",
		"Ikke medregnet: %s har poster for perioden, som udvalget %s ikke tæller med. Datasæt, der beskriver den samme støtte, lægges aldrig stiltiende sammen; vælg dem ved navn for at medregne dem (f.eks. %s: for hvert land tæller det første datasæt med poster)."},
	"chart.asof":                {"as of", "pr."},
	"chart.key":                 {"key", "nøgle"},
	"chart.target":              {"target", "mål"},
	"chart.ratio.sub":           {"Counted contributions as % of fair share (dashed line: 100 %)", "Opgjorte bidrag i % af rimelig andel (stiplet linje: 100 %)"},
	"chart.progress":            {"Counted %s of %s (%s)", "Opgjort %s af %s (%s)"},
	"chart.monthly.unit":        {"per month, %s", "pr. måned, %s"},
	"cat.equipment-purchase":    {"equipment purchase", "indkøb af udstyr"},
	"cat.in-kind":               {"in kind", "donation i naturalier"},
	"cat.maintenance-logistics": {"maintenance and logistics", "vedligehold og logistik"},
	"cat.training":              {"training", "uddannelse"},
	"cat.operations":            {"operations", "operationer"},
	"cat.defence-industry":      {"defence industry", "forsvarsindustri"},
	"cat.nato-trust-fund":       {"NATO trust fund", "NATO-trustfond"},
	"cat.financial":             {"financial", "finansiel"},
	"cat.humanitarian":          {"humanitarian", "humanitær"},
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
