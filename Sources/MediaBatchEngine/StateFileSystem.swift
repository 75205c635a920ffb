import CFileSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The file system a state folder is on, as far as the job store cares. SQLite in WAL mode needs POSIX locks that
/// hold and a shared-memory file every process maps; a network file system (NFS, SMB, Ceph, …) or a FUSE one (a
/// bucket mounted with Cloud Storage FUSE, sshfs) gives neither reliably, so the store and the lock must not live there.
public enum StateFileSystem: Sendable, Hashable {
  case local
  /// A network or FUSE file system, named for the message.
  case unsuitable(String)

  /// Network and FUSE file systems by their `statfs` magic number (Linux's `f_type`).
  static let unsuitableMagic: [Int64: String] = [
    0x6969: "NFS",
    0x517B: "SMB",
    0xFF53_4D42: "CIFS",
    0xFE53_4D42: "SMB2",
    0x6573_5546: "FUSE (a bucket mount such as Cloud Storage FUSE, sshfs, …)",
    0x00C3_6400: "Ceph",
    0x5346_414F: "AFS",
    0x6B41_4653: "AFS",
    0x7375_7245: "Coda",
    0x564C: "NetWare",
    0x0102_1997: "9P",
    0x0116_1970: "GFS2",
    0x7461_636F: "OCFS2",
    0x0BD0_0BD0: "Lustre",
    0x2003_0528: "OrangeFS",
  ]

  /// Classifies a Linux `f_type`.
  public init(magic: Int64) {
    if let name = Self.unsuitableMagic[magic] { self = .unsuitable(name) } else { self = .local }
  }

  /// The file system `path` (which must exist) is on; `nil` when `statfs` fails.
  public static func of(_ path: String) -> StateFileSystem? {
    var info = statfs()
    guard statfs(path, &info) == 0 else { return nil }
    #if canImport(Glibc)
      // `f_type` is a signed word; magic numbers above 2³¹ arrive negative on some ABIs.
      return StateFileSystem(magic: Int64(UInt32(truncatingIfNeeded: info.f_type)))
    #else
      let name = withUnsafeBytes(of: info.f_fstypename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      let network = ["nfs": "NFS", "smbfs": "SMB", "afpfs": "AFP", "webdav": "WebDAV", "macfuse": "FUSE", "osxfuse": "FUSE"]
      return network[name].map { .unsuitable($0) } ?? .local
    #endif
  }
}
