import MediaBatchCore
import Toolbox

/// A large object fetched as parallel `Range` slices into one partial file, each slice pinned to the generation its
/// metadata named and written at its own offset. Each slice keeps its own CRC32C, and the whole object's is combined
/// from them (`CRC32C.combine`), so nothing is read twice. A slice whose connection drops continues from where it
/// stopped; one that cannot (the object changed, the store ignored the range) gives the whole object back to the
/// single-stream download, which starts over.
struct SlicedDownload<Store: MediaStore>: Sendable {
  let store: Store
  let retry: RetryPolicy
  let progress: ProgressTracker
  let location: ObjectLocation
  /// The generation the object's metadata named: every slice is of it.
  let generation: String
  let slices: [Range<Int64>]

  /// Why the slices were given up for a single stream.
  struct FallBack: Error, CustomStringConvertible {
    var description: String
  }

  /// Fetches every slice into `file`; returns the CRC32C of the whole object. On any throw, the bytes it counted in
  /// the progress are taken back out.
  func run(into file: WritableFile) async throws -> UInt32 {
    let crcs = try await withThrowingTaskGroup(of: (Int, UInt32).self) { group in
      // One child per slice: at most `Slicing.maximumSlices`, fixed before the group starts, so the group is bounded.
      // Their requests share the HTTP client's connections per host (sized from --concurrency), which queues any
      // beyond it: slicing never opens more connections than the pool allows.
      for (index, slice) in slices.enumerated() {
        group.addTask {
          let crc = try await fetch(slice, into: file)
          return (index, crc)
        }
      }
      var crcs = [UInt32](repeating: 0, count: slices.count)
      var completed: Int64 = 0
      do {
        for try await (index, crc) in group {
          crcs[index] = crc
          completed += Int64(slices[index].count)
        }
      } catch {
        // The slices still running are cancelled and take their own bytes back; the finished ones are taken here.
        group.cancelAll()
        progress.bytesStreamed(-completed)
        throw error
      }
      return crcs
    }
    var whole = CRC32C.checksum([UInt8]())
    for (slice, crc) in zip(slices, crcs) { whole = CRC32C.combine(whole, crc, lengthB: Int64(slice.count)) }
    return whole
  }

  /// One slice, with the item's retry rules; when it fails, its bytes are taken back out of the progress count.
  private func fetch(_ slice: Range<Int64>, into file: WritableFile) async throws -> UInt32 {
    var written: Int64 = 0
    var crc = CRC32C()
    var attempts = AttemptStateMachine(retry: retry)
    var random = SystemRandomNumberGenerator()
    do {
      while true {
        attempts.attemptStarted()
        do {
          let start = slice.lowerBound + written
          let response = try await store.open(location, range: start..<slice.upperBound, generation: generation)
          guard response.bodyOffset == start else {
            throw FallBack(description: "the store answered a range from byte \(start) with one from byte \(response.bodyOffset)")
          }
          var pace = Pace(rule: retry.stall)
          for try await chunk in response.body {
            try Task.checkCancellation()
            // A store that cannot end a range early sends on past the slice: only the slice is taken.
            let take = Int(min(Int64(chunk.count), Int64(slice.count) - written))
            try chunk.withUnsafeBytes { buffer in
              let part = UnsafeRawBufferPointer(rebasing: buffer[..<take])
              crc.update(part)
              try file.write(part, at: slice.lowerBound + written)
            }
            written += Int64(take)
            progress.bytesStreamed(Int64(take))
            if written == Int64(slice.count) { break }
            if let stalled = pace.received(Int64(chunk.count)) {
              throw StoreError(.network, "a slice of \(location) stalled: \(stalled)", .transient())
            }
          }
          guard written == Int64(slice.count) else {
            throw StoreError(.truncated, "a slice of \(location) ended after \(written) of \(slice.count) bytes", .transient())
          }
          return crc.value
        } catch let fallBack as FallBack {
          throw fallBack
        } catch {
          let decision = attempts.failed(DownloadFailure(error), using: &random)
          switch decision.action {
          case .retry(let delay, resume: true):
            progress.retryStarted()
            defer { progress.retryEnded() }
            try await Task.sleep(for: delay)
          case .retry(_, resume: false), .retryNow:
            // The bytes so far are no good (the object changed): the single stream starts the object over.
            throw FallBack(description: "a slice of \(location) cannot continue: \(error)")
          case .fail(let itemError):
            throw StoreError(itemError.code, itemError.message)
          case .cancel:
            throw CancellationError()
          }
        }
      }
    } catch {
      progress.bytesStreamed(-written)
      throw error
    }
  }
}
