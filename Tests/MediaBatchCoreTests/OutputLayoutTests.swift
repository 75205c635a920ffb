import MediaBatchCore
import PropertyBased
import Testing

@Suite("Output layout and collisions", .timeLimit(.minutes(15)))
struct OutputLayoutTests {
  static let names = Gen<Character?>.element(of: Array("aA./\\ é_-")).map { $0 ?? "a" }.string(of: 0...12)

  @Test("no two items in one folder ever get the same name, even case-insensitively")
  func itemNamesNeverCollide() async {
    await propertyCheck(count: 300, input: Self.names.array(of: 1...40)) { (originals: [String]) in
      var claims = ItemFileNames()
      let names = originals.enumerated().map { index, original in
        claims.claim(itemId: "id-\(index)", originalName: original, contentType: "image/png")
      }
      #expect(Set(names.map { $0.lowercased() }).count == names.count)
      #expect(names.allSatisfy { !$0.contains("/") && !$0.hasPrefix(".") && $0.utf8.count <= NameSanitizer.maximumNameBytes })
    }
  }

  @Test("the names handed out are the same on every run")
  func namesAreStable() async {
    await propertyCheck(count: 200, input: Self.names.array(of: 1...20)) { (originals: [String]) in
      func run() -> [String] {
        var claims = ItemFileNames()
        return originals.enumerated().map { claims.claim(itemId: "id-\($0.offset)", originalName: $0.element, contentType: nil) }
      }
      #expect(run() == run())
    }
  }

  @Test("two items with the same name: the second gets a suffix derived from its id")
  func duplicateNamesGetAStableSuffix() {
    var claims = ItemFileNames()
    let first = claims.claim(itemId: "a", originalName: "photo.png", contentType: nil)
    let second = claims.claim(itemId: "b", originalName: "photo.png", contentType: nil)
    let third = claims.claim(itemId: "c", originalName: "PHOTO.png", contentType: nil)
    #expect(first == "photo.png")
    #expect(second == "photo-\(NameSanitizer.stableSuffix(for: "b")).png")
    #expect(third == "PHOTO-\(NameSanitizer.stableSuffix(for: "c")).png")
  }

  @Test("two emails that sanitise to the same folder get distinct folders")
  func collidingEmailsGetDistinctFolders() {
    var folders = UserFolderNames()
    let first = folders.claim(userId: "u1", email: "twin.user@example.com")
    let second = folders.claim(userId: "u2", email: "twin_user@example.com")
    let third = folders.claim(userId: "u3", email: nil)
    #expect(first == "twin_user_example_com")
    #expect(second == "twin_user_example_com-\(NameSanitizer.stableSuffix(for: "u2"))")
    #expect(third == "u3")
  }

  @Test("every path the layout builds stays under the root")
  func pathsStayUnderTheRoot() async {
    let layout = OutputLayout(root: "/export/out/")
    #expect(layout.root == "/export/out")
    await propertyCheck(count: 500, input: Self.names, Self.names) { email, original in
      var folders = UserFolderNames()
      var files = ItemFileNames()
      let folder = folders.claim(userId: "user", email: email)
      let name = files.claim(itemId: "item", originalName: original, contentType: nil)
      let path = layout.itemPath(folder: folder, relativePath: OutputLayout.relativeItemPath(kind: .images, fileName: name))
      let components = path.split(separator: "/")
      #expect(path.hasPrefix("/export/out/"))
      #expect(components.count == 5)
      #expect(!components.contains("..") && !components.contains("."))
    }
  }
}
