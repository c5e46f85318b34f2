// Package state declares the CPU manager checkpoint of Kubernetes 1.36 with
// the kubelet's type and field names, as go-spew prints them for the
// checksum: the third format (the second plus pod-level CPU sets, written
// when the PodLevelResourceManagers gate is on) under the current type's
// name, and the second format as a type of its own, CPUManagerCheckpointV2,
// whose name the 1.36 kubelet hashes when the gate is off.
package state

import (
	"encoding/json"

	"swnuma.local/oracle/checksum"
	"swnuma.local/oracle/cpuset"
)

// CPUManagerCheckpoint is the third format.
type CPUManagerCheckpoint struct {
	PolicyName    string                       `json:"policyName"`
	DefaultCPUSet string                       `json:"defaultCpuSet"`
	Entries       map[string]map[string]string `json:"entries,omitempty"`
	PodEntries    PodCPUAssignments            `json:"podEntries,omitempty"`
	Checksum      checksum.Checksum            `json:"checksum"`
}

// CPUManagerCheckpointV2 is the second format as a distinct type.
type CPUManagerCheckpointV2 struct {
	PolicyName    string                       `json:"policyName"`
	DefaultCPUSet string                       `json:"defaultCpuSet"`
	Entries       map[string]map[string]string `json:"entries,omitempty"`
	Checksum      checksum.Checksum            `json:"checksum"`
}

// PodCPUAssignments is pod UID -> the pod's CPU set.
type PodCPUAssignments map[string]PodEntry

// PodEntry is one pod's CPU set, written in JSON as {"cpuSet":"0-3"}.
type PodEntry struct {
	CPUSet cpuset.CPUSet `json:"cpuSet,omitempty"`
}

type podEntryJSON struct {
	CPUSet string `json:"cpuSet,omitempty"`
}

// MarshalJSON writes the set as a list.
func (e PodEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(podEntryJSON{CPUSet: e.CPUSet.String()})
}

// UnmarshalJSON reads the list.
func (e *PodEntry) UnmarshalJSON(data []byte) error {
	var raw podEntryJSON
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	set, err := cpuset.Parse(raw.CPUSet)
	if err != nil {
		return err
	}
	e.CPUSet = set
	return nil
}
