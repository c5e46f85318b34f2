// Package state declares the memory manager checkpoint in format v2 (pod
// entries beside container entries): same names, one more field. The package
// is named state and the types keep the kubelet's names, because go-spew
// prints both and the checksum is taken over what it prints.
package state

import (
	"swnuma.local/oracle/checksum"
	v1 "swnuma.local/oracle/v1"
)

// MemoryTable is one resource's bytes on one NUMA node.
type MemoryTable struct {
	TotalMemSize   uint64 `json:"total"`
	SystemReserved uint64 `json:"systemReserved"`
	Allocatable    uint64 `json:"allocatable"`
	Reserved       uint64 `json:"reserved"`
	Free           uint64 `json:"free"`
}

// NUMANodeState is one NUMA node of the machine state.
type NUMANodeState struct {
	NumberOfAssignments int                              `json:"numberOfAssignments"`
	MemoryMap           map[v1.ResourceName]*MemoryTable `json:"memoryMap"`
	Cells               []int                            `json:"cells"`
}

// NUMANodeMap is the machine state by NUMA node.
type NUMANodeMap map[int]*NUMANodeState

// Block is memory of one type given to a container on some NUMA nodes.
type Block struct {
	NUMAAffinity []int           `json:"numaAffinity"`
	Type         v1.ResourceName `json:"type"`
	Size         uint64          `json:"size"`
}

// ContainerMemoryAssignments is pod UID -> container name -> blocks.
type ContainerMemoryAssignments map[string]map[string][]Block

// MemoryManagerCheckpoint is the v2 file.
type MemoryManagerCheckpoint struct {
	PolicyName   string                     `json:"policyName"`
	MachineState NUMANodeMap                `json:"machineState"`
	Entries      ContainerMemoryAssignments `json:"entries,omitempty"`
	PodEntries   PodMemoryAssignments       `json:"podEntries,omitempty"`
	Checksum     checksum.Checksum          `json:"checksum"`
}

// PodEntry is the memory given to a pod as a whole.
type PodEntry struct {
	MemoryBlocks []Block `json:"memoryBlocks,omitempty"`
}

// PodMemoryAssignments is pod UID -> its pod-level blocks.
type PodMemoryAssignments map[string]PodEntry
