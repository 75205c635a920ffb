import GoogleCloud
import MediaBatchCore
import MediaBatchFirebase
import Testing

@Suite("Firebase documents to items", .timeLimit(.minutes(15)))
struct FirebaseDocumentMapperTests {
  let mapper = FirebaseDocumentMapper(schema: FirebaseSchema(), locations: MediaLocationParser(defaultBucket: "app.firebasestorage.app"))
  let images = FirebaseSchema().kinds[0]

  func user(_ fields: [String: FirestoreValue]) -> FirestoreDocument {
    FirestoreDocument(name: "projects/p/databases/(default)/documents/email_users/u1", fields: fields)
  }

  func metadata(_ fields: [String: FirestoreValue], id: String = "img1") -> FirestoreDocument {
    FirestoreDocument(name: "projects/p/databases/(default)/documents/images/\(id)", fields: fields)
  }

  @Test("a user's ids are read per kind in order, repeats once; wrong shapes become errors that name the field")
  func listings() {
    let listing = mapper.listing(
      of: user([
        "email": .string("a@example.com"),
        "imageIds": .array([.string("x"), .string("y"), .string("x"), .integer(7), .string("a/b"), .string("__id__")]),
        "voiceIds": .string("v1"),
      ])
    )
    #expect(listing.email == "a@example.com")
    #expect(listing.ids.map { "\($0.kind.name)/\($0.id)" } == ["images/x", "images/y"])
    #expect(listing.problems.map(\.id) == ["imageIds[3]", "a/b", "__id__", "voiceIds"])
    #expect(listing.problems.allSatisfy { $0.error.code == .invalidMetadata })
    #expect(mapper.listing(of: user(["email": .string("   "), "imageIds": .null])).email == nil)
    #expect(mapper.listing(of: user([:])).ids.isEmpty)
  }

  @Test("an item's location comes from a path, a gs:// URI or a download URL, its name from the metadata or the object")
  func items() throws {
    let byPath = try mapper.item(
      id: "img1", kind: images,
      metadata: metadata(["storagePath": .string("users/u1/p.jpg"), "originalName": .string("Beach.jpg"), "size": .string("42")])
    ).get()
    #expect(byPath.location == ObjectLocation(bucket: "app.firebasestorage.app", object: "users/u1/p.jpg"))
    #expect(byPath.originalName == "Beach.jpg")
    #expect(byPath.declaredSize == 42)
    #expect(byPath.metadata["size"] == .string("42"))

    let byURI = try mapper.item(id: "img1", kind: images, metadata: metadata(["fullPath": .string("gs://other/a b/c+d.jpg")])).get()
    #expect(byURI.location == ObjectLocation(bucket: "other", object: "a b/c+d.jpg"))
    #expect(byURI.originalName == "c+d.jpg")

    let url = "https://firebasestorage.googleapis.com/v0/b/app.appspot.com/o/uploads%2Fphoto%20%231.jpg?alt=media&token=t"
    let byURL = try mapper.item(id: "img1", kind: images, metadata: metadata(["downloadURL": .string(url), "mimeType": .string("image/jpeg")])).get()
    #expect(byURL.location == ObjectLocation(bucket: "app.appspot.com", object: "uploads/photo #1.jpg"))
    #expect(byURL.contentType == "image/jpeg")
  }

  @Test("missing documents, missing or unusable locations each end as their own error")
  func itemErrors() {
    func code(_ document: FirestoreDocument?) -> ItemError.Code? {
      guard case .failure(let error) = mapper.item(id: "img1", kind: images, metadata: document) else { return nil }
      return error.code
    }
    #expect(code(nil) == .metadataMissing)
    #expect(code(metadata(["originalName": .string("x.jpg")])) == .invalidLocation)
    #expect(code(metadata(["storagePath": .integer(7)])) == .invalidLocation)
    #expect(code(metadata(["downloadURL": .string("not a url at all")])) == .invalidLocation)
    #expect(code(metadata(["storagePath": .string("gs://only-a-bucket")])) == .invalidLocation)
  }

  @Test("a schema read from settings keeps the defaults for what it does not name")
  func schemaDefaults() throws {
    let schema = try FirebaseSchemaDecoding.decode(#"{"users_collection": "people", "kinds": [{"name": "videos", "ids_field": "videoIds", "metadata_collection": "videos"}]}"#)
    #expect(schema.usersCollection == "people")
    #expect(schema.kinds.map(\.name) == ["videos"])
    #expect(schema.emailField == "email")
    #expect(schema.locationFields == FirebaseSchema().locationFields)
  }
}

import Foundation

enum FirebaseSchemaDecoding {
  static func decode(_ json: String) throws -> FirebaseSchema {
    try JSONDecoder().decode(FirebaseSchema.self, from: Data(json.utf8))
  }
}
