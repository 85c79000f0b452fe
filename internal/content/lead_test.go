package content

import (
	"strings"
	"testing"
)

func TestLead(t *testing.T) {
	tests := []struct {
		name, body, want string
		more             bool
	}{
		{"first paragraph", "First para.\n\nSecond.\n", "First para.", false},
		{"paragraph of several lines", "Line one\nline two\n\nNext.\n", "Line one\nline two", false},
		{"after a heading", "# Title\n\n## Sub\nFirst para.\n", "First para.", false},
		{"after a setext heading", "Title\n=====\n\nPara.\n", "Para.", false},
		{"after a setext subheading", "Title\n---\nPara.\n", "Para.", false},
		{"after fenced code", "```go\nfmt.Println()\n\nx := 1\n```\n\nPara.\n", "Para.", false},
		{"after tilde fence", "~~~\ncode\n~~~\nPara.\n", "Para.", false},
		{"longer fence holds a shorter one", "````md\n```\ninner\n```\n\nstill code\n````\n\nPara.\n", "Para.", false},
		{"after indented code", "    go test ./...\n\nPara.\n", "Para.", false},
		{"after a quote", "> Someone said this.\n\nPara.\n", "Para.", false},
		{"after an image", "![Board](board.jpg)\n\nPara.\n", "Para.", false},
		{"after a linked image", "[![CI](ci.svg)](https://ci.example.org)\n\nPara.\n", "Para.", false},
		{"after HTML", "<div class=\"note\">x</div>\n\nPara.\n", "Para.", false},
		{"after a table", "| a | b |\n|---|---|\n| 1 | 2 |\n\nPara.\n", "Para.", false},
		{"after a rule", "***\n\nPara.\n", "Para.", false},
		{"after a footnote", "[^1]: A note.\n\nPara.\n", "Para.", false},
		{"starting with an exclamation", "!Important: read this.\n", "!Important: read this.", false},
		{"starting with a link", "[Go](https://go.dev) is a language.\n", "[Go](https://go.dev) is a language.", false},
		{"heading ends the paragraph", "Para line\n# Heading\nmore\n", "Para line", false},
		{"fence ends the paragraph", "Para\n```\ncode\n```\n", "Para", false},
		{"nothing but headings", "# A\n\n## B\n", "", false},
		{"empty", "", "", false},
		{"more divider", "Intro.\n\nSecond **para**.\n\n<!--more-->\n\nRest.\n", "Intro.\n\nSecond **para**.", true},
		{"more divider with spaces", "Intro.\n  <!-- more -->  \nRest.\n", "Intro.", true},
		{"more divider first", "<!--more-->\nRest.\n", "", true},
		{"inline divider, as in Hugo", "Intro <!--more--> inline.\n", "Intro", true},
		{"other comments", "Intro <!-- note --> text.\n<!-- more\n-->\nRest.\n", "Intro <!-- note --> text.", true},
		{"comment closed at once", "Intro <!--> and <!---> then\n<!--more-->\nRest.\n", "Intro <!--> and <!---> then", true},
		{"unclosed comment", "Intro <!-- more\n", "Intro <!-- more", false},
		{"CRLF paragraph", "# T\r\n\r\nFirst\r\nsecond\r\n\r\nNext\r\n", "First\nsecond", false},
		{"CRLF divider", "Intro.\r\n<!--more-->\r\nRest.\r\n", "Intro.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, more := lead([]byte(tt.body))
			if s := strings.ReplaceAll(string(got), "\r", ""); s != tt.want || more != tt.more {
				t.Errorf("lead = %q, %v; want %q, %v", s, more, tt.want, tt.more)
			}
		})
	}
}

// TestLeadIsACopy: the loader drops bodies to save memory; a lead that
// shares the body's array would keep it all.
func TestLeadIsACopy(t *testing.T) {
	for _, body := range []string{"Intro.\n<!--more-->\nRest.\n", "Intro.\n\nRest.\n"} {
		b := []byte(body)
		got, _ := lead(b)
		for i := range b {
			b[i] = 'x'
		}
		if string(got) != "Intro." {
			t.Errorf("lead of %q changed with the body: %q", body, got)
		}
	}
}

func TestParseLead(t *testing.T) {
	src := "---\ntitle: T\ndate: 2024-01-02\n---\n# Heading\n\nThe lead.\n\nMore.\n"
	post, _ := Parse("posts/p.md", KindPost, []byte(src), nil)
	if post == nil || string(post.Lead) != "The lead." || post.HasMore {
		t.Errorf("post lead = %q", post.Lead)
	}
	page, _ := Parse("pages/p.md", KindPage, []byte(src), nil)
	if page == nil || page.Lead != nil {
		t.Errorf("a page has a lead: %q", page.Lead)
	}
}
