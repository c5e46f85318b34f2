import SwnumaKubelet

// swnuma executes this program for --kubelet-check, --kubelet-suggest and
// --kubelet-state, with its own arguments (see KubeletProgram).
KubeletProgram.main(Array(CommandLine.arguments.dropFirst()))
