package store

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

func TestJobRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		id := "0b6f3c1e-6a4e-4f0c-9a51-2d1f3c4b5a69"
		first, err := s.CreateJob(ctx, id, []byte(`{"state":"queued"}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateJob(ctx, id, []byte(`{"state":"queued"}`)); !errors.Is(err, ErrConflict) {
			t.Errorf("second CreateJob: %v, want ErrConflict", err)
		}
		running, err := s.UpdateJob(ctx, id, []byte(`{"state":"running"}`), first.ETag)
		if err != nil {
			t.Fatal(err)
		}
		// A writer still holding the first version has lost the job.
		if _, err := s.UpdateJob(ctx, id, []byte(`{"state":"failed"}`), first.ETag); !errors.Is(err, ErrConflict) {
			t.Errorf("UpdateJob over a stale version: %v, want ErrConflict", err)
		}
		data, info, err := s.ReadJob(ctx, id)
		if err != nil || string(data) != `{"state":"running"}` || info.ETag != running.ETag {
			t.Errorf("ReadJob = %q, %s, %v; want the running record at %s", data, info.ETag, err, running.ETag)
		}
		if _, _, err := s.ReadJob(ctx, "1d2c3b4a-0000-4000-8000-000000000000"); !errors.Is(err, ErrNotFound) {
			t.Errorf("ReadJob of an unknown id: %v, want ErrNotFound", err)
		}
	})
}

func TestJobOutputAndPrune(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		id := "5e0c2a7b-9d41-4f38-b6a2-0c9e8d7f6a51"
		if _, err := s.CreateJob(ctx, id, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if err := s.PutJobOutput(ctx, id, []byte("the export"), "application/zip"); err != nil {
			t.Fatal(err)
		}
		f, err := s.OpenJobOutput(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if string(got) != "the export" {
			t.Errorf("OpenJobOutput read %q", got)
		}
		if n, err := s.PruneJobs(ctx, time.Now().Add(-time.Hour)); n != 0 || err != nil {
			t.Errorf("PruneJobs of nothing old = %d, %v", n, err)
		}
		if n, err := s.PruneJobs(ctx, time.Now().Add(time.Hour)); n != 2 || err != nil {
			t.Errorf("PruneJobs of everything = %d, %v; want the record and the output", n, err)
		}
		if _, _, err := s.ReadJob(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("pruned job still readable: %v", err)
		}
	})
}

func TestJobIDsStayInTheirFolder(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range []string{"", "../secret", "a/b", "A", "x.json", string(make([]byte, 65))} {
		if _, err := s.CreateJob(context.Background(), id, []byte(`{}`)); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CreateJob(%q): %v, want ErrInvalidKey", id, err)
		}
		if _, _, err := s.ReadJob(context.Background(), id); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ReadJob(%q): %v, want ErrInvalidKey", id, err)
		}
	}
}
