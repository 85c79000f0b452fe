package admin

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/svgsafe"
)

// mediaType is a kind of file authors may upload: its extension, what
// http.DetectContentType must find in it (the extension alone proves
// nothing) and the type it is stored and served with.
type mediaType struct {
	sniffed []string
	stored  string
	image   bool
}

var mediaTypes = map[string]mediaType{
	".png":  {[]string{"image/png"}, "image/png", true},
	".jpg":  {[]string{"image/jpeg"}, "image/jpeg", true},
	".jpeg": {[]string{"image/jpeg"}, "image/jpeg", true},
	".gif":  {[]string{"image/gif"}, "image/gif", true},
	".webp": {[]string{"image/webp"}, "image/webp", true},
	".svg":  {[]string{"text/xml; charset=utf-8", "text/plain; charset=utf-8"}, "image/svg+xml", true},
	".pdf":  {[]string{"application/pdf"}, "application/pdf", false},
	".zip":  {[]string{"application/zip"}, "application/zip", false},
	".txt":  {[]string{"text/plain; charset=utf-8"}, "text/plain; charset=utf-8", false},
	".csv":  {[]string{"text/plain; charset=utf-8"}, "text/csv; charset=utf-8", false},
	".mp3":  {[]string{"audio/mpeg"}, "audio/mpeg", false},
	".mp4":  {[]string{"video/mp4"}, "video/mp4", false},
	".webm": {[]string{"video/webm"}, "video/webm", false},
}

// acceptList is the file input's accept attribute: the extensions above.
func acceptList() string {
	var exts []string
	for e := range mediaTypes {
		exts = append(exts, e)
	}
	sort.Strings(exts)
	return strings.Join(exts, ",")
}

func allowedText() string {
	return "PNG, JPEG, GIF, WebP, SVG, PDF, ZIP, text, CSV, MP3, MP4 or WebM"
}

// checkMedia decides whether a file may be uploaded; it returns the type
// to store it with, or the status and a message for the author.
func checkMedia(name string, data []byte) (mediaType, int, string) {
	ext := strings.ToLower(path.Ext(name))
	mt, ok := mediaTypes[ext]
	if !ok {
		return mt, http.StatusUnsupportedMediaType, fmt.Sprintf("%s cannot be uploaded: grail takes %s files.", name, allowedText())
	}
	sniffed := http.DetectContentType(data)
	found := false
	for _, s := range mt.sniffed {
		found = found || s == sniffed
	}
	if ext == ".svg" {
		found = found && bytes.Contains(data, []byte("<svg"))
	}
	if !found {
		return mt, http.StatusUnsupportedMediaType, fmt.Sprintf("%s is not really a %s file (it looks like %s); it was not uploaded.", name, strings.ToUpper(ext[1:]), sniffed)
	}
	return mt, http.StatusOK, ""
}

// maxRemovedNamed is how many of the things removed from a drawing the
// author is told by name; the rest are counted.
const maxRemovedNamed = 6

// sanitizeSVG keeps of a drawing only what cannot run code or load
// anything when it is opened on its own, and says what it removed (msg
// is empty when nothing was). A drawing that cannot be read as SVG is
// refused.
func sanitizeSVG(name string, data []byte) (clean []byte, status int, msg string) {
	clean, removed, err := svgsafe.Sanitize(data)
	if err != nil {
		return nil, http.StatusUnsupportedMediaType, fmt.Sprintf("%s cannot be uploaded: %v.", name, err)
	}
	if len(removed) == 0 {
		return clean, http.StatusOK, ""
	}
	named := removed[:min(len(removed), maxRemovedNamed)]
	msg = name + " was stored sanitised; removed: " + strings.Join(named, ", ")
	if more := len(removed) - len(named); more > 0 {
		msg += fmt.Sprintf(" and %d more", more)
	}
	return clean, http.StatusOK, msg + "."
}

// storeUpload checks and stores an uploaded file under media/<year>/ and
// returns the Markdown that shows it (an image) or links to it. The
// message says why a file was refused or, for a drawing that was stored
// sanitised, what was removed from it.
func (a *Admin) storeUpload(ctx context.Context, u *upload) (markdown string, status int, msg string) {
	if u.tooBig {
		return "", http.StatusRequestEntityTooLarge, fmt.Sprintf("%s is larger than %s, the most grail takes; make it smaller and upload it again.", u.name, sizeText(a.maxFile))
	}
	if len(u.data) == 0 {
		return "", http.StatusUnprocessableEntity, u.name + " is empty."
	}
	mt, status, msg := checkMedia(u.name, u.data)
	if status != http.StatusOK {
		return "", status, msg
	}
	data := u.data
	if mt.stored == "image/svg+xml" {
		if data, status, msg = sanitizeSVG(u.name, data); status != http.StatusOK {
			return "", status, msg
		}
	}
	rel, err := a.store.PutMedia(ctx, u.name, data, mt.stored, a.now().In(a.location()))
	if err != nil {
		a.log.Error("admin: upload", "name", u.name, "err", err)
		return "", http.StatusInternalServerError, u.name + " could not be stored; the server's log says why."
	}
	return mediaMarkdown(u.name, "/media/"+rel, mt.image), http.StatusOK, msg
}

// mediaMarkdown shows an image, with its file name as the alt text for
// the author to improve, and links any other file by its name.
func mediaMarkdown(name, url string, image bool) string {
	label := strings.TrimSuffix(path.Base(strings.ReplaceAll(name, "\\", "/")), path.Ext(name))
	label = strings.NewReplacer("[", "", "]", "", "_", " ", "-", " ").Replace(label)
	if image {
		return "![" + label + "](" + url + ")"
	}
	return "[" + path.Base(url) + "](" + url + ")"
}

// upload is the editor script's upload (button or drag-and-drop): it
// answers with the Markdown to insert at the cursor.
func (a *Admin) upload(w http.ResponseWriter, r *http.Request, _ auth.Session, f *form) {
	if f.file == nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "No file was sent."})
		return
	}
	md, status, msg := a.storeUpload(r.Context(), f.file)
	if status != http.StatusOK {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	answer := map[string]string{"markdown": md, "name": f.file.name}
	if msg != "" {
		answer["notice"] = msg
	}
	writeJSON(w, http.StatusOK, answer)
}

// sizeText writes a byte count the way people read it.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", (n+1<<10-1)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
