public import Foundation
import Synchronization

/// Runs a program as a child process and collects what it prints; for end-to-end tests of the built CLI.
///
/// Kept on Foundation's `Process` rather than swift-subprocess for now: the end-to-end suites read standard error
/// line by line while the child runs, and moving them is a change of its own.
public final class ChildProcess: @unchecked Sendable {
  // @unchecked: `Process` is not Sendable; every access to it below happens on the thread that owns the object, and
  // the pipes are read by their own reader blocks.
  public let process = Process()
  private let standardOutput = Pipe()
  private let standardError = Pipe()
  /// Lines of standard error, as they are printed.
  public let errorLines: AsyncStream<String>
  private let errorContinuation: AsyncStream<String>.Continuation
  /// Lines of standard output, as they are printed.
  public let outputLines: AsyncStream<String>
  private let outputContinuation: AsyncStream<String>.Continuation
  private let collected = CollectedOutput()

  public init(executable: String, arguments: [String], environment: [String: String]? = nil) {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = standardOutput
    process.standardError = standardError
    (errorLines, errorContinuation) = AsyncStream.makeStream(of: String.self)
    (outputLines, outputContinuation) = AsyncStream.makeStream(of: String.self)
  }

  public func start() throws {
    let collected = self.collected
    let continuation = errorContinuation
    let output = outputContinuation
    standardOutput.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if data.isEmpty {
        output.finish()
        handle.readabilityHandler = nil
        return
      }
      for line in collected.appendOutput(data) { output.yield(line) }
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
    // The child inherits the spawning thread's signal mask, and the threads tasks run on block most signals: a
    // child started from one would never see SIGTERM or SIGINT. Spawn with every signal unblocked.
    var unblocked = sigset_t()
    var previous = sigset_t()
    sigemptyset(&unblocked)
    pthread_sigmask(SIG_SETMASK, &unblocked, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    try process.run()
  }

  /// The first line of standard error that `matches`, waiting at most `timeout`; `nil` when the process ends (its
  /// standard error closes, which ends the stream of lines) or the time runs out first, so a test fails with what the
  /// process printed instead of waiting for ever.
  public func errorLine(where matches: @escaping @Sendable (String) -> Bool, timeout: Duration = .seconds(120)) async -> String? {
    let lines = errorLines
    return await withTaskGroup(of: String?.self) { group in
      group.addTask {
        for await line in lines where matches(line) { return line }
        return nil
      }
      group.addTask {
        try? await Task.sleep(for: timeout)
        return nil
      }
      let first = await group.next() ?? nil
      group.cancelAll()
      return first
    }
  }

  /// Everything printed on standard error so far.
  public var errorSoFar: String { collected.error }

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
    _ = collected.appendOutput(standardOutput.fileHandleForReading.readDataToEndOfFile())
    _ = collected.appendError(standardError.fileHandleForReading.readDataToEndOfFile())
    errorContinuation.finish()
    outputContinuation.finish()
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
    var partialErrorLine = Data()
    var partialOutputLine = Data()
  }

  private let state = Mutex(State())

  var output: String { state.withLock { String(decoding: $0.output, as: UTF8.self) } }
  var error: String { state.withLock { String(decoding: $0.error, as: UTF8.self) } }

  /// Appends and returns the lines of standard output completed by `data`.
  func appendOutput(_ data: Data) -> [String] {
    state.withLock { state in
      state.output.append(data)
      return Self.completeLines(&state.partialOutputLine, data)
    }
  }

  /// Appends and returns the lines of standard error completed by `data`.
  func appendError(_ data: Data) -> [String] {
    state.withLock { state in
      state.error.append(data)
      return Self.completeLines(&state.partialErrorLine, data)
    }
  }

  private static func completeLines(_ partial: inout Data, _ data: Data) -> [String] {
    partial.append(data)
    var lines: [String] = []
    while let newline = partial.firstIndex(of: 0x0A) {
      lines.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
      partial = Data(partial[(newline + 1)...])
    }
    return lines
  }
}
