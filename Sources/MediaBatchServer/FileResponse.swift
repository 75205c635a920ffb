import HTTPTypes
import Hummingbird
import MediaBatchCore
import MediaBatchEngine
import NIOCore

/// An exported file as an HTTP answer: its type when it is media a browser shows (else a download), `ETag` from its
/// CRC32C, conditional requests (`If-None-Match` → 304, `If-Range`), and one `Range` (206, or 416 past the end), so an
/// `<audio>` element can seek. The bytes are the exporter's, not ours: they never run as a page of this origin.
struct FileResponse {
  let file: ExportFile
  let item: ItemOutcome

  /// Media types shown inline; anything else (HTML, SVG, scripts, unknown) is sent as a download.
  static let inlineTypes: Set<String> = [
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp",
    "audio/mpeg", "audio/mp4", "audio/aac", "audio/ogg", "audio/opus", "audio/wav", "audio/x-wav", "audio/wave", "audio/webm", "audio/flac",
    "audio/x-m4a", "video/mp4", "video/webm", "video/ogg",
  ]

  var etag: String? { item.crc32c.map { "\"\($0)\"" } }

  func response(to request: Request) -> Response {
    var headers: HTTPFields = [
      .acceptRanges: "bytes",
      .cacheControl: "private, no-cache",
      HTTPField.Name("X-Content-Type-Options")!: "nosniff",
      .contentSecurityPolicy: "sandbox; default-src 'none'",
    ]
    let type = item.contentType.map { $0.split(separator: ";").first.map { String($0).trimmingWhitespace().lowercased() } ?? "" } ?? ""
    let name = item.originalName ?? item.localPath?.split(separator: "/").last.map(String.init) ?? item.id
    if Self.inlineTypes.contains(type) {
      headers[.contentType] = type
      headers[.contentDisposition] = "inline; filename*=UTF-8''" + PathSegment.encode(name)
    } else {
      headers[.contentType] = "application/octet-stream"
      headers[.contentDisposition] = "attachment; filename*=UTF-8''" + PathSegment.encode(name)
    }
    if let etag {
      headers[.eTag] = etag
      if let match = request.headers[.ifNoneMatch], Self.matches(match, etag) {
        return Response(status: .notModified, headers: headers)
      }
    }
    var range: ClosedRange<Int64>? = nil
    if let header = request.headers[.range], request.headers[.ifRange].map({ $0 == etag }) ?? true {
      switch Self.parseRange(header, size: file.size) {
      case .none: break
      case .unsatisfiable:
        headers[.contentRange] = "bytes */\(file.size)"
        return Response(status: .rangeNotSatisfiable, headers: headers)
      case .bytes(let bytes): range = bytes
      }
    }
    let bytes = range ?? (0...max(0, file.size - 1))
    let length = file.size == 0 ? 0 : bytes.upperBound - bytes.lowerBound + 1
    headers[.contentLength] = String(length)
    if let range { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.size)" }
    let file = self.file
    let body = ResponseBody(contentLength: Int(length)) { writer in
      var offset = bytes.lowerBound
      var remaining = length
      while remaining > 0 {
        guard let chunk = file.read(at: offset, count: Int(min(remaining, 256 * 1024))), !chunk.isEmpty else {
          throw APIError(.internalServerError, code: "read_failed", message: "the file could not be read to its end")
        }
        try await writer.write(ByteBuffer(bytes: chunk))
        offset += Int64(chunk.count)
        remaining -= Int64(chunk.count)
      }
      try await writer.finish(nil)
    }
    return Response(status: range == nil ? .ok : .partialContent, headers: headers, body: body)
  }

  enum RangeAnswer: Equatable {
    /// No usable range: the whole file (a malformed or multi-range header may be ignored).
    case none
    case unsatisfiable
    case bytes(ClosedRange<Int64>)
  }

  /// One `bytes=` range of RFC 9110: `a-b`, `a-` or `-n`.
  static func parseRange(_ header: String, size: Int64) -> RangeAnswer {
    guard header.hasPrefix("bytes="), !header.contains(",") else { return .none }
    let spec = header.dropFirst(6).trimmingWhitespace()
    guard let dash = spec.firstIndex(of: "-") else { return .none }
    let first = spec[..<dash].trimmingWhitespace(), last = spec[spec.index(after: dash)...].trimmingWhitespace()
    func number(_ text: String) -> Int64? {
      guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
      return Int64(text)
    }
    if first.isEmpty {
      guard let suffix = number(last) else { return .none }
      guard suffix > 0, size > 0 else { return .unsatisfiable }
      return .bytes(max(0, size - suffix)...(size - 1))
    }
    guard let start = number(first) else { return .none }
    if !last.isEmpty {
      guard let end = number(last), end >= start else { return .none }
      guard start < size else { return .unsatisfiable }
      return .bytes(start...min(end, size - 1))
    }
    guard start < size else { return .unsatisfiable }
    return .bytes(start...(size - 1))
  }

  /// `If-None-Match`: `*` or a list of entity tags, compared weakly.
  static func matches(_ header: String, _ etag: String) -> Bool {
    header.split(separator: ",").contains { candidate in
      let tag = candidate.trimmingWhitespace()
      return tag == "*" || tag == etag || tag == "W/" + etag
    }
  }
}
