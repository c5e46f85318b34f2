package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// quantityText holds a quantity as resource.Quantity's UnmarshalJSON is
// handed it: the JSON token, its quotes removed, then trimmed of spaces.
// Parsing it is left to swnuma (the oracle does not have apimachinery).
type quantityText struct {
	text string
	null bool
}

func (q *quantityText) UnmarshalJSON(value []byte) error {
	if bytes.Equal(value, []byte("null")) {
		q.null = true
		return nil
	}
	if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
		value = value[1 : len(value)-1]
	}
	q.text = strings.TrimSpace(string(value))
	return nil
}

func (q quantityText) MarshalJSON() ([]byte, error) {
	if q.null {
		return []byte("null"), nil
	}
	return json.Marshal(q.text)
}

// MemoryReservation is KubeletConfiguration's MemoryReservation.
type MemoryReservation struct {
	NumaNode int32                   `json:"numaNode"`
	Limits   map[string]quantityText `json:"limits"`
}

// readTypes are the fields swnuma reads, with the Go types the kubelet
// decodes them into (pointers, so that an absent field stays apart from an
// empty one); every other known field takes any JSON value.
var readTypes = map[string]reflect.Type{
	"featureGates":                 reflect.TypeOf((*map[string]bool)(nil)),
	"memoryManagerPolicy":          reflect.TypeOf((*string)(nil)),
	"reservedMemory":               reflect.TypeOf((*[]MemoryReservation)(nil)),
	"systemReserved":               reflect.TypeOf((*map[string]string)(nil)),
	"kubeReserved":                 reflect.TypeOf((*map[string]string)(nil)),
	"evictionHard":                 reflect.TypeOf((*map[string]string)(nil)),
	"cpuManagerPolicy":             reflect.TypeOf((*string)(nil)),
	"reservedSystemCPUs":           reflect.TypeOf((*string)(nil)),
	"cpuManagerPolicyOptions":      reflect.TypeOf((*map[string]string)(nil)),
	"topologyManagerPolicy":        reflect.TypeOf((*string)(nil)),
	"topologyManagerScope":         reflect.TypeOf((*string)(nil)),
	"topologyManagerPolicyOptions": reflect.TypeOf((*map[string]string)(nil)),
	"mergeDefaultEvictionSettings": reflect.TypeOf((*bool)(nil)),
}

// summaryOrder is the order of the summary's "fields" object.
var summaryOrder = []string{
	"memoryManagerPolicy", "reservedMemory", "systemReserved", "kubeReserved", "evictionHard",
	"cpuManagerPolicy", "reservedSystemCPUs", "cpuManagerPolicyOptions",
	"topologyManagerPolicy", "topologyManagerScope", "topologyManagerPolicyOptions",
	"featureGates", "mergeDefaultEvictionSettings",
}

// configurationType is a struct with one field per known top-level name.
func configurationType(names []string) reflect.Type {
	raw := reflect.TypeOf(json.RawMessage(nil))
	fields := make([]reflect.StructField, 0, len(names))
	for i, name := range names {
		t, ok := readTypes[name]
		if !ok {
			t = raw
		}
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("F%d", i),
			Type: t,
			Tag:  reflect.StructTag(fmt.Sprintf(`json:"%s"`, name)),
		})
	}
	return reflect.StructOf(fields)
}

type summary struct {
	Release      string   `json:"release"`
	Format       string   `json:"format"`
	APIVersion   string   `json:"apiVersion"`
	Kind         string   `json:"kind"`
	Decoded      string   `json:"decoded"`
	Error        *string  `json:"error"`
	StrictErrors []string `json:"strictErrors"`
	// StrictError is the strict pass's error as the kubelet logs it before
	// going on with the lenient result (runtime.NewStrictDecodingError).
	StrictError *string         `json:"strictError"`
	Fields      json.RawMessage `json:"fields"`
}

func config(release, path string) ([]byte, error) {
	names, err := knownFields(release)
	if err != nil {
		return nil, err
	}
	original, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := summary{Release: release, Format: "yaml", StrictErrors: []string{}, Fields: json.RawMessage("null")}
	refuse := func(message string) ([]byte, error) {
		s.Decoded = "refused"
		s.Error = &message
		return render(s)
	}
	// The universal decoder takes data that starts with "{" as JSON and
	// anything else as YAML, which it turns into JSON first.
	data := original
	if bytes.HasPrefix(bytes.TrimLeft(original, " \t\r\n"), []byte("{")) {
		s.Format = "json"
	} else if data, err = yaml.YAMLToJSON(original); err != nil {
		return refuse("failed to decode: " + err.Error())
	}
	// apiVersion and kind are found with encoding/json (case-insensitive).
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return refuse("failed to decode: " + err.Error())
	}
	s.APIVersion, s.Kind = meta.APIVersion, meta.Kind
	if meta.Kind == "" {
		return refuse("failed to decode: Object 'Kind' is missing")
	}
	if meta.Kind != "KubeletConfiguration" || meta.APIVersion != "kubelet.config.k8s.io/v1beta1" {
		return refuse(fmt.Sprintf("failed to decode: no kind %q is registered for version %q", meta.Kind, meta.APIVersion))
	}
	t := configurationType(names)
	// The strict pass: duplicate YAML keys by the strict YAML converter,
	// then duplicate and unknown fields by sigs.k8s.io/json.
	if s.Format == "yaml" {
		if _, err := yaml.YAMLToJSONStrict(original); err != nil {
			s.StrictErrors = append(s.StrictErrors, err.Error())
		}
	}
	strict := reflect.New(t)
	strictErrors, err := kjson.UnmarshalStrict(data, strict.Interface())
	if err != nil {
		return refuse("failed to decode: " + err.Error())
	}
	for _, e := range strictErrors {
		s.StrictErrors = append(s.StrictErrors, e.Error())
	}
	decoded := strict
	s.Decoded = "strict"
	if len(s.StrictErrors) > 0 {
		// The lenient pass, whose result the kubelet goes on with (it logs
		// "Using lenient decoding as strict decoding failed").
		lenient := reflect.New(t)
		if err := kjson.UnmarshalCaseSensitivePreserveInts(data, lenient.Interface()); err != nil {
			return refuse("failed lenient decoding: " + err.Error())
		}
		decoded = lenient
		s.Decoded = "lenient"
		joined := "strict decoding error: " + strings.Join(s.StrictErrors, ", ")
		s.StrictError = &joined
	}
	s.Fields, err = fieldsSummary(decoded.Elem(), names)
	if err != nil {
		return nil, err
	}
	return render(s)
}

func fieldsSummary(value reflect.Value, names []string) (json.RawMessage, error) {
	index := map[string]int{}
	for i, name := range names {
		index[name] = i
	}
	var out bytes.Buffer
	out.WriteString("{")
	for n, name := range summaryOrder {
		if n > 0 {
			out.WriteString(",")
		}
		key, _ := json.Marshal(name)
		out.Write(key)
		out.WriteString(":")
		i, known := index[name]
		if !known {
			// Not a field of this release: the kubelet never reads it.
			out.WriteString(`"not a field in this release"`)
			continue
		}
		field := value.Field(i)
		if field.IsNil() {
			out.WriteString("null")
			continue
		}
		encoded, err := json.Marshal(field.Interface())
		if err != nil {
			return nil, err
		}
		out.Write(encoded)
	}
	out.WriteString("}")
	return json.RawMessage(out.Bytes()), nil
}

func render(s summary) ([]byte, error) {
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
