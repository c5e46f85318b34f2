internal import NUMA

/// Shared-memory mode: a policy set on a file in tmpfs or hugetlbfs
/// (`--file`) or a System V segment (`--shm`) instead of the process, and
/// `--touch`, `--dump`, `--dump-nodes` and `--verify` on it, as numactl does.
package struct SharedMemoryMode: NumactlMode, Equatable {
    package var plan: NumactlPlan

    package static let options: [OptionSpec] = [
        OptionSpec(.shm, short: "S", value: .path, valueName: "keyfile", group: .shm, summary: "Apply the policy to a System V shared memory segment", details: "Attach the System V shared memory segment keyed by the file (created when missing) and apply the following policy options to it."),
        OptionSpec(.file, short: "f", value: .path, group: .shm, summary: "Apply the policy to a file in tmpfs or hugetlbfs", details: "Map the file (created when missing) and apply the following policy options to it."),
        OptionSpec(.length, short: "L", value: .size, group: .shm, summary: "Length of the region (k, m, g suffixes)", details: "Length of the shared memory region, with an optional k, m or g suffix. Must come before --shm/--file."),
        OptionSpec(.offset, short: "o", value: .size, group: .shm, summary: "Offset of the region (k, m, g suffixes)", details: "Offset into the shared memory region. Must come before --shm/--file."),
        OptionSpec(.shmmode, short: "M", value: .mode, valueName: "mode", group: .shm, summary: "Mode for a created segment or file (octal)", details: "Permission bits, in octal, for a segment or file that --shm/--file creates. Must come before them."),
        OptionSpec(.shmid, short: "I", value: .number, valueName: "id", group: .shm, summary: "Project id for the --shm key", details: "The project id combined with the key file to form the System V key."),
        OptionSpec(.huge, short: "u", group: .shm, summary: "Use huge pages for a created --shm segment", details: "Create the --shm segment with huge pages. Must come before --shm."),
        OptionSpec(.strict, short: "t", group: .shm, summary: "Fail when pages of the region are on the wrong node", details: "Make later policy options on the region fail when pages already lie outside the policy."),
        OptionSpec(.touch, short: "T", group: .shm, summary: "Touch every page of the region to apply the policy now", details: "Fault in every page of the region so that the policy takes effect at once."),
        OptionSpec(.dump, short: "d", group: .shm, summary: "Print the policy of each part of the region", details: "Print the policy of the region in runs of pages."),
        OptionSpec(.dumpNodes, short: "D", group: .shm, summary: "Print the node of each part of the region", details: "Print the node each run of pages of the region is on."),
        OptionSpec(.verify, short: "V", group: .shm, summary: "Check the region's pages against the policy", details: "Touch the region and check that every page follows the policy set before it."),
    ]

    package static let usage = [
        Usage(
            .optional([.argument("shm-options")]), .either([.option("--shm", "keyfile")], [.option("--file", "path")]),
            .optional([.argument("policy")]), .optional([.option("--touch")]), .optional([.option("--dump")]))
    ]

    package func perform(_ context: inout Context) -> Outcome {
        let (outcome, done) = context.prepare(plan, topology: nil, needsLiveSystem: true)
        if done { return outcome }
        return context.performSharedMemory(plan, outcome: outcome)
    }
}

extension OptionID {
    package static let shm = OptionID("shm")
    package static let file = OptionID("file")
    package static let length = OptionID("length")
    package static let offset = OptionID("offset")
    package static let shmmode = OptionID("shmmode")
    package static let shmid = OptionID("shmid")
    package static let huge = OptionID("huge")
    package static let strict = OptionID("strict")
    package static let touch = OptionID("touch")
    package static let dump = OptionID("dump")
    package static let dumpNodes = OptionID("dump-nodes")
    package static let verify = OptionID("verify")
}
