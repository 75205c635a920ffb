/// Why an item failed, with a stable code used by the API, the manifest and the metrics.
public struct ItemError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
  public var code: Code
  public var message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { "\(code.rawValue): \(message)" }

  /// The stable error codes. New codes may be added; existing ones never change meaning.
  public struct Code: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Code, rhs: Code) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
      self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      try container.encode(rawValue)
    }

    /// The metadata document named by the user's id list does not exist.
    public static let metadataMissing = Code(rawValue: "metadata_missing")
    /// The metadata document or the user document has a field of the wrong shape.
    public static let invalidMetadata = Code(rawValue: "invalid_metadata")
    /// No usable object location could be read from the metadata.
    public static let invalidLocation = Code(rawValue: "invalid_location")
    /// The object does not exist (HTTP 404).
    public static let notFound = Code(rawValue: "not_found")
    /// The credentials may not read the object (HTTP 403).
    public static let permissionDenied = Code(rawValue: "permission_denied")
    /// The credentials were rejected (HTTP 401 after a refresh).
    public static let unauthenticated = Code(rawValue: "unauthenticated")
    /// The bytes do not match the checksum the store declares.
    public static let checksumMismatch = Code(rawValue: "checksum_mismatch")
    /// The body ended before the declared length, and resuming did not complete it.
    public static let truncated = Code(rawValue: "truncated")
    /// The store kept answering 429 after every retry.
    public static let rateLimited = Code(rawValue: "rate_limited")
    /// The store kept answering 5xx after every retry.
    public static let serverError = Code(rawValue: "server_error")
    /// The connection failed or dropped after every retry.
    public static let network = Code(rawValue: "network")
    /// The disk is full (ENOSPC) or over quota.
    public static let diskFull = Code(rawValue: "disk_full")
    /// Writing the file failed for another reason (permissions, read-only file system, …).
    public static let ioError = Code(rawValue: "io_error")
    /// The job stopped before this item was finished.
    public static let cancelled = Code(rawValue: "cancelled")
    /// Anything else the store reported.
    public static let storeError = Code(rawValue: "store_error")
    /// A symbolic link, pipe or device stands where a folder or file of the export belongs; nothing is written there.
    public static let unsafePath = Code(rawValue: "unsafe_path")
    /// The user's folder is claimed by another user and no other name could be claimed; nothing is written.
    public static let folderConflict = Code(rawValue: "folder_conflict")
    /// The store gave no hash for the object (neither with its bytes nor in its metadata), so the bytes cannot be
    /// verified; accepted only with `--allow-unverified`.
    public static let unverifiable = Code(rawValue: "unverifiable")
  }
}
