package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	jsonpatch "github.com/evanphx/json-patch"
	"sigs.k8s.io/yaml"
)

// internalReservation is the kubelet's internal MemoryReservation: no JSON
// names, so encoding/json writes the Go names and reads keys in any case.
type internalReservation struct {
	NumaNode int32
	Limits   map[string]quantityText
}

// internalConfig holds the fields swnuma reads of the kubelet's internal
// KubeletConfiguration, which has no JSON names either.
type internalConfig struct {
	MemoryManagerPolicy string
	ReservedMemory      []internalReservation
	SystemReserved      map[string]string
	KubeReserved        map[string]string
	EvictionHard        map[string]string
	FeatureGates        map[string]bool
	CPUManagerPolicy    string
}

type dropinSummary struct {
	Refused          *string           `json:"refused"`
	Policy           string            `json:"policy"`
	SystemReserved   map[string]string `json:"systemReserved"`
	KubeReserved     map[string]string `json:"kubeReserved"`
	EvictionHard     map[string]string `json:"evictionHard"`
	FeatureGates     map[string]bool   `json:"featureGates"`
	ReservedMemory   []string          `json:"reservedMemory"`
	CPUManagerPolicy string            `json:"cpuManagerPolicy"`
}

// dropins merges the drop-in files, in the order given, over the base
// configuration BASE as the kubelet's mergeKubeletConfigurations does:
// the base written with encoding/json (Go names), each drop-in turned into
// JSON with sigs.k8s.io/yaml's strict converter (a repeated key refuses
// it) and required to name a kind, merged with jsonpatch.MergePatch, and
// the result read back with encoding/json into the same object. BASE is
// read as YAML into the internal type with encoding/json (its keys in any
// case): the oracle checks the merge, not the file's own decoding.
func dropins(base string, files []string) ([]byte, error) {
	config := internalConfig{MemoryManagerPolicy: "None", CPUManagerPolicy: "none"}
	if base != "-" {
		data, err := os.ReadFile(base)
		if err != nil {
			return nil, err
		}
		converted, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(converted, &config); err != nil {
			return nil, err
		}
	}
	if config.EvictionHard == nil {
		config.EvictionHard = map[string]string{"memory.available": "100Mi", "nodefs.available": "10%", "nodefs.inodesFree": "5%", "imagefs.available": "15%"}
	}
	out := dropinSummary{}
	refuse := func(message string) ([]byte, error) {
		out.Refused = &message
		return renderDropins(out)
	}
	merged, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return refuse(err.Error())
		}
		patch, err := yaml.YAMLToJSONStrict(data)
		if err != nil {
			return refuse(fmt.Sprintf("%s: %v", file, err))
		}
		var object map[string]interface{}
		if err := json.Unmarshal(patch, &object); err != nil {
			return refuse(fmt.Sprintf("%s: %v", file, err))
		}
		if kind, _ := object["kind"].(string); kind == "" {
			return refuse(fmt.Sprintf("%s: Object 'Kind' is missing", file))
		}
		if merged, err = jsonpatch.MergePatch(merged, patch); err != nil {
			return refuse(err.Error())
		}
	}
	if err := json.Unmarshal(merged, &config); err != nil {
		return refuse("failed to unmarshal merged JSON into kubelet configuration: " + err.Error())
	}
	out.Policy = config.MemoryManagerPolicy
	out.SystemReserved = config.SystemReserved
	out.KubeReserved = config.KubeReserved
	out.EvictionHard = config.EvictionHard
	out.FeatureGates = config.FeatureGates
	out.CPUManagerPolicy = config.CPUManagerPolicy
	out.ReservedMemory = []string{}
	for _, reservation := range config.ReservedMemory {
		types := make([]string, 0, len(reservation.Limits))
		for name := range reservation.Limits {
			types = append(types, name)
		}
		sort.Strings(types)
		for _, name := range types {
			out.ReservedMemory = append(out.ReservedMemory, fmt.Sprintf("%d:%s=%s", reservation.NumaNode, name, reservation.Limits[name].text))
		}
	}
	return renderDropins(out)
}

func renderDropins(s dropinSummary) ([]byte, error) {
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
