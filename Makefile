# grail's two entry points:
#   make demo   serve the demo blog on http://127.0.0.1:8080/
#   make test   install what the tests need (first run only) and run every test

GO ?= go
export GRAIL_E2E_REQUIRED := 1

.PHONY: demo test deps lint gotest e2e deploytest build

demo:
	$(GO) run ./cmd/grail serve --demo

build:
	$(GO) build -o bin/grail ./cmd/grail

test: deps lint gotest e2e deploytest

# Chromium, Java (for the HTML checker), the S3 server, npm packages.
deps:
	bash scripts/install-test-deps.sh

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

gotest:
	$(GO) test -race -count=1 -timeout 20m ./...

e2e: build
	cd e2e && GRAIL_BIN=$(CURDIR)/bin/grail npm test

deploytest:
	cd deploy && npm test
