// Package s3 keeps a site's objects in an S3 bucket (AWS or any
// S3-compatible server), opened from an s3:// URL.
//
// Reads, listings, deletes and signed URLs go through gocloud.dev's
// s3blob. gocloud.dev has no compare-and-swap write and does not return
// the ETag of what it wrote, both of which grail needs so that two
// writers can never silently overwrite each other; writes therefore go
// straight to the S3 client as PutObject with If-None-Match / If-Match.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"

	"github.com/grailblog/grail/internal/store/backend"
)

// Backend is an S3 bucket. It implements backend.Backend,
// backend.Signer and backend.MD5Hasher.
type Backend struct {
	b      *blob.Bucket
	client *awss3.Client
	bucket string
	desc   string
}

var (
	_ backend.Backend   = (*Backend)(nil)
	_ backend.Signer    = (*Backend)(nil)
	_ backend.MD5Hasher = (*Backend)(nil)
)

// Open opens an s3:// URL and checks that the bucket can be reached, so
// that a wrong URL, a missing bucket or bad credentials fail at start
// with a message that says which.
func Open(ctx context.Context, rawURL string) (*Backend, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("bucket URL %q is malformed: want s3://BUCKET?region=…[&endpoint=…]: %w", rawURL, backend.ErrInvalidKey)
	}
	desc := describeBucket(u)
	client, err := newClient(ctx, u.Query())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", desc, err)
	}
	b, err := s3blob.OpenBucket(ctx, client, u.Host, nil)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", desc, err)
	}
	s := &Backend{b: b, client: client, bucket: u.Host, desc: desc}
	if err := s.checkAccess(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return s, nil
}

// checkAccess tells an operator what is wrong with the bucket, if anything.
func (s *Backend) checkAccess(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := s.b.IsAccessible(ctx)
	if err != nil {
		err = s.mapError("open", err)
	}
	switch {
	case errors.Is(err, backend.ErrDenied):
		return fmt.Errorf("%s: access denied; check the AWS credentials and the bucket policy: %w", s.desc, err)
	case apiCode(err) == "InvalidBucketName":
		return fmt.Errorf("%s: %q is not a valid bucket name: %w", s.desc, s.bucket, backend.ErrInvalidKey)
	case err != nil:
		return fmt.Errorf("%s: cannot reach the bucket: %w", s.desc, err)
	case !ok:
		return fmt.Errorf("%s: the bucket does not exist: %w", s.desc, backend.ErrNotFound)
	}
	return nil
}

// describeBucket names a bucket and its endpoint, never credentials.
func describeBucket(u *url.URL) string {
	d := u.Scheme + "://" + u.Host
	if ep := u.Query().Get("endpoint"); ep != "" {
		if e, err := url.Parse(ep); err == nil {
			e.User = nil
			ep = e.String()
		}
		d += " at " + ep
	} else if r := u.Query().Get("region"); r != "" {
		d += " in " + r
	}
	return d
}

// Describe names the bucket and its endpoint.
func (s *Backend) Describe() string { return s.desc }

// Close releases the bucket.
func (s *Backend) Close() error { return s.b.Close() }

// List lists the objects under prefix, with S3's ETags.
func (s *Backend) List(ctx context.Context, prefix string, fn func(backend.ObjectInfo) error) error {
	it := s.b.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return s.mapError("list "+prefix, err)
		}
		if obj.IsDir || backend.HiddenKey(obj.Key) {
			continue
		}
		info := backend.ObjectInfo{Key: obj.Key, Size: obj.Size, ModTime: obj.ModTime}
		var o s3types.Object
		if obj.As(&o) {
			info.ETag = unquote(o.ETag)
		}
		if err := fn(info); err != nil {
			return err
		}
	}
}

// ListDirs lists the "folders" (common prefixes) directly under prefix.
func (s *Backend) ListDirs(ctx context.Context, prefix string) ([]string, error) {
	it := s.b.List(&blob.ListOptions{Prefix: prefix, Delimiter: "/"})
	var dirs []string
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return dirs, nil
		}
		if err != nil {
			return nil, s.mapError("list "+prefix, err)
		}
		if obj.IsDir && !backend.HiddenKey(strings.TrimSuffix(obj.Key, "/")) {
			dirs = append(dirs, obj.Key)
		}
	}
}

// Stat is a HEAD of the object.
func (s *Backend) Stat(ctx context.Context, key string) (backend.ObjectInfo, error) {
	if err := backend.CheckKey(key); err != nil {
		return backend.ObjectInfo{}, err
	}
	a, err := s.b.Attributes(ctx, key)
	if err != nil {
		return backend.ObjectInfo{}, s.mapError("stat "+key, err)
	}
	return backend.ObjectInfo{Key: key, Size: a.Size, ModTime: a.ModTime, ContentType: a.ContentType, ETag: strings.Trim(a.ETag, `"`)}, nil
}

// ReadAll is one GET, whose ETag is the version of the bytes read.
func (s *Backend) ReadAll(ctx context.Context, key string) ([]byte, backend.ObjectInfo, error) {
	if err := backend.CheckKey(key); err != nil {
		return nil, backend.ObjectInfo{}, err
	}
	r, err := s.b.NewReader(ctx, key, nil)
	if err != nil {
		return nil, backend.ObjectInfo{}, s.mapError("read "+key, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, backend.ObjectInfo{}, s.mapError("read "+key, err)
	}
	info := backend.ObjectInfo{Key: key, Size: int64(len(data)), ModTime: r.ModTime(), ContentType: r.ContentType()}
	var out awss3.GetObjectOutput
	if r.As(&out) {
		info.ETag = unquote(out.ETag)
	}
	return data, info, nil
}

// Open stats the object; its bytes are read in ranges as asked for.
func (s *Backend) Open(ctx context.Context, key string) (backend.File, error) {
	info, err := s.Stat(ctx, key)
	if err != nil {
		return nil, err
	}
	return &rangeFile{ctx: ctx, s: s, info: info}, nil
}

// Write is a PutObject with S3's own conditional headers; the response
// carries the new object's ETag.
func (s *Backend) Write(ctx context.Context, key string, data []byte, o backend.WriteOptions) (backend.ObjectInfo, error) {
	if err := backend.CheckKey(key); err != nil {
		return backend.ObjectInfo{}, err
	}
	in := &awss3.PutObjectInput{
		Bucket:             aws.String(s.bucket),
		Key:                aws.String(key),
		Body:               bytes.NewReader(data),
		ContentType:        optional(o.ContentType),
		ContentEncoding:    optional(o.ContentEncoding),
		ContentDisposition: optional(o.ContentDisposition),
	}
	if o.IfAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	if o.IfMatch != "" {
		in.IfMatch = aws.String(`"` + o.IfMatch + `"`)
	}
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		err = s.mapError("write "+key, err)
		if o.IfMatch != "" && errors.Is(err, backend.ErrNotFound) {
			// S3 answers an If-Match on a missing key with 404; the
			// contract calls any lost update a conflict.
			err = fmt.Errorf("update %s, which is gone: %w", key, backend.ErrConflict)
		}
		return backend.ObjectInfo{}, err
	}
	return backend.ObjectInfo{Key: key, Size: int64(len(data)), ModTime: time.Now(), ETag: unquote(out.ETag), ContentType: o.ContentType}, nil
}

// Delete removes an object; a missing one is not an error.
func (s *Backend) Delete(ctx context.Context, key string) error {
	if err := backend.CheckKey(key); err != nil {
		return err
	}
	if err := s.b.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return s.mapError("delete "+key, err)
	}
	return nil
}

// SignedURL returns a URL that reads key without credentials until ttl passes.
func (s *Backend) SignedURL(ctx context.Context, key string, ttl time.Duration) (string, error) {
	if err := backend.CheckKey(key); err != nil {
		return "", err
	}
	u, err := s.b.SignedURL(ctx, key, &blob.SignedURLOptions{Expiry: ttl})
	if err != nil {
		return "", s.mapError("sign "+key, err)
	}
	return u, nil
}

// ContentMD5: an object uploaded in one piece has its MD5 as its ETag
// (one encrypted with KMS has a 32-digit ETag that is not its MD5: it is
// then copied every time, which is wasteful but never wrong).
func (s *Backend) ContentMD5(info backend.ObjectInfo) (string, bool) {
	return info.ETag, backend.IsMD5(info.ETag)
}

func unquote(etag *string) string { return strings.Trim(aws.ToString(etag), `"`) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
