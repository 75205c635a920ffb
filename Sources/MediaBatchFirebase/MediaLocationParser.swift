import GoogleCloud
public import MediaBatchCore
import Toolbox

/// Turns the location an item's metadata gives — an object path, a `gs://` URI or a download URL — into a bucket
/// and an object name.
///
/// Forms accepted (after Firebase's own parser, `location.ts`):
/// - `images/u1/a.png` (a leading `/` is dropped): an object in the default bucket, taken literally;
/// - `gs://bucket/images/a.png`: taken literally, not percent-decoded; one trailing `/` is dropped;
/// - `https://firebasestorage.googleapis.com/v0/b/{bucket}/o/{encoded}?alt=media&token=…`;
/// - `https://storage.googleapis.com/{bucket}/{path}`, `…/storage/v1/b/{bucket}/o/{encoded}`,
///   `…/download/storage/v1/b/{bucket}/o/{encoded}`, and `storage.cloud.google.com/{bucket}/{path}`;
/// - `https://{bucket}.storage.googleapis.com/{path}`;
/// - the same paths on an emulator: a loopback host (`127.0.0.1`, `localhost`, `[::1]`, Android's `10.0.2.2`)
///   or one of `extraHosts`.
/// URL paths are percent-decoded exactly once; the query (`alt`, `token`) and fragment are ignored.
public struct MediaLocationParser: Sendable {
  public var defaultBucket: String?
  /// More hosts (`host` or `host:port`, lowercase) that serve emulator-style URLs, for an emulator on another machine.
  public var extraHosts: Set<String>

  public init(defaultBucket: String?, extraHosts: Set<String> = []) {
    self.defaultBucket = defaultBucket
    self.extraHosts = extraHosts
  }

  private static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "[::1]", "10.0.2.2"]
  private static let pathStyleHosts: Set<String> = ["storage.googleapis.com", "storage.cloud.google.com"]
  /// Schemes apps store in URL fields that can never name a stored object; without this they would read as paths.
  private static let nonStorageSchemes: Set<String> = ["data", "blob", "file", "content", "about", "javascript", "mailto"]
  private static let firebaseHost = "firebasestorage.googleapis.com"
  private static let virtualHostSuffix = ".storage.googleapis.com"

  public func parse(_ location: String) throws(ItemError) -> ObjectLocation {
    let text = location.trimmingWhitespace()
    guard !text.isEmpty else { throw ItemError(.invalidLocation, "the location is empty") }
    if let colon = text.firstIndex(of: ":"), Self.nonStorageSchemes.contains(text[..<colon].lowercased()) {
      throw Self.invalid(location, "a \(text[..<colon].lowercased()): URL does not name a stored object")
    }
    // Only a real scheme makes a URL; `a/b://c` is an odd but valid object name.
    guard let schemeEnd = text.firstRange(of: "://"), Self.isScheme(text[..<schemeEnd.lowerBound]) else {
      return try plainPath(location)
    }
    let scheme = text[..<schemeEnd.lowerBound].lowercased()
    let rest = text[schemeEnd.upperBound...]
    switch scheme {
    case "gs": return try gsURI(rest, original: location)
    case "http", "https": return try webURL(rest, original: location)
    default: throw Self.invalid(location, "the scheme \"\(scheme)\" is not gs, http or https")
    }
  }

  /// An object name in the default bucket. Leading slashes are a writer's habit, not part of Firebase paths.
  private func plainPath(_ location: String) throws(ItemError) -> ObjectLocation {
    guard let defaultBucket else {
      throw ItemError(.invalidLocation, "\"\(Self.shortened(location))\" is an object path, and no default bucket is configured")
    }
    let object = String(location.drop { $0 == "/" })
    return try Self.validated(bucket: defaultBucket, object: object, original: location)
  }

  private func gsURI(_ rest: Substring, original: String) throws(ItemError) -> ObjectLocation {
    guard let slash = rest.firstIndex(of: "/") else { throw Self.invalid(original, "it names a bucket, not an object") }
    var object = rest[rest.index(after: slash)...]
    if object.hasSuffix("/") { object = object.dropLast() }
    return try Self.validated(bucket: String(rest[..<slash]), object: String(object), original: original)
  }

  private func webURL(_ rest: Substring, original: String) throws(ItemError) -> ObjectLocation {
    // Query and fragment never name the object: a `?` or `#` inside a name is always percent-encoded in a URL.
    let beforeQuery = rest.prefix { $0 != "?" && $0 != "#" }
    let authority = beforeQuery.prefix { $0 != "/" }.lowercased()
    let path = beforeQuery.dropFirst(authority.count)
    // `https://firebasestorage.googleapis.com@evil.example/…` must not pass for a Google host.
    guard !authority.contains("@") else { throw Self.invalid(original, "URLs with user information are not accepted") }
    let host = Self.hostWithoutPort(authority)
    let segments = path.split(separator: "/", maxSplits: 5, omittingEmptySubsequences: false).dropFirst()
    let isEmulator = Self.loopbackHosts.contains(host) || extraHosts.contains(authority) || extraHosts.contains(host)

    if host == Self.firebaseHost || isEmulator, let found = try Self.jsonStyle(segments, original: original, firebase: true) {
      return found
    }
    if Self.pathStyleHosts.contains(host) || isEmulator {
      if let found = try Self.jsonStyle(segments, original: original, firebase: false) { return found }
      // XML API path style: /{bucket}/{object path}, with the object's `/` left literal.
      guard let bucket = segments.first, segments.count > 1 else { throw Self.invalid(original, "it names no object") }
      return try Self.decoded(bucket: bucket, encodedObject: path.dropFirst(bucket.count + 1).dropFirst(), original: original)
    }
    if host.hasSuffix(Self.virtualHostSuffix) {
      let bucket = host.dropLast(Self.virtualHostSuffix.count)
      return try Self.decoded(bucket: bucket, encodedObject: path.dropFirst(), original: original)
    }
    if host == Self.firebaseHost {
      throw Self.invalid(original, "a Firebase Storage URL must have the form /v0/b/{bucket}/o/{object}")
    }
    throw Self.invalid(original, "the host \(host) is not a Cloud Storage or Firebase Storage host")
  }

  /// Matches `/v{N}/b/{bucket}/o/{object}` (Firebase) or `/[download/]storage/v1/b/{bucket}/o/{object}` (JSON API).
  private static func jsonStyle(_ segments: ArraySlice<Substring>, original: String, firebase: Bool) throws(ItemError) -> ObjectLocation? {
    var segments = segments
    if firebase {
      guard let version = segments.first, version.count >= 2, version.first == "v",
        version.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
      else { return nil }
      segments = segments.dropFirst()
    } else {
      if segments.first == "download" { segments = segments.dropFirst() }
      guard segments.first == "storage", segments.dropFirst().first == "v1" else { return nil }
      segments = segments.dropFirst(2)
    }
    // `maxSplits` kept the object (with any `/` it still has) whole in the last segment.
    let rest = segments.joined(separator: "/").split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
    guard rest.count >= 2, rest[0] == "b" else { return nil }
    guard rest.count == 4, rest[2] == "o" else { throw invalid(original, "it names a bucket, not an object") }
    return try decoded(bucket: rest[1], encodedObject: rest[3], original: original)
  }

  private static func decoded(
    bucket: some StringProtocol, encodedObject: some StringProtocol, original: String
  ) throws(ItemError) -> ObjectLocation {
    guard let object = PercentEncoding.decode(encodedObject) else {
      throw invalid(original, "the object name has a malformed percent escape or is not UTF-8")
    }
    // The bucket is not decoded: its character set has no use for escapes, and `%2E%2E` must not become `..`.
    return try validated(bucket: String(bucket), object: object, original: original)
  }

  private static func validated(bucket: String, object: String, original: String) throws(ItemError) -> ObjectLocation {
    if let problem = StorageObjectName.problem(inBucket: bucket) { throw invalid(original, problem) }
    if let problem = StorageObjectName.problem(inObject: object) { throw invalid(original, problem) }
    return ObjectLocation(bucket: bucket, object: object)
  }

  /// RFC 3986: a letter, then letters, digits, `+`, `-` or `.`.
  private static func isScheme(_ text: Substring) -> Bool {
    guard let first = text.first, first.isASCII, first.isLetter else { return false }
    return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
  }

  private static func hostWithoutPort(_ authority: String) -> String {
    if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
      return String(authority[...close])
    }
    return String(authority.prefix { $0 != ":" })
  }

  private static func invalid(_ location: String, _ reason: String) -> ItemError {
    ItemError(.invalidLocation, "cannot read a storage location from \"\(shortened(location))\": \(reason)")
  }

  private static func shortened(_ text: String) -> String {
    text.count <= 200 ? text : text.prefix(200) + "…"
  }
}
