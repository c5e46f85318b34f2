// Package checksum reproduces the checksum the kubelet stores in its
// checkpoints: the FNV-32a hash of go-spew's "%#v" rendering of the value,
// with go-spew configured as the kubelet configures it (one-space indent,
// sorted map keys, no Stringer or error methods, keys rendered by spew).
// The pointer-address and capacity switches that newer releases add change
// nothing under "%#v"; they are set anyway, as the newest kubelet sets them.
package checksum

import (
	"fmt"
	"hash/fnv"

	"github.com/davecgh/go-spew/spew"
)

// Checksum is printed by go-spew as (checksum.Checksum), hence the package name.
type Checksum uint64

var printer = spew.ConfigState{
	Indent:                  " ",
	SortKeys:                true,
	DisableMethods:          true,
	SpewKeys:                true,
	DisablePointerAddresses: true,
	DisableCapacities:       true,
}

// Render is the text that is hashed.
func Render(value interface{}) string {
	return printer.Sprintf("%#v", value)
}

// New hashes the rendering of value.
func New(value interface{}) Checksum {
	return OfText(Render(value))
}

// OfText hashes a rendering that the caller has already edited (the
// kubelet renames a versioned type before hashing).
func OfText(text string) Checksum {
	hash := fnv.New32a()
	fmt.Fprint(hash, text)
	return Checksum(hash.Sum32())
}
