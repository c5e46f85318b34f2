// Package state declares the CPU manager checkpoint (cpu_manager_state) in
// its two formats, with the kubelet's type and field names: go-spew prints
// them and the checksum is taken over what it prints.
package state

import "swnuma.local/oracle/checksum"

// CPUManagerCheckpoint is the current format: pod UID -> container -> CPU list.
type CPUManagerCheckpoint struct {
	PolicyName    string                       `json:"policyName"`
	DefaultCPUSet string                       `json:"defaultCpuSet"`
	Entries       map[string]map[string]string `json:"entries,omitempty"`
	Checksum      checksum.Checksum            `json:"checksum"`
}

// CPUManagerCheckpointV1 is the first format: container ID -> CPU list. Its
// checksum is computed with the type's name rendered as CPUManagerCheckpoint,
// as the kubelet that wrote it knew the type by that name.
type CPUManagerCheckpointV1 struct {
	PolicyName    string            `json:"policyName"`
	DefaultCPUSet string            `json:"defaultCpuSet"`
	Entries       map[string]string `json:"entries,omitempty"`
	Checksum      checksum.Checksum `json:"checksum"`
}
