package mem

import (
	"testing"

	"github.com/grailblog/grail/internal/store/backend"
	"github.com/grailblog/grail/internal/store/backend/backendtest"
)

func TestContract(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) backend.Backend { return Open("mem://") })
}
