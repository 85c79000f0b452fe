//go:build !unix

package s3test

// lockFile is a no-op where flock is unavailable; concurrent installs then
// merely duplicate work, since go install replaces the binary whole.
func lockFile(string) (func(), error) { return func() {}, nil }
