import Testing

/// Tests that start the emulators (a Java Firestore and a Python storage server) or a server with a thousand users run
/// one at a time: run together, on a machine with many cores, they starve one another's child processes into read
/// timeouts that no user would meet. Lighter suites keep running beside them.
///
/// The wait for a turn counts against a suite's time limit, so the heavy suites' turns together must stay well
/// under it.
struct OneAtATime: SuiteTrait, TestTrait, TestScoping {
  var isRecursive: Bool { true }

  func scopeProvider(for test: Test, testCase: Test.Case?) -> OneAtATime? {
    // Each test takes its turn; a suite does not hold one while its tests wait for theirs.
    testCase == nil ? nil : self
  }

  func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
    await Turns.shared.take()
    do {
      try await function()
    } catch {
      await Turns.shared.pass()
      throw error
    }
    await Turns.shared.pass()
  }

  /// The queue of waiting tests, first come first served.
  private actor Turns {
    static let shared = Turns()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func take() async {
      guard busy else {
        busy = true
        return
      }
      await withCheckedContinuation { waiting.append($0) }
    }

    func pass() {
      if waiting.isEmpty {
        busy = false
      } else {
        waiting.removeFirst().resume()
      }
    }
  }
}

extension Trait where Self == OneAtATime {
  /// Runs each test of the suite alone among the suites that carry this trait.
  static var oneAtATime: Self { OneAtATime() }
}
