// deploy/ is a TypeScript CDK app. This file makes it a module of its own
// so that "go build ./..." and "go test ./..." skip its node_modules.
module github.com/grailblog/grail/deploy

go 1.26
