package content

// Parses is how many times Parse has been called in this process.
func Parses() int64 { return parses.Load() }
