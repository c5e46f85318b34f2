// Command oracle is swnuma's test oracle for the kubelet's checkpoint
// checksums and configuration decoding. It is built over the same libraries
// the kubelet uses (go-spew, sigs.k8s.io/yaml, sigs.k8s.io/json, as Debian
// packages them), so that Tests/Kubelet/run.sh can compare swnuma's verdicts
// with results that swnuma's own code did not compute.
//
//	oracle memory-checkpoint v1|v2|v3 [corrupt] [zero] [render] < BODY
//	oracle cpu-checkpoint v1|v2|v2-136|v3 [corrupt] [zero] [render] < BODY
//	oracle config RELEASE FILE
//	oracle dropins BASE|- DROPIN...
//
// BODY is a checkpoint in the kubelet's own JSON (policyName, machineState,
// entries, podEntries for the memory manager; policyName, defaultCpuSet,
// entries, and for v3 podEntries, for the CPU manager; v2-136 is the second
// format as 1.36 hashes it, under its own type name); any checksum in it is ignored and computed
// again. "corrupt" adds one to the stored checksum, "zero" stores 0, and
// "render" prints the text that is hashed instead of the file.
//
// dropins merges the drop-ins over BASE as the kubelet merges --config-dir
// (dropins.go) and prints the fields swnuma reads, or why it refuses.
//
// config decodes FILE as the kubelet's loader does for release RELEASE
// (1.30 to 1.36: it decides which top-level fields are known) and prints a
// JSON summary of the fields swnuma reads, the strict errors, and whether
// the kubelet would go on with the lenient result or refuse the file.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"swnuma.local/oracle/checksum"
	cpustate "swnuma.local/oracle/cpustate"
	cpustatev3 "swnuma.local/oracle/cpustatev3"
	memv1 "swnuma.local/oracle/memstate"
	memv2 "swnuma.local/oracle/memstatev2"
	memv3 "swnuma.local/oracle/memstatev3"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: oracle memory-checkpoint|cpu-checkpoint|config ...")
	}
	var out []byte
	var err error
	switch os.Args[1] {
	case "memory-checkpoint":
		out, err = memoryCheckpoint(os.Args[2:], os.Stdin)
	case "cpu-checkpoint":
		out, err = cpuCheckpoint(os.Args[2:], os.Stdin)
	case "config":
		if len(os.Args) != 4 {
			fail("usage: oracle config RELEASE FILE")
		}
		out, err = config(os.Args[2], os.Args[3])
	case "dropins":
		if len(os.Args) < 3 {
			fail("usage: oracle dropins BASE|- DROPIN...")
		}
		out, err = dropins(os.Args[2], os.Args[3:])
	default:
		fail("unknown command " + os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
	os.Stdout.Write(out)
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "oracle: "+message)
	os.Exit(1)
}

// edits reads the words after the format.
type edits struct{ corrupt, zero, render bool }

func parseEdits(words []string) (edits, error) {
	var e edits
	for _, word := range words {
		switch word {
		case "corrupt":
			e.corrupt = true
		case "zero":
			e.zero = true
		case "render":
			e.render = true
		default:
			return e, fmt.Errorf("unknown edit %q", word)
		}
	}
	return e, nil
}

// stored is the checksum as written: the computed one, or the edit's.
func (e edits) stored(sum checksum.Checksum) checksum.Checksum {
	if e.zero {
		return 0
	}
	if e.corrupt {
		return sum + 1
	}
	return sum
}

func memoryCheckpoint(args []string, input io.Reader) ([]byte, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("memory-checkpoint needs a format: v1, v2 or v3")
	}
	e, err := parseEdits(args[1:])
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	switch args[0] {
	case "v1":
		// Maps start empty, not nil, as in the kubelet's constructors: an
		// absent "entries" is rendered map[], not <nil>.
		cp := memv1.MemoryManagerCheckpoint{Entries: memv1.ContainerMemoryAssignments{}, MachineState: memv1.NUMANodeMap{}}
		if err := json.Unmarshal(body, &cp); err != nil {
			return nil, err
		}
		cp.Checksum = 0
		if e.render {
			return []byte(checksum.Render(&cp) + "\n"), nil
		}
		cp.Checksum = e.stored(checksum.New(&cp))
		return json.Marshal(cp)
	case "v2":
		cp := memv2.MemoryManagerCheckpoint{Entries: memv2.ContainerMemoryAssignments{}, PodEntries: memv2.PodMemoryAssignments{}, MachineState: memv2.NUMANodeMap{}}
		if err := json.Unmarshal(body, &cp); err != nil {
			return nil, err
		}
		cp.Checksum = 0
		if e.render {
			return []byte(checksum.Render(&cp) + "\n"), nil
		}
		cp.Checksum = e.stored(checksum.New(&cp))
		return json.Marshal(cp)
	case "v3":
		data := memv3.MemoryManagerCheckpointData{Entries: memv1.ContainerMemoryAssignments{}, MachineState: memv1.NUMANodeMap{}}
		if err := json.Unmarshal(body, &data); err != nil {
			return nil, err
		}
		serialised, err := json.Marshal(data)
		if err != nil {
			return nil, err
		}
		var file memv3.File
		file.PolicyName = data.PolicyName
		file.MachineState = data.MachineState
		file.Entries = data.Entries
		file.Data = string(serialised)
		if e.render {
			return []byte(checksum.Render(&file.MemoryManagerCheckpoint) + "\n" + checksum.Render(file.Data) + "\n"), nil
		}
		// The v1 part keeps the v1 checksum, for kubelets that read only v1.
		file.Checksum = checksum.New(&file.MemoryManagerCheckpoint)
		file.DataChecksum = e.stored(checksum.New(file.Data))
		return json.Marshal(file)
	}
	return nil, fmt.Errorf("unknown memory checkpoint format %q", args[0])
}

func cpuCheckpoint(args []string, input io.Reader) ([]byte, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("cpu-checkpoint needs a format: v1, v2, v2-136 or v3")
	}
	e, err := parseEdits(args[1:])
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	switch args[0] {
	case "v1":
		cp := cpustate.CPUManagerCheckpointV1{Entries: map[string]string{}}
		if err := json.Unmarshal(body, &cp); err != nil {
			return nil, err
		}
		cp.Checksum = 0
		// The kubelet hashes this format under the current type's name.
		text := strings.Replace(checksum.Render(&cp), "CPUManagerCheckpointV1", "CPUManagerCheckpoint", 1)
		if e.render {
			return []byte(text + "\n"), nil
		}
		cp.Checksum = e.stored(checksum.OfText(text))
		return json.Marshal(cp)
	case "v2":
		cp := cpustate.CPUManagerCheckpoint{Entries: map[string]map[string]string{}}
		if err := json.Unmarshal(body, &cp); err != nil {
			return nil, err
		}
		cp.Checksum = 0
		if e.render {
			return []byte(checksum.Render(&cp) + "\n"), nil
		}
		cp.Checksum = e.stored(checksum.New(&cp))
		return json.Marshal(cp)
	case "v2-136":
		cp := cpustatev3.CPUManagerCheckpointV2{Entries: map[string]map[string]string{}}
		if err := json.Unmarshal(body, &cp); err != nil {
			return nil, err
		}
		cp.Checksum = 0
		if e.render {
			return []byte(checksum.Render(&cp) + "\n"), nil
		}
		cp.Checksum = e.stored(checksum.New(&cp))
		return json.Marshal(cp)
	case "v3":
		cp := cpustatev3.CPUManagerCheckpoint{Entries: map[string]map[string]string{}, PodEntries: cpustatev3.PodCPUAssignments{}}
		if err := json.Unmarshal(body, &cp); err != nil {
			return nil, err
		}
		cp.Checksum = 0
		if e.render {
			return []byte(checksum.Render(&cp) + "\n"), nil
		}
		cp.Checksum = e.stored(checksum.New(&cp))
		return json.Marshal(cp)
	}
	return nil, fmt.Errorf("unknown CPU checkpoint format %q", args[0])
}

// knownFields reads fields.txt (beside this file, or named by
// ORACLE_FIELDS): the top-level fields of KubeletConfiguration in release.
func knownFields(release string) ([]string, error) {
	path := os.Getenv("ORACLE_FIELDS")
	if path == "" {
		return nil, fmt.Errorf("ORACLE_FIELDS is not set")
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	fields := []string{"apiVersion", "kind"}
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		var name, since string
		if _, err := fmt.Sscan(line, &name, &since); err != nil {
			return nil, fmt.Errorf("%s: %q", path, line)
		}
		if minor(since) <= minor(release) {
			fields = append(fields, name)
		}
	}
	return fields, scanner.Err()
}

func minor(release string) int {
	var major, minor int
	if _, err := fmt.Sscanf(release, "%d.%d", &major, &minor); err != nil || major != 1 {
		fail(fmt.Sprintf("not a release: %q", release))
	}
	return minor
}
