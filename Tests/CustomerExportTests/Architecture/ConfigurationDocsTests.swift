import Foundation
import Testing
import TestSupport
@testable import CustomerExport

/// `docs/configuration.md` is written by hand; this keeps it from falling behind the code: every
/// flag any subcommand's `--help` lists, and every key a pipeline file may hold, must appear in it.
@Suite("docs/configuration.md covers every flag and pipeline key")
struct ConfigurationDocsTests {
    static let docs: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)) ?? ""
    }()

    /// The subcommands `--help` lists under SUBCOMMANDS (the first word of each entry).
    static func subcommands(in help: String) -> [String] {
        guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
        return help[start.upperBound...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }.filter { $0 != "See" && $0 != "help" }
    }

    static func flags(in help: String) -> Set<String> {
        Set(help.matches(of: /--[a-z][a-z0-9-]+/).map { String($0.output) }).subtracting(["--help", "--version"])
    }

    @Test("every flag of every subcommand is in docs/configuration.md")
    func everyFlag() async throws {
        #expect(!Self.docs.isEmpty, "docs/configuration.md is missing")
        var commands = Self.subcommands(in: try await Executables.run("customer-export", ["--help"]).stdout).map { [$0] }
        #expect(commands.count >= 9, "\(commands)")
        var seen: [String: [String]] = [:]
        while let command = commands.popLast() {
            let help = try await Executables.run("customer-export", command + ["--help"]).stdout
            commands += Self.subcommands(in: help).map { command + [$0] }
            for flag in Self.flags(in: help) { seen[flag, default: []].append(command.joined(separator: " ")) }
        }
        let missing = seen.keys.filter { !Self.docs.contains("`\($0)") }.sorted()
        #expect(missing.isEmpty, "flags missing from docs/configuration.md: \(missing.map { "\($0) (\(seen[$0]!.joined(separator: ", ")))" })")
    }

    @Test("every pipeline file key is in docs/configuration.md")
    func everyKey() {
        func leaves(_ shape: [String: PipelineKeys.Shape], _ path: String) -> [String] {
            shape.flatMap { key, value -> [String] in
                let here = path.isEmpty ? key : path + "." + key
                if case let .mapping(children) = value { return [here] + leaves(children, here) }
                return [here]
            }
        }
        let keys = leaves(PipelineKeys.root, "")
        #expect(keys.count > 30)
        // A key appears as `name:` in the YAML reference or as `section.name` in the text.
        let missing = keys.filter { key in
            let name = key.split(separator: ".").last.map(String.init) ?? key
            return !Self.docs.contains("\(name):") && !Self.docs.contains("`\(key)`")
        }.sorted()
        #expect(missing.isEmpty, "pipeline keys missing from docs/configuration.md: \(missing)")
    }
}
