/// Fuzz target `name-sanitizer`: `NameSanitizer` (Sources/MediaBatchCore/Layout/NameSanitizer.swift, with
/// `FileExtensions`).
///
/// The input (as UTF-8, invalid bytes replaced) is an untrusted original file name, document id or email.
/// Properties checked, from the type's documentation — "a sanitised name is never empty, `.` or `..`; holds no
/// `/`, `\`, NUL or control character; does not start with a dot; and leaves room for the `.partial` suffix":
/// - `fileName`, `fallbackFileName` and `addingSuffix` (with a `stableSuffix`) never crash, and every name they
///   return is non-empty, not `.` or `..`, has no `/`, `\`, NUL, C0/C1 control or bidi-override scalar, does not
///   start with `.`, is at most `maximumNameBytes` UTF-8 bytes, and does not end in `.partial` (any case), so it is
///   one path component that cannot leave its folder or pass for an in-progress file;
/// - `folderName(forEmail:)` returns only `A-Z a-z 0-9 - _ +`, at most 200 bytes, not all `_`;
/// - `truncate(_:toBytes:)` returns at most the byte limit it was given (for limits ≥ 1).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNameSanitizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeBufferPointer(start: data, count: size)
  let text = String(decoding: input, as: UTF8.self)
  var random = InputRandom(input)

  if let name = NameSanitizer.fileName(text) {
    checkSafe(name, "fileName(\(escaped(text)))")
    let suffix = NameSanitizer.stableSuffix(for: text)
    require(suffix.utf8.count == 8 && suffix.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }, "stableSuffix \(suffix)")
    checkSafe(NameSanitizer.addingSuffix(suffix, to: name), "addingSuffix(\(suffix), to: \(escaped(name)))")
    checkSafe(NameSanitizer.addingSuffix("2", to: name), "addingSuffix(2, to: \(escaped(name)))")
  }

  let contentTypes = [nil, "image/jpeg", "audio/x-wav; codecs=1", "application/octet-stream", "IMAGE/PNG", text]
  let contentType = contentTypes[random.next(below: contentTypes.count)]
  checkSafe(
    NameSanitizer.fallbackFileName(id: text, contentType: contentType),
    "fallbackFileName(id: \(escaped(text)), contentType: \(contentType.map { escaped($0) } ?? "nil"))")

  if let folder = NameSanitizer.folderName(forEmail: text) {
    require(!folder.isEmpty && folder.utf8.count <= 200, "folderName(\(escaped(text))) = \(escaped(folder)): bad length")
    require(folder.unicodeScalars.allSatisfy(isFolderScalar), "folderName(\(escaped(text))) = \(escaped(folder)): bad character")
    require(!folder.unicodeScalars.allSatisfy { $0 == "_" }, "folderName(\(escaped(text))) is all '_'")
  }

  let limit = 1 + random.next(below: 300)
  let truncated = NameSanitizer.truncate(text, toBytes: limit)
  require(truncated.utf8.count <= limit, "truncate(\(escaped(text)), toBytes: \(limit)) = \(truncated.utf8.count) bytes")
  return 0
}

private func checkSafe(_ name: String, _ call: @autoclosure () -> String) {
  let bytes = Array(name.utf8)
  func fail(_ why: String) -> Never { violation("\(call()) = \(escaped(name)) (\(bytes.count) bytes): \(why)") }
  if bytes.isEmpty { fail("empty") }
  if bytes == [0x2E] || bytes == [0x2E, 0x2E] { fail("'.' or '..'") }
  if bytes.contains(0x2F) { fail("contains '/'") }
  if bytes.contains(0x5C) { fail("contains '\\'") }
  if bytes.contains(0) { fail("contains NUL") }
  if let scalar = name.unicodeScalars.first(where: isControlOrBidi) {
    fail("contains control or bidi scalar U+\(String(scalar.value, radix: 16, uppercase: true))")
  }
  if bytes.first == 0x2E { fail("starts with '.'") }
  if bytes.count > NameSanitizer.maximumNameBytes { fail("longer than \(NameSanitizer.maximumNameBytes) bytes") }
  if String(decoding: bytes.suffix(NameSanitizer.partialSuffix.utf8.count), as: UTF8.self).lowercased() == NameSanitizer.partialSuffix {
    fail("ends in \(NameSanitizer.partialSuffix), like an in-progress file")
  }
}

private func isControlOrBidi(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F: true
  default: false
  }
}

private func isFolderScalar(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar {
  case "a"..."z", "A"..."Z", "0"..."9", "-", "_", "+": true
  default: false
  }
}
