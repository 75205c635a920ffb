import ArgumentParser

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `mediabatch`: export every user's media out of Firebase, verified and resumable.
@main
struct MediaBatchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mediabatch",
    abstract: "Export every user's media out of Firebase into a verified, per-user folder tree.",
    discussion: "With no Firebase project configured, MediaBatch runs on built-in demo data.",
    subcommands: [RunCommand.self, ServeCommand.self, InspectCommand.self, VerifyCommand.self, JobsCommand.self],
    defaultSubcommand: RunCommand.self
  )

  /// Exit codes: 0 every item succeeded, 1 some failed or the job was stopped, 2 it could not run.
  static func main() async {
    do {
      var command = try parseAsRoot(optionalValues(Array(CommandLine.arguments.dropFirst())))
      if command is RunCommand || command is ServeCommand { blockStopSignals() }
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let code as ExitCode {
      terminate(code.rawValue)
    } catch {
      if exitCode(for: error) == .success {
        print(fullMessage(for: error))
        terminate(0)
      }
      Terminal.writeError("mediabatch: " + fullMessage(for: error))
      terminate(2)
    }
  }
}

/// `--retry-failed` may be given without a job: it then means the last job with failures.
private func optionalValues(_ arguments: [String]) -> [String] {
  var result: [String] = []
  for (index, argument) in arguments.enumerated() {
    result.append(argument)
    if argument == "--retry-failed", index + 1 == arguments.count || arguments[index + 1].hasPrefix("-") {
      result.append(RunCommand.lastJobWithFailures)
    }
  }
  return result
}

/// Blocks SIGINT and SIGTERM in this thread (the main one, before the first suspension) and so in every thread
/// started after it. The commands that stop gracefully read them through a signal source, which on Linux receives a
/// signal only if no thread takes it first; a thread that did not block it would have it discarded.
private func blockStopSignals() {
  var signals = sigset_t()
  sigemptyset(&signals)
  sigaddset(&signals, SIGINT)
  sigaddset(&signals, SIGTERM)
  pthread_sigmask(SIG_BLOCK, &signals, nil)
}

private func terminate(_ status: Int32) -> Never {
  #if canImport(Glibc)
    Glibc.exit(status)
  #else
    Darwin.exit(status)
  #endif
}
