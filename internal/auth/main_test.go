package auth

import (
	"os"
	"testing"
)

// productionParams keeps the real costs, taken before TestMain lowers
// them; the tests that are about hashing itself put them back.
var productionParams = defaultParams

// TestMain makes hashing cheap, so that the tests about accounts do not
// spend nearly all their time in argon2 (half a second a hash under the
// race detector).
func TestMain(m *testing.M) {
	defaultParams = argonParams{memory: 64, time: 1, threads: 1, keyLen: 32}
	os.Exit(m.Run())
}

// withProductionParams runs the rest of a test with the real costs.
func withProductionParams(t *testing.T) {
	t.Helper()
	cheap := defaultParams
	defaultParams = productionParams
	t.Cleanup(func() { defaultParams = cheap })
}
