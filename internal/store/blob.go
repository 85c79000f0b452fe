package store

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"
)

// blobBackend keeps objects in a bucket opened through gocloud.dev/blob:
// s3:// (AWS or any S3-compatible server) or mem:// (tests).
//
// gocloud.dev has no compare-and-swap write and does not return the ETag
// of what it wrote, both of which grail needs so that two writers can
// never silently overwrite each other. On S3 those writes go straight to
// the S3 client underneath (reached with Bucket.As) as PutObject with
// If-None-Match / If-Match; in memory a mutex makes them atomic.
type blobBackend struct {
	b      *blob.Bucket
	desc   string
	s3     *s3.Client // nil unless the bucket is S3
	bucket string
	// casMu serialises writes to buckets without native conditional writes.
	casMu sync.Mutex
}

// openBlob opens a bucket URL and checks that the bucket can be reached,
// so that a wrong URL, a missing bucket or bad credentials fail at start
// with a message that says which.
func openBlob(ctx context.Context, rawURL string) (*blobBackend, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Host == "" && u.Scheme != memblob.Scheme) {
		return nil, fmt.Errorf("bucket URL %q is malformed: want s3://BUCKET?region=…[&endpoint=…] or mem://", rawURL)
	}
	desc := describeBucket(u)
	bb := &blobBackend{desc: desc, bucket: u.Host}
	if u.Scheme == s3blob.Scheme {
		bb.s3, err = newS3Client(ctx, u.Query())
		if err == nil {
			bb.b, err = s3blob.OpenBucket(ctx, bb.s3, u.Host, nil)
		}
	} else {
		bb.b, err = blob.OpenBucket(ctx, rawURL)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", desc, err)
	}
	b := bb.b
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := b.IsAccessible(cctx)
	switch {
	case err != nil && deniedError(err):
		err = fmt.Errorf("%s: access denied; check the AWS credentials and the bucket policy", desc)
	case err != nil && apiCode(err) == "InvalidBucketName":
		err = fmt.Errorf("%s: %q is not a valid bucket name", desc, u.Host)
	case err != nil && strings.Contains(err.Error(), "get credentials"):
		err = fmt.Errorf("%s: no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE", desc)
	case err != nil:
		err = fmt.Errorf("%s: cannot reach the bucket: %v", desc, rootCause(err))
	case !ok:
		err = fmt.Errorf("%s: the bucket does not exist", desc)
	}
	if err != nil {
		b.Close()
		return nil, err
	}
	return bb, nil
}

// newS3Client makes the S3 client for an s3:// URL. It reads the same
// parameters as gocloud.dev's s3blob opener — region, endpoint, profile,
// use_path_style (or s3ForcePathStyle), disable_https, anonymous — but
// builds the client itself, so that it can be tuned for S3-compatible
// servers (checksums only where required) and keep the SDK's own log lines
// out of grail's output. Credentials come from the standard AWS chain.
func newS3Client(ctx context.Context, q url.Values) (*s3.Client, error) {
	loadOpts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	var s3Opts []func(*s3.Options)
	for key, values := range q {
		v := values[0]
		switch key {
		case "region":
			loadOpts = append(loadOpts, config.WithRegion(v))
		case "profile":
			loadOpts = append(loadOpts, config.WithSharedConfigProfile(v))
		case "anonymous":
			if on, _ := strconv.ParseBool(v); on {
				loadOpts = append(loadOpts, config.WithCredentialsProvider(aws.AnonymousCredentials{}))
			}
		case "endpoint":
			s3Opts = append(s3Opts, func(o *s3.Options) {
				o.BaseEndpoint = aws.String(v)
				o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
				o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			})
		case "use_path_style", "s3ForcePathStyle", "disable_https":
			on, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("%s=%q is not true or false", key, v)
			}
			if key == "disable_https" {
				s3Opts = append(s3Opts, func(o *s3.Options) { o.EndpointOptions.DisableHTTPS = on })
			} else {
				s3Opts = append(s3Opts, func(o *s3.Options) { o.UsePathStyle = on })
			}
		default:
			return nil, fmt.Errorf("unknown parameter %q in the bucket URL (known: region, endpoint, profile, use_path_style, disable_https, anonymous)", key)
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	s3Opts = append(s3Opts, func(o *s3.Options) {
		o.DisableLogOutputChecksumValidationSkipped = true
		// A reader waits while the SDK retries: three tries, with pauses
		// of at most half a second, then the store is called unavailable.
		o.Retryer = retry.AddWithMaxBackoffDelay(retry.NewStandard(), 500*time.Millisecond)
	})
	return s3.NewFromConfig(cfg, s3Opts...), nil
}

// apiCode is the service's error code, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// deniedError tells a refusal (wrong or missing credentials, a policy
// that forbids access) from an unreachable store.
func deniedError(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "AccessDenied", "Forbidden", "SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken", "InvalidToken":
			return true
		}
	}
	return gcerrors.Code(err) == gcerrors.PermissionDenied
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

// rootCause shortens the layers of wrapping that SDKs put around an
// error (operation, request id, host id) to what an operator can act on.
func rootCause(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return ne.Error()
	}
	return err.Error()
}

func (bb *blobBackend) Describe() string { return bb.desc }

func (bb *blobBackend) Close() error { return bb.b.Close() }

func (bb *blobBackend) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	it := bb.b.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return bb.mapError("list "+prefix, err)
		}
		if obj.IsDir || hiddenKey(obj.Key) {
			continue
		}
		info := ObjectInfo{Key: obj.Key, Size: obj.Size, ModTime: obj.ModTime, ETag: hex.EncodeToString(obj.MD5)}
		var o s3types.Object
		if obj.As(&o) && o.ETag != nil {
			info.ETag = strings.Trim(*o.ETag, `"`)
		}
		if err := fn(info); err != nil {
			return err
		}
	}
}

func (bb *blobBackend) ListDirs(ctx context.Context, prefix string) ([]string, error) {
	it := bb.b.List(&blob.ListOptions{Prefix: prefix, Delimiter: "/"})
	var dirs []string
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return dirs, nil
		}
		if err != nil {
			return nil, bb.mapError("list "+prefix, err)
		}
		if obj.IsDir && !hiddenKey(strings.TrimSuffix(obj.Key, "/")) {
			dirs = append(dirs, obj.Key)
		}
	}
}

// hiddenKey: keys with a segment starting with "." are not the site's
// (.DS_Store, .git/…), as in a folder.
func hiddenKey(key string) bool {
	for _, seg := range strings.Split(key, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

func (bb *blobBackend) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return ObjectInfo{}, err
	}
	a, err := bb.b.Attributes(ctx, key)
	if err != nil {
		return ObjectInfo{}, bb.mapError(key, err)
	}
	info := ObjectInfo{Key: key, Size: a.Size, ModTime: a.ModTime, ContentType: a.ContentType, ETag: hex.EncodeToString(a.MD5)}
	if bb.s3 != nil {
		info.ETag = strings.Trim(a.ETag, `"`)
	}
	return info, nil
}

func (bb *blobBackend) ReadAll(ctx context.Context, key string) ([]byte, ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return nil, ObjectInfo{}, err
	}
	r, err := bb.b.NewReader(ctx, key, nil)
	if err != nil {
		return nil, ObjectInfo{}, bb.mapError(key, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, ObjectInfo{}, bb.mapError(key, err)
	}
	info := ObjectInfo{Key: key, Size: int64(len(data)), ModTime: r.ModTime(), ContentType: r.ContentType()}
	// The ETag must be the one of the bytes read, not of whatever is
	// stored a moment later, or a compare-and-swap could succeed wrongly.
	var out s3.GetObjectOutput
	if r.As(&out) && out.ETag != nil {
		info.ETag = strings.Trim(*out.ETag, `"`)
	} else {
		sum := md5.Sum(data)
		info.ETag = hex.EncodeToString(sum[:])
	}
	return data, info, nil
}

func (bb *blobBackend) Open(ctx context.Context, key string) (File, error) {
	info, err := bb.Stat(ctx, key)
	if err != nil {
		return nil, err
	}
	return &rangeFile{ctx: ctx, b: bb.b, info: info}, nil
}

func (bb *blobBackend) Write(ctx context.Context, key string, data []byte, o WriteOptions) (ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return ObjectInfo{}, err
	}
	if bb.s3 != nil {
		return bb.putS3(ctx, key, data, o)
	}
	bb.casMu.Lock()
	defer bb.casMu.Unlock()
	if o.IfMatch != "" {
		cur, err := bb.Stat(ctx, key)
		if errors.Is(err, ErrNotFound) || (err == nil && cur.ETag != o.IfMatch) {
			return ObjectInfo{}, fmt.Errorf("update %s: %w", key, ErrConflict)
		}
		if err != nil {
			return ObjectInfo{}, err
		}
	}
	err := bb.b.WriteAll(ctx, key, data, &blob.WriterOptions{ContentType: o.ContentType, IfNotExist: o.IfAbsent})
	if err != nil {
		return ObjectInfo{}, bb.mapError(key, err)
	}
	sum := md5.Sum(data)
	return ObjectInfo{Key: key, Size: int64(len(data)), ModTime: time.Now(), ETag: hex.EncodeToString(sum[:]), ContentType: o.ContentType}, nil
}

// putS3 writes with S3's own conditional headers; the response carries
// the new object's ETag.
func (bb *blobBackend) putS3(ctx context.Context, key string, data []byte, o WriteOptions) (ObjectInfo, error) {
	in := &s3.PutObjectInput{
		Bucket: aws.String(bb.bucket),
		Key:    aws.String(key),
		Body:   bytes.NewReader(data),
	}
	if o.ContentType != "" {
		in.ContentType = aws.String(o.ContentType)
	}
	if o.IfAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	if o.IfMatch != "" {
		in.IfMatch = aws.String(`"` + o.IfMatch + `"`)
	}
	out, err := bb.s3.PutObject(ctx, in)
	if err != nil {
		return ObjectInfo{}, bb.mapError(key, err)
	}
	return ObjectInfo{Key: key, Size: int64(len(data)), ModTime: time.Now(), ETag: strings.Trim(aws.ToString(out.ETag), `"`), ContentType: o.ContentType}, nil
}

func (bb *blobBackend) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := bb.b.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return bb.mapError(key, err)
	}
	return nil
}

// SignedURL returns a URL that reads key without credentials until ttl passes.
func (bb *blobBackend) SignedURL(ctx context.Context, key string, ttl time.Duration) (string, error) {
	u, err := bb.b.SignedURL(ctx, key, &blob.SignedURLOptions{Expiry: ttl})
	if err != nil {
		return "", bb.mapError(key, err)
	}
	return u, nil
}

// mapError turns provider errors into the store's sentinel errors.
func (bb *blobBackend) mapError(what string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "PreconditionFailed", "ConditionalRequestConflict":
			return fmt.Errorf("%s: %w", what, ErrConflict)
		case "NoSuchKey", "NotFound":
			return fmt.Errorf("%s: %w", what, ErrNotFound)
		case "AccessDenied", "Forbidden", "SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken":
			return fmt.Errorf("%s in %s: access denied (%s)", what, bb.desc, ae.ErrorCode())
		}
	}
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case gcerrors.FailedPrecondition:
		return fmt.Errorf("%s: %w", what, ErrConflict)
	case gcerrors.PermissionDenied:
		return fmt.Errorf("%s in %s: access denied: %v", what, bb.desc, rootCause(err))
	case gcerrors.InvalidArgument:
		return fmt.Errorf("%s: %w: %v", what, ErrInvalidKey, rootCause(err))
	case gcerrors.Canceled:
		return err
	}
	return fmt.Errorf("%s in %s: %w: %v", what, bb.desc, ErrUnavailable, rootCause(err))
}

// rangeFile reads a stored object in ranges, so that an HTTP Range request
// for a large file fetches only the bytes asked for.
type rangeFile struct {
	ctx  context.Context
	b    *blob.Bucket
	info ObjectInfo
	off  int64
	r    *blob.Reader
}

func (f *rangeFile) Info() ObjectInfo { return f.info }

func (f *rangeFile) Read(p []byte) (int, error) {
	if f.off >= f.info.Size {
		return 0, io.EOF
	}
	if f.r == nil {
		r, err := f.b.NewRangeReader(f.ctx, f.info.Key, f.off, -1, nil)
		if err != nil {
			return 0, err
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
