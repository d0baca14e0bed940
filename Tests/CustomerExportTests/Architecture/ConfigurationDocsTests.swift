import Foundation
import Testing
import TestSupport
@testable import CustomerExport

/// `docs/configuration.md` is written by hand; this keeps it from falling behind the code: every
/// flag any subcommand's `--help` lists, and every key a pipeline file may hold, must appear in it.
@Suite("docs/configuration.md covers every flag and pipeline key")
struct ConfigurationDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let docsURL = root.appendingPathComponent("docs/configuration.md")
    static let docs: String = (try? String(contentsOf: docsURL, encoding: .utf8)) ?? ""

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
        let keys = PipelineKeys.leaves.union(PipelineKeys.sections).union(["pipeline"])
        #expect(keys.count > 30)
        // A key appears as `name:` in the YAML reference or as `section.name` in the text.
        let missing = keys.filter { key in
            let name = key.split(separator: ".").last.map(String.init) ?? key
            return !Self.docs.contains("\(name):") && !Self.docs.contains("`\(key)`")
        }.sorted()
        #expect(missing.isEmpty, "pipeline keys missing from docs/configuration.md: \(missing)")
    }

    @Test("every declared flag is offered by a subcommand, with the declaration's help line")
    func declaredFlagsAreOffered() async throws {
        let help = try await Executables.run("customer-export", ["backfill", "--help"]).stdout
            + (try await Executables.run("customer-export", ["run", "--help"]).stdout)
            + (try await Executables.run("customer-export", ["worker", "--help"]).stdout)
        let offered = Self.flags(in: help)
        let declared = Set(RunSettings.all.compactMap(\.flag))
        #expect(declared.subtracting(offered).isEmpty, "declared but offered by no command: \(declared.subtracting(offered).sorted())")
        // The first words of each flag's help line (as --help wraps it), from the flag's first declaration.
        let unfolded = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var seen: Set<String> = []
        for setting in RunSettings.all {
            guard let flag = setting.flag, seen.insert(flag).inserted else { continue }
            let opening = setting.help.split(separator: " ").prefix(3).joined(separator: " ").trimmingCharacters(in: .punctuationCharacters)
            let shown = unfolded.contains(opening)
            #expect(shown, "\(flag): \"\(opening)\" is not in --help")
        }
    }

    @Test("the settings reference in docs/configuration.md is the one the declarations write")
    func generatedReference() throws {
        let docs = Self.docs
        let start = try #require(docs.range(of: RunSettings.referenceStart), "the reference's start marker is missing")
        let end = try #require(docs.range(of: RunSettings.referenceEnd, range: start.upperBound..<docs.endIndex), "the reference's end marker is missing")
        let written = docs[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        let expected = RunSettings.referenceTable
        if written != expected, ProcessInfo.processInfo.environment["CUSTOMER_EXPORT_UPDATE_DOCS"] == "1" {
            let updated = docs[..<start.upperBound] + "\n" + expected + "\n" + docs[end.lowerBound...]
            try String(updated).write(to: Self.docsURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(written == expected, "docs/configuration.md's settings reference is out of date; run CUSTOMER_EXPORT_UPDATE_DOCS=1 scripts/test --filter ConfigurationDocsTests")
    }

    @Test("the commented example pipeline file shows every key")
    func exampleFileHasEveryKey() throws {
        let example = try String(contentsOf: Self.root.appendingPathComponent("pipelines/backfill-example.yml"), encoding: .utf8)
        let missing = PipelineKeys.leaves.filter { key in
            let name = key.split(separator: ".").last.map(String.init) ?? key
            return !example.contains("\(name):")
        }
        #expect(missing.isEmpty, "pipelines/backfill-example.yml does not show: \(missing.sorted())")
    }
}
