package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/grailblog/grail/internal/s3test"
)

func newPostForm(title, body string) url.Values {
	return url.Values{
		"kind": {"post"}, "key": {""}, "etag": {""}, "title": {title}, "slug": {""},
		"date": {"2026-03-01T14:30"}, "status": {"publish"}, "categories": {"Hardware/Keyboards, Notes"},
		"tags": {"qmk, split"}, "summary": {""}, "body": {body}, "action": {"save"},
	}
}

func TestWriteANewPostAndReadersSeeItAtOnce(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	res, page := b.postMultipart("/admin/save", newPostForm("My Split Keyboard", "It has *36* keys.\r\nAnd a second line.\r\n"), "", nil)
	wantStatus(t, res, page, http.StatusSeeOther)
	if got := res.Header.Get("Location"); got != "/admin/edit?saved=1&key=posts%2Fmy-split-keyboard.md" {
		t.Fatalf("saved, then sent to %q", got)
	}
	src := ts.read(t, "posts/my-split-keyboard.md")
	want := "---\ntitle: My Split Keyboard\ndate: 2026-03-01T14:30:00+01:00\ncategories: [Hardware/Keyboards, Notes]\ntags: [qmk, split]\n---\n\nIt has *36* keys.\nAnd a second line.\n"
	if src != want {
		t.Errorf("the file is\n%s\nwant\n%s", src, want)
	}
	res, post := b.public("/blog/my-split-keyboard")
	wantStatus(t, res, post, http.StatusOK)
	wantContains(t, post, "<em>36</em>")
	_, feed := b.public("/feed.atom")
	wantContains(t, feed, "My Split Keyboard")

	res, page = b.get(res.Request.URL.Path)
	_, page = b.get("/admin/edit?saved=1&key=posts%2Fmy-split-keyboard.md")
	wantContains(t, page, "Saved at", "Published", `href="/blog/my-split-keyboard"`)
	_, dash := b.get("/admin")
	wantContains(t, dash, "My Split Keyboard", "Hardware/Keyboards, Notes", "1 Mar 2026, 14:30 CET")
}

func TestEditKeepsFileUnknownFieldsAndPlace(t *testing.T) {
	ts := newTestSite(t, map[string]string{
		"posts/2024/old.md": "+++\ntitle = \"Old\"\ndate = 2024-05-01T10:00:00\nweight = 3\n[params]\ncolor = \"red\"\n+++\nBody.\n",
	})
	b := ts.loggedIn(t)
	form := b.editorForm("posts/hello.md")
	form.Set("title", "Hello again")
	form.Set("action", "save")
	res, page := b.postMultipart("/admin/save", form, "", nil)
	wantStatus(t, res, page, http.StatusSeeOther)
	src := ts.read(t, "posts/hello.md")
	want := "---\ntitle: Hello again\ndate: 2026-01-10T09:00:00+01:00\ncategories: [Notes]\ntags: [first]\ncover: hello.png # a theme's field\n---\n\nHello, *world*.\n"
	if src != want {
		t.Errorf("the file is\n%s\nwant\n%s", src, want)
	}

	// A TOML file stays TOML, with its other fields, where it was.
	form = b.editorForm("posts/2024/old.md")
	form.Set("body", "New body.")
	res, page = b.postMultipart("/admin/save", form, "", nil)
	wantStatus(t, res, page, http.StatusSeeOther)
	src = ts.read(t, "posts/2024/old.md")
	for _, part := range []string{"+++\ntitle = \"Old\"\ndate = 2024-05-01T10:00:00\nweight = 3\n[params]\ncolor = \"red\"\n+++\n", "New body."} {
		if !strings.Contains(src, part) {
			t.Errorf("posts/2024/old.md lacks %q:\n%s", part, src)
		}
	}
}

func TestBadInputKeepsTheTextAndSaysWhy(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	cases := []struct {
		name  string
		edit  func(url.Values)
		field string
		msg   string
	}{
		{"empty title", func(v url.Values) { v.Set("title", " ") }, "title-error", "Give it a title."},
		{"invalid date", func(v url.Values) { v.Set("date", "31/02/2026 25:00") }, "date-error", "is not a date and time"},
		{"slug taken", func(v url.Values) { v.Set("slug", "hello") }, "slug-error", "The address /blog/hello is taken by “Hello”"},
		{"bad slug", func(v url.Values) { v.Set("slug", "two words") }, "slug-error", "A slug is one word"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := newPostForm("Another post", "My precious words.\n\nSecond paragraph.")
			c.edit(form)
			res, page := b.postMultipart("/admin/save", form, "", nil)
			wantStatus(t, res, page, http.StatusUnprocessableEntity)
			wantContains(t, page, `id="`+c.field+`"`, c.msg, "My precious words.\n\nSecond paragraph.", `aria-invalid="true"`)
			if ts.exists("posts/another-post.md") {
				t.Error("the post was saved anyway")
			}
		})
	}
}

func TestTwoSavesFromOneVersionGetTheConflictPage(t *testing.T) {
	ts := newTestSite(t, nil)
	tab1 := ts.loggedIn(t)
	tab2 := ts.loggedIn(t)
	form1 := tab1.editorForm("posts/hello.md")
	form2 := tab2.editorForm("posts/hello.md")

	form1.Set("body", "Theirs: the first save.")
	res, page := tab1.postMultipart("/admin/save", form1, "", nil)
	wantStatus(t, res, page, http.StatusSeeOther)

	form2.Set("body", "Yours: the second save.")
	res, page = tab2.postMultipart("/admin/save", form2, "", nil)
	wantStatus(t, res, page, http.StatusConflict)
	wantContains(t, page, "Someone else saved this", "Theirs: the first save.", "Yours: the second save.",
		"Keep mine", "Keep theirs", "&lt;&lt;&lt;&lt;&lt;&lt;&lt; saved by someone else", `<ins>Yours: the second save.</ins>`)
	if got := ts.read(t, "posts/hello.md"); !strings.Contains(got, "Theirs: the first save.") {
		t.Fatalf("the second save overwrote the first:\n%s", got)
	}

	// The merge must lose its markers before it can be saved.
	conflict := formValues(page)
	merge := url.Values{"key": {"posts/hello.md"}, "etag": {conflict.Get("etag")}, "action": {"merge"},
		"src": {textareaValue(t, page, "merged")}, "yours": {conflict.Get("yours")}}
	res, page = tab2.post("/admin/resolve", merge)
	wantStatus(t, res, page, http.StatusConflict)
	wantContains(t, page, "still has conflict markers")

	// Keep mine: saved over theirs, with their version in the history.
	mine := url.Values{"key": {"posts/hello.md"}, "etag": {conflict.Get("etag")}, "action": {"mine"}, "src": {conflict.Get("src")}}
	res, page = tab2.post("/admin/resolve", mine)
	wantStatus(t, res, page, http.StatusSeeOther)
	if got := ts.read(t, "posts/hello.md"); !strings.Contains(got, "Yours: the second save.") {
		t.Errorf("keep mine did not save mine:\n%s", got)
	}
	_, hist := tab2.get("/admin/history?key=posts%2Fhello.md")
	wantContains(t, hist, "Unsaved (lost a conflict)", "Replaced by a save")
}

// textareaValue is the text of a text area as the browser has it.
func textareaValue(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `<textarea id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no text area %s", id)
	}
	rest := page[start:]
	rest = rest[strings.Index(rest, ">")+1:]
	rest = strings.TrimPrefix(rest, "\n")
	return htmlUnescape(rest[:strings.Index(rest, "</textarea>")])
}

func TestDeleteToTrashAndRestore(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	_, page := b.get("/admin/delete?key=posts%2Fhello.md")
	wantContains(t, page, "Move “Hello” to the trash?")
	form := formValues(page[strings.Index(page, `action="/admin/delete"`):])
	res, _ := b.post("/admin/delete", url.Values{"key": {form.Get("key")}, "etag": {form.Get("etag")}})
	wantStatus(t, res, "", http.StatusSeeOther)
	if ts.exists("posts/hello.md") {
		t.Fatal("the file is still there")
	}
	res, _ = b.public("/blog/hello")
	wantStatus(t, res, "", http.StatusNotFound)
	_, trash := b.get("/admin/trash")
	wantContains(t, trash, "Hello", "posts/hello.md", "Restore")

	res, _ = b.post("/admin/trash/restore", url.Values{"key": {"posts/hello.md"}})
	wantStatus(t, res, "", http.StatusSeeOther)
	res, _ = b.public("/blog/hello")
	wantStatus(t, res, "", http.StatusOK)
	_, trash = b.get("/admin/trash")
	wantContains(t, trash, "The trash is empty.")
}

func TestRestoreFromTrashRefusesATakenAddress(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	form := b.editorForm("posts/hello.md")
	res, _ := b.post("/admin/delete", url.Values{"key": {"posts/hello.md"}, "etag": {form.Get("etag")}})
	wantStatus(t, res, "", http.StatusSeeOther)
	// A new post takes the slug meanwhile.
	newPost := newPostForm("Hello", "A new hello.")
	res, page := b.postMultipart("/admin/save", newPost, "", nil)
	wantStatus(t, res, page, http.StatusSeeOther)
	// It took the file name as well: the restore is refused either way.
	res, page = b.post("/admin/trash/restore", url.Values{"key": {"posts/hello.md"}})
	wantStatus(t, res, page, http.StatusConflict)
	wantContains(t, page, "cannot be restored")
	if got := ts.read(t, "posts/hello.md"); !strings.Contains(got, "A new hello.") {
		t.Errorf("the restore replaced the new post:\n%s", got)
	}
}

func TestRestoreARevision(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	original := ts.read(t, "posts/hello.md")
	form := b.editorForm("posts/hello.md")
	form.Set("body", "Second version.")
	res, page := b.postMultipart("/admin/save", form, "", nil)
	wantStatus(t, res, page, http.StatusSeeOther)

	revs, err := ts.store.Revisions(t.Context(), "posts/hello.md")
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions: %v, %v", revs, err)
	}
	_, page = b.get("/admin/history?key=posts%2Fhello.md")
	wantContains(t, page, "Replaced by a save", "/admin/revision?key=posts%2Fhello.md&amp;rev=")
	_, page = b.get("/admin/revision?key=posts%2Fhello.md&rev=" + url.QueryEscape(revs[0].Key))
	wantContains(t, page, "Restore this version", "<del>Second version.</del>", "<ins>Hello, *world*.</ins>")
	v := formValues(page[strings.Index(page, `action="/admin/revision/restore"`):])
	res, _ = b.post("/admin/revision/restore", url.Values{"key": {v.Get("key")}, "rev": {v.Get("rev")}, "etag": {v.Get("etag")}})
	wantStatus(t, res, "", http.StatusSeeOther)
	if got := ts.read(t, "posts/hello.md"); got != original {
		t.Errorf("after restoring, the file is\n%s", got)
	}
	revs, _ = ts.store.Revisions(t.Context(), "posts/hello.md")
	if len(revs) != 2 {
		t.Errorf("restoring kept %d revisions, want 2 (the replaced version too)", len(revs))
	}

	// A revision of another file cannot be restored into this one.
	res, _ = b.post("/admin/revision/restore", url.Values{"key": {"pages/about.md"}, "rev": {revs[0].Key}, "etag": {"x"}})
	wantStatus(t, res, "", http.StatusNotFound)
}

func TestUploadsAreCheckedForSizeAndType(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	json := []string{"Accept", "application/json"}

	res, body := b.postMultipart("/admin/upload", nil, "Photo One.PNG", pngData, json...)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `"markdown":"![Photo One](/media/2026/photo-one.png)"`)
	if !ts.exists("media/2026/photo-one.png") {
		t.Error("the image was not stored under media/2026/")
	}
	res, _ = b.public("/media/2026/photo-one.png")
	wantStatus(t, res, "", http.StatusOK)

	res, body = b.postMultipart("/admin/upload", nil, "notes.txt", []byte("plain words\n"), json...)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `"markdown":"[notes.txt](/media/2026/notes.txt)"`)

	big := bytes.Repeat([]byte("x"), 1<<20+1)
	res, body = b.postMultipart("/admin/upload", nil, "big.txt", big, json...)
	wantStatus(t, res, body, http.StatusRequestEntityTooLarge)
	wantContains(t, body, "larger than 1 MiB")

	for name, data := range map[string][]byte{
		"program.exe":   []byte("MZ\x90\x00"),
		"fake.png":      []byte("<html><script>alert(1)</script>"),
		"entities.svg":  []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "javascript:">]><svg xmlns="http://www.w3.org/2000/svg"><a href="&x;alert(1)"/></svg>`),
		"broken.svg":    []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>`),
		"document.pdf":  pngData,
		"archive.zip":   []byte("just text"),
		"image.jpeg":    []byte("GIF89a......"),
		"notes.txt.exe": []byte("text"),
	} {
		res, body := b.postMultipart("/admin/upload", nil, name, data, json...)
		wantStatus(t, res, body, http.StatusUnsupportedMediaType)
	}
	entries, _ := os.ReadDir(filepath.Join(ts.dir, "media", "2026"))
	if len(entries) != 2 {
		t.Errorf("media/2026 holds %d files, want the 2 accepted", len(entries))
	}
}

// A drawing is stored without what could run code or load anything when
// opened on its own, and the author is told what was removed; one that is
// already clean is stored as it is.
func TestUploadedDrawingsAreStoredSanitised(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	json := []string{"Accept", "application/json"}
	drawing := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg" onload="alert(1)">` +
		`<s:script>alert(2)</s:script><rect width="5" height="5" fill="red"/>` +
		`<set attributeName="onclick" to="alert(3)"/></svg>`

	res, body := b.postMultipart("/admin/upload", nil, "drawing.svg", []byte(drawing), json...)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `"markdown":"![drawing](/media/2026/drawing.svg)"`, `"notice":"drawing.svg was stored sanitised; removed: `,
		`event handlers (onload)`, `\u003cscript\u003e`, `\u003cset\u003e changing onclick`)
	stored := ts.read(t, "media/2026/drawing.svg")
	if strings.Contains(stored, "alert") || !strings.Contains(stored, `<rect width="5" height="5" fill="red"/>`) {
		t.Errorf("stored drawing:\n%s", stored)
	}
	res, served := b.public("/media/2026/drawing.svg")
	wantStatus(t, res, served, http.StatusOK)
	if served != stored {
		t.Errorf("served drawing:\n%s", served)
	}

	clean := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><rect width="5" height="5"/></svg>`
	res, body = b.postMultipart("/admin/upload", nil, "clean.svg", []byte(clean), json...)
	wantStatus(t, res, body, http.StatusOK)
	if strings.Contains(body, "notice") || ts.read(t, "media/2026/clean.svg") != clean {
		t.Errorf("a clean drawing: answer %s, stored %s", body, ts.read(t, "media/2026/clean.svg"))
	}

	// Without JavaScript, the editor says it too.
	form := newPostForm("With a drawing", "Words.")
	form.Set("action", "upload")
	res, page := b.postMultipart("/admin/save", form, "again.svg", []byte(drawing))
	wantStatus(t, res, page, http.StatusOK)
	wantContains(t, page, "Uploaded again.svg; its link is at the end of the text. again.svg was stored sanitised; removed: ")
}

func TestUploadInTheEditorFormKeepsTheText(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	form := newPostForm("With a picture", "Words before the picture.")

	form.Set("action", "upload")
	res, page := b.postMultipart("/admin/save", form, "too-big.png", append(append([]byte{}, pngData...), make([]byte, 1<<20)...))
	wantStatus(t, res, page, http.StatusRequestEntityTooLarge)
	wantContains(t, page, `id="file-error"`, "larger than 1 MiB", "Words before the picture.")

	res, page = b.postMultipart("/admin/save", form, "virus.exe", []byte("MZ"))
	wantStatus(t, res, page, http.StatusUnsupportedMediaType)
	wantContains(t, page, `id="file-error"`, "cannot be uploaded", "Words before the picture.")

	// Without JavaScript: upload, and the link is added to the text.
	res, page = b.postMultipart("/admin/save", form, "cat.png", pngData)
	wantStatus(t, res, page, http.StatusOK)
	if got := textareaValue(t, page, "body"); got != "Words before the picture.\n\n![cat](/media/2026/cat.png)\n" {
		t.Errorf("the text is now %q", got)
	}
	if ts.exists("posts/with-a-picture.md") {
		t.Error("uploading saved the post")
	}
}

func TestAutosaveKeepsTheTextAndTheEditorOffersIt(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	form := b.editorForm("posts/hello.md")
	before := ts.read(t, "posts/hello.md")
	form.Set("body", "Unsaved words, autosaved.")
	ts.setNow(ts.now.Load().Add(1))
	res, body := b.postMultipart("/admin/autosave", form, "", nil, "Accept", "application/json")
	wantStatus(t, res, body, http.StatusOK)
	var answer map[string]string
	if err := json.Unmarshal([]byte(body), &answer); err != nil || answer["kept"] != "server" || answer["at"] != "14:00" {
		t.Errorf("autosave answered %s", body)
	}
	if ts.read(t, "posts/hello.md") != before {
		t.Error("autosave changed the file readers see")
	}
	_, page := b.get("/admin/edit?key=posts%2Fhello.md")
	wantContains(t, page, "is newer than the saved version", "Restore the autosaved text")
	rev := page[strings.Index(page, "&amp;from=")+len("&amp;from="):]
	rev = rev[:strings.Index(rev, `"`)]
	rev, _ = url.QueryUnescape(rev)
	_, page = b.get("/admin/edit?key=posts%2Fhello.md&from=" + url.QueryEscape(rev))
	if got := textareaValue(t, page, "body"); got != "Unsaved words, autosaved.\n" {
		t.Errorf("restored text %q", got)
	}
	if v := formValues(page); v.Get("etag") != form.Get("etag") {
		t.Error("the restored text would not save over the current version")
	}
}

func TestPreviewRendersWithTheSiteRenderer(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	res, body := b.postMultipart("/admin/preview", url.Values{"body": {"# Title\n\nSome *emphasis* and <script>alert(1)</script>."}}, "", nil, "X-CSRF-Token", b.csrf)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `<h1 id="preview-title"`, "<em>emphasis</em>")
	if strings.Contains(body, "<script>") {
		t.Error("the preview lets raw HTML through")
	}
}

func TestPagesAreEditedTheSameWay(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	_, page := b.get("/admin/new?kind=page")
	form := formValues(page)
	form.Set("title", "Uses")
	form.Set("body", "My tools.")
	form.Set("status", "publish")
	form.Set("action", "save")
	res, page := b.postMultipart("/admin/save", form, "", nil)
	wantStatus(t, res, page, http.StatusSeeOther)
	if got := ts.read(t, "pages/uses.md"); got != "---\ntitle: Uses\n---\n\nMy tools.\n" {
		t.Errorf("pages/uses.md is\n%s", got)
	}
	res, _ = b.public("/uses")
	wantStatus(t, res, "", http.StatusOK)
}

func TestDashboardFiltersByStateAndTitle(t *testing.T) {
	ts := newTestSite(t, map[string]string{
		"posts/draft.md":  "---\ntitle: Half-written\ndate: 2026-02-01\ndraft: true\n---\nx\n",
		"posts/future.md": "---\ntitle: Coming soon\ndate: 2026-07-01T08:00:00+02:00\n---\nx\n",
	})
	b := ts.loggedIn(t)
	_, page := b.get("/admin")
	wantContains(t, page, "Hello", "Half-written", "Coming soon", ">Scheduled<", "1 Jul 2026, 08:00 CEST", ">Draft<", "About")
	_, page = b.get("/admin?state=draft")
	wantContains(t, page, "Half-written", "1 of 3 posts")
	if strings.Contains(page, "Coming soon") {
		t.Error("the draft filter shows a scheduled post")
	}
	_, page = b.get("/admin?q=COMING")
	wantContains(t, page, "Coming soon", "1 of 3 posts")
}

func TestAFileDeletedDuringAConflictKeepsTheText(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	form := b.editorForm("posts/hello.md")
	res, _ := b.post("/admin/delete", url.Values{"key": {"posts/hello.md"}, "etag": {form.Get("etag")}})
	wantStatus(t, res, "", http.StatusSeeOther)

	// Keep mine, from a conflict page shown before the delete.
	res, page := b.post("/admin/resolve", url.Values{"key": {"posts/hello.md"}, "etag": {form.Get("etag")}, "action": {"mine"},
		"src": {"---\ntitle: Hello\ndate: 2026-01-10\n---\n\nWords that must survive.\n"}})
	wantStatus(t, res, page, http.StatusConflict)
	wantContains(t, page, "was deleted", "Words that must survive.")
	v := formValues(page)
	v.Set("src", textareaValue(t, page, "src"))
	res, page = b.post("/admin/resolve", v)
	wantStatus(t, res, page, http.StatusSeeOther)
	if got := ts.read(t, "posts/hello.md"); !strings.Contains(got, "Words that must survive.") {
		t.Errorf("the file is\n%s", got)
	}
}

func TestABrokenFileIsEditedAsText(t *testing.T) {
	ts := newTestSite(t, map[string]string{"posts/broken.md": "---\ntitle: Broken\ndate: someday\n---\n\nStill mine.\n"})
	b := ts.loggedIn(t)
	_, dash := b.get("/admin")
	wantContains(t, dash, "Files that are not on the site", "posts/broken.md")
	res, page := b.get("/admin/edit?key=posts%2Fbroken.md")
	wantStatus(t, res, page, http.StatusOK)
	wantContains(t, page, "cannot be read as a post or page", "is not a date", "Still mine.")
	v := formValues(page)
	v.Set("src", strings.Replace(textareaValue(t, page, "src"), "someday", "2026-02-03", 1))
	res, page = b.post("/admin/resolve", v)
	wantStatus(t, res, page, http.StatusSeeOther)
	res, _ = b.public("/blog/broken")
	wantStatus(t, res, "", http.StatusOK)
}

// TestSaveWhileTheStoreIsDownKeepsTheText: with the bucket unreachable a
// save is refused with 503, the text still in the editor; once the bucket
// is back, saving that same form works.
func TestSaveWhileTheStoreIsDownKeepsTheText(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	for name, body := range siteFiles(nil) {
		_, err := srv.Client().PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(srv.Bucket), Key: aws.String(name), Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
	}
	ts := (&testSite{}).open(t, srv.BucketURL())
	b := ts.loggedIn(t)
	form := b.editorForm("posts/hello.md")
	srv.Stop()
	form.Set("body", "Words written during an outage.")
	res, page := b.postMultipart("/admin/save", form, "", nil)
	wantStatus(t, res, page, http.StatusServiceUnavailable)
	wantContains(t, page, "cannot be reached", "Words written during an outage.")

	srv.Restart(t)
	res, page = b.postMultipart("/admin/save", formValues(page), "", nil)
	wantStatus(t, res, page, http.StatusSeeOther)
	data, _, err := ts.store.Read(context.Background(), "posts/hello.md")
	if err != nil || !strings.Contains(string(data), "Words written during an outage.") {
		t.Errorf("after the outage the save did not land: %v\n%s", err, data)
	}
}
