// actionlint, built from its Go module at the version go.mod pins, so `npm test` checks the
// GitHub workflows with the same linter on every machine (hack/actionlint/actionlint.ts builds
// and caches it). Same entry point as the upstream command.
package main

import (
	"os"

	"github.com/rhysd/actionlint"
)

func main() {
	cmd := actionlint.Command{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(cmd.Main(os.Args))
}
