package site

import (
	"slices"
	"strings"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/urls"
)

// indexSections lists the posts of each top-level section of a Hugo site
// (content/posts/, content/articles/), newest first, and gives the URL
// map their lists. A grail site has no sections.
func (s *Site) indexSections() {
	if s.Config.Hugo == nil {
		return
	}
	s.sections = map[string][]*content.Doc{}
	for _, p := range s.Posts { // newest first already
		if name, _, _ := strings.Cut(urls.SectionOf(p), "/"); name != "" {
			s.sections[name] = append(s.sections[name], p)
		}
	}
	names := make([]string, 0, len(s.sections))
	for n := range s.sections {
		names = append(names, n)
	}
	slices.Sort(names)
	s.SectionNames = names
	s.URLs = s.URLs.WithSections(names)
	s.MainSections = s.mainSections()
	s.MainPosts = nil
	for _, p := range s.Posts {
		if name, _, _ := strings.Cut(urls.SectionOf(p), "/"); slices.Contains(s.MainSections, name) {
			s.MainPosts = append(s.MainPosts, p)
		}
	}
}

// mainSections are the sections whose posts the home page and the site's
// feed list, as Hugo decides them: params.mainSections, or else the
// section with the most pages (the first by name of those that tie).
func (s *Site) mainSections() []string {
	if main := s.Config.Hugo.MainSections; len(main) > 0 {
		return main
	}
	best := ""
	for _, n := range s.SectionNames {
		if best == "" || len(s.sections[n]) > len(s.sections[best]) {
			best = n
		}
	}
	if best == "" {
		return nil
	}
	return []string{best}
}

// Section is the posts of a section, newest first; nil when the site has
// no such section.
func (s *Site) Section(name string) []*content.Doc { return s.sections[name] }

// indexHugoAddresses makes the address Hugo gives each document an alias
// of it, when a Hugo site chose grail's URL style: nothing its author
// published before breaks.
func (s *Site) indexHugoAddresses(visible []*content.Doc) {
	for _, d := range visible {
		from := strings.TrimRight(s.URLs.HugoDoc(d), "/")
		if from == "" || s.ByPathOrTwin(from) != nil || s.aliases[from] != "" {
			continue
		}
		s.aliases[from] = s.URL(d)
	}
}
