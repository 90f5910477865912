// Command migrate is a plain CLI tool (not a Lambda): it prints the schema version it would apply.
package main

import (
	"fmt"
	"os"
)

const schemaVersion = 7

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--dry-run" {
		fmt.Println("would migrate to", schemaVersion)
		return
	}
	fmt.Println("migrated to", schemaVersion)
}
