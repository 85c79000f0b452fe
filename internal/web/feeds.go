package web

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/urls"
)

// feedItems is how many posts a feed carries, in full.
const feedItems = 20

// feed is one feed: the whole site's, a category's or a tag's.
type feed struct {
	format   urls.Format
	title    string
	pagePath string // the HTML page the feed follows
	selfPath string
	posts    []*content.Doc
}

// feedFor finds the list a feed's route follows: the site's posts, or a
// category's or tag's.
func feedFor(v *view, r urls.Route) (feed, bool) {
	st := v.site
	list := urls.Route{Kind: r.Of, Name: r.Name, Taxonomy: r.Taxonomy}
	f := feed{format: r.Feed, selfPath: st.URLs.URL(r), pagePath: st.URLs.URL(list), title: st.Config.Title}
	switch r.Of {
	case urls.Home:
		f.posts = st.MainPosts
	case urls.Category:
		c := st.Category(r.Name)
		if c == nil {
			return feed{}, false
		}
		f.title += ": " + strings.Join(c.Names(), " › ")
		f.posts = c.Posts
	case urls.Tag:
		t := st.Tag(r.Name)
		if t == nil {
			return feed{}, false
		}
		f.title += ": #" + t.Name
		f.posts = t.Posts
	case urls.Tags, urls.Categories, urls.Terms:
		f.posts = st.TaxonomyPosts(r.Of, r.Taxonomy)
	case urls.Term:
		t := st.Term(r.Taxonomy, r.Name)
		if t == nil {
			return feed{}, false
		}
		f.title += ": " + t.Name
		f.posts = t.Posts
	case urls.Section:
		posts := st.Section(r.Name)
		if posts == nil {
			return feed{}, false
		}
		f.title += ": " + st.SectionTitle(r.Name)
		f.posts = posts
	default:
		return feed{}, false
	}
	f.posts = f.posts[:min(feedItems, len(f.posts))]
	return f, true
}

// feedEntry is a post as every feed format needs it.
type feedEntry struct {
	doc        *content.Doc
	url        string
	html       string
	categories []string // display paths, "Hardware/Keyboards"
	tags       []string
}

func (s *Server) feedEntries(ctx context.Context, v *view, origin string, posts []*content.Doc) ([]feedEntry, error) {
	out := make([]feedEntry, 0, len(posts))
	for _, p := range posts {
		body, err := s.loader.Body(ctx, p)
		if err != nil {
			return nil, err
		}
		html, err := v.renderBody(ctx, p, body, content.RenderOptions{Origin: origin, NoAnchors: true, LinkBase: linkBase(v.site, p)})
		if err != nil {
			return nil, err
		}
		out = append(out, feedEntry{doc: p, url: origin + v.site.URL(p), html: string(html), categories: p.CategoryNames, tags: p.Tags})
	}
	return out, nil
}

func (s *Server) renderFeed(ctx context.Context, v *view, origin string, f feed) (*response, error) {
	entries, err := s.feedEntries(ctx, v, origin, f.posts)
	if err != nil {
		return nil, err
	}
	updated := v.site.Built
	if len(f.posts) > 0 {
		updated = f.posts[0].Updated()
		for _, p := range f.posts {
			if p.Updated().After(updated) {
				updated = p.Updated()
			}
		}
	}
	var body []byte
	var ctype string
	switch f.format {
	// RSS and Atom go out as application/xml: feed readers accept it, and
	// it is the type under which browsers apply the feed's stylesheet
	// (they show application/atom+xml as plain text).
	case urls.Atom:
		body, err = atomFeed(v, origin, f, entries, updated)
		ctype = "application/xml; charset=utf-8"
	case urls.RSS:
		body, err = rssFeed(v, origin, f, entries, updated)
		ctype = "application/xml; charset=utf-8"
	default:
		body, err = jsonFeed(v, origin, f, entries)
		ctype = "application/feed+json; charset=utf-8"
	}
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusOK, ctype, s.pageCacheControl(v.site), body, updated)
	if f.format != urls.JSONFeed {
		resp.Header()["Content-Security-Policy"] = cspFeed
	}
	return resp, nil
}

// xmlHead starts RSS and Atom with a stylesheet, so that a reader who
// opens a feed in a browser sees a page explaining what it is.
func xmlHead(v *view) string {
	return xml.Header + `<?xml-stylesheet type="text/xsl" href="` + v.theme.AssetURL("feed.xsl") + `"?>` + "\n"
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	Links      []atomLink     `xml:"link"`
	ID         string         `xml:"id"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    atomText       `xml:"content"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomFeedDoc struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Links    []atomLink  `xml:"link"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Author   *atomAuthor `xml:"author,omitempty"`
	Gen      string      `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

func atomFeed(v *view, origin string, f feed, entries []feedEntry, updated time.Time) ([]byte, error) {
	cfg := v.site.Config
	doc := atomFeedDoc{
		Lang:     cfg.Language,
		Title:    f.title,
		Subtitle: cfg.Description,
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: origin + f.pagePath},
			{Rel: "self", Type: "application/atom+xml", Href: origin + f.selfPath},
		},
		ID:      origin + f.selfPath,
		Updated: updated.Format(time.RFC3339),
		Gen:     "grail",
	}
	if cfg.Author != "" {
		doc.Author = &atomAuthor{Name: cfg.Author}
	}
	for _, e := range entries {
		ae := atomEntry{
			Title:     e.doc.Title,
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: e.url}},
			ID:        e.url,
			Published: e.doc.Date.Format(time.RFC3339),
			Updated:   e.doc.Updated().Format(time.RFC3339),
			Content:   atomText{Type: "html", Body: e.html},
		}
		if e.doc.Summary != "" {
			ae.Summary = &atomText{Type: "text", Body: e.doc.Summary}
		}
		for i, c := range e.doc.Categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: c, Label: e.categories[i]})
		}
		for _, t := range e.tags {
			ae.Categories = append(ae.Categories, atomCategory{Term: t})
		}
		doc.Entries = append(doc.Entries, ae)
	}
	return marshalXML(xmlHead(v), doc)
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Categories  []string `xml:"category"`
	Description string   `xml:"description"`
	Content     string   `xml:"content:encoded"`
	Updated     string   `xml:"atom:updated"`
}

type rssGUID struct {
	Permalink bool   `xml:"isPermaLink,attr"`
	Value     string `xml:",chardata"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language,omitempty"`
	LastBuild   string    `xml:"lastBuildDate"`
	Generator   string    `xml:"generator"`
	Self        atomLink  `xml:"atom:link"`
	Items       []rssItem `xml:"item"`
}

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Content string     `xml:"xmlns:content,attr"`
	Channel rssChannel `xml:"channel"`
}

func rssFeed(v *view, origin string, f feed, entries []feedEntry, updated time.Time) ([]byte, error) {
	cfg := v.site.Config
	desc := cfg.Description
	if desc == "" {
		desc = f.title
	}
	doc := rssDoc{
		Version: "2.0",
		Atom:    "http://www.w3.org/2005/Atom",
		Content: "http://purl.org/rss/1.0/modules/content/",
		Channel: rssChannel{
			Title:       f.title,
			Link:        origin + f.pagePath,
			Description: desc,
			Language:    cfg.Language,
			LastBuild:   updated.Format(time.RFC1123Z),
			Generator:   "grail",
			Self:        atomLink{Rel: "self", Type: "application/rss+xml", Href: origin + f.selfPath},
		},
	}
	for _, e := range entries {
		summary := e.doc.Summary
		if summary == "" {
			summary = e.doc.Title
		}
		doc.Channel.Items = append(doc.Channel.Items, rssItem{
			Title:       e.doc.Title,
			Link:        e.url,
			GUID:        rssGUID{Permalink: true, Value: e.url},
			PubDate:     e.doc.Date.Format(time.RFC1123Z),
			Categories:  append(append([]string(nil), e.categories...), e.tags...),
			Description: summary,
			Content:     e.html,
			Updated:     e.doc.Updated().Format(time.RFC3339),
		})
	}
	return marshalXML(xmlHead(v), doc)
}

func marshalXML(head string, doc any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(head)
	enc := xml.NewEncoder(&b)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Title         string   `json:"title"`
	ContentHTML   string   `json:"content_html"`
	Summary       string   `json:"summary,omitempty"`
	DatePublished string   `json:"date_published"`
	DateModified  string   `json:"date_modified"`
	Tags          []string `json:"tags,omitempty"`
}

type jsonFeedDoc struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

// jsonFeed writes JSON Feed 1.1; categories go in tags, as the spec has
// no separate field for them.
func jsonFeed(v *view, origin string, f feed, entries []feedEntry) ([]byte, error) {
	cfg := v.site.Config
	doc := jsonFeedDoc{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       f.title,
		HomePageURL: origin + f.pagePath,
		FeedURL:     origin + f.selfPath,
		Description: cfg.Description,
		Language:    cfg.Language,
		Items:       []jsonItem{},
	}
	if cfg.Author != "" {
		doc.Authors = []jsonAuthor{{Name: cfg.Author}}
	}
	for _, e := range entries {
		doc.Items = append(doc.Items, jsonItem{
			ID:            e.url,
			URL:           e.url,
			Title:         e.doc.Title,
			ContentHTML:   e.html,
			Summary:       e.doc.Summary,
			DatePublished: e.doc.Date.Format(time.RFC3339),
			DateModified:  e.doc.Updated().Format(time.RFC3339),
			Tags:          append(append([]string(nil), e.categories...), e.tags...),
		})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapDoc struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

// renderSitemap lists the site's pages (not the further pages of a list,
// the years or the feeds) for search engines.
func (s *Server) renderSitemap(v *view, origin string) (*response, error) {
	st := v.site
	doc := sitemapDoc{}
	for _, e := range st.AllURLs() {
		if !inSitemap(e.Route) {
			continue
		}
		u := sitemapURL{Loc: origin + e.Path}
		if !e.Modified.IsZero() {
			u.LastMod = e.Modified.Format(time.RFC3339)
		}
		doc.URLs = append(doc.URLs, u)
	}
	body, err := marshalXML(xml.Header, doc)
	if err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK, "application/xml; charset=utf-8", s.pageCacheControl(st), body, st.Built), nil
}

func inSitemap(r urls.Route) bool {
	switch r.Kind {
	case urls.Doc, urls.Archive, urls.Categories, urls.Tags, urls.Terms:
		return true
	case urls.Home, urls.Category, urls.Tag, urls.Section, urls.Term:
		return r.Page <= 1
	}
	return false
}
