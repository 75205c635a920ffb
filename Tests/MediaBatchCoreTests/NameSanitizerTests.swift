import MediaBatchCore
import PropertyBased
import Testing

@Suite("Name sanitising", .timeLimit(.minutes(15)))
struct NameSanitizerTests {
  /// Characters hostile names are made of: separators, dots, controls, bidi overrides, reserved and multibyte ones.
  static let hostileCharacters: [Character] = Array("aZ09._-/\\ \u{0}\u{7}\u{1F}\u{7F}\u{202E}\u{2066}<>:\"|?*é日🙂\u{301}%#")
  static let hostileNames = Gen<Character?>.element(of: hostileCharacters).map { $0 ?? "a" }.string(of: 0...320)

  @Test("a sanitised file name is always one safe path component within the length limit")
  func fileNamesAreSafeComponents() async {
    await propertyCheck(count: 2_000, input: Self.hostileNames) { original in
      guard let name = NameSanitizer.fileName(original) else { return }
      #expect(!name.isEmpty)
      #expect(name != "." && name != "..")
      // Scalars, not characters: "/" followed by a combining mark is one character that is not "/".
      #expect(name.unicodeScalars.first != ".")
      #expect(!name.unicodeScalars.contains("/") && !name.unicodeScalars.contains("\\"))
      #expect(!name.lowercased().hasSuffix(NameSanitizer.partialSuffix))
      #expect(!name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x202A...0x202E).contains($0.value) })
      #expect(name.utf8.count <= NameSanitizer.maximumNameBytes)
      #expect((name + NameSanitizer.partialSuffix).utf8.count <= 255)
      #expect(!name.lowercased().hasSuffix(NameSanitizer.partialSuffix))
    }
  }

  @Test("a sanitised folder name never leaves the output root")
  func folderNamesAreSafeComponents() async {
    await propertyCheck(count: 2_000, input: Self.hostileNames) { email in
      guard let folder = NameSanitizer.folderName(forEmail: email) else { return }
      #expect(!folder.isEmpty && folder != "." && folder != "..")
      #expect(
        folder.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789_-+".unicodeScalars.contains($0)) })
      #expect(folder.utf8.count <= 200)
    }
  }

  @Test("the email folder rule: user@example.com becomes user_example_com")
  func seedFolderRule() {
    #expect(NameSanitizer.folderName(forEmail: "user@example.com") == "user_example_com")
    #expect(NameSanitizer.folderName(forEmail: "first.last+tag@mail.example.org") == "first_last+tag_mail_example_org")
    #expect(NameSanitizer.folderName(forEmail: "../..") == nil)
    #expect(NameSanitizer.folderName(forEmail: "") == nil)
  }

  @Test(
    "hostile original names become safe names that keep what they can",
    arguments: [
      ("../../etc/passwd", "passwd"),
      ("a/b\\c", "c"),
      ("photo.png", "photo.png"),
      ("  .hidden.png ", "hidden.png"),
      ("invoice\u{202E}gnp.exe\u{7}.png", "invoicegnp.exe.png"),
      ("what?.png", "what_.png"),
      ("CON.txt", "_CON.txt"),
      ("clip.partial", "clip.partial_"),
      // found by fuzzing: a separator or a dot before a combining mark was one character, and got through
      ("../\u{301}x.png", "x.png"), ("a\\\u{301}b.png", "b.png"), (".\u{301}bashrc", "bashrc"),
      // found by fuzzing: shortening exposed a .partial ending
      (String(repeating: "x", count: 232) + ".partial      ." + String(repeating: "y", count: 20), String(repeating: "x", count: 232) + ".partial_"),
      ("trailing dots...", "trailing dots"),
    ]
  )
  func hostileNames(original: String, expected: String) {
    #expect(NameSanitizer.fileName(original) == expected)
  }

  @Test("names with nothing usable give nil, and the fallback is the id with the content type's extension")
  func emptyNamesFallBack() {
    for original in ["", "   ", "..", "../", "/", "\u{0}\u{1}"] {
      #expect(NameSanitizer.fileName(original) == nil)
    }
    #expect(NameSanitizer.fallbackFileName(id: "abc123", contentType: "image/jpeg") == "abc123.jpg")
    #expect(NameSanitizer.fallbackFileName(id: "abc123", contentType: "audio/mpeg; charset=x") == "abc123.mp3")
    #expect(NameSanitizer.fallbackFileName(id: "../x", contentType: nil) == "x")
  }

  @Test("a 300-byte name is shortened to the limit and keeps its extension")
  func longNamesKeepTheirExtension() {
    let name = NameSanitizer.fileName(String(repeating: "x", count: 296) + ".png")
    #expect(name?.utf8.count == NameSanitizer.maximumNameBytes)
    #expect(name?.hasSuffix(".png") == true)
    let multibyte = NameSanitizer.fileName(String(repeating: "日", count: 120) + ".wav")
    #expect(multibyte.map { $0.utf8.count <= NameSanitizer.maximumNameBytes && $0.hasSuffix(".wav") } == true)
  }

  @Test(
    "trimming drops whitespace and line breaks at both ends only",
    arguments: [
      ("", ""), ("   ", ""), ("a", "a"), (" a ", "a"), ("\r\n a\tb \r\n", "a\tb"), ("日本 語\u{3000}", "日本 語"), ("x\n", "x"),
    ]
  )
  func trimming(input: String, expected: String) {
    #expect(input.trimmingWhitespace() == expected)
    #expect(input[...].trimmingWhitespace() == expected)
  }
}
