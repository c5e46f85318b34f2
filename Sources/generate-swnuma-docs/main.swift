// Writes swnuma's man page and shell completions, rendered from the option
// table, into the package: `swift run generate-swnuma-docs [PACKAGE-DIR]`.
import Foundation
import SwnumaCLI

/// The package root: the argument, or two folders above this source file.
let packageRoot: URL =
    if CommandLine.arguments.count > 1 {
        URL(fileURLWithPath: CommandLine.arguments[1], isDirectory: true)
    } else {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

var failed = false
for file in GeneratedDocs.files {
    let url = packageRoot.appendingPathComponent(file.path)
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(file.render().utf8).write(to: url, options: .atomic)
        print("wrote \(file.path)")
    } catch {
        FileHandle.standardError.write(Data("generate-swnuma-docs: cannot write \(url.path): \(error)\n".utf8))
        failed = true
    }
}
exit(failed ? 1 : 0)
