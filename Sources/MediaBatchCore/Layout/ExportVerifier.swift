import Foundation
import Toolbox

/// Checks an export folder against its manifests, as `mediabatch verify` does: every file a manifest lists as
/// downloaded must exist with the recorded size and CRC32C, and every file in a user folder must be listed.
public struct ExportVerifier: Sendable {
  /// One thing that does not match.
  public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
      case missing
      case sizeMismatch = "size_mismatch"
      case checksumMismatch = "checksum_mismatch"
      /// A file no manifest lists (a stray `.partial` included).
      case unlisted
      case unreadableManifest = "unreadable_manifest"
      /// A manifest entry whose path would leave its user folder, or a link where a folder or file belongs.
      case unsafePath = "unsafe_path"
      /// The folder's owner record names another user than its manifest.
      case ownerMismatch = "owner_mismatch"
      /// The bytes differ from what the store holds (tests compare with the store when they can).
      case differsFromStore = "differs_from_store"
    }

    public var kind: Kind
    /// Relative to the export root.
    public var path: String
    public var detail: String

    public init(_ kind: Kind, _ path: String, _ detail: String) {
      self.kind = kind
      self.path = path
      self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(path): \(detail)" }
  }

  public struct Report: Sendable {
    public var manifests: [UserManifest] = []
    public var verifiedFiles = 0
    public var verifiedBytes: Int64 = 0
    public var findings: [Finding] = []

    public var unlistedFiles: [String] { findings.filter { $0.kind == .unlisted }.map(\.path) }
    /// Everything but unlisted files.
    public var problems: [String] { findings.filter { $0.kind != .unlisted }.map(\.description) }
  }

  public let root: String

  public init(root: String) {
    self.root = OutputLayout(root: root).root
  }

  public func verify() throws -> Report {
    var report = Report()
    var listed: Set<String> = []
    let files = FileManager.default
    let folders = try files.contentsOfDirectory(atPath: root).filter { $0 != OutputLayout.stateFolderName }.sorted()
    for folder in folders {
      switch Self.fileType(root + "/" + folder) {
      case S_IFDIR: break
      case S_IFLNK:
        report.findings.append(Finding(.unsafePath, folder, "a symbolic link where a user folder belongs"))
        continue
      default:
        report.findings.append(Finding(.unlisted, folder, "a file at the top of the export"))
        continue
      }
      let manifestPath = folder + "/" + OutputLayout.manifestFileName
      let ownerPath = folder + "/" + OutputLayout.ownerFileName
      listed.insert(manifestPath)
      listed.insert(ownerPath)
      let manifest: UserManifest
      do {
        guard let data = files.contents(atPath: root + "/" + manifestPath) else {
          report.findings.append(Finding(.unreadableManifest, manifestPath, "missing"))
          continue
        }
        manifest = try UserManifest.decode(data)
      } catch {
        report.findings.append(Finding(.unreadableManifest, manifestPath, "not a MediaBatch manifest: \(error)"))
        continue
      }
      report.manifests.append(manifest)
      if let owner = files.contents(atPath: root + "/" + ownerPath).map({ String(decoding: $0, as: UTF8.self).trimmingWhitespace() }),
        owner != manifest.userId
      {
        report.findings.append(Finding(.ownerMismatch, folder, "the folder belongs to user \(owner), its manifest names \(manifest.userId)"))
      }
      for item in manifest.items where item.status == .downloaded || item.status == .skipped {
        guard let localPath = item.localPath, Self.isSafe(localPath) else {
          report.findings.append(Finding(.unsafePath, folder + "/" + (item.localPath ?? "?"), "item \(item.id) has no usable local path"))
          continue
        }
        let relative = folder + "/" + localPath
        listed.insert(relative)
        check(item, at: relative, into: &report)
      }
    }
    for relative in (files.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
    where !relative.hasPrefix(OutputLayout.stateFolderName) && !listed.contains(relative) {
      if Self.fileType(root + "/" + relative) != S_IFDIR, relative.contains("/") {
        report.findings.append(Finding(.unlisted, relative, "no manifest lists it"))
      }
    }
    return report
  }

  private func check(_ item: ItemOutcome, at relative: String, into report: inout Report) {
    if let type = Self.fileType(root + "/" + relative), type != S_IFREG {
      report.findings.append(Finding(.unsafePath, relative, "not a regular file (a link, a pipe, a device or a folder)"))
      return
    }
    guard let handle = FileHandle(forReadingAtPath: root + "/" + relative) else {
      report.findings.append(Finding(.missing, relative, "listed as \(item.status.rawValue) but not on disk"))
      return
    }
    defer { try? handle.close() }
    var crc = CRC32C()
    var size: Int64 = 0
    do {
      while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
        chunk.withUnsafeBytes { crc.update($0) }
        size += Int64(chunk.count)
      }
    } catch {
      report.findings.append(Finding(.missing, relative, "cannot be read: \(error.localizedDescription)"))
      return
    }
    if let expected = item.size, expected != size {
      report.findings.append(Finding(.sizeMismatch, relative, "\(size) bytes, the manifest records \(expected)"))
    } else if let expected = item.crc32c, expected != CRC32C.hex(crc.value) {
      report.findings.append(Finding(.checksumMismatch, relative, "CRC32C \(CRC32C.hex(crc.value)), the manifest records \(expected)"))
    } else {
      report.verifiedFiles += 1
      report.verifiedBytes += size
    }
  }

  /// The type bits of what is at `path`, without following a link; `nil` when nothing is there.
  static func fileType(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT
  }

  /// A manifest path stays inside its user folder: relative, no `..`, no empty segment.
  static func isSafe(_ path: String) -> Bool {
    guard !path.hasPrefix("/") else { return false }
    return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != ".." && $0 != "." }
  }
}
