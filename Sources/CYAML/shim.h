// libyaml's event parser (libyaml-dev); only KubeletMemory/YAMLReader.swift imports this module.
#include <yaml.h>
