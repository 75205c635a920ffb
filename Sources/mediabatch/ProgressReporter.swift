import Foundation
import MediaBatchCore
import MediaBatchEngine

/// Shows a running job's progress: one line redrawn in place on a terminal, a plain line every few seconds otherwise.
struct ProgressReporter: Sendable {
  let engine: BatchEngine
  let interactive: Bool

  var interval: Duration { interactive ? .milliseconds(250) : .seconds(5) }

  func run() async {
    while !Task.isCancelled {
      do {
        try await Task.sleep(for: interval)
      } catch {
        return
      }
      let line = Self.line(engine.snapshot())
      if interactive { Terminal.rewriteLine(line) } else { Terminal.writeError(line, severity: "INFO") }
    }
  }

  /// Draws the final state and ends the line, so the summary starts on a fresh one.
  func finish() {
    guard interactive else { return }
    Terminal.rewriteLine(Self.line(engine.snapshot()))
    Terminal.endLine()
  }

  static func line(_ s: ProgressSnapshot) -> String {
    let more = s.usersListingComplete ? "" : "+"
    var parts = [
      "users \(Terminal.count(s.processedUsers))/\(Terminal.count(s.totalUsers))\(more)",
      "files \(Terminal.count(s.processedFiles))/\(Terminal.count(s.totalFiles))\(more)",
      "\(Terminal.bytes(s.downloadedBytes))/\(Terminal.bytes(s.totalBytes))",
      "\(Terminal.bytes(Int64(s.speedBytesPerSecond)))/s",
      "ETA \(s.etaSeconds.map(Terminal.duration) ?? "–")",
    ]
    if s.failedFiles > 0 { parts.append("failed \(Terminal.count(s.failedFiles))") }
    if s.retrying > 0 { parts.append("retrying \(s.retrying)") }
    if s.status == .stopping { parts.append("stopping…") }
    return parts.joined(separator: "  ")
  }
}
