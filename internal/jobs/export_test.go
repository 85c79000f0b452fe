package jobs

// The package's test helpers, for its external tests (http_test.go): those
// use the sleep job of jobstest, which imports this package, so they
// cannot be tests of the package itself.
var (
	OpenStore = openStore
	Serve     = serve
	Do        = do
	WaitState = waitState
)
