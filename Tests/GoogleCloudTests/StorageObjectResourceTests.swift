import GoogleCloud
import Testing

@Suite("Cloud Storage object resource", .timeLimit(.minutes(15)))
struct StorageObjectResourceTests {
  @Test("size and generation arrive as strings, hashes as base64 of raw bytes, and tokens comma-separated")
  func decodesResource() throws {
    let json = try JSONValue(
      parsing: """
        {"kind": "storage#object", "bucket": "demo.appspot.com", "name": "images/a b.png", "size": "18446744073",
         "generation": "1712345678901234", "metageneration": "2", "contentType": "image/png",
         "crc32c": "4waSgw==", "md5Hash": "JfnnlDI7RTiF9RgfG2JNCw==",
         "metadata": {"firebaseStorageDownloadTokens": "tok-1, tok-2,,", "other": "x"}}
        """)
    let resource = try StorageObjectResource(json: json)
    #expect(resource.object == StorageObjectID(bucket: "demo.appspot.com", name: "images/a b.png"))
    #expect(resource.size == 18_446_744_073)
    #expect(resource.generation == "1712345678901234")
    #expect(resource.metageneration == "2")
    #expect(resource.hashes.crc32c == 0xE306_9283)
    #expect(resource.hashes.md5 == StorageObjectNameTests.md5Bytes)
    #expect(resource.downloadTokens == ["tok-1", "tok-2"])
  }

  @Test("a composite object has no md5Hash and no tokens, and that is not an error")
  func compositeObject() throws {
    let resource = try StorageObjectResource(
      json: try JSONValue(
        parsing: #"{"bucket": "b", "name": "o", "size": 0, "generation": 7, "crc32c": "AAAAAA==", "contentEncoding": "gzip"}"#))
    #expect(resource.hashes == ObjectHashes(crc32c: 0))
    #expect(resource.size == 0)
    #expect(resource.generation == "7")
    #expect(resource.contentEncoding == "gzip")
    #expect(resource.downloadTokens.isEmpty)
  }

  @Test("a resource without a name, with a negative size or a hex checksum is refused")
  func refusesBadResources() {
    #expect(throws: CloudStorageError.self) { try StorageObjectResource(json: try JSONValue(parsing: #"{"bucket": "b"}"#)) }
    #expect(throws: CloudStorageError.self) {
      try StorageObjectResource(json: try JSONValue(parsing: #"{"bucket": "b", "name": "o", "size": "-1"}"#))
    }
    #expect(throws: CloudStorageError.self) {
      try StorageObjectResource(json: try JSONValue(parsing: #"{"bucket": "b", "name": "o", "crc32c": "e3069283"}"#))
    }
  }
}
