package main

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed vocab.txt
var vocabText string

//go:embed tags.txt
var tagsText string

// vocab holds the word lists prose is assembled from.
type vocab struct {
	nouns, verbs, adjectives, adverbs  []string
	prepositions, connectives, openers []string
	idents                             []string
	tags                               []string
}

var words = mustVocab()

func mustVocab() vocab {
	sec := parseSections(vocabText)
	v := vocab{
		nouns:        sec["nouns"],
		verbs:        sec["verbs"],
		adjectives:   sec["adjectives"],
		adverbs:      sec["adverbs"],
		prepositions: sec["prepositions"],
		connectives:  sec["connectives"],
		openers:      sec["openers"],
		idents:       sec["idents"],
		tags:         parseSections(tagsText)[""],
	}
	for name, list := range map[string][]string{"nouns": v.nouns, "verbs": v.verbs,
		"adjectives": v.adjectives, "adverbs": v.adverbs, "prepositions": v.prepositions,
		"connectives": v.connectives, "openers": v.openers, "idents": v.idents, "tags": v.tags} {
		if len(list) == 0 {
			panic(fmt.Sprintf("gencorpus: embedded vocabulary has no %s", name))
		}
	}
	return v
}

// parseSections reads whitespace-separated words under "[name]" headers;
// words before any header go under "". Lines starting with # are comments.
func parseSections(text string) map[string][]string {
	sec := map[string][]string{}
	name := ""
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			name = line[1 : len(line)-1]
		default:
			sec[name] = append(sec[name], strings.Fields(line)...)
		}
	}
	return sec
}
