public import Foundation
import Synchronization

/// Runs a program as a child process and collects what it prints; for end-to-end tests of the built CLI.
public final class ChildProcess: @unchecked Sendable {
  // @unchecked: `Process` is not Sendable; every access to it below happens on the thread that owns the object, and
  // the pipes are read by their own reader blocks.
  public let process = Process()
  private let standardOutput = Pipe()
  private let standardError = Pipe()
  /// Lines of standard error, as they are printed.
  public let errorLines: AsyncStream<String>
  private let errorContinuation: AsyncStream<String>.Continuation
  private let collected = CollectedOutput()

  public init(executable: String, arguments: [String], environment: [String: String]? = nil) {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = standardOutput
    process.standardError = standardError
    (errorLines, errorContinuation) = AsyncStream.makeStream(of: String.self)
  }

  public func start() throws {
    let collected = self.collected
    let continuation = errorContinuation
    standardOutput.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      collected.appendOutput(data)
    }
    standardError.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if data.isEmpty {
        continuation.finish()
        handle.readabilityHandler = nil
        return
      }
      for line in collected.appendError(data) { continuation.yield(line) }
    }
    try process.run()
  }

  /// Sends a signal, as a terminal's Ctrl-C does with `SIGINT`.
  public func signal(_ signal: Int32) {
    kill(process.processIdentifier, signal)
  }

  /// Waits for the process to exit; returns its exit status and everything it printed.
  public func wait() async -> (status: Int32, output: String, error: String) {
    let process = self.process
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      DispatchQueue.global().async {
        process.waitUntilExit()
        continuation.resume()
      }
    }
    // Drain what is left in the pipes after the exit.
    standardOutput.fileHandleForReading.readabilityHandler = nil
    standardError.fileHandleForReading.readabilityHandler = nil
    collected.appendOutput(standardOutput.fileHandleForReading.readDataToEndOfFile())
    _ = collected.appendError(standardError.fileHandleForReading.readDataToEndOfFile())
    errorContinuation.finish()
    return (process.terminationStatus, collected.output, collected.error)
  }

  /// Runs to the end.
  public static func run(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil
  ) async throws -> (
    status: Int32, output: String, error: String
  ) {
    let child = ChildProcess(executable: executable, arguments: arguments, environment: environment)
    try child.start()
    return await child.wait()
  }
}

/// Output gathered from the pipes' reader threads.
final class CollectedOutput: Sendable {
  private struct State {
    var output = Data()
    var error = Data()
    var partialLine = Data()
  }

  private let state = Mutex(State())

  var output: String { state.withLock { String(decoding: $0.output, as: UTF8.self) } }
  var error: String { state.withLock { String(decoding: $0.error, as: UTF8.self) } }

  func appendOutput(_ data: Data) {
    state.withLock { $0.output.append(data) }
  }

  /// Appends and returns the lines completed by `data`.
  func appendError(_ data: Data) -> [String] {
    state.withLock { state in
      state.error.append(data)
      state.partialLine.append(data)
      var lines: [String] = []
      while let newline = state.partialLine.firstIndex(of: 0x0A) {
        lines.append(String(decoding: state.partialLine[state.partialLine.startIndex..<newline], as: UTF8.self))
        state.partialLine = Data(state.partialLine[(newline + 1)...])
      }
      return lines
    }
  }
}
