import Foundation
import Hummingbird

/// The dashboard's built files, read once at start and served from memory, each at its own path and `index.html` at
/// `/` too: `index.html` is never cached, hashed assets are cached for a year. Nothing else is served from here.
struct DashboardFiles: Sendable {
  struct File: Sendable {
    var bytes: ByteBuffer
    var contentType: String
  }

  private var files: [String: File] = [:]

  /// Loads every file under `directory`; a missing directory gives an empty dashboard.
  init(directory: URL?) {
    guard let directory, let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
      return
    }
    let base = directory.standardizedFileURL.path
    for case let url as URL in enumerator {
      let path = url.standardizedFileURL.path
      guard path.hasPrefix(base), let data = try? Data(contentsOf: url), !url.hasDirectoryPath else { continue }
      let relative = String(path.dropFirst(base.count))
      files[relative.hasPrefix("/") ? relative : "/" + relative] = File(
        bytes: ByteBuffer(bytes: data),
        contentType: Self.contentType(forExtension: url.pathExtension)
      )
    }
  }

  /// The files bundled with the server.
  static func bundled() -> DashboardFiles {
    if let override = ProcessInfo.processInfo.environment["MEDIABATCH_DASHBOARD_DIR"], !override.isEmpty {
      return DashboardFiles(directory: URL(fileURLWithPath: override))
    }
    return DashboardFiles(directory: Bundle.module.url(forResource: "Public", withExtension: nil))
  }

  var isEmpty: Bool { files["/index.html"] == nil }

  /// Open to anyone: the page and its assets hold no data; the page asks for the token itself.
  func endpoints<Context: RequestContext>() -> [Endpoint<Context>] {
    let root = Endpoint<Context>.get("/", access: .open) { _, _ in try response(for: "/index.html") }
    return [root] + files.keys.sorted().map { path in .get(path, access: .open) { _, _ in try response(for: path) } }
  }

  private func response(for path: String) throws -> Response {
    guard let file = files[path] else {
      throw APIError(.notFound, code: "dashboard_missing", message: "the dashboard is not built into this server")
    }
    var headers = HTTPFields()
    headers[.contentType] = file.contentType
    headers[.cacheControl] = path.hasPrefix("/assets/") ? "public, max-age=31536000, immutable" : "no-cache"
    headers[.xContentTypeOptions] = "nosniff"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.bytes))
  }

  private static func contentType(forExtension ext: String) -> String {
    switch ext.lowercased() {
    case "html": "text/html; charset=utf-8"
    case "js": "text/javascript; charset=utf-8"
    case "css": "text/css; charset=utf-8"
    case "json", "map": "application/json"
    case "svg": "image/svg+xml"
    case "png": "image/png"
    case "ico": "image/x-icon"
    case "woff2": "font/woff2"
    default: "application/octet-stream"
    }
  }
}
