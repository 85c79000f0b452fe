package s3

import (
	"context"
	"errors"
	"io"

	"gocloud.dev/blob"

	"github.com/grailblog/grail/internal/store/backend"
)

// rangeFile reads a stored object in ranges, so that an HTTP Range request
// for a large file fetches only the bytes asked for.
type rangeFile struct {
	ctx  context.Context
	s    *Backend
	info backend.ObjectInfo
	off  int64
	r    *blob.Reader
}

func (f *rangeFile) Info() backend.ObjectInfo { return f.info }

func (f *rangeFile) Read(p []byte) (int, error) {
	if f.off >= f.info.Size {
		return 0, io.EOF
	}
	if f.r == nil {
		r, err := f.s.b.NewRangeReader(f.ctx, f.info.Key, f.off, -1, nil)
		if err != nil {
			return 0, f.s.mapError("read "+f.info.Key, err)
		}
		f.r = r
	}
	n, err := f.r.Read(p)
	f.off += int64(n)
	return n, err
}

func (f *rangeFile) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = f.off + offset
	case io.SeekEnd:
		abs = f.info.Size + offset
	}
	if abs < 0 {
		return 0, errors.New("seek before the start")
	}
	if abs != f.off && f.r != nil {
		f.r.Close()
		f.r = nil
	}
	f.off = abs
	return abs, nil
}

func (f *rangeFile) Close() error {
	if f.r != nil {
		return f.r.Close()
	}
	return nil
}
