// Package state declares the memory manager checkpoint in format v3: the
// v1 fields kept for older kubelets (with their v1 checksum) and beside
// them the whole state serialised as a JSON string, whose checksum is
// go-spew's rendering of that string.
package state

import (
	"swnuma.local/oracle/checksum"
	legacy "swnuma.local/oracle/memstate"
	pods "swnuma.local/oracle/memstatev2"
)

// MemoryManagerCheckpointData is what the data string holds.
type MemoryManagerCheckpointData struct {
	PolicyName   string                            `json:"policyName"`
	MachineState legacy.NUMANodeMap                `json:"machineState"`
	Entries      legacy.ContainerMemoryAssignments `json:"entries,omitempty"`
	PodEntries   pods.PodMemoryAssignments         `json:"podEntries,omitempty"`
}

// File is the v3 file: the v1 checkpoint inline, then data and its checksum.
type File struct {
	legacy.MemoryManagerCheckpoint
	Data         string            `json:"data"`
	DataChecksum checksum.Checksum `json:"dataChecksum"`
}
