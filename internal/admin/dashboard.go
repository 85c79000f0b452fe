package admin

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/content"
)

// dashboardData lists every post (drafts and scheduled ones too) and
// every page, with a filter by state and a search by title.
type dashboardData struct {
	chrome
	State    string // filter: "", published, scheduled, draft
	Query    string
	Posts    []docRow
	Pages    []docRow
	Total    int // posts before filtering
	Problems []string
	Zone     string
}

type docRow struct {
	Key        string
	EditURL    string
	Title      string
	State      string // published, scheduled, draft
	StateLabel string
	Date       string
	DateISO    string
	Categories string
	PublicURL  string
}

var states = map[string]bool{"published": true, "scheduled": true, "draft": true}

func (a *Admin) dashboard(w http.ResponseWriter, r *http.Request, sess auth.Session) {
	q := r.URL.Query()
	d := dashboardData{chrome: a.chrome(sess, "Posts", "posts"), Query: strings.TrimSpace(q.Get("q")), Zone: a.location().String()}
	if states[q.Get("state")] {
		d.State = q.Get("state")
	}
	if k := q.Get("deleted"); k != "" {
		d.Notice = "Moved " + k + " to the trash."
	}
	st := a.site()
	docs := append([]*content.Doc(nil), st.Docs...)
	sort.SliceStable(docs, func(i, j int) bool {
		if !docs[i].Date.Equal(docs[j].Date) {
			return docs[i].Date.After(docs[j].Date)
		}
		return docs[i].Key < docs[j].Key
	})
	needle := strings.ToLower(d.Query)
	for _, doc := range docs {
		if doc.Kind == content.KindSection {
			continue // a section's _index.md is not edited here
		}
		row := a.rowOf(doc)
		if doc.Kind == content.KindPage {
			d.Pages = append(d.Pages, row)
			continue
		}
		d.Total++
		if (d.State == "" || d.State == row.State) && strings.Contains(strings.ToLower(doc.Title), needle) {
			d.Posts = append(d.Posts, row)
		}
	}
	for _, p := range st.Problems {
		if p.Skipped {
			d.Problems = append(d.Problems, p.String())
		}
	}
	a.render(w, r, http.StatusOK, "dashboard", d)
}

func (a *Admin) rowOf(doc *content.Doc) docRow {
	row := docRow{
		Key:        doc.Key,
		EditURL:    "/admin/edit?key=" + url.QueryEscape(doc.Key),
		Title:      doc.Title,
		Categories: strings.Join(doc.CategoryNames, ", "),
	}
	if pub := doc.Published(); !pub.IsZero() {
		row.Date = a.when(pub)
		row.DateISO = pub.Format("2006-01-02T15:04:05Z07:00")
	}
	state, u := a.stateOf(doc)
	row.PublicURL = u
	switch {
	case doc.Draft:
		row.State, row.StateLabel = "draft", "Draft"
	case strings.HasPrefix(state, "Scheduled"):
		// The date column says when.
		row.State, row.StateLabel = "scheduled", "Scheduled"
	default:
		row.State, row.StateLabel = "published", "Published"
	}
	return row
}
