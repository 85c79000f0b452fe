package main

import (
	"bytes"
	"io"

	"github.com/andybalholm/brotli"
)

func decodeBrotli(b []byte) ([]byte, error) {
	return io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
}
