import Crypto
import Toolbox

/// Turns untrusted names (emails, original file names, ids) into safe single path components.
///
/// A sanitised name is never empty, `.` or `..`; holds no `/`, `\`, NUL or control character; does not start with
/// a dot; and leaves room for the `.partial` suffix under the 255-byte limit of common file systems.
public enum NameSanitizer {
  /// The longest final name, so that `<name>.partial` still fits in 255 bytes.
  public static let maximumNameBytes = 255 - partialSuffix.utf8.count
  /// The suffix of a file being written.
  public static let partialSuffix = ".partial"
  /// Longest extension kept when a name is shortened.
  static let maximumExtensionBytes = 16

  /// The email folder rule: `user@example.com` → `user_example_com`; `nil` when nothing usable remains.
  public static func folderName(forEmail email: String) -> String? {
    var scalars = String.UnicodeScalarView()
    for scalar in email.trimmingWhitespace().unicodeScalars {
      scalars.append(isFolderSafe(scalar) ? scalar : "_")
    }
    let name = truncate(String(scalars), toBytes: 200)
    return name.allSatisfy({ $0 == "_" }) ? nil : name
  }

  /// A safe file name from an untrusted original name; `nil` when nothing usable remains.
  ///
  /// Works on Unicode scalars, never on characters: a `/` followed by a combining mark is one `Character`, and a
  /// rule written over characters would let it through.
  public static func fileName(_ original: String) -> String? {
    // Only the last path segment counts, whichever separator the uploader's system used.
    let all = original.unicodeScalars
    let lastSegment = all.lastIndex(where: { $0 == "/" || $0 == "\\" }).map { all[all.index(after: $0)...] } ?? all[...]
    var scalars: [Unicode.Scalar] = []
    for scalar in lastSegment where !isInvisibleOrControl(scalar) {
      scalars.append(windowsReserved.contains(scalar) ? "_" : scalar)
    }
    // No leading dot (a hidden file), nor a mark a dot could hide behind; no trailing dots or white space.
    while let first = scalars.first, first == "." || first.properties.isWhitespace || isMark(first) { scalars.removeFirst() }
    while let last = scalars.last, last == "." || last.properties.isWhitespace { scalars.removeLast() }
    guard !scalars.isEmpty else { return nil }
    var result = String(String.UnicodeScalarView(scalars))
    if isWindowsDeviceName(result) { result = "_" + result }
    result = truncate(result, toBytes: maximumNameBytes)
    // `x.partial` would be mistaken for the in-progress file of `x` (checked after shortening, which can expose it).
    if result.lowercased().hasSuffix(partialSuffix) {
      if result.utf8.count >= maximumNameBytes { result.unicodeScalars.removeLast() }
      result += "_"
    }
    return result
  }

  /// The name used when the original is empty or unusable: `<id><extension for the content type>`.
  public static func fallbackFileName(id: String, contentType: String?) -> String {
    let ext = contentType.flatMap(FileExtensions.forContentType) ?? ""
    let base = fileName(id).map { truncate($0, toBytes: maximumNameBytes - ext.utf8.count) } ?? "item-\(stableSuffix(for: id))"
    return base + ext
  }

  /// Inserts `-suffix` before the extension, shortening the stem so the result still fits.
  public static func addingSuffix(_ suffix: String, to name: String) -> String {
    let (stem, ext) = splitExtension(name)
    let room = maximumNameBytes - ext.utf8.count - suffix.utf8.count - 1
    return truncateKeepingScalars(stem, toBytes: max(room, 1)) + "-" + suffix + ext
  }

  /// Eight hex digits derived from an id: the same on every run, different for different ids.
  public static func stableSuffix(for id: String, length: Int = 8) -> String {
    String(stableDigest(for: id).prefix(length))
  }

  /// The 64 hex digits every `stableSuffix(for: id)` is a prefix of.
  public static func stableDigest(for id: String) -> String {
    SHA256.hash(data: Array(id.utf8)).hexString
  }

  /// Shortens a name to at most `limit` UTF-8 bytes, keeping a short extension and whole characters.
  public static func truncate(_ name: String, toBytes limit: Int) -> String {
    guard name.utf8.count > limit else { return name }
    let (stem, ext) = splitExtension(name)
    if ext.utf8.count < limit {
      return truncateKeepingScalars(stem, toBytes: limit - ext.utf8.count) + ext
    }
    return truncateKeepingScalars(name, toBytes: limit)
  }

  /// Splits `photo.final.png` into `photo.final` and `.png`; an extension is short and not the whole name.
  static func splitExtension(_ name: String) -> (stem: String, ext: String) {
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
    let ext = name[dot...]
    guard ext.utf8.count <= maximumExtensionBytes, !ext.contains(" ") else { return (name, "") }
    return (String(name[..<dot]), String(ext))
  }

  private static func truncateKeepingScalars(_ text: String, toBytes limit: Int) -> String {
    var result = String.UnicodeScalarView()
    var used = 0
    for scalar in text.unicodeScalars {
      let size = String(scalar).utf8.count
      guard used + size <= limit else { break }
      used += size
      result.append(scalar)
    }
    // Never end on a lone combining mark or leave trailing dots and spaces that some systems drop.
    var string = String(result)
    while let last = string.last, last == "." || last == " " { string.removeLast() }
    return string.isEmpty ? "_" : string
  }

  private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark: true
    default: false
    }
  }

  private static func isFolderSafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "0"..."9", "-", "_", "+": true
    default: false
    }
  }

  private static func isInvisibleOrControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: true
    // Bidirectional overrides and isolates make a name display differently from what it is.
    case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F: true
    case 0xFEFF, 0xFFFE, 0xFFFF: true
    default: false
    }
  }

  private static let windowsReserved: Set<Unicode.Scalar> = ["<", ">", ":", "\"", "|", "?", "*"]

  private static func isWindowsDeviceName(_ name: String) -> Bool {
    let stem = splitExtension(name).stem.uppercased()
    if ["CON", "PRN", "AUX", "NUL"].contains(stem) { return true }
    if stem.count == 4, stem.hasPrefix("COM") || stem.hasPrefix("LPT"), let digit = stem.last, digit.isNumber { return true }
    return false
  }
}
