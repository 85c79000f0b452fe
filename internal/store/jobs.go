package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Background jobs keep their state under _grail/jobs/: <id>.json is the
// job's record, rewritten with compare-and-swap as the job moves on, and
// <id>.out is a result too large to keep in the record. Both are scratch:
// the deploy stack's lifecycle rule expires them after a day in S3, and
// PruneJobs does the same for stores without one.
const jobsDir = "_grail/jobs/"

const jobRecordType = "application/json"

// jobKey is where job id keeps its record (suffix ".json") or its output
// (".out"). Ids come from URLs, so only short names of lower-case letters,
// digits and hyphens are accepted: nothing that could leave the folder.
func jobKey(id, suffix string) (string, error) {
	if !ValidJobID(id) {
		return "", fmt.Errorf("job %q: %w", id, ErrInvalidKey)
	}
	return jobsDir + id + suffix, nil
}

// ValidJobID tells whether id can name a job (a UUID does).
func ValidJobID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// CreateJob stores the first record of job id, failing with ErrConflict if
// the id is taken.
func (s *Store) CreateJob(ctx context.Context, id string, record []byte) (ObjectInfo, error) {
	key, err := jobKey(id, ".json")
	if err != nil {
		return ObjectInfo{}, err
	}
	return s.b.Write(ctx, key, record, WriteOptions{ContentType: jobRecordType, IfAbsent: true})
}

// ReadJob returns job id's record and its version (ErrNotFound if there
// is no such job).
func (s *Store) ReadJob(ctx context.Context, id string) ([]byte, ObjectInfo, error) {
	key, err := jobKey(id, ".json")
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	return s.b.ReadAll(ctx, key)
}

// UpdateJob replaces job id's record if it is still at version ifMatch,
// else fails with ErrConflict: whoever wrote in between (a reader that
// found the job dead, a second runner) wins, and the caller must look
// again.
func (s *Store) UpdateJob(ctx context.Context, id string, record []byte, ifMatch string) (ObjectInfo, error) {
	key, err := jobKey(id, ".json")
	if err != nil {
		return ObjectInfo{}, err
	}
	if ifMatch == "" {
		return ObjectInfo{}, fmt.Errorf("update job %s: the version being replaced must be given", id)
	}
	return s.b.Write(ctx, key, record, WriteOptions{ContentType: jobRecordType, IfMatch: ifMatch})
}

// PutJobOutput stores a job's result body, for results too large to keep
// in the record.
func (s *Store) PutJobOutput(ctx context.Context, id string, data []byte, contentType string) error {
	key, err := jobKey(id, ".out")
	if err != nil {
		return err
	}
	_, err = s.b.Write(ctx, key, data, WriteOptions{ContentType: contentType})
	return err
}

// OpenJobOutput opens a result stored by PutJobOutput.
func (s *Store) OpenJobOutput(ctx context.Context, id string) (File, error) {
	key, err := jobKey(id, ".out")
	if err != nil {
		return nil, err
	}
	return s.b.Open(ctx, key)
}

// JobOutputURL returns a URL that reads job id's stored result until ttl
// passes, or ErrNoSignedURLs for stores that cannot make one.
func (s *Store) JobOutputURL(ctx context.Context, id string, ttl time.Duration) (string, error) {
	key, err := jobKey(id, ".out")
	if err != nil {
		return "", err
	}
	return s.SignedURL(ctx, key, ttl)
}

// PruneJobs deletes the records and outputs of jobs last written before
// cutoff and returns how many objects went.
func (s *Store) PruneJobs(ctx context.Context, cutoff time.Time) (int, error) {
	var old []string
	err := s.b.List(ctx, jobsDir, func(o ObjectInfo) error {
		if o.ModTime.Before(cutoff) && !strings.Contains(strings.TrimPrefix(o.Key, jobsDir), "/") {
			old = append(old, o.Key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for i, key := range old {
		if err := s.b.Delete(ctx, key); err != nil {
			return i, err
		}
	}
	return len(old), nil
}
