/// Fuzz target `media-location`: `MediaLocationParser` (Sources/MediaBatchFirebase/MediaLocationParser.swift) with
/// `StorageObjectName`, `PercentEncoding` and MediaBatchCore's `ObjectLocation`.
///
/// The input (as UTF-8, invalid bytes replaced) is parsed as an item's location, with and without a default bucket.
/// Properties checked:
/// - parsing never crashes; it returns or throws an `ItemError` with code `invalid_location`;
/// - a parsed location is usable: its bucket and object pass `StorageObjectName`'s checks (both non-empty, the
///   bucket of letters, digits, `-_.` without `..`, the object at most 1024 bytes, no CR/LF, not `.` or `..`);
/// - the default bucket matters only for plain paths: a URL parses to the same location with or without it;
/// - a parsed location survives the URLs the project builds for it: the Firebase download URL with the object
///   percent-encoded, and `https://storage.googleapis.com` + `StorageObjectName.mediaPath` (and the same path on
///   an emulator host), parse back to exactly the same bucket and object bytes.

import GoogleCloud
import MediaBatchCore

private let withDefault = MediaLocationParser(defaultBucket: "demo-project.appspot.com", extraHosts: ["emulator.internal:9199"])
private let withoutDefault = MediaLocationParser(defaultBucket: nil, extraHosts: ["emulator.internal:9199"])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMediaLocation(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let located = parse(text, withDefault)
  let withoutDefaultResult = parse(text, withoutDefault)
  guard let location = located else { return 0 }
  checkUsable(location, from: text)
  if let other = withoutDefaultResult {
    require(exactlyEqual(other, location), "the default bucket changed a URL's location: \(describe(other)) vs \(describe(location))")
  }

  let encoded = StorageObjectName.encode(location.object)
  let object = StorageObjectID(bucket: location.bucket, name: location.object)
  let rebuilt = [
    "https://firebasestorage.googleapis.com/v0/b/\(location.bucket)/o/\(encoded)?alt=media&token=abc",
    "https://storage.googleapis.com" + StorageObjectName.mediaPath(object, generation: "1700000000000000"),
    "http://127.0.0.1:9199" + StorageObjectName.metadataPath(object),
    "http://emulator.internal:9199/v0/b/\(location.bucket)/o/\(encoded)",
  ]
  for url in rebuilt {
    guard let again = parse(url, withoutDefault) else { violation("\(escaped(url)) built for \(describe(location)) does not parse") }
    require(exactlyEqual(again, location), "\(escaped(url)) parsed as \(describe(again)), built for \(describe(location))")
  }
  return 0
}

private func parse(_ text: String, _ parser: MediaLocationParser) -> ObjectLocation? {
  do {
    let location = try parser.parse(text)
    return location
  } catch {
    require(error.code == .invalidLocation, "unexpected error code \(error.code) for \(escaped(text))")
    return nil
  }
}

private func checkUsable(_ location: ObjectLocation, from text: String) {
  require(!location.bucket.isEmpty && !location.object.isEmpty, "empty bucket or object from \(escaped(text))")
  if let problem = StorageObjectName.problem(inBucket: location.bucket) {
    violation("parsed bucket is unusable (\(problem)) from \(escaped(text))")
  }
  if let problem = StorageObjectName.problem(inObject: location.object) {
    violation("parsed object is unusable (\(problem)) from \(escaped(text))")
  }
}

/// Equality of the exact bytes, not Swift's canonical-equivalence `==`.
private func exactlyEqual(_ a: ObjectLocation, _ b: ObjectLocation) -> Bool {
  Array(a.bucket.utf8) == Array(b.bucket.utf8) && Array(a.object.utf8) == Array(b.object.utf8)
}

private func describe(_ location: ObjectLocation) -> String {
  "bucket \(escaped(location.bucket)) object \(escaped(location.object))"
}
