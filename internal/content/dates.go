package content

import (
	"fmt"
	"strings"
	"time"
)

// dateLayouts are the forms Hugo accepts in front matter. Layouts without
// a zone are wall-clock times in the site's time zone.
var dateLayouts = []struct {
	layout string
	zone   zoneKind
}{
	{time.RFC3339Nano, offset},
	{"2006-01-02T15:04:05-0700", offset},
	{"2006-01-02 15:04:05Z07:00", offset},
	{"2006-01-02 15:04:05 -0700", offset},
	{"2006-01-02 15:04:05 -07:00", offset},
	{"2006-01-02 15:04:05 MST", abbreviation},
	{"2006-01-02T15:04:05", wallClock},
	{"2006-01-02T15:04", wallClock},
	{"2006-01-02 15:04:05", wallClock},
	{"2006-01-02 15:04", wallClock},
	{"2006-01-02", wallClock},
}

type zoneKind uint8

const (
	wallClock    zoneKind = iota // no zone: the site's
	offset                       // +02:00, Z
	abbreviation                 // CEST, UTC
)

// ParseDate reads a front matter date. A date with an offset keeps that
// exact instant (and its offset); a date without one is a wall-clock time
// in loc, resolved across daylight-saving changes by WallClock. A zone
// abbreviation must be UTC, GMT or one used in loc: elsewhere "CST" means
// three different offsets, and Go would silently read it as UTC.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		switch l.zone {
		case wallClock:
			if t, err := time.ParseInLocation(l.layout, s, time.UTC); err == nil {
				return WallClock(t, loc), nil
			}
		case offset:
			if t, err := time.Parse(l.layout, s); err == nil {
				return t, nil
			}
		case abbreviation:
			t, err := time.ParseInLocation(l.layout, s, loc)
			if err != nil {
				continue
			}
			if name, _ := t.Zone(); t.Location() != loc && t.Location() != time.UTC && !strings.HasPrefix(name, "GMT") {
				return time.Time{}, fmt.Errorf("%q: the time zone %q is not used in %s; write the offset instead, like 2024-03-31T09:30:00+02:00", s, name, loc)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date; write it like 2024-03-31T09:30:00+02:00 or 2024-03-31", s)
}

// WallClock returns the instant at which clocks in loc show the date and
// time of wall (whose own location is ignored).
//
// time.Date leaves two cases undefined, and a scheduled post needs both
// defined: a time that does not exist because clocks sprang forward
// (02:30 on a spring-forward day) is read with the offset in force before
// the change, which moves it forward by the gap (to 03:30), as RFC 5545 and
// java.time do; a time that happens twice because clocks fell back is the
// earlier of the two.
func WallClock(wall time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	asUTC := time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), time.UTC)
	_, before := asUTC.Add(-24 * time.Hour).In(loc).Zone()
	_, after := asUTC.Add(24 * time.Hour).In(loc).Zone()
	early := asUTC.Add(-time.Duration(before) * time.Second).In(loc)
	late := asUTC.Add(-time.Duration(after) * time.Second).In(loc)
	earlyOK := sameWallClock(early, asUTC)
	lateOK := sameWallClock(late, asUTC)
	switch {
	case earlyOK && lateOK:
		if late.Before(early) {
			return late
		}
		return early
	case earlyOK:
		return early
	case lateOK:
		return late
	default: // in a gap: the offset before the change applies
		return early
	}
}

func sameWallClock(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd && a.Hour() == b.Hour() &&
		a.Minute() == b.Minute() && a.Second() == b.Second() && a.Nanosecond() == b.Nanosecond()
}
