import GoogleCloud
import MediaBatchCore
import MediaBatchFirebase
import Testing
import Toolbox

@Suite("Media locations", .timeLimit(.minutes(15)))
struct MediaLocationParserTests {
  static let parser = MediaLocationParser(defaultBucket: "demo.appspot.com", extraHosts: ["emulator.lan:9199"])

  @Test(
    "every supported form gives the bucket and the exact object name",
    arguments: [
      ("images/u1/a.png", "demo.appspot.com", "images/u1/a.png"),
      ("/images/u1/a.png", "demo.appspot.com", "images/u1/a.png"),
      ("images/100%25 raw.png", "demo.appspot.com", "images/100%25 raw.png"),
      ("gs://other-bucket/images/a b.png", "other-bucket", "images/a b.png"),
      ("gs://other-bucket/images/100%25.png", "other-bucket", "images/100%25.png"),
      ("gs://other-bucket/folder/", "other-bucket", "folder"),
      (
        "https://firebasestorage.googleapis.com/v0/b/demo.appspot.com/o/images%2Fu1%2Fa%20b%2B%23%3F%25.png?alt=media&token=1c7f-uuid",
        "demo.appspot.com", "images/u1/a b+#?%.png"
      ),
      (
        "https://firebasestorage.googleapis.com/v0/b/demo.firebasestorage.app/o/caf%C3%A9%2F%E6%97%A5.jpg", "demo.firebasestorage.app",
        "café/日.jpg"
      ),
      ("https://firebasestorage.googleapis.com/v0/b/b1/o/a+b?alt=media", "b1", "a+b"),
      ("http://127.0.0.1:9199/v0/b/demo-test.appspot.com/o/voices%2Fv.m4a?alt=media&token=t", "demo-test.appspot.com", "voices/v.m4a"),
      ("http://localhost:9199/v0/b/demo/o/x", "demo", "x"),
      ("http://10.0.2.2:9199/v0/b/demo/o/x", "demo", "x"),
      ("http://[::1]:9199/v0/b/demo/o/x", "demo", "x"),
      ("http://emulator.lan:9199/v0/b/demo/o/x%2Fy", "demo", "x/y"),
      ("https://storage.googleapis.com/demo.appspot.com/images/u1/a%20b.png", "demo.appspot.com", "images/u1/a b.png"),
      ("https://storage.cloud.google.com/demo.appspot.com/images/a.png?authuser=0", "demo.appspot.com", "images/a.png"),
      (
        "https://storage.googleapis.com/download/storage/v1/b/demo.appspot.com/o/images%2Fa.png?generation=1&alt=media", "demo.appspot.com",
        "images/a.png"
      ),
      ("https://storage.googleapis.com/storage/v1/b/demo.appspot.com/o/images%2Fa.png", "demo.appspot.com", "images/a.png"),
      ("https://demo.appspot.com.storage.googleapis.com/images/a%231.png", "demo.appspot.com", "images/a#1.png"),
      ("HTTPS://FIREBASESTORAGE.GOOGLEAPIS.COM/v0/b/demo/o/Mixed%20Case.PNG", "demo", "Mixed Case.PNG"),
      ("  gs://b1/x.png\n", "b1", "x.png"),
      ("a/b://c", "demo.appspot.com", "a/b://c"),
    ])
  func parsesLocations(text: String, bucket: String, object: String) throws {
    #expect(try Self.parser.parse(text) == ObjectLocation(bucket: bucket, object: object))
  }

  @Test(
    "anything else is an invalid_location error, never a guess",
    arguments: [
      "", "   ", "gs://bucket-only", "gs://bucket-only/", "gs:///object", "gs://../etc/passwd", "gs://a..b/x",
      "https://firebasestorage.googleapis.com/v0/b/../o/x", "https://firebasestorage.googleapis.com/v0/b/%2E%2E/o/x",
      "https://firebasestorage.googleapis.com/v0/b/demo/o/", "https://firebasestorage.googleapis.com/v0/b/demo/o?alt=media",
      "https://firebasestorage.googleapis.com/v0/b/demo", "https://firebasestorage.googleapis.com/images/a.png",
      "https://firebasestorage.googleapis.com/v0/b/demo/o/bad%zz", "https://firebasestorage.googleapis.com/v0/b/demo/o/%FF",
      "https://firebasestorage.googleapis.com/v0/b/demo/o/%2E%2E",
      "https://firebasestorage.googleapis.com@evil.example/v0/b/demo/o/x", "https://evil.example/v0/b/demo/o/x",
      "http://192.168.1.9:9199/v0/b/demo/o/x", "ftp://demo/x", "data:image/png;base64,AAAA",
      "https://storage.googleapis.com/demo.appspot.com",
      "images/a\nb.png", "..",
    ])
  func rejectsOthers(text: String) {
    #expect {
      _ = try Self.parser.parse(text)
    } throws: { error in
      (error as? ItemError)?.code == .invalidLocation
    }
  }

  @Test("a plain path without a configured default bucket says so")
  func plainPathNeedsDefaultBucket() {
    #expect {
      _ = try MediaLocationParser(defaultBucket: nil).parse("images/a.png")
    } throws: { error in
      (error as? ItemError)?.message.contains("no default bucket") == true
    }
  }

  @Test("a URL's object name is decoded exactly once, so an encoded percent stays a percent")
  func decodedOnce() throws {
    let location = try Self.parser.parse("https://firebasestorage.googleapis.com/v0/b/demo/o/100%2525.png")
    #expect(location.object == "100%25.png")
  }

  @Test("parsing a Firebase URL built from any name gives that name back")
  func roundTripsBuiltURLs() throws {
    var random = SplitMix64(seed: 99)
    let pieces = ["a", "/", " ", "+", "%", "#", "?", ";", "&", "=", "é", "😀", "~", "..", "%2F", "'"]
    for _ in 0..<300 {
      let name = "x" + (0..<Int.random(in: 1...10, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
      let url = "https://firebasestorage.googleapis.com/v0/b/demo.appspot.com/o/\(StorageObjectName.encode(name))?alt=media&token=abc"
      #expect(try Self.parser.parse(url) == ObjectLocation(bucket: "demo.appspot.com", object: name))
    }
  }
}
