import Foundation
import GoogleCloud
import Logging
import Synchronization

/// How the CLI writes its log and notices on standard error: `text` for people, `json` for Cloud Logging (and any
/// collector that reads JSON lines): one object per line with `severity`, `message`, `time` and labels.
enum LogFormat: String, CaseIterable, Sendable {
  case text
  case json

  /// `--log-format`, else `MEDIABATCH_LOG_FORMAT`, else `json` when standard error is not a terminal and the process
  /// runs as a Cloud Run task, a Cloud Batch task or a Kubernetes pod (whose logging agents read JSON lines), `text`
  /// otherwise (a terminal, or a log file on a machine of one's own, is read by people).
  static func resolve(_ flag: String?, environment: EnvironmentValues, standardErrorIsTerminal: Bool) throws -> LogFormat {
    if let text = flag ?? environment.string("MEDIABATCH_LOG_FORMAT") {
      guard let format = LogFormat(rawValue: text.lowercased()) else {
        throw LogFormatError(text: text)
      }
      return format
    }
    let managed = ["CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION", "BATCH_TASK_INDEX", "BATCH_JOB_ID", "KUBERNETES_SERVICE_HOST"]
      .contains { environment.string($0) != nil }
    return !standardErrorIsTerminal && managed ? .json : .text
  }
}

struct LogFormatError: Error, CustomStringConvertible {
  var text: String
  var description: String { "the log format must be text or json, not \(text)" }
}

/// The labels every structured line carries (the shard, then the job once it started), and the format chosen.
enum StructuredLog {
  private static let state = Mutex<(format: LogFormat, labels: [String: String])>((.text, [:]))

  static var format: LogFormat { state.withLock { $0.format } }

  static func configure(_ format: LogFormat) { state.withLock { $0.format = format } }

  static func setLabel(_ name: String, _ value: String?) { state.withLock { $0.labels[name] = value } }

  /// One line in Cloud Logging's structured shape.
  static func line(severity: String, message: String, logger: String? = nil, metadata: [String: String] = [:], time: Date = Date()) -> String {
    var labels = state.withLock { $0.labels }
    var fields = metadata
    if let job = fields.removeValue(forKey: "mediabatch.job.id") { labels["job_id"] = job }
    var object = JSONObject([
      "severity": .string(severity),
      "message": .string(message),
      "time": .string(timestamp(time)),
    ])
    if !labels.isEmpty {
      let members = labels.sorted { $0.key < $1.key }.map { JSONObject.Member($0.key, .string($0.value)) }
      object.set("logging.googleapis.com/labels", .object(JSONObject(members)))
    }
    if let logger { object.set("logger", .string(logger)) }
    // Metadata goes beside the message (Cloud Logging keeps it in the entry's jsonPayload), never over a key above.
    for (key, value) in fields.sorted(by: { $0.key < $1.key }) where object[key] == nil { object.set(key, .string(value)) }
    return String(decoding: JSONValue.object(object).serializedBytes(), as: UTF8.self)
  }

  /// RFC 3339 in UTC with milliseconds, as Cloud Logging reads `time`.
  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: date)
  }

  static func severity(_ level: Logger.Level) -> String {
    switch level {
    case .trace, .debug: "DEBUG"
    case .info: "INFO"
    case .notice: "NOTICE"
    case .warning: "WARNING"
    case .error: "ERROR"
    case .critical: "CRITICAL"
    }
  }
}

/// A swift-log handler writing `StructuredLog` lines to standard error.
struct StructuredLogHandler: LogHandler {
  let label: String
  var logLevel: Logger.Level = .info
  var metadata: Logger.Metadata = [:]
  var metadataProvider: Logger.MetadataProvider?

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var merged = metadata
    if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
    if let extra = event.metadata { merged.merge(extra) { $1 } }
    var fields = merged.mapValues { "\($0)" }
    if let error = event.error { fields["error"] = "\(error)" }
    let line = StructuredLog.line(severity: StructuredLog.severity(event.level), message: event.message.description, logger: label, metadata: fields)
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
