import Foundation
@testable import KubeletMemory
import NUMA
import Testing

/// The kubelet is taken from `proc/` only when it is plausibly the real one:
/// written proc trees with impostors, several kubelets, and links out.
@Suite struct RunningKubeletTests {
    let base: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-kubelet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("proc"), withIntermediateDirectories: true)
    }

    /// Writes process `pid` with the given files (`status` as given, or none when nil).
    func process(_ pid: Int, cmdline: [String], comm: String = "kubelet", status: String?) throws {
        let folder = base.appendingPathComponent("proc/\(pid)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data((cmdline.joined(separator: "\0") + "\0").utf8).write(to: folder.appendingPathComponent("cmdline"))
        try Data((comm + "\n").utf8).write(to: folder.appendingPathComponent("comm"))
        if let status { try Data(status.utf8).write(to: folder.appendingPathComponent("status")) }
    }

    static func status(uid: String) -> String { "Name:\tkubelet\nUid:\t\(uid)\nGid:\t0\t0\t0\t0\n" }

    var root: SystemRoot { get throws { try SystemRoot(path: base.path) } }

    @Test func aRootKubeletIsTaken() throws {
        try process(4242, cmdline: ["/usr/bin/kubelet", "--config=/etc/k.yaml"], status: Self.status(uid: "0\t0\t0\t0"))
        let found = RunningKubelet.discover(in: try root)
        #expect(found.taken == RunningKubelet(pid: 4242, arguments: ["--config=/etc/k.yaml"]))
        #expect(found.rejected.isEmpty)
        #expect(found.note == nil)
        #expect(RunningKubelet.find(in: try root) == [RunningKubelet(pid: 4242, arguments: ["--config=/etc/k.yaml"])])
    }

    @Test(arguments: [
        ("1000\t1000\t1000\t1000", "it runs as uid 1000, not root"),
        ("1000\t0\t0\t0", "it runs as uid 1000, not root"),  // setuid: real uid a user's
        ("0\t1000\t1000\t1000", "it runs as uid 1000, not root"),
        ("x\t0\t0\t0", "its status has no Uid line"),
        ("99999999999999999999\t0\t0\t0", "its status has no Uid line"),
    ])
    func anImpostorIsNotTaken(uid: String, reason: String) throws {
        try process(77, cmdline: ["/home/u/kubelet", "--config=/root/secret.yaml"], status: Self.status(uid: uid))
        let found = RunningKubelet.discover(in: try root)
        #expect(found.taken == nil)
        #expect(found.rejected == [RunningKubelet.Rejected(pid: 77, reason: reason)])
        #expect(found.note == "no process named kubelet is trusted as the kubelet (pid 77: \(reason)): give the kubelet's arguments after the option")
        #expect(RunningKubelet.find(in: try root).isEmpty)
    }

    @Test func aKubeletWithoutStatusIsNotTaken() throws {
        try process(77, cmdline: ["kubelet"], status: nil)
        #expect(RunningKubelet.discover(in: try root).rejected.map(\.reason) == ["its status cannot be read"])
        try process(78, cmdline: ["kubelet"], status: "Name:\tkubelet\n")
        #expect(RunningKubelet.discover(in: try root).rejected.map(\.reason) == ["its status cannot be read", "its status has no Uid line"])
    }

    @Test func severalAreNamedAndTheFirstIsTaken() throws {
        try process(5000, cmdline: ["/usr/bin/kubelet", "--v=2"], status: Self.status(uid: "0\t0\t0\t0"))
        try process(4242, cmdline: ["/usr/bin/kubelet", "--v=4"], status: Self.status(uid: "0\t0\t0\t0"))
        try process(300, cmdline: ["/tmp/kubelet"], status: Self.status(uid: "1000\t1000\t1000\t1000"))
        try process(1, cmdline: ["/sbin/init"], comm: "systemd", status: Self.status(uid: "0\t0\t0\t0"))
        let found = RunningKubelet.discover(in: try root)
        #expect(found.trusted.map(\.pid) == [4242, 5000])
        #expect(found.taken?.arguments == ["--v=4"])
        #expect(found.rejected.map(\.pid) == [300])
        #expect(found.note == "2 kubelet processes are running (pids 4242, 5000): pid 4242 was taken; give the kubelet's arguments after the option to check another")
    }

    /// A snapshot's process whose status links to the host's own (uid 0 when
    /// the tests run as root) is not read through the link.
    @Test func aStatusLinkedOutOfTheRootIsNotRead() throws {
        let folder = base.appendingPathComponent("proc/77")
        try process(77, cmdline: ["/usr/bin/kubelet"], status: nil)
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("status").path, withDestinationPath: "/proc/1/status")
        let outsideStatus = base.deletingLastPathComponent().appendingPathComponent("swnuma-outside-status-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outsideStatus) }
        try Data(Self.status(uid: "0\t0\t0\t0").utf8).write(to: outsideStatus)
        try process(78, cmdline: ["/usr/bin/kubelet"], status: nil)
        try FileManager.default.createSymbolicLink(
            atPath: base.appendingPathComponent("proc/78/status").path,
            withDestinationPath: String(repeating: "../", count: 30) + outsideStatus.path.dropFirst())
        let found = RunningKubelet.discover(in: try root)
        #expect(found.taken == nil)
        #expect(found.rejected.map(\.reason) == ["its status cannot be read", "its status cannot be read"])
    }

    /// On the live machine this test process (named after the test runner,
    /// not kubelet) is never taken, and a live discovery does not trap.
    @Test func theLiveMachine() {
        let found = RunningKubelet.discover(in: .live)
        #expect(!found.trusted.contains { $0.pid == Int(getpid()) })
    }
}
