import Toolbox

/// The Cloud Storage object resource (`GET /storage/v1/b/{bucket}/o/{object}` without `alt=media`): what a
/// download needs to know before it starts.
///
/// Int64 and uint64 fields (`size`, `generation`, `metageneration`) are JSON strings; `crc32c` and `md5Hash` are
/// base64 of the raw digest, not hex. Composite objects have no `md5Hash`.
public struct StorageObjectResource: Sendable, Hashable {
  public var object: StorageObjectID
  public var size: Int64?
  public var generation: String?
  public var metageneration: String?
  public var contentType: String?
  /// `gzip` means Cloud Storage may transcode the object, and its hashes then describe the compressed bytes.
  public var contentEncoding: String?
  public var hashes: ObjectHashes
  /// User metadata, a map of strings.
  public var metadata: [String: String]

  public init(json: JSONValue) throws(CloudStorageError) {
    guard case .object(let object) = json else { throw Self.invalid("the object resource is not a JSON object") }
    guard case .string(let bucket)? = object["bucket"], case .string(let name)? = object["name"] else {
      throw Self.invalid("the object resource has no bucket or name")
    }
    self.object = StorageObjectID(bucket: bucket, name: name)
    size = try Self.integer(object, "size")
    generation = try Self.integer(object, "generation").map(String.init)
    metageneration = try Self.integer(object, "metageneration").map(String.init)
    contentType = object["contentType"]?.stringValue
    contentEncoding = object["contentEncoding"]?.stringValue
    var digests: [String] = []
    if let crc32c = object["crc32c"]?.stringValue { digests.append("crc32c=" + crc32c) }
    if let md5 = object["md5Hash"]?.stringValue { digests.append("md5=" + md5) }
    hashes = try ObjectHashes(headerValues: [digests.joined(separator: ",")])
    var metadata: [String: String] = [:]
    for member in object["metadata"]?.objectValue ?? JSONObject() {
      if case .string(let value) = member.value { metadata[member.key] = value }
    }
    self.metadata = metadata
  }

  /// Firebase download tokens: `firebaseStorageDownloadTokens` holds none, one, or several separated by commas.
  public var downloadTokens: [String] {
    (metadata["firebaseStorageDownloadTokens"] ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
  }

  /// An int64 written as a string (the JSON API's form) or as a number (as some emulators write it).
  private static func integer(_ object: JSONObject, _ key: String) throws(CloudStorageError) -> Int64? {
    let text: String
    switch object[key] {
    case nil, .null?: return nil
    case .number(let number)?: text = number
    case .string(let string)? where JSONParser.isNumber(string): text = string
    case let other?: throw invalid("\(key) is not an integer: \(other.typeName)")
    }
    guard let value = ExactDecimal(text)?.int64, value >= 0 else { throw invalid("\(key) \(text) is not a non-negative int64") }
    return value
  }

  private static func invalid(_ message: String) -> CloudStorageError {
    .unreadableResource(message)
  }
}
