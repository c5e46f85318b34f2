// Package cpuset is a CPU set with the kubelet's type and field names
// (k8s.io/utils/cpuset: a struct holding a map of CPU ids), so that go-spew
// prints a pod-level CPU assignment as the kubelet's checksum sees it. It
// reads and writes the Linux list format.
package cpuset

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// CPUSet is printed by go-spew as (cpuset.CPUSet){elems:(map[int]struct {})...}.
type CPUSet struct {
	elems map[int]struct{}
}

// Parse reads "0-3,8"; empty text is the empty set.
func Parse(text string) (CPUSet, error) {
	set := CPUSet{elems: map[int]struct{}{}}
	if text == "" {
		return set, nil
	}
	for _, item := range strings.Split(text, ",") {
		bounds := strings.SplitN(item, "-", 2)
		low, err := strconv.Atoi(bounds[0])
		if err != nil {
			return set, err
		}
		high := low
		if len(bounds) == 2 {
			if high, err = strconv.Atoi(bounds[1]); err != nil {
				return set, err
			}
			if low > high {
				return set, fmt.Errorf("invalid range %q (%d > %d)", item, low, high)
			}
		}
		for cpu := low; cpu <= high; cpu++ {
			set.elems[cpu] = struct{}{}
		}
	}
	return set, nil
}

// String writes ascending ranges.
func (s CPUSet) String() string {
	cpus := make([]int, 0, len(s.elems))
	for cpu := range s.elems {
		cpus = append(cpus, cpu)
	}
	sort.Ints(cpus)
	var parts []string
	for i := 0; i < len(cpus); {
		j := i
		for j+1 < len(cpus) && cpus[j+1] == cpus[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.Itoa(cpus[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", cpus[i], cpus[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
