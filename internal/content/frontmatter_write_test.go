package content

import (
	"strings"
	"testing"
	"time"
)

// The edit every round-trip case makes: the fields the admin's editor
// writes, one replaced, one added, one removed, one left alone.
func editorFields(t *testing.T) []Field {
	date := time.Date(2026, 7, 1, 8, 0, 0, 0, zone(t, "Europe/Berlin"))
	return []Field{
		{Names: []string{"title"}, Value: `New "title": yes`},
		{Names: []string{"date"}, Value: date},
		{Names: []string{"publishdate", "pubdate", "published"}, Value: date, IfPresent: true},
		{Names: []string{"tags"}, Value: []string{"go", "web"}},
		{Names: []string{"draft"}, Value: nil},
		{Names: []string{"summary", "description"}, Value: "Short."},
	}
}

const editedBody = "Body line one.\n\n<!--more-->\n  indented, with --- and +++ and {\"x\": 1}\n"

func TestSetFieldsRoundTrip(t *testing.T) {
	cases := []struct {
		name, src string
		// unknown lists the unknown keys as written, in their order.
		unknown []string
		want    string // the whole file after the edit
	}{
		{
			name: "yaml",
			src: "---\n# head comment\nTitle: Old\nparams:\n  cover: a.png # the theme's\n  sizes: [1, 2]\n" +
				"Date: 2024-03-31T09:30:00+02:00\nweights:\n  - 1\n  - two\nquoted: \"01\"\nexpiry: 2030-01-01T00:00:00-05:00\ndraft: true\n---\n" + editedBody,
			unknown: []string{"params:", "weights:", "quoted:", "expiry:"},
			want: "---\n# head comment\nTitle: 'New \"title\": yes'\nparams:\n  cover: a.png # the theme's\n  sizes: [1, 2]\n" +
				"Date: 2026-07-01T08:00:00+02:00\nweights:\n  - 1\n  - two\nquoted: \"01\"\nexpiry: 2030-01-01T00:00:00-05:00\n" +
				"tags: [go, web]\nsummary: Short.\n---\n" + editedBody,
		},
		{
			name: "toml",
			src: "+++\n# head comment\ntitle = \"Old\"\nweights = [\n  1,\n  2,\n]\ndate = 2024-03-31T09:30:00+02:00\nquoted = 'single \"q\"'\n" +
				"expiry = 2030-01-01T00:00:00-05:00 # kept\ndraft = true\ndescription = \"old\"\n\n[params]\ncover = \"a.png\"\n[[menu]]\nname = \"x\"\n+++\n" + editedBody,
			unknown: []string{"weights =", "quoted =", "expiry =", "[params]", "cover =", "[[menu]]", "name ="},
			want: "+++\n# head comment\ntitle = \"New \\\"title\\\": yes\"\nweights = [\n  1,\n  2,\n]\ndate = 2026-07-01T08:00:00+02:00\nquoted = 'single \"q\"'\n" +
				"expiry = 2030-01-01T00:00:00-05:00 # kept\ndescription = \"Short.\"\ntags = [\"go\",\"web\"]\n\n[params]\ncover = \"a.png\"\n[[menu]]\nname = \"x\"\n+++\n" + editedBody,
		},
		{
			name: "json",
			src: "{\n  \"title\": \"Old\",\n  \"params\": {\"cover\": \"a.png\", \"sizes\": [1, 2]},\n  \"date\": \"2024-03-31T09:30:00+02:00\",\n" +
				"  \"quoted\": \"say \\\"hi\\\"\",\n  \"draft\": true,\n  \"expiry\": \"2030-01-01T00:00:00-05:00\"\n}\n" + editedBody,
			unknown: []string{`"params"`, `"quoted"`, `"expiry"`},
			want: "{\n  \"title\": \"New \\\"title\\\": yes\",\n  \"params\": {\"cover\": \"a.png\", \"sizes\": [1, 2]},\n  \"date\": \"2026-07-01T08:00:00+02:00\",\n" +
				"  \"quoted\": \"say \\\"hi\\\"\",\n  \"expiry\": \"2030-01-01T00:00:00-05:00\",\n  \"tags\": [\"go\",\"web\"],\n  \"summary\": \"Short.\"\n}\n" + editedBody,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SetFields([]byte(c.src), editorFields(t)...)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
			if !strings.HasSuffix(string(got), "\n"+editedBody) {
				t.Errorf("the body changed:\n%s", got)
			}
			// Every unknown key is still there, in its order.
			at := 0
			for _, k := range c.unknown {
				i := strings.Index(string(got[at:]), k)
				if i < 0 {
					t.Fatalf("%q is missing or out of order:\n%s", k, got)
				}
				at += i + len(k)
			}
			// And the file reads back as the edit says.
			doc, problems := Parse("posts/a.md", KindPost, got, zone(t, "Europe/Berlin"))
			if doc == nil {
				t.Fatalf("the edited file does not parse: %v", problems)
			}
			if doc.Title != `New "title": yes` || doc.Draft || doc.Summary != "Short." ||
				strings.Join(doc.Tags, ",") != "go,web" || stamp(doc.Date) != "2026-07-01T08:00:00+02:00" || string(doc.Body) != editedBody {
				t.Errorf("read back as %+v", doc)
			}
		})
	}
}

func TestSetFieldsNewFileAndBody(t *testing.T) {
	src, err := SetFields(nil,
		Field{Names: []string{"title"}, Value: "Yes"},
		Field{Names: []string{"draft"}, Value: true},
		Field{Names: []string{"tags"}, Value: []string{}},
		Field{Names: []string{"slug"}, Value: "x", IfPresent: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	// "Yes" would be read as true by YAML 1.1 readers: it is quoted.
	if want := "---\ntitle: \"Yes\"\ndraft: true\ntags: []\n---\n"; string(src) != want {
		t.Errorf("got %q, want %q", src, want)
	}
	src, err = SetBody(src, "\n\nText")
	if err != nil {
		t.Fatal(err)
	}
	if want := "---\ntitle: \"Yes\"\ndraft: true\ntags: []\n---\n\nText\n"; string(src) != want {
		t.Errorf("got %q, want %q", src, want)
	}
	// The front matter stays byte for byte when only the body changes.
	orig := "+++\ntitle   =   'T'  # odd spacing\n+++\nold\n"
	src, err = SetBody([]byte(orig), "new")
	if err != nil || string(src) != "+++\ntitle   =   'T'  # odd spacing\n+++\n\nnew\n" {
		t.Errorf("SetBody = %q, %v", src, err)
	}
}

func TestSetFieldsRefusesBrokenFrontMatter(t *testing.T) {
	for _, src := range []string{"---\ntitle: [unclosed\n---\n", "+++\ntitle = \n+++\n", "{\"title\": \n", "---\n- a list\n---\n"} {
		if _, err := SetFields([]byte(src), Field{Names: []string{"title"}, Value: "x"}); err == nil {
			t.Errorf("%q edited without an error", src)
		}
	}
	if _, err := SetFields(nil, Field{Names: []string{"n"}, Value: 3}); err == nil {
		t.Error("a number was written though SetFields does not know how")
	}
}
