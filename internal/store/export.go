package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// SiteFiles lists every file an author owns, in key order: sources, pages,
// media, theme overrides, settings. Grail's own state under _grail/ (the
// session key, accounts, login records, revisions, trash, jobs, overflow,
// the index snapshot) is left out, because an export leaves the building
// and some of it is secret (PrivatePaths); skipped counts what was left.
func (s *Store) SiteFiles(ctx context.Context) (files []ObjectInfo, skipped int, err error) {
	err = s.b.List(ctx, "", func(oi ObjectInfo) error {
		if strings.HasPrefix(oi.Key, stateDir) {
			skipped++
			return nil
		}
		files = append(files, oi)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list %s: %w", s.Describe(), err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Key < files[j].Key })
	return files, skipped, nil
}

// OpenSiteFile opens a file that SiteFiles lists. It refuses grail's
// state, so a caller that was handed a key from elsewhere cannot leak it.
func (s *Store) OpenSiteFile(ctx context.Context, key string) (File, error) {
	if strings.HasPrefix(key, stateDir) {
		return nil, fmt.Errorf("%s: %w (grail's private state)", key, ErrInvalidKey)
	}
	return s.b.Open(ctx, key)
}
