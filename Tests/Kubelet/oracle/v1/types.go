// Package v1 declares the one core type the kubelet's checkpoints print by
// name: go-spew writes a resource name as (v1.ResourceName), from the
// package's name, so this package must be called v1.
package v1

// ResourceName names a resource: memory, hugepages-2Mi, cpu.
type ResourceName string
