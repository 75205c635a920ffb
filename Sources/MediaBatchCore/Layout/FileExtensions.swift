import Toolbox

/// File name extensions for the content types media apps store.
enum FileExtensions {
  static func forContentType(_ contentType: String) -> String? {
    let essence = String(contentType.split(separator: ";").first ?? "").trimmingWhitespace().lowercased()
    return known[essence]
  }

  private static let known: [String: String] = [
    "image/png": ".png", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
    "image/heic": ".heic", "image/heif": ".heif", "image/svg+xml": ".svg", "image/bmp": ".bmp", "image/tiff": ".tiff",
    "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav", "audio/mpeg": ".mp3", "audio/mp4": ".m4a",
    "audio/aac": ".aac", "audio/ogg": ".ogg", "audio/opus": ".opus", "audio/webm": ".weba", "audio/flac": ".flac",
    "audio/3gpp": ".3gp", "audio/amr": ".amr", "video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm",
    "application/pdf": ".pdf", "text/plain": ".txt", "application/json": ".json",
  ]
}
