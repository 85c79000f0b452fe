package site

// Parses is how many times the loader has called content.Parse.
func (l *Loader) Parses() int64 { return l.parses.Load() }
