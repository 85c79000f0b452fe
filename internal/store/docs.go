package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// Grail's own state lives under _grail/, next to the site's files.
const (
	revisionsDir = "_grail/revisions/"
	trashDir     = "_grail/trash/"
)

const markdownType = "text/markdown; charset=utf-8"

// Create stores a new source file, failing with ErrConflict if key is taken.
func (s *Store) Create(ctx context.Context, key string, src []byte) (ObjectInfo, error) {
	if err := s.checkSourceKey(key); err != nil {
		return ObjectInfo{}, err
	}
	return s.b.Write(ctx, key, src, WriteOptions{ContentType: markdownType, IfAbsent: true})
}

// Update replaces a source file, but only if it is still the version the
// writer read (ifMatch is that version's ETag). The version it replaces is
// kept as a revision first. If someone else saved in the meantime the
// update fails with ErrConflict, and the text that could not be saved is
// kept as a revision too, so that neither writer's words are lost.
func (s *Store) Update(ctx context.Context, key string, src []byte, ifMatch string) (ObjectInfo, error) {
	if err := s.checkUpdate(key, ifMatch); err != nil {
		return ObjectInfo{}, err
	}
	prev, info, err := s.b.ReadAll(ctx, key)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("update %s: %w", key, err)
	}
	if info.ETag != ifMatch {
		s.keepText(ctx, key, src, "unsaved")
		return ObjectInfo{}, fmt.Errorf("update %s: %w", key, ErrConflict)
	}
	return s.replace(ctx, key, prev, src, ifMatch)
}

// Replace is Update for a writer that holds the version it replaces:
// prev is that version's text and ifMatch its ETag. prev is kept as the
// revision without reading the file again; the write itself is still a
// compare-and-swap, so a version saved by someone else since is never
// overwritten (the write fails with ErrConflict and src is kept).
func (s *Store) Replace(ctx context.Context, key string, prev, src []byte, ifMatch string) (ObjectInfo, error) {
	if err := s.checkUpdate(key, ifMatch); err != nil {
		return ObjectInfo{}, err
	}
	return s.replace(ctx, key, prev, src, ifMatch)
}

func (s *Store) checkUpdate(key, ifMatch string) error {
	if err := s.checkSourceKey(key); err != nil {
		return err
	}
	if ifMatch == "" {
		return fmt.Errorf("update %s: the version being replaced must be given", key)
	}
	return nil
}

func (s *Store) replace(ctx context.Context, key string, prev, src []byte, ifMatch string) (ObjectInfo, error) {
	if err := s.keepText(ctx, key, prev, ""); err != nil {
		return ObjectInfo{}, err
	}
	info, err := s.b.Write(ctx, key, src, WriteOptions{ContentType: markdownType, IfMatch: ifMatch})
	if errors.Is(err, ErrConflict) {
		s.keepText(ctx, key, src, "unsaved")
	}
	return info, err
}

// Delete moves a source file to the trash (and keeps a revision of it),
// if it is still at version ifMatch.
func (s *Store) Delete(ctx context.Context, key, ifMatch string) error {
	if err := s.checkSourceKey(key); err != nil {
		return err
	}
	data, info, err := s.b.ReadAll(ctx, key)
	if err != nil {
		return err
	}
	if ifMatch != "" && info.ETag != ifMatch {
		return fmt.Errorf("delete %s: %w", key, ErrConflict)
	}
	if err := s.keepText(ctx, key, data, "deleted"); err != nil {
		return err
	}
	if _, err := s.b.Write(ctx, trashDir+key, data, WriteOptions{ContentType: markdownType}); err != nil {
		return fmt.Errorf("move %s to the trash: %w", key, err)
	}
	// Someone may have saved since we read; then their text stays where
	// it is (ours is in the trash). Stores have no compare-and-delete, so
	// this narrows the window to a moment rather than closing it.
	if now, err := s.b.Stat(ctx, key); err != nil || now.ETag != info.ETag {
		return fmt.Errorf("delete %s: %w", key, ErrConflict)
	}
	return s.b.Delete(ctx, key)
}

// TrashItem is a deleted source file.
type TrashItem struct {
	Key       string // where it lived, and where Restore puts it back
	DeletedAt time.Time
	Size      int64
}

// Trash lists deleted source files, most recently deleted first.
func (s *Store) Trash(ctx context.Context) ([]TrashItem, error) {
	var items []TrashItem
	err := s.b.List(ctx, trashDir, func(o ObjectInfo) error {
		items = append(items, TrashItem{Key: strings.TrimPrefix(o.Key, trashDir), DeletedAt: o.ModTime, Size: o.Size})
		return nil
	})
	sort.Slice(items, func(i, j int) bool { return items[i].DeletedAt.After(items[j].DeletedAt) })
	return items, err
}

// ReadTrash returns a deleted file's text.
func (s *Store) ReadTrash(ctx context.Context, key string) ([]byte, error) {
	data, _, err := s.b.ReadAll(ctx, trashDir+key)
	return data, err
}

// Restore puts a deleted file back where it was. It fails with
// ErrConflict if another file has taken its place since.
func (s *Store) Restore(ctx context.Context, key string) (ObjectInfo, error) {
	data, _, err := s.b.ReadAll(ctx, trashDir+key)
	if err != nil {
		return ObjectInfo{}, err
	}
	info, err := s.b.Write(ctx, key, data, WriteOptions{ContentType: markdownType, IfAbsent: true})
	if err != nil {
		return ObjectInfo{}, err
	}
	return info, s.b.Delete(ctx, trashDir+key)
}

// Revision is an earlier version of a source file.
type Revision struct {
	Key   string // the revision's own key, for ReadRevision
	Saved time.Time
	Size  int64
	// Note says why it was kept: "" (replaced by an edit), "deleted",
	// "unsaved" (an edit that lost a conflict), "autosave".
	Note string
}

// Revisions lists the earlier versions of key, newest first.
func (s *Store) Revisions(ctx context.Context, key string) ([]Revision, error) {
	var revs []Revision
	err := s.b.List(ctx, revisionDir(key), func(o ObjectInfo) error {
		t, note, ok := parseRevisionName(path.Base(o.Key))
		if ok {
			revs = append(revs, Revision{Key: o.Key, Saved: t, Size: o.Size, Note: note})
		}
		return nil
	})
	sort.Slice(revs, func(i, j int) bool { return revs[i].Key > revs[j].Key })
	return revs, err
}

// ReadRevision returns the text of a revision listed by Revisions.
func (s *Store) ReadRevision(ctx context.Context, revKey string) ([]byte, error) {
	if !strings.HasPrefix(revKey, revisionsDir) {
		return nil, fmt.Errorf("%q: %w", revKey, ErrInvalidKey)
	}
	data, _, err := s.b.ReadAll(ctx, revKey)
	return data, err
}

// KeepDraft stores text being edited as a revision of key ("autosave"),
// so that closing the editor loses nothing.
//
// Only the newest keptDrafts autosaves of a file are kept: an editor open
// for an hour autosaves hundreds of times, each a superseded state of the
// same text. Every other revision (an earlier saved version, a deleted or
// refused text) is kept for good.
func (s *Store) KeepDraft(ctx context.Context, key string, text []byte) error {
	if err := s.checkSourceKey(key); err != nil {
		return err
	}
	if err := s.keepText(ctx, key, text, "autosave"); err != nil {
		return err
	}
	revs, err := s.Revisions(ctx, key)
	if err != nil {
		return nil // the draft is kept; pruning can wait for the next one
	}
	drafts := 0
	for _, r := range revs { // newest first
		if r.Note != "autosave" {
			continue
		}
		if drafts++; drafts > keptDrafts {
			s.b.Delete(ctx, r.Key)
		}
	}
	return nil
}

// keptDrafts is how many autosaves of a file are kept.
const keptDrafts = 10

// keepText writes text as a new revision of key. Names sort by time and
// never collide: a random suffix and a create-only write see to that.
func (s *Store) keepText(ctx context.Context, key string, text []byte, note string) error {
	name := revisionName(time.Now(), note)
	_, err := s.b.Write(ctx, revisionDir(key)+name, text, WriteOptions{ContentType: markdownType, IfAbsent: true})
	if err != nil {
		return fmt.Errorf("keep a revision of %s: %w", key, err)
	}
	return nil
}

// revisionDir is where the revisions of a source file live:
// posts/2024/qmk.md → _grail/revisions/posts/2024/qmk/.
func revisionDir(key string) string {
	return revisionsDir + strings.TrimSuffix(key, path.Ext(key)) + "/"
}

const revisionTime = "20060102T150405.000000000Z"

func revisionName(t time.Time, note string) string {
	var rnd [3]byte
	rand.Read(rnd[:])
	name := t.UTC().Format(revisionTime) + "-" + hex.EncodeToString(rnd[:])
	if note != "" {
		name += "-" + note
	}
	return name + ".md"
}

func parseRevisionName(name string) (time.Time, string, bool) {
	name = strings.TrimSuffix(name, ".md")
	if len(name) < len(revisionTime) {
		return time.Time{}, "", false
	}
	t, err := time.Parse(revisionTime, name[:len(revisionTime)])
	if err != nil {
		return time.Time{}, "", false
	}
	rest := strings.TrimPrefix(name[len(revisionTime):], "-")
	_, note, _ := strings.Cut(rest, "-")
	return t, note, true
}

// checkSourceKey allows writes only to posts and pages.
func (s *Store) checkSourceKey(key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if !isMarkdown(key) {
		return fmt.Errorf("%q is not a Markdown file: %w", key, ErrInvalidKey)
	}
	for _, d := range s.layout.PostDirs {
		if strings.HasPrefix(key, d) {
			return nil
		}
	}
	if s.isPage(key) {
		return nil
	}
	return fmt.Errorf("%q is not in the posts or pages folder: %w", key, ErrInvalidKey)
}
