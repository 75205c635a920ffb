import MediaBatchCore

/// The trouble `--demo-edge-cases` adds, the kind real exports meet: hostile names, duplicates, colliding emails,
/// missing documents and objects, corrupt bytes, wrong shapes.
enum DemoEdgeCases {
  struct EdgeUser {
    var user: SourceUser
  }

  struct EdgeItem {
    var id: String
    var kind: MediaKind
    var name: String
    var content: DemoContent
  }

  static let users: [EdgeUser] = [
    EdgeUser(
      user: SourceUser(
        id: "edge-hostile-names",
        email: "edge.cases@example.com",
        items: hostileItems.map(makeItem) + [makeItem(hostileItems[0])],  // one id listed twice
        unresolved: [
          UnresolvedItem(
            id: "no-such-metadata",
            kind: .images,
            error: ItemError(.metadataMissing, "metadata document images/no-such-metadata does not exist")
          )
        ]
      )
    ),
    EdgeUser(user: SourceUser(id: "edge-twin-dot", email: "twin.user@example.com", items: [makeItem(twinItems[0])])),
    EdgeUser(user: SourceUser(id: "edge-twin-underscore", email: "twin_user@example.com", items: [makeItem(twinItems[1])])),
    EdgeUser(
      user: SourceUser(
        id: "edge-bad-shape",
        email: "bad.shape@example.com",
        items: [makeItem(twinItems[2])],
        unresolved: [
          UnresolvedItem(
            id: "voiceIds",
            kind: .voices,
            error: ItemError(.invalidMetadata, "user field voiceIds is a string, expected an array of ids")
          )
        ]
      )
    ),
  ]

  static let hostileItems: [EdgeItem] = [
    EdgeItem(id: "hostile-traversal", kind: .images, name: "../../etc/passwd", content: .image(width: 64, height: 48, seed: 1)),
    EdgeItem(id: "hostile-separators", kind: .images, name: "a/b\\c", content: .image(width: 48, height: 64, seed: 2)),
    EdgeItem(
      id: "hostile-long",
      kind: .images,
      name: String(repeating: "x", count: 296) + ".png",
      content: .image(width: 40, height: 40, seed: 3)
    ),
    EdgeItem(id: "hostile-empty", kind: .images, name: "", content: .image(width: 32, height: 32, seed: 4)),
    EdgeItem(
      id: "hostile-controls",
      kind: .images,
      name: "invoice\u{202E}gnp.exe\u{07}\u{00}.png",
      content: .image(width: 56, height: 40, seed: 5)
    ),
    EdgeItem(id: "duplicate-a", kind: .images, name: "duplicate.png", content: .image(width: 60, height: 60, seed: 6)),
    EdgeItem(id: "duplicate-b", kind: .images, name: "duplicate.png", content: .image(width: 70, height: 50, seed: 7)),
    EdgeItem(id: "voice-missing-object", kind: .voices, name: "gone.wav", content: .missing),
    EdgeItem(
      id: "voice-corrupted",
      kind: .voices,
      name: "corrupted.wav",
      content: .corrupted(.voice(milliseconds: 700, seed: 8))
    ),
  ]

  static let twinItems: [EdgeItem] = [
    EdgeItem(id: "twin-dot-photo", kind: .images, name: "me.png", content: .image(width: 80, height: 80, seed: 9)),
    EdgeItem(id: "twin-underscore-photo", kind: .images, name: "me.png", content: .image(width: 90, height: 70, seed: 10)),
    EdgeItem(id: "bad-shape-photo", kind: .images, name: "ok.png", content: .image(width: 50, height: 50, seed: 11)),
  ]

  static let objects: [String: DemoContent] = Dictionary(
    uniqueKeysWithValues: (hostileItems + twinItems).map { (objectName($0), $0.content) }
  )

  private static func objectName(_ item: EdgeItem) -> String { "edge/\(item.kind.name)/\(item.id)" }

  private static func makeItem(_ edge: EdgeItem) -> MediaItem {
    let declaredSize: Int64? = edge.content == .missing ? nil : edge.content.size
    return MediaItem(
      id: edge.id,
      kind: edge.kind,
      location: ObjectLocation(bucket: DemoCatalog.bucket, object: objectName(edge)),
      originalName: edge.name,
      contentType: edge.content.contentType,
      declaredSize: declaredSize,
      metadata: [
        "storagePath": .string(objectName(edge)),
        "originalName": .string(edge.name),
        "contentType": .string(edge.content.contentType),
      ]
    )
  }
}
