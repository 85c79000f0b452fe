package testsite

import _ "embed"

// JekyllBlog is a Jekyll site as authors write them (jekyll.txtar):
// posts with dates in their names, in _posts/ and in a category folder,
// a draft, pages with and without a permalink, a collection, Liquid
// (variables, filters, highlight, post_url, link, raw, include),
// static files, and the folders Jekyll does not publish. Tests build it
// with the real Jekyll too, so it holds only what Jekyll builds.
//
//go:embed jekyll.txtar
var JekyllBlog string
