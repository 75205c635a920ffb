import GoogleCloud
import Testing
import Toolbox

@Suite("Cloud Storage names, paths and headers", .timeLimit(.minutes(15)))
struct StorageObjectNameTests {
  @Test(
    "object names are percent-encoded as one path segment, everything but unreserved characters encoded once",
    arguments: [
      ("images/u1/photo.png", "images%2Fu1%2Fphoto.png"),
      ("a b", "a%20b"),
      ("a+b", "a%2Bb"),
      ("100%.png", "100%25.png"),
      ("%2F", "%252F"),
      ("q?x=1#frag", "q%3Fx%3D1%23frag"),
      ("semi;colon,comma", "semi%3Bcolon%2Ccomma"),
      ("!$&'()*:@[]=", "%21%24%26%27%28%29%2A%3A%40%5B%5D%3D"),
      ("keep-._~AZaz09", "keep-._~AZaz09"),
      ("café/日本.jpg", "caf%C3%A9%2F%E6%97%A5%E6%9C%AC.jpg"),
      ("😀", "%F0%9F%98%80"),
      ("a//b/", "a%2F%2Fb%2F"),
    ])
  func encodesObjectNames(name: String, encoded: String) {
    #expect(StorageObjectName.encode(name) == encoded)
    #expect(PercentEncoding.decode(encoded) == name)
  }

  @Test("the media path names bucket and encoded object, pinned to a generation when given")
  func mediaPaths() {
    let location = StorageObjectID(bucket: "demo.firebasestorage.app", name: "voices/u 1/clip#1.m4a")
    #expect(StorageObjectName.mediaPath(location) == "/storage/v1/b/demo.firebasestorage.app/o/voices%2Fu%201%2Fclip%231.m4a?alt=media")
    #expect(
      StorageObjectName.mediaPath(location, generation: "1712345678901234")
        == "/storage/v1/b/demo.firebasestorage.app/o/voices%2Fu%201%2Fclip%231.m4a?alt=media&generation=1712345678901234")
    #expect(StorageObjectName.metadataPath(location) == "/storage/v1/b/demo.firebasestorage.app/o/voices%2Fu%201%2Fclip%231.m4a")
  }

  @Test("object names follow Cloud Storage's rules", arguments: ["", ".", "..", "a\nb", "a\rb", String(repeating: "x", count: 1025)])
  func invalidObjectNames(name: String) {
    #expect(StorageObjectName.problem(inObject: name) != nil)
  }

  @Test("odd but valid object names pass", arguments: ["../x", "a/../b", " ", ".hidden", String(repeating: "é", count: 512)])
  func validObjectNames(name: String) {
    #expect(StorageObjectName.problem(inObject: name) == nil)
  }

  @Test(
    "bucket names cannot contain traversal or odd characters",
    arguments: ["", "..", ".", "a..b", ".a", "a.", "-a", "a/b", "a%2Fb", "a b", "ä"])
  func invalidBuckets(bucket: String) {
    #expect(StorageObjectName.problem(inBucket: bucket) != nil)
  }

  @Test("usual bucket names pass", arguments: ["demo.appspot.com", "demo-123.firebasestorage.app", "my_bucket", "b1"])
  func validBuckets(bucket: String) {
    #expect(StorageObjectName.problem(inBucket: bucket) == nil)
  }

  // CRC32C("123456789") = 0xE3069283 → base64 of 0xE3 0x06 0x92 0x83; MD5("123456789") = 25f9e794323b453885f5181f1b624d0b.
  static let crcBase64 = "4waSgw=="
  static let md5Base64 = "JfnnlDI7RTiF9RgfG2JNCw=="
  static let md5Bytes: [UInt8] = [0x25, 0xF9, 0xE7, 0x94, 0x32, 0x3B, 0x45, 0x38, 0x85, 0xF5, 0x18, 0x1F, 0x1B, 0x62, 0x4D, 0x0B]

  @Test("x-goog-hash is read from one comma-joined header, big-endian CRC32C and raw MD5")
  func hashHeaderJoined() throws {
    let hashes = try ObjectHashes(headerValues: ["crc32c=\(Self.crcBase64),md5=\(Self.md5Base64)"])
    #expect(hashes.crc32c == 0xE306_9283)
    #expect(hashes.crc32c == CRC32C.checksum(Array("123456789".utf8)))
    #expect(hashes.md5 == Self.md5Bytes)
    #expect(hashes.headerValue == "crc32c=\(Self.crcBase64),md5=\(Self.md5Base64)")
  }

  @Test("x-goog-hash is read from several headers, with spaces and unknown algorithms")
  func hashHeaderSeveral() throws {
    let hashes = try ObjectHashes(headerValues: [" crc32c=\(Self.crcBase64) ", "md5=\(Self.md5Base64), sha256=abc"])
    #expect(hashes.crc32c == 0xE306_9283)
    #expect(hashes.md5 == Self.md5Bytes)
  }

  @Test("a composite object has only a CRC32C, and no header means no hashes")
  func hashHeaderPartial() throws {
    #expect(try ObjectHashes(headerValues: ["crc32c=\(Self.crcBase64)"]) == ObjectHashes(crc32c: 0xE306_9283))
    #expect(try ObjectHashes(headerValues: []) == ObjectHashes())
  }

  @Test(
    "a malformed or contradictory hash is an error, never silently skipped",
    arguments: [["crc32c=zz"], ["crc32c=AAAA"], ["md5=4waSgw=="], ["crc32c"], ["crc32c=4waSgw==", "crc32c=AAAAAA=="]])
  func hashHeaderMalformed(values: [String]) {
    #expect(throws: CloudStorageError.self) { try ObjectHashes(headerValues: values) }
  }

  @Test("Content-Range is parsed in its three forms")
  func contentRange() {
    #expect(ContentRange("bytes 0-99/1000") == ContentRange(range: 0...99, total: 1000))
    #expect(ContentRange("bytes 500-999/1000")?.length == 500)
    #expect(ContentRange("bytes 0-0/*") == ContentRange(range: 0...0, total: nil))
    #expect(ContentRange("bytes */1000") == ContentRange(range: nil, total: 1000))
    #expect(ContentRange("Bytes 1-2/3")?.range == 1...2)
    #expect(ContentRange("bytes 9223372036854775806-9223372036854775806/9223372036854775807")?.length == 1)
  }

  @Test(
    "inconsistent or malformed Content-Range values are refused",
    arguments: ["bytes 5-4/10", "bytes 0-10/10", "bytes 0-9", "items 0-9/10", "bytes */*", "bytes -1-9/10", "bytes 0-9/ten", "",
      // found by fuzzing: a range this long has a length that does not fit
      "bytes 0-9223372036854775807/*",
    ])
  func contentRangeRejects(header: String) {
    #expect(ContentRange(header) == nil)
  }
}
