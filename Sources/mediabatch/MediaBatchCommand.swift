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
    subcommands: [RunCommand.self, ServeCommand.self, InspectCommand.self, VerifyCommand.self, JobsCommand.self, ReportCommand.self],
    defaultSubcommand: RunCommand.self
  )

  /// Exit codes: 0 every item succeeded, 1 some failed or the job was stopped, 2 it could not run.
  ///
  /// A mistake on the command line is told with the usage; an error while running is told by itself: it is about
  /// the folder, the project or the network, not about how the command was typed.
  static func main() async {
    var command: any ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      if exitCode(for: error) == .success {
        print(fullMessage(for: error))
        terminate(0)
      }
      Terminal.writeError(fullMessage(for: error))
      terminate(2)
    }
    do {
      if command is RunCommand || command is ServeCommand { blockStopSignals() }
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let code as ExitCode {
      terminate(code.rawValue)
    } catch where exitCode(for: error) == .success {
      // `--help` and `help <command>` are answered by a command of ArgumentParser's own, as it runs.
      print(fullMessage(for: error))
      terminate(0)
    } catch {
      Terminal.writeError("mediabatch: " + describe(error), severity: "ERROR")
      terminate(2)
    }
  }
}

/// An error while running, for people: its message alone.
private func describe(_ error: any Error) -> String {
  switch error {
  case let validation as ValidationError: validation.message
  case let failure as RunFailure: failure.message
  default: String(describing: error)
  }
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
