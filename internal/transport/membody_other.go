//go:build !linux

package transport

import (
	"errors"
	"io"
	"math"
	"net"
)

const zeroCopyMin = math.MaxInt / 4 // never: no memory files here

type memBody struct{ data []byte }

func newMemBody([]byte) *memBody { return nil }

func (m *memBody) reader() io.Reader { return nil }

type memBodyReader struct{}

func (c *corkConn) sendBody(*memBodyReader) (int64, error) { return 0, errNoSendfile }

func sendFileWithHead(net.Conn, []byte, *memBody) (int64, error) { return 0, errNoSendfile }

var errNoSendfile = errors.New("connection cannot sendfile")

func (*memBodyReader) Read([]byte) (int, error) { return 0, io.EOF }
