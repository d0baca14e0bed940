import Foundation
import Testing

/// The folders of `Sources/CustomerExport` depend on each other one way only: the stages
/// (Extract, Normalize, Dedupe, Load) and State on `Common/` alone; the rooms above them (Configuration, Reporting, Run, Administration) in that order.
/// The compiler cannot see folders, so this test reads the sources: a file may name only the
/// top-level types of its own folder and of the folders it is allowed to use.
///
/// It sees type names, not extension methods: a helper that one folder adds to another folder's
/// type (or to a LibPQ type) belongs in the lowest folder that uses it.
@Suite("Architecture: folder dependencies")
struct FolderDependencyTests {
    /// Who may use whom. docs/architecture.md ("How it works") draws this graph.
    static let allowed: [String: Set<String>] = [
        "Common": [],
        "State": ["Common"],
        "Extract": ["Common"],
        "Normalize": ["Common"],
        "Dedupe": ["Common"],
        "Load": ["Common"],
        // The rooms above the stages: settings, reports, the run that composes the stages, and
        // the commands that administer state and quarantine.
        "Configuration": ["Common", "State", "Extract", "Normalize", "Dedupe", "Load"],
        "Reporting": ["Common", "State", "Extract", "Normalize", "Dedupe", "Load", "Configuration"],
        "Run": ["Common", "State", "Extract", "Normalize", "Dedupe", "Load", "Configuration", "Reporting"],
        "Administration": ["Common", "State", "Extract", "Normalize", "Dedupe", "Load", "Configuration", "Reporting", "Run"],
    ]

    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/CustomerExport")

    struct SourceFile {
        var folder: String
        var name: String
        var code: String
    }

    static func files() throws -> [SourceFile] {
        let root = sources.standardizedFileURL.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var files: [SourceFile] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
            // Comments may mention anything; only code counts.
            let code = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { line in line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line) }
                .joined(separator: "\n")
            files.append(SourceFile(folder: String(relative.split(separator: "/")[0]), name: relative, code: code))
        }
        return files
    }

    /// Top-level type names declared in `code` (no indentation: nested types are their owner's).
    static func declaredTypes(in code: String) -> [String] {
        let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "actor", "typealias"]
        let modifiers: Set<Substring> = ["public", "internal", "fileprivate", "private", "final", "indirect", "package"]
        return code.split(separator: "\n").compactMap { line -> String? in
            guard let first = line.first, first.isLetter else { return nil }
            let words = line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
            var index = 0
            while index < words.count, modifiers.contains(words[index]) { index += 1 }
            guard index + 1 < words.count, kinds.contains(words[index]) else { return nil }
            return String(words[index + 1])
        }
    }

    static func identifiers(in code: String) -> Set<String> {
        Set(code.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
    }

    @Test("every folder is placed in the dependency table")
    func everyFolderIsPlaced() throws {
        let folders = Set(try Self.files().map(\.folder))
        #expect(folders == Set(Self.allowed.keys), "add new folders to FolderDependencyTests.allowed and docs/architecture.md")
    }

    @Test("no file names a type of a folder it may not use")
    func dependenciesFlowOneWay() throws {
        let files = try Self.files()
        var owner: [String: String] = [:]
        for file in files {
            for type in Self.declaredTypes(in: file.code) { owner[type] = file.folder }
        }
        #expect(owner["WindowReader"] == "Extract" && owner["PostgresLoader"] == "Load", "the scan finds the declarations")
        var violations: [String] = []
        for file in files {
            let mayUse = Self.allowed[file.folder, default: []].union([file.folder])
            for name in Self.identifiers(in: file.code).sorted() {
                if let folder = owner[name], !mayUse.contains(folder) {
                    violations.append("\(file.name) names \(name) (\(folder)/)")
                }
            }
        }
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    @Test("the allowed graph is acyclic")
    func allowedGraphIsAcyclic() {
        var visiting: Set<String> = []
        var done: Set<String> = []
        func visit(_ folder: String) -> Bool {
            if done.contains(folder) { return true }
            if visiting.contains(folder) { return false }
            visiting.insert(folder)
            defer { visiting.remove(folder); done.insert(folder) }
            return Self.allowed[folder, default: []].allSatisfy(visit)
        }
        #expect(Self.allowed.keys.allSatisfy(visit))
    }
}
