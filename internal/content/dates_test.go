package content

import (
	"strings"
	"testing"
	"time"
)

func TestWallClock(t *testing.T) {
	tests := []struct {
		name, zone, wall, want string
	}{
		{"ordinary winter day", "Europe/Berlin", "2025-01-15T10:00:00", "2025-01-15T10:00:00+01:00"},
		{"last second before the gap", "Europe/Berlin", "2025-03-30T01:59:59", "2025-03-30T01:59:59+01:00"},
		{"start of the gap", "Europe/Berlin", "2025-03-30T02:00:00", "2025-03-30T03:00:00+02:00"},
		{"in the gap", "Europe/Berlin", "2025-03-30T02:30:00", "2025-03-30T03:30:00+02:00"},
		{"end of the gap", "Europe/Berlin", "2025-03-30T03:00:00", "2025-03-30T03:00:00+02:00"},
		{"before the repeated hour", "Europe/Berlin", "2025-10-26T01:59:00", "2025-10-26T01:59:00+02:00"},
		{"repeated hour, start", "Europe/Berlin", "2025-10-26T02:00:00", "2025-10-26T02:00:00+02:00"},
		{"repeated hour", "Europe/Berlin", "2025-10-26T02:30:00", "2025-10-26T02:30:00+02:00"},
		{"after the repeated hour", "Europe/Berlin", "2025-10-26T03:00:00", "2025-10-26T03:00:00+01:00"},
		{"New York gap", "America/New_York", "2025-03-09T02:30:00", "2025-03-09T03:30:00-04:00"},
		{"New York repeated hour", "America/New_York", "2025-11-02T01:30:00", "2025-11-02T01:30:00-04:00"},
		{"southern hemisphere gap", "Australia/Sydney", "2025-10-05T02:30:00", "2025-10-05T03:30:00+11:00"},
		{"southern hemisphere repeat", "Australia/Sydney", "2025-04-06T02:30:00", "2025-04-06T02:30:00+11:00"},
		{"half-hour gap", "Australia/Lord_Howe", "2025-10-05T02:15:00", "2025-10-05T02:45:00+11:00"},
		{"half-hour repeat", "Australia/Lord_Howe", "2025-04-06T01:45:00", "2025-04-06T01:45:00+11:00"},
		// Samoa skipped 30 December 2011 to move west of the date line.
		{"a skipped day", "Pacific/Apia", "2011-12-30T12:00:00", "2011-12-31T12:00:00+14:00"},
		{"no daylight saving", "Asia/Tokyo", "2025-03-30T02:30:00", "2025-03-30T02:30:00+09:00"},
		{"UTC", "UTC", "2025-03-30T02:30:00", "2025-03-30T02:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wall, err := time.Parse("2006-01-02T15:04:05", tt.wall)
			if err != nil {
				t.Fatal(err)
			}
			got := WallClock(wall, zone(t, tt.zone))
			if s := got.Format(time.RFC3339); s != tt.want {
				t.Errorf("WallClock(%s in %s) = %s, want %s", tt.wall, tt.zone, s, tt.want)
			}
			if got.Location().String() != tt.zone {
				t.Errorf("location = %s, want %s", got.Location(), tt.zone)
			}
		})
	}
}

// TestWallClockIgnoresLocation: only the wall clock of the argument counts.
func TestWallClockIgnoresLocation(t *testing.T) {
	wall := time.Date(2025, 7, 1, 9, 30, 15, 500, time.FixedZone("X", 5*3600))
	got := WallClock(wall, zone(t, "America/New_York"))
	if s := got.Format(time.RFC3339Nano); s != "2025-07-01T09:30:15.0000005-04:00" {
		t.Errorf("got %s", s)
	}
}

// TestWallClockEveryQuarterHour checks the rules on every quarter hour of
// a year in zones with whole-hour and half-hour changes, in both
// hemispheres: the result shows the wall clock asked for, and is the
// first instant that does; or, when the clocks skipped it, it is later by
// exactly the size of the jump.
func TestWallClockEveryQuarterHour(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe"} {
		loc := zone(t, name)
		for w := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC); w.Year() == 2025; w = w.Add(15 * time.Minute) {
			got := WallClock(w, loc)
			shown := wallOf(got)
			if shown.Equal(w) {
				for _, back := range []time.Duration{30 * time.Minute, time.Hour} {
					if wallOf(got.Add(-back)).Equal(w) {
						t.Fatalf("%s %s: %v is not the first instant showing it", name, w.Format(time.DateTime), got)
					}
				}
				continue
			}
			_, before := got.Add(-2 * time.Hour).In(loc).Zone()
			_, after := got.Zone()
			if jump := time.Duration(after-before) * time.Second; jump <= 0 || shown.Sub(w) != jump {
				t.Fatalf("%s %s: got %v, which shows %s", name, w.Format(time.DateTime), got, shown.Format(time.DateTime))
			}
		}
	}
}

// wallOf is the wall clock of t in its own location, as a UTC time.
func wallOf(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}

func TestParseDateErrors(t *testing.T) {
	for _, s := range []string{
		"", "tomorrow", "2024-13-01", "2024-02-30", "31/03/2024", "2024-03-31T25:00:00",
		"2024-03-31T09:30:00+25:00", "2024-03-31 09:30:00 XYZ", "2024-03-31 09:30:00 EST",
	} {
		t.Run(s, func(t *testing.T) {
			got, err := ParseDate(s, zone(t, "Europe/Berlin"))
			if err == nil {
				t.Fatalf("ParseDate(%q) = %v, want an error", s, got)
			}
			if !strings.Contains(err.Error(), "2024-03-31T09:30:00+02:00") {
				t.Errorf("error %q does not show how to write a date", err)
			}
		})
	}
}

func TestDatesWithoutLocation(t *testing.T) {
	got, err := ParseDate("2024-03-31 09:30", nil)
	if err != nil || got.Format(time.RFC3339) != "2024-03-31T09:30:00Z" {
		t.Errorf("ParseDate in no zone = %v, %v; want UTC", got, err)
	}
	if w := WallClock(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), nil); w.Format(time.RFC3339) != "2024-01-02T03:04:05Z" {
		t.Errorf("WallClock in no zone = %v", w)
	}
}

func TestKindString(t *testing.T) {
	if KindPost.String() != "post" || KindPage.String() != "page" {
		t.Errorf("kinds: %s, %s", KindPost, KindPage)
	}
}
