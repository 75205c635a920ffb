/// Cloud Storage naming: validating bucket and object names, and building JSON API request paths.
///
/// In a JSON API URL the object name is one path segment, so every byte outside the RFC 3986 unreserved set is
/// percent-encoded, `/` included; names from Firestore or list calls are raw and must be encoded exactly once.
public enum StorageObjectName {
  /// The object name as one percent-encoded path segment.
  public static func encode(_ object: String) -> String {
    PercentEncoding.encode(object)
  }

  /// `/storage/v1/b/{bucket}/o/{object}?alt=media[&generation=G]`: the object's bytes, pinned to a generation
  /// when given so that a resumed download cannot splice two versions together.
  public static func mediaPath(_ object: StorageObjectID, generation: String? = nil) -> String {
    var path = metadataPath(object) + "?alt=media"
    if let generation { path += "&generation=" + PercentEncoding.encode(generation) }
    return path
  }

  /// `/storage/v1/b/{bucket}/o/{object}`: the object's metadata resource.
  public static func metadataPath(_ object: StorageObjectID) -> String {
    "/storage/v1/b/\(PercentEncoding.encode(object.bucket))/o/\(encode(object.name))"
  }

  /// What makes `object` an invalid Cloud Storage object name, or nil if it is valid.
  ///
  /// The rules are Cloud Storage's: 1–1024 bytes of UTF-8, no carriage return or line feed, and not `.` or `..`
  /// (the storage emulator drops the connection for those rather than answering).
  public static func problem(inObject object: String) -> String? {
    let size = object.utf8.count
    if size == 0 { return "the object name is empty" }
    if size > 1024 { return "the object name is \(size) bytes, more than 1024" }
    if object.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) { return "the object name contains a line break" }
    if object == "." || object == ".." { return "the object name cannot be \"\(object)\"" }
    return nil
  }

  /// What makes `bucket` an unusable bucket name, or nil if it is usable.
  ///
  /// Letters, digits, `-`, `_` and `.` (the character set Firebase's own URL parser accepts), starting and ending
  /// with a letter or digit, at most 222 bytes, and no `..`: a name can never climb out of a path.
  public static func problem(inBucket bucket: String) -> String? {
    let bytes = Array(bucket.utf8)
    guard !bytes.isEmpty else { return "the bucket name is empty" }
    guard bytes.count <= 222 else { return "the bucket name is longer than 222 bytes" }
    let isAlphanumeric: (UInt8) -> Bool = { byte in
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
      default: false
      }
    }
    guard bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) else {
      return "the bucket name \"\(bucket)\" has characters other than letters, digits, '-', '_' and '.'"
    }
    guard isAlphanumeric(bytes[0]), isAlphanumeric(bytes[bytes.count - 1]) else {
      return "the bucket name \"\(bucket)\" must start and end with a letter or digit"
    }
    guard !bucket.contains("..") else { return "the bucket name \"\(bucket)\" contains \"..\"" }
    return nil
  }
}
